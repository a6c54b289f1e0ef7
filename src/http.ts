/**
 * The one HTTP layer. Every request the action makes (GitHub OIDC, Google STS,
 * IAM Credentials, OAuth2, AWS) goes through `Http.request`, which owns:
 *   - the User-Agent and, for Google calls, `X-Goog-Request-Reason`;
 *   - a timeout per attempt and a deadline for the whole step;
 *   - retries with exponential backoff and full jitter on what is safe to
 *     retry (connection failures, 408/429/5xx, and whatever the caller adds),
 *     honouring `Retry-After`;
 *   - proxies from HTTPS_PROXY / HTTP_PROXY / NO_PROXY (via @actions/http-client);
 *   - one error type, `ServiceError`, carrying the service, the status and the
 *     service's own message.
 * Callers never see a raw response with a non-2xx status.
 */
import { HttpClient } from '@actions/http-client';

import { Connections } from './connections.js';
import { ServiceError } from './errors.js';
import type { Log } from './log.js';

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
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface HttpOptions {
  userAgent: string;
  requestReason?: string;
  /** Retries after the first attempt. */
  retries: number;
  /** Time limit of one attempt, in ms. */
  requestTimeoutMs: number;
  /** Absolute time (ms since epoch) after which no new attempt starts. */
  deadline?: number;
  /** First backoff step and cap, in ms. */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  log: Log;
  /** Injection points for tests. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** Statuses that mean "try again later" on every service we call. */
const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/** Longest `Retry-After` we accept before treating the answer as final. */
const MAX_RETRY_AFTER_MS = 60_000;

/** Largest part of an error body we keep (error bodies are small; a proxy's HTML page is not). */
const MAX_ERROR_TEXT = 600;

export class Http {
  // One client per origin: @actions/http-client caches a single agent per
  // client regardless of protocol, so sharing one client between an http://
  // and an https:// origin would send TLS traffic through a plain agent.
  private readonly clients = new Map<string, HttpClient>();
  private readonly connections = new Connections();
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  /** Number of attempts made, for tests and the benchmark. */
  attemptsMade = 0;

  constructor(private readonly options: HttpOptions) {
    neverProxyInstanceMetadata(process.env);
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
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
    const maxAttempts = (req.retries ?? this.options.retries) + 1;
    const timeoutMs = req.timeoutMs ?? this.options.requestTimeoutMs;

    for (let attempt = 1; ; attempt++) {
      this.attemptsMade++;
      let outcome: HttpResponse | NetworkFailure;
      try {
        outcome = await this.attempt(req.method, url, headers, body, timeoutMs);
      } catch (err) {
        outcome = networkFailure(err);
      }

      if ('status' in outcome && outcome.status >= 200 && outcome.status < 300) {
        this.options.log.debug(`${req.service}: ${label} -> ${outcome.status} (attempt ${attempt}/${maxAttempts})`);
        return outcome;
      }

      const retryable =
        'status' in outcome
          ? RETRYABLE_STATUSES.has(outcome.status) || (req.retryableAnswer?.(outcome.status, outcome.body) ?? false)
          : outcome.retryable;
      const wait = 'status' in outcome ? this.retryWait(outcome, attempt) : this.backoff(attempt);
      const timeLeft = this.options.deadline === undefined ? Infinity : this.options.deadline - Date.now();
      const what = 'status' in outcome ? `HTTP ${outcome.status}` : outcome.description;

      if (!retryable || attempt >= maxAttempts || wait === undefined || wait + 1_000 > timeLeft) {
        this.options.log.debug(`${req.service}: ${label} -> ${what} (attempt ${attempt}/${maxAttempts}, final)`);
        if (!('status' in outcome)) {
          throw new ServiceError(req.service, undefined, outcome.description, label, attempt);
        }
        const { message, reason } = parseErrorBody(outcome.body);
        throw new ServiceError(req.service, outcome.status, message, label, attempt, reason);
      }
      this.options.log.info(
        `${req.service}: ${url.host} attempt ${attempt}/${maxAttempts} failed (${what}); retrying in ${(wait / 1000).toFixed(1)}s`,
      );
      await this.sleep(wait);
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

  private async attempt(
    method: HttpMethod,
    url: URL,
    headers: Record<string, string>,
    body: string | null,
    timeoutMs: number,
  ): Promise<HttpResponse> {
    const client = this.clientFor(url);
    let timer: NodeJS.Timeout | undefined;
    // The socket timeout of http-client fires only on an idle socket; this
    // timer also bounds a server that trickles its answer.
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutError(timeoutMs)), timeoutMs);
    });
    try {
      return await Promise.race([
        (async () => {
          const res = await client.request(method, url.href, body, headers);
          const text = await res.readBody();
          return { status: res.message.statusCode ?? 0, headers: res.message.headers, body: text };
        })(),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  private clientFor(url: URL): HttpClient {
    let client = this.clients.get(url.origin);
    if (!client) {
      // The handler puts a preconnected origin's agent on each request (src/connections.ts).
      client = new HttpClient(this.options.userAgent, [this.connections.handlerFor(url.origin)], {
        allowRetries: false, // retries are ours: one policy, logged, with a deadline
        allowRedirects: false, // none of the APIs we call redirect; a redirect is a misconfigured endpoint
        keepAlive: true,
        socketTimeout: this.options.requestTimeoutMs,
      });
      this.clients.set(url.origin, client);
    }
    return client;
  }

  /** Full-jitter exponential backoff: uniform in [0, min(cap, base * 2^(n-1))]. */
  private backoff(attempt: number): number {
    const base = this.options.backoffBaseMs ?? 250;
    const cap = this.options.backoffCapMs ?? 10_000;
    return Math.round(this.random() * Math.min(cap, base * 2 ** (attempt - 1)));
  }

  /** Wait before retrying an HTTP answer; `undefined` when Retry-After asks for too long. */
  private retryWait(res: HttpResponse, attempt: number): number | undefined {
    const retryAfter = parseRetryAfter(res.headers['retry-after']);
    if (retryAfter === undefined) return this.backoff(attempt);
    return retryAfter > MAX_RETRY_AFTER_MS ? undefined : retryAfter;
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
    this.connections.close();
  }
}

class TimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

function encodeBody(req: HttpRequest): { body: string | null; contentType?: string } {
  if (req.json !== undefined) return { body: JSON.stringify(req.json), contentType: 'application/json' };
  if (req.form !== undefined) {
    return { body: new URLSearchParams(req.form).toString(), contentType: 'application/x-www-form-urlencoded' };
  }
  return { body: null };
}

const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
]);

/** A request that got no HTTP answer. */
interface NetworkFailure {
  retryable: boolean;
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
      retryable: true,
      description: `timeout: ${err instanceof TimeoutError ? message : 'socket idle too long'}`,
    };
  }
  if (code !== undefined) return { retryable: RETRYABLE_NETWORK_CODES.has(code), description: `${code}: ${message}` };
  return { retryable: /socket hang up/i.test(message), description: message };
}

export function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
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

function clip(text: string): string {
  return text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT)}…` : text;
}

/**
 * Instance and container metadata (EC2 IMDS, ECS credentials) live on
 * link-local addresses that only the machine itself can reach: a proxy cannot
 * reach them, and IMDSv2 refuses proxied requests on purpose. The AWS SDKs
 * never proxy them; neither do we. @actions/http-client decides through
 * NO_PROXY (it reads `no_proxy` first), so these hosts are added there, for
 * this process only, when a proxy is configured.
 */
const METADATA_HOSTS = ['169.254.169.254', '169.254.170.2', '169.254.170.23', '[fd00:ec2::254]', '[fd00:ec2::23]'];

export function neverProxyInstanceMetadata(env: NodeJS.ProcessEnv): void {
  const proxied = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'].some((name) => env[name]);
  if (!proxied) return;
  const variable = env['no_proxy'] ? 'no_proxy' : 'NO_PROXY';
  const entries = (env[variable] ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const missing = METADATA_HOSTS.filter((host) => !entries.includes(host));
  if (missing.length > 0) env[variable] = [...entries, ...missing].join(',');
}
