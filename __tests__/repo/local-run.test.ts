/**
 * `npm run local-run` (scripts/local-run.mjs), as the README tells a new user
 * to run it: it succeeds, leaves nothing in the temporary directory, and
 * writes terminal colour codes only when asked to (its output here is a pipe,
 * as when it is redirected to a file or read by another program).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const ESC = '\x1b[';

/** Runs local-run with `env` and a TMPDIR of its own; returns its output and what it left in that TMPDIR. */
async function localRun(env: Record<string, string>): Promise<{ code: number; stdout: string; left: string[] }> {
  const tmp = mkdtempSync(path.join(tmpdir(), 'local-run-test-'));
  try {
    const base = { ...process.env };
    for (const name of ['NO_COLOR', 'FORCE_COLOR']) delete base[name];
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(
        process.execPath,
        [path.join(root, 'scripts', 'local-run.mjs')],
        { cwd: root, env: { ...base, TMPDIR: tmp, TMP: tmp, TEMP: tmp, ...env }, timeout: 60_000 },
        (err, out) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout: out }),
      );
    });
    return { code, stdout, left: readdirSync(tmp) };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

it('piped: succeeds, without escape codes, and leaves nothing in the temporary directory', async () => {
  const run = await localRun({});
  expect(run.stdout).toContain('\n== Main step log (exit 0,');
  expect(run.stdout).toContain('\n== Post step (exit 0)');
  expect(run.stdout).not.toContain(ESC);
  expect({ code: run.code, left: run.left }).toEqual({ code: 0, left: [] });
}, 70_000);

it('FORCE_COLOR asks for bold headings, and NO_COLOR wins over it', async () => {
  const forced = await localRun({ FORCE_COLOR: '1' });
  expect(forced.stdout).toContain(`\n${ESC}1m== Main step log (exit 0,`);
  const none = await localRun({ FORCE_COLOR: '1', NO_COLOR: '1' });
  expect(none.stdout).toContain('\n== Main step log (exit 0,');
  expect(none.stdout).not.toContain(ESC);
  expect([forced.left, none.left]).toEqual([[], []]);
}, 70_000);
