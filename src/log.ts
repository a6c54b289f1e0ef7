/**
 * The log the action writes to. An interface rather than direct runner commands
 * calls so the HTTP layer and the clients can be unit-tested without a runner.
 */
import * as runner from './runner-commands.js';

export interface Log {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
}

export const runnerLog: Log = {
  debug: (message) => runner.debug(message),
  info: (message) => runner.info(message),
  warning: (message) => runner.warning(message),
};

/**
 * Registers a value with the runner's masker. Every token, request token and
 * key passes through here the moment we have it, before anything could print it.
 */
export function maskSecret(value: string | undefined): void {
  if (!value) return;
  runner.setSecret(value);
  // A multi-line secret (a PEM key) is masked line by line by the runner only
  // when each line is registered; register the lines too.
  if (value.includes('\n')) {
    for (const line of value.split(/\r?\n/)) if (line.trim().length >= 8) runner.setSecret(line.trim());
  }
}
