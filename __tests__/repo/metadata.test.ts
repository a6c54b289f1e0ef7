/**
 * action.yml against the GitHub Actions metadata schema; every yaml block in the
 * README and docs/*.md parses (fragments too, dedented); every complete workflow,
 * and every list of steps in a job, against the workflow schema and actionlint
 * (scripts/validate-metadata.mjs). The second test proves the checks bite.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const script = path.join(root, 'scripts/validate-metadata.mjs');

function validate(...args: string[]): { code: number; output: string } {
  try {
    const output = execFileSync(process.execPath, [script, ...args], { cwd: root, stdio: 'pipe' }).toString();
    return { code: 0, output };
  } catch (err) {
    const e = err as { status: number; stdout: Buffer; stderr: Buffer };
    return { code: e.status, output: `${e.stdout}${e.stderr}` };
  }
}

it('action.yml, every yaml block (fragments too) and the workflows of the README and docs/ are valid', () => {
  const result = validate();
  expect(result.output).toMatch(/^action\.yml valid; [1-9]\d* workflow\(s\) valid \(/);
  // Every file that holds whole workflows is read: the quick start, and the examples and guides in docs/.
  const counted: Record<string, number> = Object.fromEntries(
    [...result.output.matchAll(/(?:\(|, )([\w/.-]+\.md) (\d+)/g)].map((m) => [m[1], Number(m[2])]),
  );
  for (const file of [
    'README.md',
    'docs/examples.md',
    'docs/setup-aws.md',
    'docs/setup-azure.md',
    'docs/setup-file-url.md',
  ])
    expect([file, (counted[file] ?? 0) > 0]).toEqual([file, true]);
  expect(Object.values(counted).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(17);
  // Every yaml block was read, fragments included, and the lists of steps were checked as steps.
  expect(result.output).toMatch(
    /; ([2-9]\d|\d{3,}) yaml block\(s\) parse, [1-9]\d* of them step lists, valid in a job\.\n$/,
  );
  expect(result.code).toBe(0);
}, 60_000);

it('rejects a broken action.yml, a broken workflow, a fragment that does not parse and an invalid step', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'metadata-'));
  try {
    const readme = path.join(dir, 'README.md');
    writeFileSync(
      readme,
      '```yaml\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - nonsense: true\n' +
        '      - run: echo ${{ steps.missing.outputs.x }}\n```\n\n' +
        // A fragment, indented as in a list item: a plain scalar holding ": " does not parse.
        '- a step:\n\n  ```yaml\n        - env:\n            TOKEN: x\n' +
        '          run: curl -H "Authorization: Bearer $TOKEN" https://example.com\n  ```\n\n' +
        // A list of steps that parses, but is not a valid step.
        '```yaml\n- uses: actions/checkout@v4\n  with-typo:\n    fetch-depth: 0\n```\n',
    );
    const action = path.join(dir, 'action.yml');
    writeFileSync(action, readFileSync(path.join(root, 'action.yml'), 'utf8').replace('runs:', 'runz:'));
    const result = validate(readme, action);
    expect(result.code).toBe(1);
    expect(result.output).toContain('action.yml:');
    expect(result.output).toContain('unexpected key "nonsense"');
    expect(result.output).toContain('property "missing" is not defined');
    expect(result.output).toContain('README.md:16: yaml block 2 does not parse: bad indentation of a mapping entry');
    expect(result.output).toContain('unexpected key "with-typo"');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
