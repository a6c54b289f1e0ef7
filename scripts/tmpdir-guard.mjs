// A temporary directory of its own for a run of tools and test suites, which must find it empty at the end:
// a test that leaves a file or directory behind in os.tmpdir() is named, and the run fails (scripts/test.mjs).
// The caches meant to outlive a run live in node_modules/.cache instead (jest's in jest.config.mjs, Node's
// compile cache, which tsc, ESLint and Prettier turn on, here).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * @param {string} root the repository
 * @returns {{ dir: string, env: Record<string, string>, leftovers(): string[], remove(): void }}
 */
export function privateTmpdir(root) {
  const dir = mkdtempSync(join(tmpdir(), 'npm-test-'));
  return {
    dir,
    env: {
      TMPDIR: dir,
      TMP: dir,
      TEMP: dir,
      NODE_COMPILE_CACHE: join(root, 'node_modules', '.cache', 'node-compile-cache'),
    },
    leftovers: () => readdirSync(dir).sort(),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
