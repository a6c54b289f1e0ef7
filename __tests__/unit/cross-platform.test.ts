/**
 * What differs on Windows and macOS runners, tested on any machine: the line
 * ending of workflow commands, file commands and the job summary ("\r\n" on
 * Windows, injected here through runner-commands' `platform.eol`, and into
 * @actions/core through a mocked node:os), and the credentials file path
 * (path.win32). File modes: see credentials-file.test.ts. And the environment
 * the fakes' runAction (and the benchmark) start the action in.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as realOs from 'node:os';
import * as path from 'node:path';

import { jest } from '@jest/globals';

import { credentialsFilePath } from '../../src/credentials-file.js';
import * as runner from '../../src/runner-commands.js';
import * as files from '../../src/runner-files.js';
import {
  findLeakedSecrets,
  parseFileCommands,
  parseWorkflowCommands,
  RUNNER_OS,
  runnerEnvironment,
} from '../fakes/index.mjs';
import { captureStdout } from '../support/runner-output.js';

// @actions/core reads os.EOL; give it Windows' before it is loaded.
const windowsOs = { ...realOs, EOL: '\r\n' };
jest.unstable_mockModule('os', () => ({ ...windowsOs, default: windowsOs }));
const core = await import('@actions/core');

const VALUES = ['plain', 'multi\nline\r\nvalue', '100% ::set-output name=x::y', 'é😀', ''];
const nativeEol = runner.platform.eol;
let dir: string;
beforeEach(() => {
  runner.platform.eol = '\r\n';
  dir = mkdtempSync(path.join(realOs.tmpdir(), 'cross-platform-'));
});
afterEach(() => {
  runner.platform.eol = nativeEol;
  rmSync(dir, { recursive: true, force: true });
});

/** Points GITHUB_OUTPUT / GITHUB_STATE / GITHUB_ENV / GITHUB_STEP_SUMMARY at fresh files named after `tag`. */
function fileCommandFiles(tag: string): Record<string, string> {
  const names: Record<string, string> = {};
  for (const variable of ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_ENV', 'GITHUB_STEP_SUMMARY']) {
    const file = path.join(dir, `${tag}-${variable}`);
    writeFileSync(file, '');
    process.env[variable] = file;
    names[variable] = file;
  }
  return names;
}

describe('Windows line endings ("\\r\\n")', () => {
  it.each(VALUES)('workflow commands for %j are byte for byte those of @actions/core', (value) => {
    for (const [ours, theirs] of [
      [runner.debug, core.debug],
      [runner.warning, core.warning],
      [runner.error, core.error],
      [runner.setSecret, core.setSecret],
      // A plain line only where it holds no line break: ours makes one inert (runner-conformance.test.ts).
      ...(/[\r\n]/.test(value) ? [] : [[runner.info, core.info]]),
    ] as Array<[(m: string) => void, (m: string) => void]>) {
      const text = captureStdout(() => ours(value));
      expect(text).toBe(captureStdout(() => theirs(value)));
      expect(text.endsWith('\r\n')).toBe(true);
    }
    expect(captureStdout(() => runner.warning(value))).toBe(`::warning::${runner.escapeData(value)}\r\n`);
  });

  it('a masked value stays masked in a CRLF log', () => {
    const log = captureStdout(() => {
      runner.setSecret('s3cr3t-token-value');
      runner.info('token: s3cr3t-token-value');
    });
    expect(parseWorkflowCommands(log)).toEqual([
      { command: 'add-mask', properties: {}, message: 's3cr3t-token-value', line: 0, stream: 'stdout' },
    ]);
    expect(findLeakedSecrets(log, ['s3cr3t-token-value'])).toEqual([]);
  });

  it.each(VALUES)('file commands carry %j in CRLF blocks, read back as @actions/core writes them', (value) => {
    const results: Array<Record<string, string>> = [];
    for (const impl of ['ours', 'core'] as const) {
      const names = fileCommandFiles(impl);
      if (impl === 'ours') {
        files.setOutput('out', value);
        files.saveState('st', value);
        files.exportVariable('EXPORTED_FOR_TEST', value);
      } else {
        core.setOutput('out', value);
        core.saveState('st', value);
        core.exportVariable('EXPORTED_FOR_TEST', value);
      }
      const raw = readFileSync(names['GITHUB_OUTPUT'] as string, 'utf8');
      // name<<delimiter CRLF value CRLF delimiter CRLF: every line break of the block itself is CRLF.
      const m = /^out<<(ghadelimiter_[0-9a-f-]{36})\r\n([\s\S]*)\r\n\1\r\n$/.exec(raw);
      expect(m?.[2]).toBe(value);
      results.push({
        ...parseFileCommands(raw),
        ...parseFileCommands(readFileSync(names['GITHUB_STATE'] as string, 'utf8')),
        ...parseFileCommands(readFileSync(names['GITHUB_ENV'] as string, 'utf8')),
      });
    }
    const expected = value.replace(/\r\n/g, '\n');
    expect(results[0]).toEqual({ out: expected, st: expected, EXPORTED_FOR_TEST: expected });
    expect(results[0]).toEqual(results[1]);
    delete process.env['EXPORTED_FOR_TEST'];
  });

  it('the job summary ends each element with CRLF, as @actions/core does', async () => {
    const rows = [
      [
        { data: 'What', header: true },
        { data: 'Value', header: true },
      ],
      ['Project', 'p &amp; q'],
    ];
    const ours = fileCommandFiles('ours')['GITHUB_STEP_SUMMARY'] as string;
    await files.summary.addHeading('Google Cloud authentication', 3).addTable(rows).write();
    const theirs = fileCommandFiles('core')['GITHUB_STEP_SUMMARY'] as string;
    await core.summary.addHeading('Google Cloud authentication', 3).addTable(rows).write();
    const text = readFileSync(ours, 'utf8');
    expect(text).toBe(readFileSync(theirs, 'utf8'));
    expect(text).toBe(
      '<h3>Google Cloud authentication</h3>\r\n' +
        '<table><tr><th>What</th><th>Value</th></tr><tr><td>Project</td><td>p &amp; q</td></tr></table>\r\n',
    );
  });
});

