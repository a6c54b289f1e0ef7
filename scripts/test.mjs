// `npm test`: type-check, lint (ESLint), format check (Prettier), then every jest suite: __tests__/unit (in-process,
// with nock), __tests__/e2e (the bundled dist/ under Node 24 against fake servers on 127.0.0.1) and __tests__/repo
// (checks of dist/, the docs, metadata and workflows). Extra arguments go to jest, e.g. `npm test -- __tests__/unit`
// for one kind or `npm test -- __tests__/unit/config.test.ts` for one suite.
// Every step runs with a temporary directory of its own (TMPDIR), which must be empty at the end: a suite that
// leaves something behind fails the run (scripts/tmpdir-guard.mjs).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { privateTmpdir } from './tmpdir-guard.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const tmp = privateTmpdir(root);

function step(label, command, args, env = {}) {
  console.log(`\n== ${label}`);
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...tmp.env, ...env },
  });
  if (result.status !== 0) {
    console.error(`\n${label} failed (exit ${result.status ?? result.signal}).`);
    tmp.remove();
    process.exit(result.status ?? 1);
  }
}

step('tsc --noEmit', bin('tsc'), ['--noEmit', '-p', '.']);
step('eslint', bin('eslint'), ['.']);
step('prettier --check', bin('prettier'), ['--check', '--log-level', 'warn', '.']);
step('jest', bin('jest'), process.argv.slice(2), {
  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules --no-warnings=ExperimentalWarning`.trim(),
});

const left = tmp.leftovers();
tmp.remove();
if (left.length > 0) {
  console.error(
    `\nThe run left ${left.length} entr${left.length === 1 ? 'y' : 'ies'} in its temporary directory: ` +
      `${left.join(', ')}. A test must remove what it creates (rmSync in a finally or afterAll).`,
  );
  process.exit(1);
}
