// @ts-check
/**
 * Run a bundled JavaScript action the way the GitHub runner does, so tests
 * exercise the real entry point (inputs from INPUT_*, file commands, workflow
 * commands on stdout, state handed to the post step) instead of calling
 * functions directly.
 *
 * What the runner does, and this mirrors:
 *  - starts `node <script>` with cwd = GITHUB_WORKSPACE and an environment made
 *    of runner variables, step env, and one INPUT_<NAME> per input;
 *  - gives each step fresh GITHUB_OUTPUT / GITHUB_ENV / GITHUB_STATE /
 *    GITHUB_STEP_SUMMARY / GITHUB_PATH files and parses them afterwards;
 *  - turns a main step's saved state into STATE_<name> for its post step, and
 *    applies variables exported through GITHUB_ENV to later steps;
 *  - interprets `::command props::message` lines on stdout (add-mask etc.).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** @typedef {import('./types.mjs').RunActionOptions} RunActionOptions */
/** @typedef {import('./types.mjs').RunActionResult} RunActionResult */
/** @typedef {import('./types.mjs').WorkflowCommand} WorkflowCommand */
/** @typedef {import('./types.mjs').RunnerEnvironmentOptions} RunnerEnvironmentOptions */

const here = path.dirname(fileURLToPath(import.meta.url));
/** The Node 24 binary from the `node` devDependency, located relative to this file so any clone works. */
export const DEFAULT_NODE_BINARY = path.resolve(here, '../../node_modules/node/bin/node');

/**
 * The runner's INPUT_ variable name: spaces become '_', then upper-case
 * (hyphens are kept, which is why core.getInput('a-b') reads INPUT_A-B).
 * @param {string} name
 * @returns {string}
 */
export function inputEnvName(name) {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/**
 * Parse a file-command file (GITHUB_OUTPUT, GITHUB_ENV, GITHUB_STATE) the way
 * the runner does: `name=value` lines, or heredoc blocks
 * `name<<DELIM\nvalue...\nDELIM`. Later writes win. Throws on an unterminated
 * heredoc, which the runner also treats as an error.
 * @param {string} text
 * @returns {Record<string, string>}
 */
export function parseFileCommands(text) {
  /** @type {Record<string, string>} */
  const out = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = /** @type {string} */ (lines[i]);
    if (line === '') continue;
    const eq = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (eq >= 0 && (heredoc < 0 || eq < heredoc)) {
      out[line.slice(0, eq)] = line.slice(eq + 1);
      continue;
    }
    if (heredoc <= 0) throw new Error(`Invalid file command line: ${JSON.stringify(line)}`);
    const name = line.slice(0, heredoc);
    const delimiter = line.slice(heredoc + 2);
    /** @type {string[]} */
    const value = [];
    let terminated = false;
    for (i++; i < lines.length; i++) {
      const l = /** @type {string} */ (lines[i]);
      if (l === delimiter) {
        terminated = true;
        break;
      }
      value.push(l);
    }
    if (!terminated) throw new Error(`Invalid file command: missing delimiter ${delimiter} for ${name}`);
    out[name] = value.join('\n');
  }
  return out;
}

/**
 * Undo the runner's command escaping in one pass (so "%250A" stays "%0A").
 * @param {string} s
 * @param {boolean} property properties additionally escape ':' and ','
 * @returns {string}
 */
export function unescapeCommandValue(s, property = false) {
  /** @type {Record<string, string>} */
  const map = { '%25': '%', '%0D': '\r', '%0A': '\n', '%3A': ':', '%2C': ',' };
  const re = property ? /%(25|0D|0A|3A|2C)/gi : /%(25|0D|0A)/gi;
  return s.replace(re, (m) => map[m.toUpperCase()] ?? m);
}

/**
 * The commands the runner knows (actions/runner: the command extensions,
 * plus stop-commands): a line naming any other command is plain text to it.
 */
export const RUNNER_COMMANDS = new Set([
  'set-env',
  'set-output',
  'save-state',
  'add-mask',
  'add-path',
  'add-matcher',
  'remove-matcher',
  'debug',
  'warning',
  'error',
  'notice',
  'group',
  'endgroup',
  'echo',
  'stop-commands',
]);

/**
 * .NET's String.TrimStart(): every Unicode white-space character, which is
 * more than JavaScript's \s (U+0085, NEXT LINE, is white space to .NET).
 */
const DOTNET_LEADING_WHITESPACE = /^[\s\u0085]+/;

/**
 * One line as the runner reads it (actions/runner ActionCommand.cs): first
 * `::name props::data` at the start after leading white space (TryParseV2),
 * else the legacy `##[name props]data` anywhere in the line (TryParse).
 * @param {string} raw
 * @param {Set<string>} known
 * @returns {{ command: string, properties: Record<string, string>, message: string } | undefined}
 */
