/**
 * The one HTTP layer. Every request the action makes (GitHub OIDC, Google STS,
 * IAM Credentials, OAuth2, AWS) goes through `Http.request`, which owns:
 *   - the User-Agent and, for Google calls, `X-Goog-Request-Reason`;
 *   - a timeout per attempt and a deadline for the whole step, both of which
 *     abort the attempt and close its connection;
 *   - a size cap on every answer (MAX_ANSWER_BYTES);
 *   - retries on what is safe to retry, decided by src/retry-policy.ts (time
 *     budget, capped exponential backoff with full jitter, Retry-After), with
 *     one log line per wait and one when an answer came after retries;
 *   - proxies from HTTPS_PROXY / HTTP_PROXY / NO_PROXY (via @actions/http-client),
 *     never for instance metadata (src/proxy.ts);
 *   - one error type, `ServiceError`, carrying the service, the status and the
 *     service's own message.
 * Callers never see a raw response with a non-2xx status.
 */
import type { IncomingMessage, RequestOptions } from 'node:http';

import { HttpClient } from '@actions/http-client';

import { Connections } from './connections.js';
import { formatDuration } from './duration.js';
import { ServiceError } from './errors.js';
import { clipForDisplay, type Log } from './log.js';
import { directHandler, isInstanceMetadata } from './proxy.js';
import { decide, DEFAULT_RETRY_TIMEOUT_MS, describeStop, type Failure, type RetryLimits } from './retry-policy.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT';

