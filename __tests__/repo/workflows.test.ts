/**
 * The repository's own automation: every workflow passes the workflow schema
 * and actionlint, pins every third-party action to a commit SHA with its
 * version (scripts/validate-workflows.mjs), and the release workflow's notes
 * come from CHANGELOG.md (scripts/changelog-section.mjs). Each check is also
 * shown to fail on a broken input.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function run(script: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(root, 'scripts', script), ...args],
      { cwd: root, timeout: 60_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('.github/workflows', () => {
  it('are valid, pass actionlint and pin every third-party action; dependabot covers npm and actions', async () => {
    const result = await run('validate-workflows.mjs');
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(
      /^4 workflow\(s\) valid; [1-9]\d* third-party action reference\(s\) pinned; dependabot\.yml valid\.\n$/,
    );
    expect(result.code).toBe(0);
  }, 60_000);

  it('are the four the repository needs, each on its trigger', () => {
    const read = (name: string) => readFileSync(path.join(root, '.github', 'workflows', name), 'utf8');
    expect(read('test.yml')).toMatch(/^on:\n {2}push:[\s\S]*^ {2}pull_request:/m);
    expect(read('test.yml')).toMatch(/os: \[windows-latest, macos-latest\]/);
    expect(read('test.yml')).toContain('run: node scripts/smoke.mjs');
    expect(read('check-dist.yml')).toContain('run: npm run build');
    expect(read('integration.yml')).toMatch(/^ {8}uses: \.\/$/m);
    expect(read('integration.yml')).toContain('gcloud auth print-access-token > /dev/null');
    expect(read('release.yml')).toContain("tags: ['v[0-9]+.[0-9]+.[0-9]+']");
    expect(read('release.yml')).toContain('node scripts/changelog-section.mjs "${TAG#v}"');
  });

  it('rejects an unpinned action, a SHA without its version, an undefined expression and a missing ecosystem', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'workflows-'));
    try {
      mkdirSync(path.join(dir, '.github', 'workflows'), { recursive: true });
      writeFileSync(
        path.join(dir, '.github', 'workflows', 'broken.yml'),
        'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n' +
          '      - uses: actions/checkout@v4\n' +
          '      - uses: actions/setup-node@820762786026740c76f36085b0efc47a31fe5020\n' +
          '      - uses: ./\n' +
          '      - run: echo ${{ steps.missing.outputs.x }}\n',
      );
      writeFileSync(
        path.join(dir, '.github', 'dependabot.yml'),
        'version: 2\nupdates:\n  - package-ecosystem: npm\n    directory: /\n    schedule:\n      interval: weekly\n',
      );
      const result = await run('validate-workflows.mjs', dir);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('broken.yml:6: "actions/checkout@v4" must be pinned to a full commit SHA');
      expect(result.stderr).toContain('broken.yml:7: "actions/setup-node@820762786026740c76f36085b0efc47a31fe5020"');
      expect(result.stderr).not.toContain('broken.yml:8:');
      expect(result.stderr).toContain('property "missing" is not defined');
      expect(result.stderr).toContain('dependabot.yml: no updates for github-actions');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('release notes (scripts/changelog-section.mjs)', () => {
  it("prints the section of package.json's version, without its heading or the link definitions", async () => {
    const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
    const result = await run('changelog-section.mjs', version);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\S[\s\S]*\n### Added\n\n- /);
    expect(result.stdout).not.toMatch(/^## /m);
    expect(result.stdout).not.toMatch(/^\[[^\]]+\]: /m);
  });

  it('ends a section at the next version and fails, saying what to do, on a missing or empty one', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'changelog-'));
    try {
      const file = path.join(dir, 'CHANGELOG.md');
      writeFileSync(
        file,
        '# Changelog\n\n## [Unreleased]\n\n- next\n\n## [1.1.0] - 2026-12-01\n\n### Fixed\n\n- one\n\n' +
          '## [1.0.0] - 2026-11-23\n\n## [0.9.0] - 2026-11-01\n\n- old\n\n[1.1.0]: https://example.com/1.1.0\n',
      );
      expect(await run('changelog-section.mjs', '1.1.0', file)).toEqual({
        code: 0,
        stdout: '### Fixed\n\n- one\n',
        stderr: '',
      });
      const missing = await run('changelog-section.mjs', '1.2.0', file);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('has no section "## [1.2.0] - YYYY-MM-DD". Move the entries under [Unreleased]');
      const empty = await run('changelog-section.mjs', '1.0.0', file);
      expect(empty.code).toBe(1);
      expect(empty.stderr).toContain('has no non-empty section "## [1.0.0]');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
