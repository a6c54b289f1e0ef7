/**
 * Preconnect (src/connections.ts): which origins a configuration opens early,
 * that the request then uses the early connection (one connection, one TLS
 * handshake per host), that a failed one costs nothing, and that none keeps
 * the process alive. Loopback only: real listeners on 127.0.0.1 in this
 * process, and the bundled action against the HTTPS fakes.
 */
import { once } from 'node:events';
import * as nodeHttp from 'node:http';
import * as net from 'node:net';

import { type Config, readConfig } from '../../src/config.js';
import { originsFor } from '../../src/preconnect-plan.js';
import { Http } from '../../src/http.js';
import { stdout as runnerStdout } from '../../src/runner-commands.js';
import {
  createServiceAccountKey,
  createTestCertificates,
  type FakeEnvironment,
  type FakeServer,
  jsonResponse,
  type RunActionResult,
  runAction,
  startConnectProxy,
  startEnvironment,
  startFakeServer,
  type TestCertificates,
} from '../fakes/index.mjs';
import { errorsOf, MAIN, namedEndpoints, SA, TEST_HOSTS } from '../support/e2e.js';

const PROVIDER = 'projects/123456789012/locations/global/workloadIdentityPools/github-pool/providers/github-provider';
const STS = 'https://sts.googleapis.com/v1';
const IAM = 'https://iamcredentials.googleapis.com/v1';
const OAUTH2 = 'https://oauth2.googleapis.com';

function config(inputs: Record<string, string>): Config {
  // Reading a key masks it (::add-mask:: lines): keep those off the real stdout.
  const write = runnerStdout.write;
  runnerStdout.write = () => undefined;
  try {
    return readConfig((name) => ({ workload_identity_provider: PROVIDER, ...inputs })[name] ?? '');
  } finally {
    runnerStdout.write = write;
  }
}

describe('originsFor: what a configuration calls after its first request', () => {
  const key = JSON.stringify(createServiceAccountKey({ email: SA }));
  const keyed = (inputs: Record<string, string>) =>
    config({ workload_identity_provider: '', credentials_json: key, ...inputs });
  const aws = { subject_token_source: 'aws', aws_role_arn: 'arn:aws:iam::111122223333:role/deploy' };

  it.each<[string, Config, NodeJS.ProcessEnv, string[]]>([
    ['direct WIF: STS', config({}), {}, [STS]],
    [
      'a service account without a token: STS, and IAM Credentials for verify_service_account',
      config({ service_account: SA }),
      {},
      [STS, IAM],
    ],
    [
      'the same with verify_service_account: false: STS',
      config({ service_account: SA, verify_service_account: 'false' }),
      {},
      [STS],
    ],
    [
      'WIF + access_token: STS, IAM Credentials',
      config({ service_account: SA, token_format: 'access_token' }),
      {},
      [STS, IAM],
    ],
    [
      'WIF + id_token: STS, IAM Credentials',
      config({ service_account: SA, token_format: 'id_token', id_token_audience: 'https://example.com' }),
      {},
      [STS, IAM],
    ],
    [
      'WIF + domain-wide delegation: STS, IAM Credentials (signJwt), OAuth2',
      config({ service_account: SA, token_format: 'access_token', access_token_subject: 'user@example.com' }),
      {},
      [STS, IAM, OAUTH2],
    ],
    ['a key + access_token: IAM Credentials', keyed({ token_format: 'access_token' }), {}, [IAM]],
    [
      'a key + domain-wide delegation: OAuth2 only (the key signs)',
      keyed({ token_format: 'access_token', access_token_subject: 'user@example.com' }),
      {},
      [OAUTH2],
    ],
    ['a key alone: nothing', keyed({}), {}, []],
    [
      'AWS without a role: Google STS only',
      config({ subject_token_source: 'aws', aws_region: 'eu-west-1' }),
      {},
      [STS],
    ],
    [
      'AWS AssumeRole: the regional AWS STS host',
      config({ ...aws, aws_region: 'eu-west-1' }),
      {},
      [STS, 'https://sts.eu-west-1.amazonaws.com'],
    ],
    [
      'AWS AssumeRole, region from AWS_REGION',
      config(aws),
      { AWS_REGION: 'cn-north-1' },
      [STS, 'https://sts.cn-north-1.amazonaws.com.cn'],
    ],
    [
      'AWS AssumeRole, AWS_ENDPOINT_URL_STS',
      config(aws),
      { AWS_DEFAULT_REGION: 'us-east-2', AWS_ENDPOINT_URL_STS: 'https://sts.vpce.example/' },
      [STS, 'https://sts.vpce.example'],
    ],
    ['AWS AssumeRole, region not known yet (profile or instance): Google STS only', config(aws), {}, [STS]],
  ])('%s', (_name, cfg, env, expected) => {
    expect(originsFor(cfg, env)).toEqual(expected);
  });

  it('follows endpoint overrides', () => {
    const cfg = config({
      service_account: SA,
      token_format: 'access_token',
      sts_endpoint: 'https://sts.example.test/v1',
      iamcredentials_endpoint: 'https://iam.example.test/v1',
    });
    expect(originsFor(cfg, {})).toEqual(['https://sts.example.test/v1', 'https://iam.example.test/v1']);
  });
});

