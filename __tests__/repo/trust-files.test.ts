/**
 * The files a user reads before trusting the action with their credentials:
 * LICENSE is the license package.json names, CHANGELOG.md follows Keep a
 * Changelog with a section for the current version, and SECURITY.md's
 * promises name every output and exported variable the code writes.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

import yaml from 'js-yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const pkg = JSON.parse(read('package.json')) as { license: string; version: string };

it('LICENSE is the Apache License 2.0 that package.json names, word for word', () => {
  expect(pkg.license).toBe('Apache-2.0');
  // SHA-256 of https://www.apache.org/licenses/LICENSE-2.0.txt, the text the SPDX id refers to.
  expect(createHash('sha256').update(read('LICENSE')).digest('hex')).toBe(
    'cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30',
  );
});

it('CHANGELOG.md keeps a changelog: Unreleased first, then dated versions, newest first, with links', () => {
  const text = read('CHANGELOG.md');
  const headings = [...text.matchAll(/^## (.*)$/gm)].map((m) => m[1] ?? '');
  expect(headings[0]).toBe('[Unreleased]');
  const versions = headings.slice(1).map((h) => {
    const m = /^\[(\d+\.\d+\.\d+)\] - (\d{4}-\d\d-\d\d)$/.exec(h);
    expect(m).not.toBeNull();
    return m?.[1] ?? '';
  });
  expect(versions).toContain(pkg.version);
  const order = [...versions].sort((a, b) => b.localeCompare(a, 'en', { numeric: true }));
  expect(versions).toEqual(order);
  for (const label of ['Unreleased', ...versions]) expect(text).toMatch(new RegExp(`^\\[${label}\\]: https://`, 'm'));
  for (const m of text.matchAll(/^### (.*)$/gm)) {
    expect(['Added', 'Changed', 'Deprecated', 'Removed', 'Fixed', 'Security']).toContain(m[1]);
  }
});

describe('SECURITY.md', () => {
  const security = read('SECURITY.md');

  it('says how to report privately', () => {
    expect(security).toContain('Report a vulnerability');
    expect(security).toMatch(/do \*\*not\*\* open a public issue/);
  });

  it('names every output of action.yml', () => {
    const action = yaml.load(read('action.yml')) as { outputs: Record<string, unknown> };
    for (const output of Object.keys(action.outputs)) expect(security).toContain(`\`${output}\``);
  });

  it('names every variable the results stage and the AWS source export, and the file', () => {
    const results = read('src/results.ts');
    const lists = [...results.matchAll(/const (?:PROJECT|CREDENTIALS)_VARIABLES = \[([\s\S]*?)\]/g)];
    const variables = lists.flatMap((m) => [...(m[1] ?? '').matchAll(/'([A-Z_]+)'/g)].map((v) => v[1]));
    expect(variables.length).toBeGreaterThanOrEqual(8);
    for (const variable of variables) expect(security).toContain(`\`${variable}\``);
    for (const variable of ['AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) {
      expect(read('src/sources/aws/aws-source.ts')).toContain(`'${variable}'`);
      expect(security).toContain(`\`${variable}\``);
    }
    expect(security).toContain('`gha-creds-<16 random hex>.json`');
  });
});