function parseCommandLine(raw, known) {
  const trimmed = raw.replace(DOTNET_LEADING_WHITESPACE, '');
  if (trimmed.startsWith('::')) {
    const end = trimmed.indexOf('::', 2);
    if (end >= 0) {
      const info = trimmed.slice(2, end);
      const space = info.indexOf(' ');
      const command = space < 0 ? info : info.slice(0, space);
      if (known.has(command)) {
        /** @type {Record<string, string>} */
        const properties = {};
        if (space > 0) {
          for (const part of info
            .slice(space + 1)
            .trim()
            .split(',')) {
            const eq = part.indexOf('=');
            if (eq > 0 && eq < part.length - 1)
              properties[part.slice(0, eq)] = unescapeCommandValue(part.slice(eq + 1), true);
          }
        }
        return { command, properties, message: unescapeCommandValue(trimmed.slice(end + 2)) };
      }
    }
  }
  const prefix = raw.indexOf('##[');
  if (prefix < 0) return undefined;
  const close = raw.indexOf(']', prefix);
  if (close < 0) return undefined;
  const info = raw.slice(prefix + 3, close);
  const space = info.indexOf(' ');
  const command = space < 0 ? info : info.slice(0, space);
  if (!known.has(command)) return undefined;
  return { command, properties: {}, message: raw.slice(close + 1) };
}

/**
 * Parse workflow commands from an output stream by the runner's rules: lines
 * end at CR, LF or CRLF; a command is `::name::` after leading white space or
 * the legacy `##[name]` anywhere in a line; `::stop-commands::<token>` ...
 * `::<token>::` pauses them, as in the runner.
 * @param {string} text
 * @param {'stdout' | 'stderr'} [stream]
 * @returns {WorkflowCommand[]}
 */
export function parseWorkflowCommands(text, stream = 'stdout') {
  /** @type {WorkflowCommand[]} */
  const out = [];
  const known = new Set(RUNNER_COMMANDS);
  /** @type {string | undefined} */
  let stopToken;
  const lines = text.split(/\r\n|\r|\n/);
  lines.forEach((raw, line) => {
    const parsed = parseCommandLine(raw, stopToken === undefined ? known : new Set([stopToken]));
    if (stopToken !== undefined) {
      if (parsed) stopToken = undefined;
      return;
    }
    if (!parsed) return;
    if (parsed.command === 'stop-commands') {
      stopToken = parsed.message;
      // Everything after it is ignored, so a test must see that it happened.
      out.push({ ...parsed, line, stream });
      return;
    }
    out.push({ ...parsed, line, stream });
  });
  return out;
}

/**
 * Which of `secrets` would show up in the runner's log for `text`.
 *
 * Emulates the runner's masker line by line, by the runner's line and
 * command rules (parseWorkflowCommands): an `::add-mask::X` line registers X
 * (and is not itself printed), unless `::stop-commands::` is in force, when
 * the runner registers nothing and prints the line as it is; every later line
 * has all registered values replaced by `***` before being checked. A secret
 * therefore leaks if it appears before its mask was registered, or was never
 * masked. `masked` seeds values registered elsewhere (for example by an
 * earlier step, or on stdout when checking stderr). For multi-line secrets
 * (PEM keys) each long line is also checked, because log lines are masked
 * and printed one at a time.
 * @param {string} text
 * @param {Iterable<string>} secrets
 * @param {Iterable<string>} [masked]
 * @returns {string[]} the leaked secrets, in the order given
 */
export function findLeakedSecrets(text, secrets, masked = []) {
  const masks = new Set([...masked].filter(Boolean));
  /** @type {Map<number, string>} the value each add-mask line registers, by line */
  const registered = new Map();
  for (const c of parseWorkflowCommands(text)) if (c.command === 'add-mask') registered.set(c.line, c.message);
  /** @type {string[]} */
  const rendered = [];
  text.split(/\r\n|\r|\n/).forEach((c, i) => {
    const value = registered.get(i);
    if (value !== undefined) {
      if (value.trim()) {
        masks.add(value);
        for (const part of value.split(/\r?\n/)) if (part.trim().length >= 4) masks.add(part);
      }
      return;
    }
    let line = c;
    for (const mask of [...masks].sort((a, b) => b.length - a.length)) line = line.split(mask).join('***');
    rendered.push(line);
  });
  const log = rendered.join('\n');
  /** @type {string[]} */
  const leaked = [];
  for (const secret of secrets) {
    if (!secret) continue;
    const pieces = [secret];
    if (/\r?\n/.test(secret)) {
      for (const part of secret.split(/\r?\n/)) {
        if (part.trim().length >= 16 && !part.startsWith('-----')) pieces.push(part);
      }
    }
    if (pieces.some((p) => log.includes(p)) && !leaked.includes(secret)) leaked.push(secret);
  }
  return leaked;
}

/** RUNNER_OS as the runner names this machine's OS. */
export const RUNNER_OS = process.platform === 'win32' ? 'Windows' : process.platform === 'darwin' ? 'macOS' : 'Linux';

/**
 * What a Windows process needs from its parent's environment to start at all:
 * without SystemRoot, for one, sockets and the crypto provider fail to load.
 */
const WINDOWS_ESSENTIALS = ['SystemRoot', 'windir', 'SystemDrive', 'TEMP', 'TMP', 'USERPROFILE', 'PATHEXT', 'ComSpec'];

