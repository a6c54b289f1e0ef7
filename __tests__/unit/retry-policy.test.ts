import {
  BACKOFF_CAP_MS,
  backoffCeilingMs,
  decide,
  DEFAULT_RETRY_TIMEOUT_MS,
  describeStop,
  type Failure,
  isRetryable,
  retryAfterMs,
  type RetryLimits,
  type RetryState,
} from '../../src/retry-policy.js';
import { formatDuration } from '../../src/duration.js';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const defaults: RetryLimits = { budgetMs: DEFAULT_RETRY_TIMEOUT_MS };
const state = (attempt: number, elapsedMs = 0, random = 0.5): RetryState => ({
  attempt,
  startedAt: T0,
  now: T0 + elapsedMs,
  random,
});
const answer = (status: number, extra: Partial<Extract<Failure, { kind: 'answer' }>> = {}): Failure => ({
  kind: 'answer',
  status,
  ...extra,
});
const network = (code: string): Failure => ({ kind: 'network', code });

describe('what is retryable', () => {
  it.each([408, 429, 500, 502, 503, 504])('HTTP %i', (status) => {
    expect(isRetryable(answer(status))).toBe(true);
  });

  it.each([400, 401, 403, 404, 409, 501])('not HTTP %i', (status) => {
    expect(isRetryable(answer(status))).toBe(false);
    expect(decide(answer(status), state(1), defaults)).toEqual({ retry: false, why: 'permanent' });
  });

  it("an answer the caller knows to be transient (GitHub's Pending 403)", () => {
    expect(isRetryable(answer(403, { retryableAnswer: true }))).toBe(true);
  });

  it.each(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'EPIPE', 'ENOTFOUND'])(
    'network %s',
    (code) => {
      expect(isRetryable(network(code))).toBe(true);
    },
  );

  it('timeouts and hang-ups without a code', () => {
    expect(isRetryable({ kind: 'network', timedOut: true })).toBe(true);
    expect(isRetryable({ kind: 'network', hangUp: true })).toBe(true);
    expect(isRetryable({ kind: 'network' })).toBe(false);
  });

  it.each([
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'CERT_HAS_EXPIRED',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'ERR_TLS_CERT_ALTNAME_INVALID',
  ])('never a certificate that does not verify: %s', (code) => {
    expect(decide(network(code), state(1), defaults)).toEqual({ retry: false, why: 'permanent' });
  });

  it('a host name that does not resolve, for the first 15 s only', () => {
    expect(decide(network('ENOTFOUND'), state(3, 13_000), defaults).retry).toBe(true);
    // No attempt starts after 15 s: a wait that would end there stops now.
    expect(decide(network('ENOTFOUND'), state(3, 14_000), defaults)).toEqual({
      retry: false,
      why: 'unresolved-host',
    });
    expect(decide(network('ENOTFOUND'), state(4, 15_000), defaults)).toEqual({
      retry: false,
      why: 'unresolved-host',
    });
    // A resolver that is down (EAI_AGAIN) gets the whole budget.
    expect(decide(network('EAI_AGAIN'), state(9, 60_000), defaults).retry).toBe(true);
  });
});

describe('an address that refuses or cannot be reached', () => {
  const user: RetryLimits = { ...defaults, userEndpoint: true };

  it.each(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH'])(
    '%s at an endpoint the user named: retried for 15 s only (a typo), then stops saying so',
    (code) => {
      expect(decide(network(code), state(2, 5_000), user).retry).toBe(true);
      expect(decide(network(code), state(3, 14_000), user)).toEqual({ retry: false, why: 'unreachable-endpoint' });
      expect(decide(network(code), state(5, 15_000), user)).toEqual({ retry: false, why: 'unreachable-endpoint' });
      expect(describeStop('unreachable-endpoint', user)).toBe(
        'gave up: nothing answers at this address, which this workflow set',
      );
    },
  );

  it.each(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH'])(
    "%s at Google's or GitHub's own endpoint: the whole budget (an outage passes)",
    (code) => {
      expect(decide(network(code), state(9, 60_000), defaults).retry).toBe(true);
    },
  );

  it('a reset or a timeout at an endpoint the user named: the whole budget (something listens there)', () => {
    expect(decide(network('ECONNRESET'), state(9, 60_000), user).retry).toBe(true);
    expect(decide({ kind: 'network', timedOut: true }, state(9, 60_000), user).retry).toBe(true);
  });
});

