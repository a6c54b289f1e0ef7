/** What the in-process unit suites share. */
import nock from 'nock';

import { ConfigError } from '../../src/errors.js';
import type { Log } from '../../src/log.js';
import { stdout as runnerStdout } from '../../src/runner-commands.js';
import { captureMasks } from '../fakes/aws.mjs';

/**
 * For the whole suite: no real network (nock only), and the runner's
 * `::add-mask::` lines captured instead of written to the test log (a runner
 * executing `npm test` would obey them). Returns the masked values, filled
 * as the suite runs.
 */
export function useNockAndCaptureMasks(): string[] {
  // Each suite has its own module registry, so this is the suite's own runner stdout.
  const capture = captureMasks(runnerStdout);
  beforeAll(() => nock.disableNetConnect());
  afterAll(() => {
    capture.stop();
    nock.enableNetConnect();
  });
  afterEach(() => nock.cleanAll());
  return capture.values;
}

/** A Log that keeps every line, prefixed with its level, for tests to read what a module said. */
export function recordingLog(): Log & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    debug: (m) => lines.push(`debug: ${m}`),
    info: (m) => lines.push(`info: ${m}`),
    warning: (m) => lines.push(`warning: ${m}`),
  };
}

/** The ConfigError message of `fn`, which must throw one. */
export function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}
