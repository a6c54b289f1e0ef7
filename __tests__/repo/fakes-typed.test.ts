/**
 * The fakes are plain .mjs (node runs them directly, from scripts and e2e child processes) and are type-checked by
 * `tsc` with the tests: tsconfig.json allows JS, every fake opts in with `// @ts-check`, and the shapes they share
 * live in type-only `*-types.d.mts` / `types.d.mts` files. A `<name>.d.mts` beside `<name>.mjs` would shadow the
 * code (TypeScript reads the declaration instead), so hand-written signatures could drift from it unchecked again.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const fakes = path.join(root, '__tests__', 'fakes');
const files = readdirSync(fakes);

it('tsconfig.json reads JS, so the tests get the fakes’ own JSDoc types', () => {
  const tsconfig = JSON.parse(readFileSync(path.join(root, 'tsconfig.json'), 'utf8')) as {
    compilerOptions: { allowJs?: boolean };
    include: string[];
  };
  expect(tsconfig.compilerOptions.allowJs).toBe(true);
  expect(tsconfig.include).toContain('__tests__');
});

it('every fake module opts in to type checking', () => {
  const modules = files.filter((name) => name.endsWith('.mjs'));
  expect(modules.length).toBeGreaterThan(10);
  expect(modules.filter((name) => !readFileSync(path.join(fakes, name), 'utf8').startsWith('// @ts-check\n'))).toEqual(
    [],
  );
});

it('no declaration file hides a fake from the check', () => {
  expect(files.filter((name) => name.endsWith('.d.mts') && files.includes(name.replace(/\.d\.mts$/, '.mjs')))).toEqual(
    [],
  );
});
