/**
 * scripts/smoke.mjs is what the test workflow runs on windows-latest and
 * macos-latest; run it here too (under Node 24), so that it cannot rot
 * between the runs on those machines.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

import { DEFAULT_NODE_BINARY } from '../fakes/index.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

it('the smoke test of dist/ passes on this machine', async () => {
  const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      DEFAULT_NODE_BINARY,
      [path.join(root, 'scripts', 'smoke.mjs'), '--node', DEFAULT_NODE_BINARY],
      { cwd: root, timeout: 60_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
  expect(result.stdout.split('\n').filter((l) => /^(ok|FAIL) /.test(l))).toEqual(
    [
      'ok   GitHub WIF through a service account, access_token',
      'ok   GitHub WIF, direct',
      'ok   GitHub WIF through a service account, id_token',
      'ok   service-account key, access_token',
    ].map((prefix) => expect.stringMatching(new RegExp(`^${prefix.replace(/[()]/g, '\\$&')} \\(\\d+ \\+ \\d+ ms\\)$`))),
  );
  expect(result.stdout).toContain('All 4 smoke scenarios passed.');
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
}, 70_000);
