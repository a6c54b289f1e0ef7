/**
 * End-to-end over TLS: the bundled action under Node 24 against fakes that
 * speak only HTTPS, with a throw-away CA made at test time and handed to the
 * action through NODE_EXTRA_CA_CERTS (how runners behind TLS-inspecting
 * proxies trust their corporate CA). Every real run talks https:// to GitHub
 * and Google, often through an HTTPS_PROXY; the other suites use plain HTTP.
 */
import { promises as fs } from 'node:fs';

import {
  createTestCertificates,
  type FakeServer,
  RESOLVE_TEST_HOSTS,
  type RunActionResult,
  startConnectProxy,
  type TestCertificates,
} from '../fakes/index.mjs';
import { errorsOf, namedEndpoints, SA, TEST_HOSTS } from '../support/e2e.js';
import { useFakeWorld } from '../support/fake-world.js';

let certs: TestCertificates;

// Made before the fakes start (hooks run in the order they are registered): they serve with it.
beforeAll(async () => {
  certs = await createTestCertificates();
});

/** runMain runs dist/main trusting the test CA, unless `env` says otherwise. */
const { world, runMain, expectNoLeaks } = useFakeWorld({
  environment: () => ({ tls: certs }),
  inputs: (world) => ({ workload_identity_provider: world.workloadIdentityProvider }),
  env: (world) => ({ ...world.env, NODE_EXTRA_CA_CERTS: certs.caFile }),
});
afterAll(async () => {
  await certs?.cleanup();
});

const servers = (): FakeServer[] => [world.github, world.google.sts, world.google.iamcredentials, world.google.oauth2];

// Each test reads the requests of its own run only.
beforeEach(() => {
  world.github.reset();
  world.google.reset();
});

/** Per service: how many requests arrived, and over which transport. */
function transports(): Record<string, string[]> {
  return Object.fromEntries(servers().map((s) => [s.name, s.requests.map((r) => (r.tls ? 'tls' : 'plain'))]));
}

async function credentialsFile(result: RunActionResult): Promise<Record<string, any>> {
  return JSON.parse(await fs.readFile(result.outputs['credentials_file_path'] ?? '', 'utf8'));
}

it('the fakes are https:// only', () => {
  const urls = [world.env.ACTIONS_ID_TOKEN_REQUEST_URL, ...Object.values(world.endpointInputs)];
  for (const url of urls) expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+/);
});

