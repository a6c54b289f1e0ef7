/** How requests are made: retries and their time budget, the time limit of one attempt, the request reason. */
import type { CommonInputReader, Config } from '../config.js';
import { parseDuration } from '../duration.js';
import { ConfigError } from '../errors.js';

export function readRequestOptions(
  get: CommonInputReader,
): Pick<Config, 'retries' | 'retryTimeoutMs' | 'requestTimeoutMs' | 'requestReason'> {
  // Retries are bounded by time (retry_timeout); "retries" only caps their
  // count within it, and is unset by default so that the budget alone decides.
  const retriesText = get('retries');
  if (retriesText !== '' && (!/^\d+$/.test(retriesText) || Number(retriesText) > 100)) {
    throw new ConfigError(
      `"retries" must be a whole number from 0 to 100 (0: no retries), or empty for as many as retry_timeout allows; got "${retriesText}".`,
    );
  }
  const retryTimeoutText = get('retry_timeout') || '2m';
  const retryTimeoutSeconds = parseDuration(retryTimeoutText);
  if (retryTimeoutSeconds === undefined || retryTimeoutSeconds > 600) {
    throw new ConfigError(
      `"retry_timeout" must be a duration from 0s to 10m such as 2m or 90s, got "${retryTimeoutText}".`,
    );
  }
  const timeoutText = get('request_timeout') || '30s';
  const timeoutSeconds = parseDuration(timeoutText);
  if (timeoutSeconds === undefined || timeoutSeconds <= 0 || timeoutSeconds > 600) {
    throw new ConfigError(`"request_timeout" must be a duration from 1s to 10m such as 30s, got "${timeoutText}".`);
  }
  // Sent as an HTTP header: printable ASCII only, or Node refuses the request.
  const requestReason = get('request_reason');
  if (!/^[\x20-\x7e]{0,512}$/.test(requestReason)) {
    throw new ConfigError(
      '"request_reason" must be at most 512 printable ASCII characters on one line (it is sent as the ' +
        'X-Goog-Request-Reason header).',
    );
  }
  return {
    retries: retriesText === '' ? undefined : Number(retriesText),
    retryTimeoutMs: retryTimeoutSeconds * 1000,
    requestTimeoutMs: timeoutSeconds * 1000,
    ...(requestReason ? { requestReason } : {}),
  };
}
