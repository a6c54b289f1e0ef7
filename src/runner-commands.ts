/**
 * The part of the GitHub runner's protocol that needs nothing but
 * `process.env` and stdout: inputs (INPUT_*), saved state (STATE_*) and
 * workflow commands (`::debug::`, `::warning::`, `::add-mask::`, ...),
 * escaped exactly as @actions/core escapes them.
 *
 * Why not @actions/core: its module graph (@actions/exec, @actions/io,
 * an OIDC client over @actions/http-client) adds to the bundle and to every
 * run's start-up (the figures, from `npm run bench`: docs/performance.md),
 * for a dozen lines used here.
 * The post step imports only this module (and node:fs), so it starts almost
 * as fast as a bare `node -e 0`. File commands (outputs, env, state, the job
 * summary) live in runner-files.ts.
 */
import { writeSync } from 'node:fs';

/**
 * The line ending of everything written for the runner (log lines, workflow
 * commands, file commands), as @actions/core writes it: os.EOL, so "\r\n" on
 * Windows runners and "\n" on Linux and macOS. Found without loading node:os
 * (a cost on every run, in docs/performance.md; and the post step needs
 * nothing else from it);
 * runner-conformance.test.ts checks the two agree. `eol` is replaceable so
 * that tests can check the Windows form on any machine.
 */
export const platform = { eol: process.platform === 'win32' ? '\r\n' : '\n' };

/**
 * Where log lines and workflow commands go: file descriptor 1, written
 * synchronously. Not process.stdout: creating that stream over the runner's
 * pipe costs time on every run (main and post step alike; the figure is in
 * docs/performance.md), and
 * Node writes to pipes synchronously on Linux anyway. `write` is replaceable
 * so that tests can capture the output.
 */
export const stdout = {
  write(text: string): void {
    writeAll(1, Buffer.from(text, 'utf8'));
  },
};

/** write(2) until every byte is out: a write may be partial, and a non-blocking pipe may be full (EAGAIN). */
function writeAll(fd: number, bytes: Uint8Array): void {
  let rest = bytes;
  while (rest.length > 0) {
    try {
      rest = rest.subarray(writeSync(fd, rest));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      Atomics.wait(PAUSE, 0, 0, 1); // the reader is behind: give it a millisecond
    }
  }
}
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/** An input as the runner passes it (INPUT_<NAME>, spaces as '_') in the step's environment, trimmed; '' when absent. */
export function getInput(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/** State the main step saved (the runner hands it to the post step as STATE_<name>). */
export function getState(name: string): string {
  return process.env[`STATE_${name}`] ?? '';
}

export function debug(message: string): void {
  issue('debug', message);
}

/** A plain log line: made inert first (see `inert`), so that no value inside it can end it or start a command. */
export function info(message: string): void {
  stdout.write(inert(message) + platform.eol);
}

export function warning(message: string): void {
  issue('warning', message);
}

export function error(message: string): void {
  issue('error', message);
}

/** Logs the error and makes the step fail when the process exits. */
export function setFailed(message: string): void {
  process.exitCode = 1;
  error(message);
}

/** Registers a value with the runner's masker. */
export function setSecret(secret: string): void {
  issue('add-mask', secret);
}

/** `::name::message` with the message escaped so that it stays on one line. */
export function issue(name: string, message: string): void {
  stdout.write(`::${name}::${escapeData(message)}${platform.eol}`);
}

/**
 * A log line as text the runner cannot read as a command, whatever values it
 * holds (claims, ARNs, paths, answers of servers: data, never commands).
 *
 * The runner reads every line of a step's output for commands, two ways
 * (actions/runner, ActionCommand.cs): `::name::` at the start of the line
 * after any leading white space, and the legacy `##[name]` anywhere in it.
 * `::stop-commands::X` would make it ignore every later `::add-mask::`, so a
 * token printed afterwards would show. Hence:
 *  - line breaks and other invisible characters become visible \uXXXX
 *    escapes (display.ts): a value cannot end the line and start another;
 *  - a leading `::` becomes `\u003a:`, and every `##[` becomes `\u0023#[`.
 * Applied by `info` to every plain line; a command's message (`issue`) needs
 * no more than the runner's own escaping, since the line already is a command.
 */
export function inert(text: string): string {
  return escapeInvisible(text)
    .replace(/##\[/g, '\\u0023#[')
    .replace(/^(\s*)::/, '$1\\u003a:');
}

// Matching control characters is the point here: they are escaped for display.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g;

/**
 * Text the action did not write itself (a claim, an ARN, a path, a server's
 * answer, a program's stderr) made safe to show: every control,
 * line-separator and bidi character becomes a visible `\uXXXX`, so the text
 * stays on one line and cannot reorder what is around it. The one sanitizer
 * for display: `inert` below, and errors.ts for input errors.
 */
export function escapeInvisible(text: string): string {
  return text.replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The runner's escaping of a command's message: '%', CR and LF. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