export interface HttpRequest {
  /** Human name of the remote service, used in logs and errors. */
  service: string;
  method: HttpMethod;
  url: string;
  headers?: Record<string, string>;
  /** Body sent as JSON. */
  json?: unknown;
  /** Body sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
  /** Add `X-Goog-Request-Reason` (Google APIs only). */
  google?: boolean;
  /**
   * Extra retry rule for answers that look permanent but are not, e.g.
   * GitHub's OIDC 403 while a job is still "Pending".
   */
  retryableAnswer?: (status: number, body: string) => boolean;
  /** Overrides for this request only (e.g. a quick probe that may find nothing listening). */
  retries?: number;
  timeoutMs?: number;
  /**
   * A probe of a service that may not exist here (EC2 instance metadata off
   * EC2): a network failure or timeout is final at once ("nothing there"),
   * but an HTTP answer proves the service exists, so a transient one (503,
   * 429, ...) is retried with the normal policy.
   */
  probe?: boolean;
  /** An endpoint the user named (subject_token_url): a refused address is likely a typo (retry-policy.ts). */
  userEndpoint?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface HttpOptions {
  userAgent: string;
  requestReason?: string;
  /** At most this many retries after the first attempt; undefined: as many as the retry budget allows. */
  retries?: number | undefined;
  /** Retry budget of one request, in ms: no attempt starts later than this after its first (default 2 min). */
  retryTimeoutMs?: number | undefined;
  /** Time limit of one attempt, in ms. */
  requestTimeoutMs: number;
  /** Absolute time (ms since epoch) after which no new attempt starts, and by which an attempt in flight is ended. */
  deadline?: number;
  /** Origins of the endpoints the user overrode (sts_endpoint, ...): requests there are `userEndpoint`. */
  userOrigins?: readonly string[];
  log: Log;
  /** Injection points for tests. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

/** Largest part of an error body we keep (error bodies are small; a proxy's HTML page is not). */
const MAX_ERROR_TEXT = 600;

/** No attempt starts this close to the step's deadline: it would have no time to answer. */
const DEADLINE_MARGIN_MS = 1_000;

/**
 * The largest answer read from any service. The biggest legitimate answers
 * are a few KB (a Google access token is about 2 KB, an ID token or a GitHub
 * OIDC token about 1-2 KB, an AWS XML answer under 4 KB, a SAML assertion
 * from a token URL tens of KB); 1 MiB, the cap of the file and executable
 * sources too, leaves a wide margin while bounding what a broken or hostile
 * server can make the step hold in memory and print to GITHUB_OUTPUT.
 */
export const MAX_ANSWER_BYTES = 1024 * 1024;

export class Http {
  // One client per origin: @actions/http-client caches a single agent per
  // client regardless of protocol, so sharing one client between an http://
  // and an https:// origin would send TLS traffic through a plain agent.
  private readonly clients = new Map<string, HttpClient>();
  private readonly connections = new Connections();
  /** Closes the direct agents of instance metadata clients (proxy.ts). */
  private readonly directAgents: Array<() => void> = [];
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  /** The abort signal of the request being prepared (see attempt()). */
  private nextSignal: AbortSignal | undefined;

  constructor(private readonly options: HttpOptions) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  /** Sends the request, retrying what is safe to retry; resolves only on 2xx. */
  async request(req: HttpRequest): Promise<HttpResponse> {
    const { body, contentType } = encodeBody(req);
    const headers: Record<string, string> = { Accept: 'application/json', ...req.headers };
    if (contentType) headers['Content-Type'] = contentType;
    if (req.google && this.options.requestReason) {
      headers['X-Goog-Request-Reason'] = this.options.requestReason;
    }
    const url = new URL(req.url);
    const label = `${req.method} ${url.origin}${url.pathname}`;
    const timeoutMs = req.timeoutMs ?? this.options.requestTimeoutMs;
    const limits: RetryLimits = {
      budgetMs: this.options.retryTimeoutMs ?? DEFAULT_RETRY_TIMEOUT_MS,
      maxRetries: req.retries ?? this.options.retries,
      deadline: this.options.deadline === undefined ? undefined : this.options.deadline - DEADLINE_MARGIN_MS,
      probe: req.probe,
      userEndpoint: req.userEndpoint === true || this.options.userOrigins?.includes(url.origin) === true,
    };
    const of = limits.maxRetries === undefined ? '' : `/${limits.maxRetries + 1}`;
    const startedAt = this.now();

    for (let attempt = 1; ; attempt++) {
      let outcome: HttpResponse | NetworkFailure;
      try {
        outcome = await this.attempt(req.method, url, headers, body, this.attemptLimit(timeoutMs));
      } catch (err) {
        if (err instanceof AnswerTooLarge) {
          // Not retried: the same server would send the same answer again.
          this.options.log.debug(`${req.service}: ${label} -> ${err.message} (attempt ${attempt}${of}, final)`);
          throw new ServiceError(req.service, err.status, err.message, label, attempt);
        }
        outcome = networkFailure(err);
      }
      const now = this.now();

      if ('status' in outcome && outcome.status >= 200 && outcome.status < 300) {
        this.options.log.debug(`${req.service}: ${label} -> ${outcome.status} (attempt ${attempt}${of})`);
        if (attempt > 1) {
          this.options.log.info(
            `${req.service} answered after ${attempt} attempts over ${formatDuration(now - startedAt)}`,
          );
        }
        return outcome;
      }

      const answer = 'status' in outcome ? { ...outcome, ...parseErrorBody(outcome.body) } : undefined;
      const failure: Failure = answer
        ? {
            kind: 'answer',
            status: answer.status,
            retryAfter: firstHeader(answer.headers['retry-after']),
            retryableAnswer: req.retryableAnswer?.(answer.status, answer.body) ?? false,
          }
        : (outcome as NetworkFailure).failure;
      // The reason goes into the log only when it looks like a code (UNAVAILABLE, invalid_grant, Throttling).
      const code = answer?.reason && /^[\w.-]{1,64}$/.test(answer.reason) ? ` ${answer.reason}` : '';
      const what = answer ? `HTTP ${answer.status}${code}` : (outcome as NetworkFailure).description;
      const decision = decide(failure, { attempt, startedAt, now, random: this.random() }, limits);

      if (!decision.retry) {
        this.options.log.debug(`${req.service}: ${label} -> ${what} (attempt ${attempt}${of}, final)`);
        const retries =
          attempt > 1 ? { elapsedMs: now - startedAt, stop: describeStop(decision.why, limits) } : undefined;
        if (!answer) {
          const { description } = outcome as NetworkFailure;
          throw new ServiceError(req.service, undefined, description, label, attempt, undefined, retries);
        }
        throw new ServiceError(req.service, answer.status, answer.message, label, attempt, answer.reason, retries);
      }
      this.options.log.info(
        `${req.service}: ${url.host} attempt ${attempt}${of} failed (${what}); retrying in ${formatDuration(decision.waitMs)}`,
      );
      await this.sleep(decision.waitMs);
    }
  }

  /** `request` for a JSON answer. */
  async requestJson<T>(req: HttpRequest): Promise<T> {
    const res = await this.request(req);
    try {
      return JSON.parse(res.body) as T;
    } catch {
      throw new ServiceError(req.service, res.status, 'the answer was not valid JSON', `${req.method} ${req.url}`, 1);
    }
  }

  /**
   * The time limit of the next attempt: the request's own, or less when the
   * step's deadline comes first, so that no request outlives the step.
   */
  private attemptLimit(timeoutMs: number): AttemptLimit {
    const { deadline } = this.options;
    if (deadline === undefined) return { ms: timeoutMs, byDeadline: false };
    const left = Math.max(0, deadline - this.now());
    return left < timeoutMs ? { ms: left, byDeadline: true } : { ms: timeoutMs, byDeadline: false };
  }

  private async attempt(
    method: HttpMethod,
    url: URL,
    headers: Record<string, string>,
    body: string | null,
    limit: AttemptLimit,
  ): Promise<HttpResponse> {
    const client = this.clientFor(url);
    // Aborting destroys the request and its socket, whatever stage it is in
    // (connecting, waiting for the head, reading the body): a timed-out
    // attempt must stop downloading, not only stop being awaited.
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    // The socket timeout of http-client fires only on an idle socket; this
    // timer also bounds a server that trickles its answer.
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutError(limit)), limit.ms);
    });
    let done = false;
    try {
      const result = await Promise.race([
        (async () => {
          // The signal handler (clientFor) hands this signal to the request
          // http-client prepares synchronously inside this call.
          this.nextSignal = controller.signal;
          let pending: ReturnType<HttpClient['request']>;
          try {
            pending = client.request(method, url.href, body, headers);
          } finally {
            this.nextSignal = undefined;
          }
          const res = await pending;
          const text = await readAnswer(res.message, MAX_ANSWER_BYTES);
          return { status: res.message.statusCode ?? 0, headers: res.message.headers, body: text };
        })(),
        timeout,
      ]);
      done = true;
      return result;
    } finally {
      clearTimeout(timer);
      if (!done) controller.abort();
    }
  }

  private clientFor(url: URL): HttpClient {
    let client = this.clients.get(url.origin);
    if (!client) {
      // The handler puts a preconnected origin's agent on each request (src/connections.ts).
      const signalHandler = {
        prepareRequest: (options: RequestOptions) => {
          if (this.nextSignal) options.signal = this.nextSignal;
        },
        canHandleAuthentication: () => false,
        handleAuthentication: () => Promise.reject(new Error('not an authentication handler')),
      };
      // Instance metadata goes direct whatever the proxy variables say (proxy.ts); a preconnected agent, if any, wins.
      const direct = isInstanceMetadata(url) ? directHandler(url) : undefined;
      if (direct) this.directAgents.push(direct.close);
      const handlers = [...(direct ? [direct.handler] : []), this.connections.handlerFor(url.origin), signalHandler];
      client = new HttpClient(this.options.userAgent, handlers, {
        allowRetries: false, // retries are ours: one policy, logged, with a deadline
        allowRedirects: false, // none of the APIs we call redirect; a redirect is a misconfigured endpoint
        keepAlive: true,
        socketTimeout: this.options.requestTimeoutMs,
      });
      this.clients.set(url.origin, client);
    }
    return client;
  }

  /**
   * Starts opening connections to origins that later requests will call, so
   * that their TCP and TLS handshakes overlap earlier requests. Costs nothing
   * when it fails: the request then connects as usual.
   */
  preconnect(urls: Iterable<string>): void {
    this.connections.preconnect(urls);
  }

  /** Frees the keep-alive sockets so the process can exit at once. */
  dispose(): void {
    for (const client of this.clients.values()) client.dispose();
    this.clients.clear();
    for (const close of this.directAgents.splice(0)) close();
    this.connections.close();
  }
}

