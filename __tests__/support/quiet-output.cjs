// @ts-check
/**
 * Jest setup (setupFilesAfterEnv in jest.config.mjs): no test may write a
 * workflow command (`::add-mask::…`, `::error::…`) to the real stdout.
 *
 * Why: when a GitHub Actions job runs `npm test`, the runner reads every line
 * of the log and obeys the commands in it — a stray `::add-mask::` hides text
 * in the log, `::error::` annotates the run, `::stop-commands::` switches
 * command processing off. A test that exercises the runner protocol must
 * capture what it writes (src/runner-commands.ts has a replaceable
 * `stdout.write` for that), not print it.
 *
 * How: while a test file runs, every write to fd 1 is inspected —
 * process.stdout.write, fs.writeSync(1, …) (runner-commands writes with
 * write(2), bypassing process.stdout) and the console. A write that contains
 * a workflow command is held back (never printed) and fails the test that
 * made it; anything else passes through unchanged.
 *
 * This is a CommonJS file on purpose: `require('node:fs')` patches the real
 * module before the test file's ES imports are linked, so that a named import
 * (`import { writeSync } from 'node:fs'`) sees the guard too.
 *
 * Tests of the guard itself reach it through globalThis[Symbol.for(GUARD)].
 */
const fs = require('node:fs');
const { format } = require('node:util');

const GUARD = 'gcp-auth-action.quiet-output';

/**
 * A line the runner would treat as a command: `::name::…` or `::name k=v::…`
 * (leading whitespace allowed, as the runner trims it), or the legacy
 * `##[name]…` form.
 */
const COMMAND_LINE = /^[ \t]*(?:::[A-Za-z0-9_.-]+(?: [^\r\n:]*)?::|##\[[A-Za-z0-9_.-]+[^\]\r\n]*\])/m;

const COMMAND_NAME = /^[ \t]*(?:::([A-Za-z0-9_.-]+)|##\[([A-Za-z0-9_.-]+))/m;

/** @param {string} text */
function isWorkflowCommand(text) {
  return COMMAND_LINE.test(text);
}

/** @type {string[]} what was held back since the last check */
const held = [];

/**
 * @param {string} text
 * @returns {boolean} true when the write must be held back
 */
function hold(text) {
  if (!isWorkflowCommand(text)) return false;
  held.push(text);
  return true;
}

/**
 * The text of a write(2) call as fs.writeSync receives it.
 * @param {unknown} data
 * @param {unknown} offsetOrPosition
 * @param {unknown} lengthOrEncoding
 */
function writtenText(data, offsetOrPosition, lengthOrEncoding) {
  if (typeof data === 'string') return { text: data, bytes: Buffer.byteLength(data) };
  if (!ArrayBuffer.isView(data)) return { text: '', bytes: 0 };
  const offset = typeof offsetOrPosition === 'number' ? offsetOrPosition : 0;
  const length = typeof lengthOrEncoding === 'number' ? lengthOrEncoding : data.byteLength - offset;
  const view = Buffer.from(data.buffer, data.byteOffset + offset, length);
  return { text: view.toString('utf8'), bytes: length };
}

const originalWriteSync = fs.writeSync;
/** @type {typeof fs.writeSync} */
const guardedWriteSync = /** @type {any} */ (
  function writeSync(/** @type {number} */ fd, /** @type {any[]} */ ...rest) {
    if (fd === 1) {
      const { text, bytes } = writtenText(rest[0], rest[1], rest[2]);
      // Report the bytes as written, so a caller that loops until done stops.
      if (hold(text)) return bytes;
    }
    return /** @type {any} */ (originalWriteSync)(fd, ...rest);
  }
);

const stdout = process.stdout;
const originalStdoutWrite = stdout.write;
/** @type {typeof stdout.write} */
const guardedStdoutWrite = /** @type {any} */ (
  function write(/** @type {unknown} */ chunk, /** @type {any[]} */ ...rest) {
    const text =
      typeof chunk === 'string' ? chunk : ArrayBuffer.isView(chunk) ? writtenText(chunk, 0, undefined).text : '';
    if (hold(text)) {
      const callback = rest.find((r) => typeof r === 'function');
      if (callback) process.nextTick(callback);
      return true;
    }
    return /** @type {any} */ (originalStdoutWrite).call(stdout, chunk, ...rest);
  }
);

/** jest's console for this test file (buffered and printed by the reporter, so also part of the log). */
const consoleMethods = /** @type {const} */ (['log', 'info', 'warn', 'error', 'debug']);
const originalConsole = Object.fromEntries(consoleMethods.map((m) => [m, console[m]]));
for (const method of consoleMethods) {
  console[method] = (...args) => {
    if (!hold(format(...args))) originalConsole[method]?.apply(console, args);
  };
}

fs.writeSync = guardedWriteSync;
stdout.write = guardedStdoutWrite;

/** Fails the current test (or hook) when something was held back. */
function check() {
  if (held.length === 0) return;
  const writes = held.splice(0);
  // Name the commands, not their values: an ::add-mask:: value is a secret (if only a test's).
  const names = writes.map((t) => COMMAND_NAME.exec(t)?.slice(1).find(Boolean) ?? '?');
  const counts = [...new Set(names)].map((n) => `::${n}:: ×${names.filter((m) => m === n).length}`);
  throw new Error(
    `A test wrote ${writes.length} workflow command(s) to the real stdout (${counts.join(', ')}), ` +
      'which a GitHub runner executing `npm test` would obey. ' +
      'Capture it instead: captureRunnerOutput() from __tests__/support/runner-output.ts replaces ' +
      "src/runner-commands.ts' stdout.write for each test of the file.",
  );
}

afterEach(check);
afterAll(() => {
  // Put the real writers back only if nothing else replaced them meanwhile.
  if (fs.writeSync === guardedWriteSync) fs.writeSync = originalWriteSync;
  if (stdout.write === guardedStdoutWrite) stdout.write = originalStdoutWrite;
  for (const method of consoleMethods) console[method] = /** @type {any} */ (originalConsole[method]);
  check();
});

/** @type {any} */ (globalThis)[Symbol.for(GUARD)] = {
  isWorkflowCommand,
  /** Returns (and forgets) what was held back, so a test of the guard does not fail itself. */
  take: () => held.splice(0),
};
