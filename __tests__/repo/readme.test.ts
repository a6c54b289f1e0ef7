/** The README documents every input and output of action.yml, and its commands exist. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

import yaml from 'js-yaml';

// @ts-expect-error -- plain ESM script without type declarations
import { renderTables, updateReadme } from '../../scripts/readme-tables.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const actionYml = readFileSync(path.join(root, 'action.yml'), 'utf8');

it('has the input and output tables generated from action.yml', () => {
  // If this fails: node scripts/readme-tables.mjs
  expect(updateReadme(readme, renderTables(actionYml))).toBe(readme);
});

it('every input and output of action.yml has a description and a default', () => {
  const action = yaml.load(actionYml) as {
    runs: Record<string, string>;
    inputs: Record<string, { description?: string; default?: string }>;
    outputs: Record<string, { description?: string }>;
  };
  expect(action.runs).toEqual({ using: 'node24', main: 'dist/main/index.js', post: 'dist/post/index.js' });
  for (const [name, spec] of Object.entries(action.inputs)) {
    expect([name, typeof spec.description, typeof spec.default]).toEqual([name, 'string', 'string']);
    expect(readme).toContain(`| \`${name}\` |`);
  }
  for (const [name, spec] of Object.entries(action.outputs)) {
    expect([name, typeof spec.description]).toEqual([name, 'string']);
    expect(readme).toContain(`| \`${name}\` |`);
  }
});

it('gives the run and test commands that package.json and .ci/run provide', () => {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  expect(readme).toContain('npm ci && npm run local-run');
  expect(readme).toContain('npm ci && npm test');
  expect(pkg.scripts['local-run']).toBeDefined();
  expect(readFileSync(path.join(root, '.ci/run'), 'utf8')).toMatch(/^npm ci\b.*\n\s*npm test$/ms);
});