interface AttemptLimit {
  ms: number;
  /** The step's deadline, not the request timeout, set this limit. */
  byDeadline: boolean;
}

class TimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(limit: AttemptLimit) {
    super(
      limit.byDeadline ? `no answer before the step deadline (${limit.ms} ms left)` : `no answer within ${limit.ms} ms`,
    );
  }
}

/** An answer over MAX_ANSWER_BYTES: refused, never retried. */
class AnswerTooLarge extends Error {
  constructor(
    readonly status: number | undefined,
    size: number | undefined,
    limit: number,
  ) {
    super(
      `the answer is ${size === undefined ? 'larger than' : `${size} bytes, over`} the limit of ${limit} bytes ` +
        '(1 MiB) for any answer; refused. Check that the endpoint is the right one.',
    );
  }
}

/**
 * Reads an answer's body, refusing one over `limit` bytes: at once when its
 * Content-Length says so, else as soon as that many bytes have come (a
 * chunked answer has no length). What @actions/http-client's readBody does,
 * with the cap it lacks, and an error when the connection drops mid-body.
 */
function readAnswer(message: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    // An error after we stopped reading (the abort that closes the socket) must not go unhandled.
    message.on('error', reject);
    const declared = Number(message.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new AnswerTooLarge(message.statusCode, declared, limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    message.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new AnswerTooLarge(message.statusCode, undefined, limit));
        message.destroy();
        return;
      }
      chunks.push(chunk);
    });
    message.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    message.on('close', () => {
      if (!message.complete) reject(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    });
  });
}

