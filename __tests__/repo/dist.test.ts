/**
 * The committed dist/ must be exactly what `npm run build` makes from src/:
 * the runner executes dist/, not src/. Also keeps the User-Agent version in
 * step with package.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

import { VERSION } from '../../src/version.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir)
    .flatMap((name) =>
      statSync(path.join(dir, name)).isDirectory()
        ? listFiles(path.join(dir, name), `${prefix}${name}/`)
        : [`${prefix}${name}`],
    )
    .sort();
}

it('dist/ is what npm run build makes from src/', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'dist-check-'));
  try {
    execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs'), out], { cwd: root, stdio: 'pipe' });
    const committed = listFiles(path.join(root, 'dist'));
    expect(committed).toEqual(listFiles(out));
    const stale = committed.filter(
      (file) => !readFileSync(path.join(root, 'dist', file)).equals(readFileSync(path.join(out, file))),
    );
    expect(stale).toEqual([]); // run `npm run build` and commit dist/
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 120_000);

it('the User-Agent version is package.json version', () => {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
  expect(VERSION).toBe(pkg.version);
});
