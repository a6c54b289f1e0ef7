/**
 * When a failed request is tried again, and how long to wait first. Pure: it
 * gets the failure, the attempt number and the times, and answers "wait N ms"
 * or "stop, because ...". The HTTP layer (src/http.ts) applies it to every
 * service alike; the clock, the sleep and the dice stay there.
 *
 * The shape: capped exponential backoff with full jitter, bounded by a time
 * budget rather than a count. A count cannot tell a 1 s blip from a 60 s
 * outage; a budget can ride out the outage while the cap keeps the number of
 * requests per job small (a thousand jobs retrying must not turn an outage
 * into a self-made denial of service).
 */
import { formatDuration } from './duration.js';

/**
 * Retry budget of one request when `retry_timeout` is not set. Rides out a
 * 60 s outage of any endpoint with a minute to spare, and fails a permanent
 * one in about 2 min (+ one `request_timeout`): well inside the 5 min for
 * which GitHub's OIDC token stays valid, and far from a hung job.
 */
export const DEFAULT_RETRY_TIMEOUT_MS = 120_000;

/** First backoff step: a single dropped connection or 503 is retried within half a second. */
export const BACKOFF_BASE_MS = 500;

/**
 * Longest wait between two attempts. With full jitter the waits at the cap
 * average 7.5 s, so a 60 s outage costs about a dozen requests per job, and
 * the first attempt after the outage ends comes 5 s later on average and 15 s
 * at worst.
 */
export const BACKOFF_CAP_MS = 15_000;

/**
 * A short budget shrinks the cap to budget / 8, so that any budget still
 * leaves room for several attempts spread over it (retry_timeout: 20s gives
 * waits of at most 2.5 s, not one 15 s wait and nothing after it).
 */
export const WAITS_PER_BUDGET = 8;

/**
 * How long a host name that does not resolve (ENOTFOUND) is retried. Runners'
 * resolvers do answer "no such host" for a few seconds now and then (a
 * resolver restarting, a VPN or split-DNS coming up), so it is not final at
 * once; but a real typo in an endpoint input must not cost the whole budget.
 * An outage of the resolver itself shows as EAI_AGAIN, retried normally. No
 * attempt starts after it. The same budget holds for a refused or unreachable
 * address that the user named (UNREACHABLE_CODES).
 */
export const UNRESOLVED_HOST_BUDGET_MS = 15_000;

/**
 * The network errors of an address where nothing listens or that cannot be
 * reached. On an endpoint the user named (subject_token_url, an endpoint
 * override), that is almost always a typo in the host or port, so it is
 * retried for UNRESOLVED_HOST_BUDGET_MS only, like a name that does not
 * resolve. On Google's and GitHub's own endpoints it can be a passing outage
 * (a load balancer restarting, a route flapping), and gets the whole budget.
 */
export const UNREACHABLE_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Statuses that mean "try again later" on every service we call. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** Network errors that say nothing about the request itself: the same request may well work a moment later. */
export const RETRYABLE_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'ENOTFOUND', // within UNRESOLVED_HOST_BUDGET_MS only, see above
]);

/**
 * Why an attempt failed, in the terms the policy needs. Certificate errors
 * come as `network` with their OpenSSL code (UNABLE_TO_VERIFY_LEAF_SIGNATURE,
 * CERT_HAS_EXPIRED, ...), which is in no list above: a certificate that does
 * not verify now will not verify in a second either, so it is final.
 */
export type Failure =
  | {
      kind: 'answer';
      status: number;
      /** The raw Retry-After header, if any. */
      retryAfter?: string | undefined;
      /** The caller says this answer is transient (GitHub's "Pending" 403). */
      retryableAnswer?: boolean;
    }
  | { kind: 'network'; code?: string | undefined; timedOut?: boolean; hangUp?: boolean };

export interface RetryLimits {
  /** Time from the start of the first attempt after which no new attempt starts. */
  budgetMs: number;
  /** At most this many retries within the budget; undefined: as many as the budget allows. */
  maxRetries?: number | undefined;
  /** Absolute time (ms since epoch) after which no attempt starts, whatever the budget (the step's deadline). */
  deadline?: number | undefined;
  /**
   * The request probes for a service that may not exist here (EC2 instance
   * metadata off EC2): silence — a timeout, a refused or unreachable address —
   * means "nothing there" and is final at once, while an HTTP answer or a
   * connection that was accepted and then dropped proves something listens,
   * and is retried as usual.
   */
  probe?: boolean | undefined;
  /**
   * The request goes to an endpoint the user named (subject_token_url, an
   * endpoint input or override): a refused or unreachable address is then
   * retried for UNRESOLVED_HOST_BUDGET_MS only (see UNREACHABLE_CODES).
   */
  userEndpoint?: boolean | undefined;
}

/**
 * What a probe hears when nothing is there. Off EC2, 169.254.169.254 times
 * out (no route, or a firewall that drops) or is refused; off Google Cloud,
 * metadata.google.internal does not resolve (ENOTFOUND: the name exists only
 * in Google Cloud's own DNS). A connection that was accepted and then reset
 * means a service is there, restarting or overloaded.
 */
