/**
 * The action speaks the runner's protocol through src/runner-commands.ts and
 * src/runner-files.ts instead of @actions/core (see runner-commands.ts for the
 * figures). This test holds them to what @actions/core writes for the same
 * calls, including hostile values, so the two cannot drift apart.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { EOL as osEOL, tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import * as core from '@actions/core';

import * as runner from '../../src/runner-commands.js';
import * as files from '../../src/runner-files.js';
import { DEFAULT_NODE_BINARY, parseFileCommands, parseWorkflowCommands } from '../fakes/index.mjs';
import { captureStdout } from '../support/runner-output.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const VALUES = ['plain', 'multi\nline\r\nvalue', '100% ::set-output name=x::y', 'é😀', '', 'a,b:c'];

it('ends lines with os.EOL, like @actions/core', () => {
  expect(runner.platform.eol).toBe(osEOL);
});

it.each(VALUES)('workflow commands match @actions/core for %j', (value) => {
  for (const [ours, theirs] of [
    [runner.debug, core.debug],
    [runner.warning, core.warning],
    [runner.error, core.error],
    [runner.setSecret, core.setSecret],
  ] as Array<[(m: string) => void, (m: string) => void]>) {
    expect(captureStdout(() => ours(value))).toBe(captureStdout(() => theirs(value)));
  }
  expect(parseWorkflowCommands(captureStdout(() => runner.warning(value)))[0]?.message).toBe(value);
});

// A plain line is where the two part on purpose: core.info writes its text as it is, so a value inside it could
// end the line and start a command; ours makes the line inert (runner-commands.ts `inert`; log-injection.test.ts).
it.each(VALUES)(
  "a plain log line of %j is @actions/core's when it holds no line break, and one inert line if it does",
  (value) => {
    const ours = captureStdout(() => runner.info(value));
    if (/[\r\n]/.test(value)) {
      expect(ours).toBe(`${value.replace(/\r/g, '\\u000d').replace(/\n/g, '\\u000a')}${osEOL}`);
    } else {
      expect(ours).toBe(captureStdout(() => core.info(value)));
    }
  },
);

/** Each file-command test's directory, removed after it (and the variables that pointed into it). */
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  for (const variable of ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_ENV']) delete process.env[variable];
});

it.each(VALUES)('file commands carry %j exactly as @actions/core does', (value) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'conformance-'));
  dirs.push(dir);
  const results: Array<Record<string, string>> = [];
  for (const impl of ['ours', 'core'] as const) {
    for (const variable of ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_ENV']) {
      const file = path.join(dir, `${impl}-${variable}`);
      writeFileSync(file, '');
      process.env[variable] = file;
    }
    if (impl === 'ours') {
      files.setOutput('out', value);
      files.saveState('st', value);
      files.exportVariable('EXPORTED_FOR_TEST', value);
    } else {
      core.setOutput('out', value);
      core.saveState('st', value);
      core.exportVariable('EXPORTED_FOR_TEST', value);
    }
    results.push({
      ...parseFileCommands(readFileSync(path.join(dir, `${impl}-GITHUB_OUTPUT`), 'utf8')),
      ...parseFileCommands(readFileSync(path.join(dir, `${impl}-GITHUB_STATE`), 'utf8')),
      ...parseFileCommands(readFileSync(path.join(dir, `${impl}-GITHUB_ENV`), 'utf8')),
    });
  }
  // (The runner, like our parser, reads lines split on \r?\n, so a \r is not round-tripped by either.)
  const expected = value.replace(/\r\n/g, '\n');
  expect(results[0]).toEqual({ out: expected, st: expected, EXPORTED_FOR_TEST: expected });
  expect(results[0]).toEqual(results[1]);
  delete process.env['EXPORTED_FOR_TEST'];
});

it('reads inputs and state as @actions/core does', () => {
  process.env['INPUT_SOME_INPUT'] = '  padded value \n';
  process.env['STATE_thing'] = 'saved';
  expect(runner.getInput('some input')).toBe(core.getInput('some input'));
  expect(runner.getState('thing')).toBe(core.getState('thing'));
});

it('writes every byte to stdout even when it is a full non-blocking pipe', async () => {
  // Our stdout is fd 1, written with write(2). A pipe that a parent left
  // non-blocking takes only what fits (64 KB) and then answers EAGAIN; a
  // single write would silently drop the rest. The child runs the source
  // under Node 24 (type stripping); the parent reads only after a pause.
  const source = pathToFileURL(path.join(root, 'src', 'runner-commands.ts')).href;
  const size = 4 * 1024 * 1024;
  const child = spawn(
    DEFAULT_NODE_BINARY,
    [
      '--input-type=module',
      '-e',
      `process.stdout; // creating the stream makes fd 1 non-blocking, as a parent may have left it
       const { stdout } = await import(${JSON.stringify(source)});
       stdout.write('x'.repeat(${size}) + '\\n');`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.pause();
  await new Promise((resolve) => setTimeout(resolve, 300));
  let received = 0;
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (received += chunk.length));
  child.stderr.on('data', (chunk: Buffer) => (stderr += String(chunk)));
  child.stdout.resume();
  const code = await new Promise((resolve) => child.on('close', resolve));
  expect({ code, stderr, received }).toEqual({ code: 0, stderr: '', received: size + 1 });
});
