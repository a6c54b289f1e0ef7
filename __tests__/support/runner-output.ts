/**
 * Captures what src/runner-commands.ts writes to fd 1 (log lines and
 * workflow commands such as `::add-mask::`) during each test of the calling
 * file or describe block, so that none of it reaches the real stdout, where
 * a GitHub runner executing `npm test` would obey it (quiet-output.cjs fails
 * a test that lets one through).
 */
import { stdout } from '../../src/runner-commands.js';
import { parseWorkflowCommands } from '../fakes/index.mjs';

export interface RunnerOutput {
  /** Everything written since the current test started. */
  readonly text: string;
  /** The values registered with `::add-mask::`, unescaped, in order. */
  masks(): string[];
}

/** Call at the top of a file or describe block: captures from beforeEach to afterEach. */
export function captureRunnerOutput(): RunnerOutput {
  let text = '';
  let original: typeof stdout.write | undefined;
  beforeEach(() => {
    text = '';
    original = stdout.write;
    stdout.write = (chunk: string) => {
      text += chunk;
    };
  });
  afterEach(() => {
    if (original) stdout.write = original;
  });
  return {
    get text() {
      return text;
    },
    masks: () =>
      parseWorkflowCommands(text)
        .filter((c) => c.command === 'add-mask')
        .map((c) => c.message),
  };
}

/**
 * What `fn` writes to stdout, through process.stdout (as @actions/core
 * writes) or runner-commands' `stdout` (ours, fd 1), for suites that compare
 * the two; nothing reaches the real stdout.
 */
export function captureStdout(fn: () => void): string {
  const write = process.stdout.write;
  const ownWrite = stdout.write;
  let text = '';
  process.stdout.write = ((chunk: string | Uint8Array) => {
    text += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  stdout.write = (chunk: string) => {
    text += chunk;
  };
  try {
    fn();
  } finally {
    process.stdout.write = write;
    stdout.write = ownWrite;
  }
  return text;
}