describe('the credentials file path', () => {
  const NAME = 'gha-creds-0123456789abcdef.json';

  it.each([
    ['D:\\a\\octo-repo\\octo-repo', 'D:\\a\\octo-repo\\octo-repo\\gha-creds-0123456789abcdef.json'],
    ['D:\\a\\octo-repo\\octo-repo\\', 'D:\\a\\octo-repo\\octo-repo\\gha-creds-0123456789abcdef.json'],
    ['D:/a/octo-repo/octo-repo', 'D:\\a\\octo-repo\\octo-repo\\gha-creds-0123456789abcdef.json'],
    ['C:\\actions-runner\\_work\\r\\r', 'C:\\actions-runner\\_work\\r\\r\\gha-creds-0123456789abcdef.json'],
    ['\\\\server\\share\\work', '\\\\server\\share\\work\\gha-creds-0123456789abcdef.json'],
  ])('on Windows, in workspace %j, is %j', (workspace, expected) => {
    expect(credentialsFilePath(workspace, NAME, path.win32)).toBe(expected);
  });

  it.each([
    ['/home/runner/work/octo-repo/octo-repo', '/home/runner/work/octo-repo/octo-repo/gha-creds-0123456789abcdef.json'],
    [
      '/Users/runner/work/octo-repo/octo-repo/',
      '/Users/runner/work/octo-repo/octo-repo/gha-creds-0123456789abcdef.json',
    ],
  ])('on Linux and macOS, in workspace %j, is %j', (workspace, expected) => {
    expect(credentialsFilePath(workspace, NAME, path.posix)).toBe(expected);
  });

  it('is absolute even when the workspace is given relative to the working directory', () => {
    expect(credentialsFilePath('work', NAME)).toBe(path.join(process.cwd(), 'work', NAME));
  });
});

describe('the runner environment the tests and the benchmark start the action in', () => {
  const files = { output: 'o', env: 'e', state: 's', summary: 'm', path: 'p' };

  it("names this machine's OS as the runner does, and carries state, inputs and overrides", () => {
    const env = runnerEnvironment({
      workspace: 'ws',
      runnerTemp: 'tmp',
      files,
      stateFrom: { state: { credentials_file_path: 'ws/f.json' }, exportedEnv: { EXPORTED: 'x' } },
      inputs: { 'token format': 'access_token', retries: 3, empty: null },
      env: { HOME: undefined, EXTRA: 'y' },
    });
    expect(env).toMatchObject({
      RUNNER_OS: { win32: 'Windows', darwin: 'macOS' }[process.platform as string] ?? 'Linux',
      GITHUB_WORKSPACE: 'ws',
      RUNNER_TEMP: 'tmp',
      GITHUB_OUTPUT: 'o',
      GITHUB_ENV: 'e',
      GITHUB_STATE: 's',
      GITHUB_STEP_SUMMARY: 'm',
      GITHUB_PATH: 'p',
      STATE_credentials_file_path: 'ws/f.json',
      EXPORTED: 'x',
      INPUT_TOKEN_FORMAT: 'access_token',
      INPUT_RETRIES: '3',
      INPUT_EMPTY: '',
      EXTRA: 'y',
    });
    expect(env).not.toHaveProperty('HOME');
    expect(RUNNER_OS).toBe(env['RUNNER_OS']);
  });
});