describe('Workload Identity Federation over HTTPS', () => {
  it('through a service account: the access token IAM Credentials issued, every call over TLS', async () => {
    const result = await runMain({ service_account: SA, token_format: 'access_token' });
    expect(errorsOf(result)).toEqual([]);
    expect(result.code).toBe(0);

    const [generate] = world.google.iamcredentials.requests;
    expect(generate?.path).toBe(`/v1/projects/-/serviceAccounts/${SA}:generateAccessToken`);
    expect(result.outputs['access_token']).toBe(JSON.parse(generate?.responseBody ?? '{}').accessToken);
    expect(world.google.lookupToken(result.outputs['access_token'] ?? '')?.issuedBy).toBe('iamcredentials');
    expect(transports()).toEqual({ 'github-oidc': ['tls'], sts: ['tls'], iamcredentials: ['tls'], oauth2: [] });

    // The client libraries that read the file will call the same https:// URLs.
    const file = await credentialsFile(result);
    expect(file.token_url).toBe(`${world.google.stsEndpoint}/token`);
    expect(file.service_account_impersonation_url).toBe(
      `${world.google.iamcredentialsEndpoint}/projects/-/serviceAccounts/${SA}:generateAccessToken`,
    );
    expect(new URL(file.credential_source.url).origin).toBe(world.github.origin);
    for (const url of [file.token_url, file.service_account_impersonation_url, file.credential_source.url]) {
      expect(url).toMatch(/^https:\/\//);
    }
  });

  it('direct (no service account): the federated token, over TLS', async () => {
    const result = await runMain({});
    expect(errorsOf(result)).toEqual([]);
    expect(result.code).toBe(0);
    expect(world.google.lookupToken(result.outputs['auth_token'] ?? '')?.issuedBy).toBe('sts');
    expect(transports()).toEqual({ 'github-oidc': ['tls'], sts: ['tls'], iamcredentials: [], oauth2: [] });
    expect((await credentialsFile(result)).token_url).toBe(`${world.google.stsEndpoint}/token`);
  });
});

describe('a certificate the action cannot verify', () => {
  it('fails after one attempt, naming the certificate problem', async () => {
    // Retries allowed, so a single attempt shows the error is classed as permanent:
    // an untrusted certificate does not become trusted by asking again.
    const result = await runMain({ retries: '3' }, { NODE_EXTRA_CA_CERTS: undefined });
    expect(result.code).toBe(1);
    // The handshake failed, so the fake saw a connection but never a request;
    // STS was preconnected while GitHub was asked (src/connections.ts), and no more.
    expect(servers().map((s) => [s.connectionCount, s.requestCount])).toEqual([
      [1, 0],
      [1, 0],
      [0, 0],
      [0, 0],
    ]);
    expect(result.stdout).not.toMatch(/retrying in/);
    expect(result.commands.filter((c) => c.command === 'debug').map((c) => c.message)).toContainEqual(
      expect.stringMatching(/^GitHub OIDC: GET .* -> UNABLE_TO_VERIFY_LEAF_SIGNATURE: .*\(attempt 1\/4, final\)$/),
    );
    expect(errorsOf(result)).toEqual([
      expect.stringMatching(
        /^GitHub OIDC failed: GitHub OIDC could not be reached \(GET https:\/\/127\.0\.0\.1:\d+\/token\): UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate[^]*\nHint: The server's TLS certificate was not trusted\. Behind a TLS-inspecting proxy, give this step the proxy's CA with env NODE_EXTRA_CA_CERTS/,
      ),
    ]);
    expect(result.stdout).not.toContain('could not be reached. Check');
  });
});

describe('through an HTTPS_PROXY (CONNECT tunnels)', () => {
  /**
   * The endpoints under names that are not loopback (@actions/http-client
   * never proxies 127.x or localhost) and that the certificate covers. No
   * RESOLVE_TEST_HOSTS preload: only the proxy can resolve *.test, so a request
   * that bypassed it would fail.
   */
  function named(hosts: typeof TEST_HOSTS) {
    const { inputs, oidcUrl } = namedEndpoints(world, hosts);
    return { inputs: { ...inputs, service_account: SA, token_format: 'access_token' }, oidcUrl };
  }
  const realNames = TEST_HOSTS;

  it('tunnels every call, one CONNECT per host, TLS end to end', async () => {
    const proxy = await startConnectProxy();
    try {
      const { inputs, oidcUrl } = named(realNames);
      const result = await runMain(inputs, { ACTIONS_ID_TOKEN_REQUEST_URL: oidcUrl, HTTPS_PROXY: proxy.url });
      expect(errorsOf(result)).toEqual([]);
      expect(result.code).toBe(0);
      // One tunnel per host; STS's and IAM Credentials' are opened while GitHub is asked (preconnect), so in any order.
      expect(proxy.requests).toHaveLength(3);
      expect(proxy.requests).toEqual(
        expect.arrayContaining([
          { method: 'CONNECT', target: `${realNames.github}:${world.github.port}` },
          { method: 'CONNECT', target: `${realNames.sts}:${world.google.sts.port}` },
          { method: 'CONNECT', target: `${realNames.iamcredentials}:${world.google.iamcredentials.port}` },
        ]),
      );
      expect(transports()).toEqual({ 'github-oidc': ['tls'], sts: ['tls'], iamcredentials: ['tls'], oauth2: [] });
      // Inside the tunnel the action addressed each service by its name.
      expect(world.google.sts.requests[0]?.headers['host']).toBe(`${realNames.sts}:${world.google.sts.port}`);
      expect((await credentialsFile(result)).token_url).toBe(`${inputs.sts_endpoint}/token`);
    } finally {
      await proxy.close();
    }
  });

  it('goes direct for hosts in NO_PROXY', async () => {
    const proxy = await startConnectProxy();
    try {
      const { inputs, oidcUrl } = named(realNames);
      // Going direct, the action itself must resolve the *.test names: the preload points them at 127.0.0.1.
      const result = await runMain(
        inputs,
        {
          ACTIONS_ID_TOKEN_REQUEST_URL: oidcUrl,
          HTTPS_PROXY: proxy.url,
          NO_PROXY: '.googleapis.test,token.actions.githubusercontent.test',
        },
        { nodeArgs: ['--require', RESOLVE_TEST_HOSTS] },
      );
      expect(errorsOf(result)).toEqual([]);
      expect(result.code).toBe(0);
      expect(proxy.requests).toEqual([]);
      expect(transports()).toEqual({ 'github-oidc': ['tls'], sts: ['tls'], iamcredentials: ['tls'], oauth2: [] });
    } finally {
      await proxy.close();
    }
  });

  it('still checks the certificate names the host inside the tunnel', async () => {
    const proxy = await startConnectProxy();
    try {
      // The CA is trusted, but the certificate does not cover sts.example.test.
      const { inputs, oidcUrl } = named({ ...realNames, sts: 'sts.example.test' });
      const result = await runMain(inputs, { ACTIONS_ID_TOKEN_REQUEST_URL: oidcUrl, HTTPS_PROXY: proxy.url });
      expect(result.code).toBe(1);
      // The preconnected tunnel failed the name check, then the request's own did.
      expect(world.google.sts.connectionCount).toBe(2);
      expect(world.google.sts.requestCount).toBe(0);
      expect(errorsOf(result)).toEqual([
        expect.stringMatching(
          /^Exchanging the subject token at Google STS failed: Google STS could not be reached \(POST https:\/\/sts\.example\.test:\d+\/v1\/token\): ERR_TLS_CERT_ALTNAME_INVALID: Hostname\/IP does not match certificate's altnames/,
        ),
      ]);
    } finally {
      await proxy.close();
    }
  });
});

describe('no secret in the log over TLS, with debug on', () => {
  const debug = { ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' };

  it.each<[string, Record<string, string>, Record<string, string | undefined>]>([
    ['success with an access token', { service_account: SA, token_format: 'access_token' }, {}],
    ['success with an ID token', { service_account: SA, token_format: 'id_token', id_token_audience: 'https://x' }, {}],
    ['an untrusted certificate', {}, { NODE_EXTRA_CA_CERTS: undefined }],
  ])('%s', async (_what, inputs, env) => {
    const result = await runMain(inputs, { ...debug, ...env });
    expect(result.commands.some((c) => c.command === 'debug')).toBe(true); // debug really was on
    expectNoLeaks(result);
    expect(result.stderr).not.toMatch(/\n\s+at .*\(.*\.js:\d+:\d+\)/); // no stack trace
  });
});
