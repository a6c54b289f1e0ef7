import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getProxyUrl } from '@actions/http-client';
import nock from 'nock';
import { ServiceError } from '../../src/errors.js';

import { Http, type HttpOptions, parseErrorBody } from '../../src/http.js';
import { proxyFor } from '../../src/proxy.js';
import { recordingLog } from '../support/unit.js';

const BASE = 'https://sts.example.test';

function makeHttp(overrides: Partial<HttpOptions> = {}): {
  http: Http;
  log: ReturnType<typeof recordingLog>;
  waits: number[];
} {
  const log = recordingLog();
  const waits: number[] = [];
  const http = new Http({
    userAgent: 'test-agent/1.0',
    requestReason: 'ticket-42',
    retries: 3,
    requestTimeoutMs: 2000,
    log,
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 1,
    ...overrides,
  });
  return { http, log, waits };
}

async function failureOf(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ServiceError);
    return err as ServiceError;
  }
  throw new Error('expected a ServiceError');
}

/**
 * A real server on 127.0.0.1 for what nock cannot fake faithfully: reset
 * connections and hung sockets. `script` answers the n-th request.
 */
async function localServer(
  script: Array<'reset' | 'hang' | ((req: IncomingMessage, res: ServerResponse) => void)>,
): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let n = 0;
  const server = createServer((req, res) => {
    const step = script[Math.min(n++, script.length - 1)];
    if (step === 'reset') req.socket.destroy();
    else if (step === 'hang') return;
    else step?.(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits: () => n,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const ok = (body: string) => (_req: IncomingMessage, res: ServerResponse) => res.end(body);

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('Http.request', () => {
  it('sends JSON with the user agent and, for Google, the request reason', async () => {
    const scope = nock(BASE, {
      reqheaders: {
        'user-agent': 'test-agent/1.0',
        'x-goog-request-reason': 'ticket-42',
        'content-type': 'application/json',
      },
    })
      .post('/v1/token', { a: 1 })
      .reply(200, { ok: true });
    const { http } = makeHttp();
    await expect(
      http.requestJson({
        service: 'Google STS',
        method: 'POST',
        url: `${BASE}/v1/token`,
        json: { a: 1 },
        google: true,
      }),
    ).resolves.toEqual({ ok: true });
    scope.done();
    http.dispose();
  });

  it('does not send the request reason to non-Google services', async () => {
    const scope = nock(BASE, { badheaders: ['x-goog-request-reason'] })
      .get('/token')
      .reply(200, '{}');
    const { http } = makeHttp();
    await http.request({ service: 'GitHub OIDC', method: 'GET', url: `${BASE}/token` });
    scope.done();
    http.dispose();
  });

  it('sends forms url-encoded', async () => {
    const scope = nock(BASE, { reqheaders: { 'content-type': 'application/x-www-form-urlencoded' } })
      .post('/token', 'grant_type=a%3Ab&assertion=x.y.z')
      .reply(200, '{}');
    const { http } = makeHttp();
    await http.request({
      service: 'OAuth2',
      method: 'POST',
      url: `${BASE}/token`,
      form: { grant_type: 'a:b', assertion: 'x.y.z' },
    });
    scope.done();
    http.dispose();
  });

  it('retries 503 and 429 (honouring Retry-After), logging each attempt', async () => {
    const scope = nock(BASE)
      .post('/token')
      .reply(503, 'busy')
      .post('/token')
      .reply(429, '{}', { 'Retry-After': '2' })
      .post('/token')
      .reply(500, 'oops')
      .post('/token')
      .reply(200, { done: 1 });
    const { http, log, waits } = makeHttp();
    await expect(
      http.requestJson({ service: 'Google STS', method: 'POST', url: `${BASE}/token`, json: {} }),
    ).resolves.toEqual({
      done: 1,
    });
    scope.done();
    // random() = 1: full-jitter backoff gives its ceiling, 500 * 2^(n-1); Retry-After wins for the 429.
    expect(waits).toEqual([500, 2000, 2000]);
    const retries = log.lines.filter((l) => l.startsWith('info:'));
    expect(retries).toEqual([
      'info: Google STS: sts.example.test attempt 1/4 failed (HTTP 503); retrying in 0.5s',
      'info: Google STS: sts.example.test attempt 2/4 failed (HTTP 429); retrying in 2.0s',
      'info: Google STS: sts.example.test attempt 3/4 failed (HTTP 500); retrying in 2.0s',
      expect.stringMatching(/^info: Google STS answered after 4 attempts over \d+\.\ds$/),
    ]);
    http.dispose();
  });

  it('retries a reset connection', async () => {
    const server = await localServer(['reset', ok('{"fine":true}')]);
    const { http, log } = makeHttp();
    await expect(http.requestJson({ service: 'Google STS', method: 'GET', url: `${server.url}/x` })).resolves.toEqual({
      fine: true,
    });
    expect(server.hits()).toBe(2);
    expect(log.lines.filter((l) => l.startsWith('info:'))).toEqual([
      expect.stringMatching(
        /^info: Google STS: 127\.0\.0\.1:\d+ attempt 1\/4 failed \(ECONNRESET: socket hang up\); retrying in/,
      ),
      expect.stringMatching(/^info: Google STS answered after 2 attempts over \d+\.\ds$/),
    ]);
    http.dispose();
    await server.close();
  });

  it('times out a hung attempt and retries it', async () => {
    const server = await localServer(['hang', ok('ok')]);
    const { http } = makeHttp({ requestTimeoutMs: 200 });
    const started = Date.now();
    const res = await http.request({ service: 'Google STS', method: 'GET', url: `${server.url}/slow` });
    expect(res.body).toBe('ok');
    expect(server.hits()).toBe(2);
    expect(Date.now() - started).toBeLessThan(2000);
    http.dispose();
    await server.close();
  });

  it('fails at once on a permanent answer, with the service message', async () => {
    const scope = nock(BASE)
      .post('/v1/token')
      .reply(400, { error: 'invalid_grant', error_description: 'The audience in ID Token [x] does not match.' });
    const { http, waits } = makeHttp();
    const err = await failureOf(
      http.request({ service: 'Google STS', method: 'POST', url: `${BASE}/v1/token`, json: {} }),
    );
    scope.done();
    expect(waits).toEqual([]);
    expect(err.status).toBe(400);
    expect(err.attempts).toBe(1);
    expect(err.reason).toBe('invalid_grant');
    expect(err.message).toBe(
      'Google STS answered HTTP 400 (POST https://sts.example.test/v1/token): invalid_grant: The audience in ID Token [x] does not match.',
    );
    http.dispose();
  });

  it('gives up after the configured retries', async () => {
    const scope = nock(BASE).get('/x').times(3).reply(502, 'bad gateway');
    const { http } = makeHttp({ retries: 2 });
    const err = await failureOf(http.request({ service: 'IAM Credentials', method: 'GET', url: `${BASE}/x` }));
    scope.done();
    expect(err.status).toBe(502);
    expect(err.attempts).toBe(3);
    expect(err.message).toMatch(
      /^IAM Credentials answered HTTP 502 \(GET https:\/\/sts\.example\.test\/x, 3 attempts over \d+\.\ds; gave up after retries: 2\): bad gateway$/,
    );
    http.dispose();
  });

  it('retries within the time budget, then names the service, the time, the attempts and the last answer', async () => {
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const scope = nock(BASE)
      .post('/v1/token')
      .times(100)
      .reply(503, { error: { code: 503, message: 'The service is currently unavailable.', status: 'UNAVAILABLE' } });
    const { http, log, waits } = makeHttp({
      retries: undefined,
      retryTimeoutMs: 120_000,
      now: () => clock,
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
      random: () => 0.5,
    });
    const err = await failureOf(
      http.request({ service: 'Google STS', method: 'POST', url: `${BASE}/v1/token`, json: {} }),
    );
    // Half of each ceiling: 0.25, 0.5, 1, 2, 4 s, then 7.5 s (half the 15 s cap) until 2 min are used up.
    expect(waits.slice(0, 7)).toEqual([250, 500, 1000, 2000, 4000, 7500, 7500]);
    expect(waits.reduce((a, b) => a + b, 0)).toBeLessThan(120_000);
    expect(err.attempts).toBe(waits.length + 1);
    expect(err.attempts).toBe(20); // 7.75 s of ramp, then 14 waits of 7.5 s within 120 s
    expect(err.message).toBe(
      'Google STS answered HTTP 503 (POST https://sts.example.test/v1/token, 20 attempts over 1m53s; ' +
        'gave up: retry_timeout 2m used up): The service is currently unavailable.',
    );
    expect(log.lines.filter((l) => l.startsWith('info:'))[0]).toBe(
      'info: Google STS: sts.example.test attempt 1 failed (HTTP 503 UNAVAILABLE); retrying in 0.3s',
    );
    nock.cleanAll();
    void scope;
    http.dispose();
  });

  it('a refused connection: 15 s at an origin the user named (userOrigins, userEndpoint), the budget elsewhere', async () => {
    // A port nothing listens on: closed right after it was bound.
    const closed = await localServer([]);
    await closed.close();
    const origin = new URL(closed.url).origin;
    const refusedRun = async (options: Partial<HttpOptions>, userEndpoint?: boolean) => {
      let clock = Date.parse('2026-01-01T00:00:00Z');
      const { http, log } = makeHttp({
        retries: undefined,
        retryTimeoutMs: 120_000,
        now: () => clock,
        sleep: async (ms) => {
          clock += ms;
        },
        random: () => 0.5,
        ...options,
      });
      try {
        const req = { service: 'Token URL', method: 'GET' as const, url: `${closed.url}/token` };
        const err = await failureOf(http.request(userEndpoint ? { ...req, userEndpoint } : req));
        return { err, waitLines: log.lines.filter((l) => l.includes('attempt')).length };
      } finally {
        http.dispose();
      }
    };
    for (const named of [await refusedRun({ userOrigins: [origin] }), await refusedRun({}, true)]) {
      expect(named.err.status).toBeUndefined();
      expect(named.err.serviceMessage).toMatch(/^ECONNREFUSED/);
      expect(named.err.retries?.stop).toBe('gave up: nothing answers at this address, which this workflow set');
      expect(named.err.retries?.elapsedMs).toBeLessThan(15_000);
      expect(named.waitLines).toBeLessThanOrEqual(6);
    }
    const google = await refusedRun({ userOrigins: ['https://sts.example.test'] });
    expect(google.err.retries?.stop).toBe('gave up: retry_timeout 2m used up');
  });

  it('gives up at once when Retry-After asks for more than the budget has left', async () => {
    const scope = nock(BASE).get('/x').reply(429, 'slow down', { 'Retry-After': '600' });
    const { http, waits } = makeHttp({ retries: undefined, retryTimeoutMs: 60_000 });
    const err = await failureOf(http.request({ service: 'IAM Credentials', method: 'GET', url: `${BASE}/x` }));
    scope.done();
    expect(waits).toEqual([]);
    expect(err.attempts).toBe(1);
    expect(err.status).toBe(429);
    http.dispose();
  });

  it('a probe ends at silence, but rides out a dropped connection and a transient answer', async () => {
    // Nothing listens: refused, final at once.
    const gone = await localServer([ok('')]);
    await gone.close();
    const { http, waits } = makeHttp({ retries: undefined });
    const err = await failureOf(
      http.request({ service: 'EC2 instance metadata', method: 'PUT', url: `${gone.url}/t`, probe: true }),
    );
    expect(err.attempts).toBe(1);
    expect(err.serviceMessage).toMatch(/^ECONNREFUSED/);
    expect(waits).toEqual([]);

    // Something accepted the connection and dropped it: a service is there, so it is retried.
    const flaky = await localServer(['reset', ok('token')]);
    const answer = await http.request({
      service: 'EC2 instance metadata',
      method: 'PUT',
      url: `${flaky.url}/t`,
      probe: true,
    });
    expect(answer.body).toBe('token');
    expect(flaky.hits()).toBe(2);
    await flaky.close();
    waits.splice(0);

    const busy = nock(BASE).put('/t').times(2).reply(503, 'busy').put('/t').reply(200, 'token');
    const res = await http.request({ service: 'EC2 instance metadata', method: 'PUT', url: `${BASE}/t`, probe: true });
    busy.done();
    expect(res.body).toBe('token');
    expect(waits).toEqual([500, 1000]);
    http.dispose();
  });

  it('retries an answer the caller marks retryable', async () => {
    const scope = nock(BASE)
      .get('/oidc')
      .reply(403, { message: "Can't issue ID_TOKEN for audience 'x' in 'Pending' state" })
      .get('/oidc')
      .reply(200, { value: 't' });
    const { http } = makeHttp();
    await http.request({
      service: 'GitHub OIDC',
      method: 'GET',
      url: `${BASE}/oidc`,
      retryableAnswer: (status, body) => status === 403 && /pending/i.test(body),
    });
    scope.done();
    http.dispose();
  });

  it('lets one request override the retries and the time limit', async () => {
    const server = await localServer(['hang', ok('late')]);
    const { http } = makeHttp({ requestTimeoutMs: 30_000, retries: 3 });
    const started = Date.now();
    const err = await failureOf(
      http.request({
        service: 'EC2 instance metadata',
        method: 'PUT',
        url: `${server.url}/token`,
        retries: 0,
        timeoutMs: 150,
      }),
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(err.attempts).toBe(1);
    expect(err.serviceMessage).toBe('timeout: no answer within 150 ms');
    expect(server.hits()).toBe(1);
    http.dispose();
    await server.close();
  });

  it('does not start a retry past the step deadline', async () => {
    const scope = nock(BASE).get('/x').reply(503, 'busy');
    const { http } = makeHttp({ deadline: Date.now() + 500 });
    const err = await failureOf(http.request({ service: 'Google STS', method: 'GET', url: `${BASE}/x` }));
    expect(err.attempts).toBe(1);
    scope.done();
    http.dispose();
  });

  it('reports an unreachable service without a status', async () => {
    const server = await localServer(['reset']);
    const url = `${server.url}/x`;
    await server.close(); // nothing listens there any more
    const { http } = makeHttp({ retries: 1 });
    const err = await failureOf(http.request({ service: 'Google STS', method: 'GET', url }));
    expect(err.status).toBeUndefined();
    expect(err.message).toMatch(
      /^Google STS could not be reached \(GET http:\/\/127\.0\.0\.1:\d+\/x, 2 attempts over \d+\.\ds; gave up after retries: 1\): ECONNREFUSED/,
    );
    http.dispose();
  });
});

describe('parseErrorBody', () => {
  it('reads the error shapes of Google, OAuth, GitHub and AWS', () => {
    expect(parseErrorBody('{"error":{"code":403,"message":"Permission denied","status":"PERMISSION_DENIED"}}')).toEqual(
      {
        message: 'Permission denied',
        reason: 'PERMISSION_DENIED',
      },
    );
    expect(parseErrorBody('{"error":"invalid_target","error_description":"bad pool"}')).toEqual({
      message: 'invalid_target: bad pool',
      reason: 'invalid_target',
    });
    expect(parseErrorBody('{"message":"Bad credentials"}')).toEqual({ message: 'Bad credentials' });
    expect(
      parseErrorBody(
        '<ErrorResponse><Error><Code>AccessDenied</Code><Message>not allowed</Message></Error></ErrorResponse>',
      ),
    ).toEqual({ message: 'AccessDenied: not allowed', reason: 'AccessDenied' });
    expect(parseErrorBody('')).toEqual({ message: '(empty answer)' });
    expect(parseErrorBody('x'.repeat(2000)).message.length).toBeLessThan(700);
  });
});

describe('proxies and instance metadata', () => {
  /** Runs `body` with these proxy variables (and no others) in process.env, restoring it after. */
  async function withProxyEnv(vars: Record<string, string>, body: () => Promise<void> | void): Promise<void> {
    const saved = { ...process.env };
    try {
      for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'NO_PROXY', 'no_proxy']) {
        delete process.env[name];
      }
      Object.assign(process.env, vars);
      await body();
    } finally {
      process.env = saved;
    }
  }
  const proxyOf = (url: string) => proxyFor(new URL(url))?.href;

  it("never proxies EC2/ECS metadata addresses nor Google Cloud's metadata server, keeping the user NO_PROXY entries", () =>
    withProxyEnv({ HTTP_PROXY: 'http://proxy:3128', NO_PROXY: 'internal.example.com' }, () => {
      for (const host of [
        '169.254.169.254',
        '169.254.170.2',
        '169.254.170.23',
        '[fd00:ec2::254]',
        '[fd00:ec2::23]',
        'metadata.google.internal',
      ]) {
        expect([host, proxyOf(`http://${host}/latest/api/token`)]).toEqual([host, undefined]);
      }
      expect(proxyOf('http://internal.example.com/x')).toBeUndefined();
      expect(proxyOf('http://example.com/x')).toBe('http://proxy:3128/');
      expect(process.env['NO_PROXY']).toBe('internal.example.com'); // the environment is left as it was
    }));

  it('leaves http-client proxying Google but not metadata, and the environment as it was', () =>
    withProxyEnv({ HTTP_PROXY: 'http://proxy.example:3128', HTTPS_PROXY: 'http://proxy.example:3128' }, () => {
      const before = { ...process.env };
      makeHttp().http.dispose();
      expect(process.env).toEqual(before);
      expect(proxyOf('http://169.254.169.254/latest/api/token')).toBeUndefined();
      expect(proxyOf('http://169.254.170.2/v2/credentials/x')).toBeUndefined();
      expect(proxyOf('https://sts.googleapis.com/v1/token')).toBe('http://proxy.example:3128/');
      expect(getProxyUrl('https://sts.googleapis.com/v1/token')).toBe('http://proxy.example:3128/');
    }));
});

describe('bounds: answer size, aborted attempts, the step deadline', () => {
  /** A server that answers with `answer` and reports when each connection closes. */
  async function watchedServer(answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<{
    url: string;
    hits: () => number;
    closed: Promise<void>;
    close: () => Promise<void>;
  }> {
    let hits = 0;
    let onClosed: () => void = () => undefined;
    const closed = new Promise<void>((resolve) => (onClosed = resolve));
    const server = createServer((req, res) => {
      hits++;
      req.socket.on('close', onClosed);
      answer(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}/token`,
      hits: () => hits,
      closed,
      close: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  }

  /** Resolves true if `promise` settles within `ms`. */
  const within = (promise: Promise<unknown>, ms: number): Promise<boolean> =>
    Promise.race([promise.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref())]);

  it('refuses an 8 MiB answer announced by Content-Length, naming the service and the limit, without retrying', async () => {
    const big = 'a'.repeat(8 * 1024 * 1024);
    const server = await watchedServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(big.length) });
      res.end(big);
    });
    const { http } = makeHttp();
    const err = await failureOf(http.request({ service: 'Token URL', method: 'GET', url: server.url }));
    expect(err.service).toBe('Token URL');
    expect(err.status).toBe(200);
    expect(err.attempts).toBe(1);
    expect(err.serviceMessage).toBe(
      'the answer is 8388608 bytes, over the limit of 1048576 bytes (1 MiB) for any answer; refused. ' +
        'Check that the endpoint is the right one.',
    );
    expect(server.hits()).toBe(1);
    expect(await within(server.closed, 2000)).toBe(true);
    http.dispose();
    await server.close();
  });

  it('refuses a 32 MiB chunked answer (no Content-Length) once 1 MiB has come, and closes the connection', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'b');
    let sent = 0;
    const server = await watchedServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' }); // chunked
      const pump = (): void => {
        while (sent < 32 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      res.on('error', () => undefined);
      pump();
    });
    const { http } = makeHttp();
    const err = await failureOf(
      http.request({ service: 'IAM Credentials', method: 'POST', url: server.url, json: {} }),
    );
    expect(err.attempts).toBe(1);
    expect(err.serviceMessage).toMatch(/^the answer is larger than the limit of 1048576 bytes \(1 MiB\)/);
    expect(err.message).toMatch(/^IAM Credentials answered HTTP 200 /);
    expect(await within(server.closed, 2000)).toBe(true);
    expect(sent).toBeLessThan(32 * 1024 * 1024);
    http.dispose();
    await server.close();
  });

  it('still reads an answer of just under 1 MiB', async () => {
    const body = 'c'.repeat(1024 * 1024);
    const server = await watchedServer((_req, res) => res.end(body));
    const { http } = makeHttp();
    const res = await http.request({ service: 'Token URL', method: 'GET', url: server.url });
    expect(res.body).toHaveLength(1024 * 1024);
    http.dispose();
    await server.close();
  });

  it('closes the connection of an attempt that timed out while the server trickled its answer', async () => {
    let trickle: NodeJS.Timeout | undefined;
    const server = await watchedServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.on('error', () => undefined);
      trickle = setInterval(() => res.write('x'.repeat(1024)), 20);
    });
    const { http } = makeHttp({ requestTimeoutMs: 300, retries: 0 });
    const err = await failureOf(http.request({ service: 'Token URL', method: 'GET', url: server.url }));
    expect(err.serviceMessage).toBe('timeout: no answer within 300 ms');
    // The server sees the connection closed right after the timeout, not when the process exits.
    expect(await within(server.closed, 1000)).toBe(true);
    clearInterval(trickle);
    http.dispose();
    await server.close();
  });

  it('ends an attempt in flight at the step deadline, however long request_timeout is', async () => {
    const server = await watchedServer(() => undefined); // silent
    const { http } = makeHttp({ requestTimeoutMs: 6 * 60_000, deadline: Date.now() + 300, retries: undefined });
    const started = Date.now();
    const err = await failureOf(http.request({ service: 'GitHub OIDC', method: 'GET', url: server.url }));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(err.attempts).toBe(1);
    expect(err.serviceMessage).toMatch(/^timeout: no answer before the step deadline \(\d+ ms left\)$/);
    expect(await within(server.closed, 1000)).toBe(true);
    http.dispose();
    await server.close();
  });

  it('takes the time left to the deadline from its clock', async () => {
    const server = await watchedServer(() => undefined);
    // The clock says 250 ms are left to the deadline; the request timeout is a minute.
    const { http } = makeHttp({ requestTimeoutMs: 60_000, deadline: 1_000_250, now: () => 1_000_000, retries: 0 });
    const started = Date.now();
    const err = await failureOf(http.request({ service: 'Google STS', method: 'GET', url: server.url }));
    expect(err.serviceMessage).toBe('timeout: no answer before the step deadline (250 ms left)');
    expect(Date.now() - started).toBeLessThan(1500);
    http.dispose();
    await server.close();
  });
});
