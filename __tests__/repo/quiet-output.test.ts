/**
 * The guard in support/quiet-output.cjs: a test that writes a workflow
 * command to the real stdout fails, the command never reaches the log, and
 * ordinary output passes through.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

import * as runner from '../../src/runner-commands.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const setupFile = path.join(root, '__tests__', 'support', 'quiet-output.cjs');

interface Guard {
  isWorkflowCommand(text: string): boolean;
  take(): string[];
}
const guard = (globalThis as Record<symbol, unknown>)[Symbol.for('gcp-auth-action.quiet-output')] as Guard;

it('holds back workflow commands written through fd 1, process.stdout and the console', () => {
  runner.setSecret('canary-1');
  runner.warning('canary-2');
  process.stdout.write('::error::canary-3\n');
  console.log('::notice::%s', 'canary-4');
  expect(guard.take()).toEqual([
    '::add-mask::canary-1\n',
    '::warning::canary-2\n',
    '::error::canary-3\n',
    '::notice::canary-4',
  ]);
});

it.each([
  ['::add-mask::x', true],
  ['  ::error file=a.ts,line=1::message', true],
  ['a log line\n::warning::on the next line', true],
  ['::stop-commands::token', true],
  ['##[add-mask]legacy form', true],
  ['see ::add-mask:: in the docs', false],
  ['https://example.com::8080', false],
  ['plain text', false],
  ['', false],
])('tells a workflow command from ordinary output: %j', (text, expected) => {
  expect(guard.isWorkflowCommand(text)).toBe(expected);
});

it('fails the test that printed, and prints neither the command nor its value', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'quiet-output-'));
  try {
    mkdirSync(path.join(dir, '__tests__'));
    // A named import, as src/runner-commands.ts has: the guard must be in place before it is linked.
    writeFileSync(
      path.join(dir, '__tests__', 'noisy.test.mjs'),
      "import { writeSync } from 'node:fs';\n" +
        "it('leaks', () => { writeSync(1, '::add-mask::canary-5\\n'); process.stdout.write('::warning::canary-6\\n'); });\n" +
        "it('prints plain text', () => { writeSync(1, 'plain text passes\\n'); });\n",
    );
    const config = {
      testMatch: ['**/*.test.mjs'],
      transform: {},
      setupFilesAfterEnv: [setupFile],
      // Inside `dir`, which is removed below (jest's default is a jest_* folder in the temporary directory).
      cacheDirectory: path.join(dir, 'jest-cache'),
    };
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [
          path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'),
          '--rootDir',
          dir,
          '--config',
          JSON.stringify(config),
        ],
        { cwd: dir, timeout: 30_000 },
        (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('plain text passes\n');
    expect(result.stderr).toContain('✕ leaks');
    expect(result.stderr).toContain('✓ prints plain text');
    expect(result.stderr).toContain(
      'A test wrote 2 workflow command(s) to the real stdout (::add-mask:: ×1, ::warning:: ×1)',
    );
    expect(result.stderr).not.toMatch(/canary-[56]/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 40_000);