/**
 * The environment the runner gives a step, and nothing else of this process's
 * environment: runner variables, the file-command files, for a post step the
 * main step's state (STATE_<name>) and exported variables, one INPUT_<NAME>
 * per input, then `env` (where `undefined` removes a variable). One place, so
 * that the tests (runAction) and the benchmark start the action alike.
 * @param {RunnerEnvironmentOptions} options
 * @returns {Record<string, string>}
 */
export function runnerEnvironment(options) {
  const { files } = options;
  /** @type {Record<string, string>} */
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? os.homedir(),
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: options.workspace,
    RUNNER_TEMP: options.runnerTemp,
    RUNNER_OS,
    GITHUB_OUTPUT: files.output,
    GITHUB_ENV: files.env,
    GITHUB_STATE: files.state,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_PATH: files.path,
    GITHUB_ACTION_REPOSITORY: 'octo-org/gcp-auth-action',
    GITHUB_ACTION_REF: 'v1',
  };
  if (process.platform === 'win32') {
    for (const name of WINDOWS_ESSENTIALS) {
      const value = process.env[name];
      if (value !== undefined) env[name] = value;
    }
  }
  const prior = options.stateFrom;
  if (prior) {
    Object.assign(env, prior.exportedEnv);
    for (const [name, value] of Object.entries(prior.state)) env[`STATE_${name}`] = value;
  }
  for (const [name, value] of Object.entries(options.inputs ?? {})) {
    env[inputEnvName(name)] = value === undefined || value === null ? '' : String(value);
  }
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/**
 * Run an action entry point like the runner.
 * @param {RunActionOptions} options
 * @returns {Promise<RunActionResult>}
 */
export async function runAction(options) {
  const started = Date.now();
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'gha-run-'));
  const prior = options.stateFrom;
  // A post step shares the job's workspace and RUNNER_TEMP with its main step.
  const workspace = options.workspace ?? prior?.workspace ?? (await mkdir(path.join(root, 'workspace')));
  const runnerTemp = options.runnerTemp ?? prior?.runnerTemp ?? (await mkdir(path.join(root, 'temp')));
  const fileDir = await mkdir(path.join(root, 'files'));
  const files = {
    output: path.join(fileDir, 'output.txt'),
    env: path.join(fileDir, 'env.txt'),
    state: path.join(fileDir, 'state.txt'),
    summary: path.join(fileDir, 'summary.md'),
    path: path.join(fileDir, 'path.txt'),
  };
  await Promise.all(Object.values(files).map((f) => fs.writeFile(f, '')));

  const env = runnerEnvironment({
    workspace,
    runnerTemp,
    files,
    ...(prior ? { stateFrom: prior } : {}),
    ...(options.inputs ? { inputs: options.inputs } : {}),
    ...(options.env ? { env: options.env } : {}),
  });

  const nodeBinary = options.nodeBinary ?? DEFAULT_NODE_BINARY;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const child = spawn(nodeBinary, [...(options.nodeArgs ?? []), options.script, ...(options.args ?? [])], {
    cwd: workspace,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  /** @type {Buffer[]} */
  const out = [];
  /** @type {Buffer[]} */
  const err = [];
  child.stdout.on('data', (c) => out.push(c));
  child.stderr.on('data', (c) => err.push(c));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  /** @type {{ code: number | null, signal: NodeJS.Signals | null }} */
  const exit = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal }));
  })
    .catch(async (e) => {
      // e.g. a wrong nodeBinary: do not leave temp dirs behind.
      await fs.rm(root, { recursive: true, force: true });
      throw e;
    })
    .finally(() => clearTimeout(timer));

  const stdout = Buffer.concat(out).toString('utf8');
  const stderr = Buffer.concat(err).toString('utf8');
  const [outputText, envText, stateText, summary, pathText] = await Promise.all(
    [files.output, files.env, files.state, files.summary, files.path].map((f) => fs.readFile(f, 'utf8')),
  );

  return {
    code: exit.code,
    signal: exit.signal,
    timedOut,
    stdout,
    stderr,
    outputs: parseFileCommands(/** @type {string} */ (outputText)),
    exportedEnv: parseFileCommands(/** @type {string} */ (envText)),
    state: parseFileCommands(/** @type {string} */ (stateText)),
    summary: /** @type {string} */ (summary),
    addedPaths: /** @type {string} */ (pathText).split(/\r?\n/).filter(Boolean),
    commands: [...parseWorkflowCommands(stdout, 'stdout'), ...parseWorkflowCommands(stderr, 'stderr')],
    masks: parseWorkflowCommands(stdout, 'stdout')
      .filter((c) => c.command === 'add-mask')
      .map((c) => c.message),
    durationMs: Date.now() - started,
    files,
    workspace,
    runnerTemp,
    env,
    async cleanup() {
      await fs.rm(root, { recursive: true, force: true });
    },
  };
}

/**
 * @param {string} dir
 * @returns {Promise<string>}
 */
async function mkdir(dir) {
  await fs.mkdir(dir, { recursive: true });
  return dir;
}