describe('how long to wait', () => {
  it('doubles from 0.5 s up to the 15 s cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((n) => backoffCeilingMs(n, DEFAULT_RETRY_TIMEOUT_MS))).toEqual([
      500, 1000, 2000, 4000, 8000, 15_000, 15_000, 15_000,
    ]);
  });

  it('shrinks the cap to an eighth of a short budget', () => {
    expect(backoffCeilingMs(10, 20_000)).toBe(2500);
    expect(backoffCeilingMs(10, 4000)).toBe(500);
    expect(backoffCeilingMs(1, 2000)).toBe(250);
  });

  it('full jitter: uniform between 0 and the ceiling', () => {
    expect(decide(answer(503), state(4, 0, 0), defaults)).toEqual({ retry: true, waitMs: 0 });
    expect(decide(answer(503), state(4, 0, 0.25), defaults)).toEqual({ retry: true, waitMs: 1000 });
    expect(decide(answer(503), state(4, 0, 0.999_999), defaults)).toEqual({ retry: true, waitMs: 3999 });
  });

  it('Retry-After in seconds is a floor under the jitter', () => {
    expect(decide(answer(429, { retryAfter: '3' }), state(1), defaults)).toEqual({ retry: true, waitMs: 3000 });
    // When the jitter is longer than the service asked, the jitter wins (a crowd stays spread).
    expect(decide(answer(429, { retryAfter: '1' }), state(8, 0, 0.5), defaults)).toEqual({
      retry: true,
      waitMs: 7500,
    });
  });

  it('Retry-After as an HTTP date', () => {
    const at = new Date(T0 + 4000).toUTCString();
    expect(retryAfterMs(at, T0)).toBe(4000);
    expect(retryAfterMs(new Date(T0 - 60_000).toUTCString(), T0)).toBe(0);
    expect(decide(answer(503, { retryAfter: at }), state(1), defaults)).toEqual({ retry: true, waitMs: 4000 });
    expect(retryAfterMs('soon', T0)).toBeUndefined();
    expect(retryAfterMs(undefined, T0)).toBeUndefined();
    expect(retryAfterMs(' 12 ', T0)).toBe(12_000);
  });
});