// ------------------------------------------------------- the HTTP layer
const silent = { debug: () => undefined, info: () => undefined, warning: () => undefined };
const newHttp = () =>
  new Http({ userAgent: 'test/1.0', retries: 2, requestTimeoutMs: 5000, log: silent, sleep: async () => undefined });
/** No retries: a request that succeeds made exactly one attempt. */
const oneAttemptHttp = () =>
  new Http({ userAgent: 'test/1.0', retries: 0, requestTimeoutMs: 5000, log: silent, sleep: async () => undefined });

/** A TCP listener that never says a word: a TLS handshake to it never ends. */
async function silentListener(): Promise<{ port: number; sockets: net.Socket[]; close(): Promise<void> }> {
  const sockets: net.Socket[] = [];
  // Reads (and drops) what arrives, so that it sees the client hang up.
  const server = net.createServer((s) => sockets.push(s.resume()));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port,
    sockets,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('Http.preconnect', () => {
  let fake: FakeServer;
  beforeEach(async () => {
    fake = await startFakeServer({ name: 'api', handler: () => jsonResponse(200, { ok: true }) });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('the requests use the preconnected socket: one connection for every request to the host', async () => {
    const http = oneAttemptHttp();
    try {
      http.preconnect([`${fake.origin}/v1`, `${fake.origin}/v2`]); // one origin, one connection
      await once(fake.server, 'connection');
      for (const path of ['/a', '/b', '/c']) {
        await http.request({ service: 'API', method: 'POST', url: `${fake.origin}${path}`, json: {} });
      }
      expect(fake.requests.map((r) => r.path)).toEqual(['/a', '/b', '/c']);
      expect(fake.connectionCount).toBe(1);
    } finally {
      http.dispose();
    }
  });

  it('a refused preconnect costs nothing: the request connects as usual, in one attempt', async () => {
    // A port nobody listens on while the preconnect runs, and a server there by the time the request comes.
    const server = nodeHttp.createServer((_req, res) => res.end('{}'));
    const connections: net.Socket[] = [];
    server.on('connection', (s) => connections.push(s));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as net.AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const http = oneAttemptHttp();
    try {
      http.preconnect([`http://127.0.0.1:${port}`]);
      await new Promise((resolve) => setTimeout(resolve, 100)); // refused by now
      server.listen(port, '127.0.0.1');
      await once(server, 'listening');
      const res = await http.request({ service: 'API', method: 'GET', url: `http://127.0.0.1:${port}/x` });
      expect(res.status).toBe(200);
      expect(connections).toHaveLength(1);
    } finally {
      http.dispose();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a preconnected socket the server closed is not used: the request opens a new one, in one attempt', async () => {
    const first = once(fake.server, 'connection') as Promise<[net.Socket]>;
    const http = oneAttemptHttp();
    try {
      http.preconnect([fake.origin]);
      const [socket] = await first;
      const closed = once(socket, 'close');
      socket.destroy();
      await closed;
      await new Promise((resolve) => setTimeout(resolve, 50)); // the FIN reaches the client
      const res = await http.request({ service: 'API', method: 'GET', url: `${fake.origin}/y` });
      expect(res.status).toBe(200);
      expect(fake.connectionCount).toBe(2);
    } finally {
      http.dispose();
    }
  });

  it('dispose closes unused and half-open preconnections, and a waiting request connects no more', async () => {
    const unused = await silentListener();
    const waited = await silentListener();
    const http = newHttp();
    try {
      http.preconnect([`https://127.0.0.1:${unused.port}`, `https://127.0.0.1:${waited.port}`]);
      // The request waits for the handshake that never ends.
      const pending = http.request({
        service: 'API',
        method: 'GET',
        url: `https://127.0.0.1:${waited.port}/`,
        retries: 0,
      });
      pending.catch(() => undefined);
      while (unused.sockets.length === 0 || waited.sockets.length === 0) await new Promise((r) => setTimeout(r, 10));
      const ends = [...unused.sockets, ...waited.sockets].map((s) => once(s, 'close'));
      http.dispose();
      await Promise.all(ends);
      await expect(pending).rejects.toThrow(/closed before the request could use it/);
      expect([unused.sockets.length, waited.sockets.length]).toEqual([1, 1]);
    } finally {
      http.dispose();
      await Promise.all([unused.close(), waited.close()]);
    }
  });
});

// ----------------------------------------- the bundled action over HTTPS
describe('the action over HTTPS', () => {
  let certs: TestCertificates;
  let world: FakeEnvironment;
  const runs: RunActionResult[] = [];
  beforeAll(async () => {
    certs = await createTestCertificates();
    world = await startEnvironment({ tls: certs });
  });
  afterAll(async () => {
    await world?.close();
    for (const run of runs) await run.cleanup();
    await certs?.cleanup();
  });
  beforeEach(() => {
    world.github.reset();
    world.google.reset();
  });

  const runMain = async (inputs: Record<string, string>, env: Record<string, string> = {}) => {
    const result = await runAction({
      script: MAIN,
      inputs: { workload_identity_provider: world.workloadIdentityProvider, ...world.endpointInputs, ...inputs },
      env: { ...world.env, NODE_EXTRA_CA_CERTS: certs.caFile, ...env },
    });
    runs.push(result);
    return result;
  };

  it('opens STS and IAM Credentials while GitHub answers, one TLS connection per host', async () => {
    const accepted: Record<string, number[]> = { sts: [], iamcredentials: [] };
    const servers = [world.google.sts, world.google.iamcredentials];
    const listeners = servers.map((s) => [s, () => accepted[s.name]?.push(Date.now())] as const);
    for (const [s, listener] of listeners) s.server.on('secureConnection', listener);
    world.github.injectFaults([{ delayMs: 400 }]); // GitHub takes its time to answer
    try {
      const result = await runMain({ service_account: SA, token_format: 'access_token' });
      expect(errorsOf(result)).toEqual([]);
      expect(result.outputs['access_token']).toBeTruthy();
      const oidcAsked = world.github.requests[0]?.time ?? NaN;
      // Both handshakes were done while the OIDC request was still waiting for its answer.
      for (const name of ['sts', 'iamcredentials']) {
        expect(accepted[name]).toHaveLength(1);
        expect(accepted[name]?.[0]).toBeLessThan(oidcAsked + 400);
      }
      const all = [world.github, world.google.sts, world.google.iamcredentials, world.google.oauth2];
      expect(all.map((s) => [s.name, s.connectionCount, s.requestCount])).toEqual([
        ['github-oidc', 1, 1],
        ['sts', 1, 1],
        ['iamcredentials', 1, 1],
        ['oauth2', 0, 0],
      ]);
    } finally {
      for (const [s, listener] of listeners) s.server.off('secureConnection', listener);
    }
  });

  it('through an HTTPS_PROXY: the preconnected CONNECT tunnel carries the request, one tunnel per host', async () => {
    const proxy = await startConnectProxy();
    const accepted: Record<string, number[]> = { sts: [], iamcredentials: [] };
    const servers = [world.google.sts, world.google.iamcredentials];
    const listeners = servers.map((s) => [s, () => accepted[s.name]?.push(Date.now())] as const);
    for (const [s, listener] of listeners) s.server.on('secureConnection', listener);
    try {
      const { inputs, oidcUrl } = namedEndpoints(world);
      world.github.injectFaults([{ delayMs: 400 }]); // GitHub takes its time to answer
      const result = await runMain(
        { ...inputs, service_account: SA, token_format: 'access_token' },
        { ACTIONS_ID_TOKEN_REQUEST_URL: oidcUrl, HTTPS_PROXY: proxy.url },
      );
      expect(errorsOf(result)).toEqual([]);
      expect(result.outputs['access_token']).toBeTruthy();
      const oidcAsked = world.github.requests[0]?.time ?? NaN;
      for (const name of ['sts', 'iamcredentials']) {
        expect(accepted[name]).toHaveLength(1);
        expect(accepted[name]?.[0]).toBeLessThan(oidcAsked + 400);
      }
      expect(proxy.requests.map((r) => r.target.split(':')[0]).sort()).toEqual(
        [TEST_HOSTS.github, TEST_HOSTS.iamcredentials, TEST_HOSTS.sts].sort(),
      );
      const all = [world.github, world.google.sts, world.google.iamcredentials, world.google.oauth2];
      expect(all.map((s) => [s.name, s.connectionCount, s.requestCount])).toEqual([
        ['github-oidc', 1, 1],
        ['sts', 1, 1],
        ['iamcredentials', 1, 1],
        ['oauth2', 0, 0],
      ]);
    } finally {
      for (const [s, listener] of listeners) s.server.off('secureConnection', listener);
      await proxy.close();
    }
  });

  it('exits at once when the step fails with a preconnect still hanging', async () => {
    const blackHole = await silentListener();
    try {
      world.github.injectFaults([{ status: 400 }]); // final: no retry
      const started = Date.now();
      const result = await runMain({ sts_endpoint: `https://127.0.0.1:${blackHole.port}/v1` });
      const took = Date.now() - started;
      expect(result.code).toBe(1);
      expect(errorsOf(result)).toEqual([expect.stringMatching(/^GitHub OIDC failed/)]);
      expect(blackHole.sockets).toHaveLength(1); // preconnected, never finished
      // The request timeout is 30 s by default; a socket holding the process would show here.
      expect(took).toBeLessThan(5000);
    } finally {
      await blackHole.close();
    }
  });
});
