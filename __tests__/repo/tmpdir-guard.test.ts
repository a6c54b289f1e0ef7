/**
 * `npm test` runs every step with a temporary directory of its own and fails
 * when a suite leaves something in it (scripts/test.mjs, scripts/tmpdir-guard.mjs).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

import { privateTmpdir } from '../../scripts/tmpdir-guard.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

interface PrivateTmpdir {
  dir: string;
  env: Record<string, string>;
  leftovers(): string[];
  remove(): void;
}

it('names what a process left in its temporary directory, then removes the directory', () => {
  const tmp = privateTmpdir(root) as PrivateTmpdir;
  try {
    expect(path.dirname(tmp.dir)).toBe(tmpdir());
    expect(tmp.leftovers()).toEqual([]);
    // A child that uses os.tmpdir() as a leaking test would, and one that cleans up.
    const script =
      "const fs = require('node:fs'), os = require('node:os'), p = require('node:path');" +
      "fs.mkdtempSync(p.join(os.tmpdir(), 'leaky-'));" +
      "fs.rmSync(fs.mkdtempSync(p.join(os.tmpdir(), 'tidy-')), { recursive: true });";
    execFileSync(process.execPath, ['-e', script], { env: { ...process.env, ...tmp.env } });
    expect(tmp.leftovers()).toEqual([expect.stringMatching(/^leaky-/)]);
  } finally {
    tmp.remove();
  }
  expect(existsSync(tmp.dir)).toBe(false);
});

it('npm test checks it after the suites, and jest keeps its cache elsewhere', () => {
  const script = readFileSync(path.join(root, 'scripts', 'test.mjs'), 'utf8');
  expect(script).toContain('const left = tmp.leftovers();');
  expect(script).toMatch(/env: \{ \.\.\.process\.env, \.\.\.tmp\.env, \.\.\.env \}/);
  expect(readFileSync(path.join(root, 'jest.config.mjs'), 'utf8')).toContain(
    "cacheDirectory: '<rootDir>/node_modules/.cache/jest'",
  );
});