const SILENCE_CODES: ReadonlySet<string> = new Set([
  'ENOTFOUND',
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
]);

function isSilence(failure: Failure): boolean {
  return failure.kind === 'network' && (failure.timedOut === true || SILENCE_CODES.has(failure.code ?? ''));
}

export interface RetryState {
  /** Attempts made so far, the failed one included (1 after the first failure). */
  attempt: number;
  /** When the first attempt started (ms since epoch). */
  startedAt: number;
  now: number;
  /** Uniform in [0, 1): the jitter. */
  random: number;
}

export type Decision = { retry: true; waitMs: number } | { retry: false; why: StopReason };

export type StopReason =
  | 'permanent'
  | 'max-retries'
  | 'budget'
  | 'deadline'
  | 'unresolved-host'
  | 'unreachable-endpoint'
  | { retryAfterMs: number };

/** Whether the failure is worth another attempt at all, regardless of time. */
export function isRetryable(failure: Failure): boolean {
  if (failure.kind === 'answer') return RETRYABLE_STATUSES.has(failure.status) || failure.retryableAnswer === true;
  if (failure.timedOut || failure.hangUp) return true;
  return failure.code !== undefined && RETRYABLE_NETWORK_CODES.has(failure.code);
}

/** Largest wait (ms) after the n-th failed attempt: doubles from the base up to the cap. */
export function backoffCeilingMs(attempt: number, budgetMs: number): number {
  const cap = Math.min(BACKOFF_CAP_MS, budgetMs / WAITS_PER_BUDGET);
  return Math.min(cap, BACKOFF_BASE_MS * 2 ** (attempt - 1));
}

/** `Retry-After` in ms from `now`: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | undefined, now: number): number | undefined {
  const text = header?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The decision after a failed attempt. The wait is full jitter (uniform up to
 * the ceiling); a Retry-After is a floor under it (never earlier than the
 * service asked; the jitter above it still spreads a crowd that all got the
 * same Retry-After). No wait may end past the budget or the deadline: then
 * the request stops now rather than sleeping for nothing.
 */
export function decide(failure: Failure, state: RetryState, limits: RetryLimits): Decision {
  if (!isRetryable(failure) || (limits.probe && isSilence(failure))) return { retry: false, why: 'permanent' };
  if (limits.maxRetries !== undefined && state.attempt > limits.maxRetries) return { retry: false, why: 'max-retries' };
  const elapsed = state.now - state.startedAt;
  const typo = typoStop(failure, limits);
  if (typo && elapsed >= UNRESOLVED_HOST_BUDGET_MS) return { retry: false, why: typo };
  const jitter = Math.floor(state.random * backoffCeilingMs(state.attempt, limits.budgetMs));
  const asked = failure.kind === 'answer' ? retryAfterMs(failure.retryAfter, state.now) : undefined;
  const waitMs = Math.max(jitter, asked ?? 0);
  const resumeAt = state.now + waitMs;
  // What a typo causes gets no attempt after its short budget either.
  if (typo && resumeAt >= state.startedAt + UNRESOLVED_HOST_BUDGET_MS) return { retry: false, why: typo };
  if (resumeAt >= state.startedAt + limits.budgetMs) {
    // A Retry-After beyond the budget is named: it is the service's word, not ours.
    return { retry: false, why: asked !== undefined && asked >= jitter ? { retryAfterMs: asked } : 'budget' };
  }
  if (limits.deadline !== undefined && resumeAt > limits.deadline) return { retry: false, why: 'deadline' };
  return { retry: true, waitMs };
}

/**
 * Failures that a typo in a host or port causes, retried for
 * UNRESOLVED_HOST_BUDGET_MS only: a name that does not resolve (any
 * endpoint), and an address where nothing listens or that cannot be reached
 * when the user named the endpoint. Returns why it stops then.
 */
function typoStop(failure: Failure, limits: RetryLimits): 'unresolved-host' | 'unreachable-endpoint' | undefined {
  if (failure.kind !== 'network') return undefined;
  if (failure.code === 'ENOTFOUND') return 'unresolved-host';
  if (limits.userEndpoint && UNREACHABLE_CODES.has(failure.code ?? '')) return 'unreachable-endpoint';
  return undefined;
}

/** Why the request stopped, as the end of the error message; undefined for a permanent answer (nothing to add). */
export function describeStop(why: StopReason, limits: RetryLimits): string | undefined {
  if (why === 'permanent') return undefined;
  if (why === 'max-retries') {
    return limits.maxRetries ? `gave up after retries: ${limits.maxRetries}` : 'not retried (retries: 0)';
  }
  if (why === 'budget') return `gave up: retry_timeout ${formatDuration(limits.budgetMs)} used up`;
  if (why === 'deadline') return 'gave up: the step deadline is near';
  if (why === 'unresolved-host') return 'gave up: the host name still does not resolve';
  if (why === 'unreachable-endpoint') return 'gave up: nothing answers at this address, which this workflow set';
  return `gave up: the service asked to retry after ${formatDuration(why.retryAfterMs)}, beyond retry_timeout ${formatDuration(limits.budgetMs)}`;
}