describe('when to stop', () => {
  it('no wait may end past the budget', () => {
    expect(decide(answer(503), state(10, 110_000, 0.5), defaults)).toEqual({ retry: true, waitMs: 7500 });
    expect(decide(answer(503), state(11, 113_000, 0.5), defaults)).toEqual({ retry: false, why: 'budget' });
  });

  it('a Retry-After beyond the budget stops at once, and says so', () => {
    const decision = decide(answer(429, { retryAfter: '300' }), state(1), defaults);
    expect(decision).toEqual({ retry: false, why: { retryAfterMs: 300_000 } });
    if (decision.retry) throw new Error('unreachable');
    expect(describeStop(decision.why, defaults)).toBe(
      'gave up: the service asked to retry after 5m, beyond retry_timeout 2m',
    );
  });

  it('retries: N caps the count within the budget; 0 means none', () => {
    const limits = { budgetMs: DEFAULT_RETRY_TIMEOUT_MS, maxRetries: 2 };
    expect(decide(answer(503), state(2), limits).retry).toBe(true);
    expect(decide(answer(503), state(3), limits)).toEqual({ retry: false, why: 'max-retries' });
    expect(decide(answer(503), state(1), { ...limits, maxRetries: 0 })).toEqual({ retry: false, why: 'max-retries' });
    expect(describeStop('max-retries', limits)).toBe('gave up after retries: 2');
    expect(describeStop('max-retries', { ...limits, maxRetries: 0 })).toBe('not retried (retries: 0)');
  });

  it('a zero budget means no retries', () => {
    expect(decide(answer(503), state(1, 0, 0), { budgetMs: 0 })).toEqual({ retry: false, why: 'budget' });
  });

  it('a probe: silence is final, an answer or a dropped connection is retried', () => {
    const probe = { ...defaults, probe: true };
    expect(decide({ kind: 'network', timedOut: true }, state(1), probe)).toEqual({ retry: false, why: 'permanent' });
    expect(decide(network('ECONNREFUSED'), state(1), probe)).toEqual({ retry: false, why: 'permanent' });
    expect(decide(network('EHOSTUNREACH'), state(1), probe)).toEqual({ retry: false, why: 'permanent' });
    // metadata.google.internal off Google Cloud: the name resolves nowhere else.
    expect(decide(network('ENOTFOUND'), state(1), probe)).toEqual({ retry: false, why: 'permanent' });
    expect(decide(answer(503), state(1), probe)).toEqual({ retry: true, waitMs: 250 });
    // Something accepted the connection: a service is there, restarting or overloaded.
    expect(decide(network('ECONNRESET'), state(1), probe)).toEqual({ retry: true, waitMs: 250 });
    expect(decide({ kind: 'network', hangUp: true }, state(1), probe)).toEqual({ retry: true, waitMs: 250 });
  });

  it('the step deadline wins over the budget', () => {
    const limits = { ...defaults, deadline: T0 + 3000 };
    expect(decide(answer(503), state(1, 0, 0.5), limits)).toEqual({ retry: true, waitMs: 250 });
    expect(decide(answer(503), state(5, 0, 0.5), limits)).toEqual({ retry: false, why: 'deadline' });
  });
});

describe('the defaults against the targets of issue 10', () => {
  /** Attempts and recovery time of one job against an outage of `outageMs`, with a given jitter sequence. */
  function ride(outageMs: number, dice: () => number, attemptMs = 50): { attempts: number; doneAt: number } {
    let now = T0;
    for (let attempt = 1; ; attempt++) {
      now += attemptMs;
      if (now - T0 >= outageMs) return { attempts: attempt, doneAt: now - T0 };
      const decision = decide(answer(503), { attempt, startedAt: T0, now, random: dice() }, defaults);
      if (!decision.retry) throw new Error(`gave up after ${attempt} attempts at ${now - T0} ms`);
      now += decision.waitMs;
    }
  }

  it('a 60 s outage is survived with about a dozen requests, within 15 s of its end', () => {
    // Deterministic dice (a linear congruential generator), many jobs.
    let seed = 42;
    const dice = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const runs = Array.from({ length: 500 }, () => ride(60_000, dice));
    const attempts = runs.map((r) => r.attempts).sort((a, b) => a - b);
    const late = runs.map((r) => r.doneAt - 60_000).sort((a, b) => a - b);
    const median = (xs: number[]) => xs[Math.floor(xs.length / 2)] ?? NaN;
    expect(median(attempts)).toBeGreaterThanOrEqual(9);
    expect(median(attempts)).toBeLessThanOrEqual(14);
    expect(attempts[attempts.length - 1]).toBeLessThanOrEqual(25);
    expect(median(late)).toBeLessThan(7000);
    expect(late[late.length - 1]).toBeLessThanOrEqual(BACKOFF_CAP_MS + 100);
  });

  it('a permanent outage fails within the 2 min budget', () => {
    let seed = 7;
    const dice = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    expect(() => ride(Infinity, dice)).toThrow(/gave up after \d+ attempts at (1[01]\d|120)\d{3} ms/);
  });
});

describe('formatDuration', () => {
  it('is short', () => {
    expect([0, 250, 9_949, 10_000, 41_400, 60_000, 125_000].map(formatDuration)).toEqual([
      '0.0s',
      '0.3s',
      '9.9s',
      '10s',
      '41s',
      '1m',
      '2m5s',
    ]);
  });
});