function encodeBody(req: HttpRequest): { body: string | null; contentType?: string } {
  if (req.json !== undefined) return { body: JSON.stringify(req.json), contentType: 'application/json' };
  if (req.form !== undefined) {
    return { body: new URLSearchParams(req.form).toString(), contentType: 'application/x-www-form-urlencoded' };
  }
  return { body: null };
}

/** A request that got no HTTP answer. */
interface NetworkFailure {
  failure: Extract<Failure, { kind: 'network' }>;
  /** Short and secret-free: "ECONNRESET: socket hang up", "timeout: no answer within 30000 ms". */
  description: string;
}

/**
 * Classifies whatever a failed attempt threw. Duck-typed on purpose: errors
 * from Node's core may come from another realm (jest's VM contexts), where
 * `instanceof Error` is false.
 */
function networkFailure(err: unknown): NetworkFailure {
  const fields = (err && typeof err === 'object' ? err : {}) as { code?: unknown; message?: unknown };
  const code = typeof fields.code === 'string' ? fields.code : undefined;
  const message = typeof fields.message === 'string' ? fields.message : String(err);
  // http-client reports its own socket timeout as a plain Error "Request timeout: <path>".
  if (err instanceof TimeoutError || /^Request timeout/.test(message)) {
    return {
      failure: { kind: 'network', timedOut: true },
      description: `timeout: ${err instanceof TimeoutError ? message : 'socket idle too long'}`,
    };
  }
  if (code !== undefined) return { failure: { kind: 'network', code }, description: `${code}: ${message}` };
  return { failure: { kind: 'network', hangUp: /socket hang up/i.test(message) }, description: message };
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The service's own words from an error body: Google APIs send
 * `{"error":{"message","status"}}`, OAuth-style endpoints (STS, OAuth2)
 * `{"error","error_description"}`, GitHub `{"message"}`, AWS XML.
 */
export function parseErrorBody(body: string): { message: string; reason?: string } {
  const text = body.trim();
  if (!text) return { message: '(empty answer)' };
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    const error = json['error'];
    if (error && typeof error === 'object') {
      const e = error as Record<string, unknown>;
      const reason = typeof e['status'] === 'string' ? e['status'] : undefined;
      return { message: clip(String(e['message'] ?? text)), ...(reason ? { reason } : {}) };
    }
    if (typeof error === 'string') {
      const description = json['error_description'];
      return { message: clip(typeof description === 'string' ? `${error}: ${description}` : error), reason: error };
    }
    if (typeof json['message'] === 'string') return { message: clip(json['message']) };
  } catch {
    // not JSON: AWS answers XML, proxies answer HTML
  }
  const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1];
  if (code || message)
    return { message: clip([code, message].filter(Boolean).join(': ')), ...(code ? { reason: code } : {}) };
  return { message: clip(text.replace(/\s+/g, ' ')) };
}

/** The service's words as shown: secrets it echoed redacted before the cut (log.ts says why). */
function clip(text: string): string {
  return clipForDisplay(text, MAX_ERROR_TEXT);
}
