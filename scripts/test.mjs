// `npm test`: type-check, lint (ESLint), format check (Prettier), then every jest suite: __tests__/unit (in-process,
// with nock), __tests__/e2e (the bundled dist/ under Node 24 against fake servers on 127.0.0.1) and __tests__/repo
// (checks of dist/, the docs, metadata and workflows). Extra arguments go to jest, e.g. `npm test -- __tests__/unit`
// for one kind or `npm test -- __tests__/unit/config.test.ts` for one suite.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);

function step(label, command, args, env = {}) {
  console.log(`\n== ${label}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) {
    console.error(`\n${label} failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
  }
}

step('tsc --noEmit', bin('tsc'), ['--noEmit', '-p', '.']);
step('eslint', bin('eslint'), ['.']);
step('prettier --check', bin('prettier'), ['--check', '--log-level', 'warn', '.']);
step('jest', bin('jest'), process.argv.slice(2), {
  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules --no-warnings=ExperimentalWarning`.trim(),
});
