/**
 * subject_token_source: url, end to end: the bundled action (dist/main)
 * under Node 24 fetches its token from a fake token re-signer (as in front of
 * GitHub Enterprise Server) on 127.0.0.1 that wants a secret header, and fake
 * Google STS verifies the token for a provider that trusts the re-signer's
 * issuer (not GitHub's). No GitHub OIDC variables are set.
 */
import { GoogleAuth } from 'google-auth-library';
import {
  createTestCertificates,
  type FakeServer,
  findLeakedSecrets,
  jsonResponse,
  type RunActionResult,
  startFakeServer,
  verifyJwt,
} from '../fakes/index.mjs';
import { errorsOf } from '../support/e2e.js';
import {
  createIssuer,
  credentialsFileOf,
  expectSameFile,
  expectSuccess,
  gcloudFixture,
  GITHUB_WORDS,
  JWT_TYPE,
  useSourceWorld,
} from '../support/external-token.js';
import { GCLOUD_POOL, GCLOUD_PROVIDER, SA } from '../support/fixtures.js';

const SUBJECT = 'repo:octo-org/octo-repo:ref:refs/heads/main';
/** The header values of gcloud's url-json-headers.json fixture; the first is the re-signer's secret. */
const SECRET = 'fixture-request-token';
const HEADERS = `Authorization: Bearer ${SECRET}\nX-Runner: ghes-runner-7`;

const resigner = createIssuer('https://token-resigner.ghes.example.test', { sub: SUBJECT });

let server: FakeServer;
/** Claims of the tokens the re-signer hands out next. */
let claims: Record<string, unknown> = {};

const { world, runMain: run } = useSourceWorld('url', () => ({
  google: {
    providers: {
      [GCLOUD_PROVIDER]: {
        type: 'oidc',
        issuer: resigner.issuer,
        issuerKeys: resigner.keys.publicKey,
        attributeMapping: (c) => ({ 'google.subject': String(c['sub']) }),
        attributeCondition: (c) => String(c['sub']).startsWith('repo:octo-org/'),
      },
    },
    serviceAccounts: { [SA]: { allow: (p) => p.type === 'federated' && p.subject === SUBJECT } },
  },
}));

beforeAll(async () => {
  server = await startFakeServer({
    name: 'resigner',
    handler: (req) => {
      if (req.path === '/open/token') {
        return { status: 200, headers: { 'content-type': 'text/plain' }, body: resigner.mint(claims) };
      }
      const authorized =
        req.headers['authorization'] === `Bearer ${SECRET}` && req.headers['x-runner'] === 'ghes-runner-7';
      if (req.path === '/token') {
        return authorized
          ? jsonResponse(200, { value: resigner.mint(claims), count: 1 })
          : jsonResponse(401, { message: 'Bad credentials' });
      }
      if (req.path === '/empty') return { status: 200, body: '' };
      if (req.path === '/not-json') return { status: 200, body: '<html>sign in</html>' };
      return jsonResponse(404, { message: 'Not Found' });
    },
  });
});

afterAll(() => server.close());

/** The re-signer's tokens, fake Google's, and the header secret: none may show unmasked. */
function expectNoLeaks(result: RunActionResult): void {
  const secrets = [...resigner.minted, ...world.google.tokens.keys(), SECRET, `Bearer ${SECRET}`];
  expect(findLeakedSecrets(result.stdout + result.stderr, secrets, result.masks)).toEqual([]);
}

const jsonInputs = () => ({
  subject_token_url: `${server.origin}/token`,
  subject_token_headers: HEADERS,
  subject_token_format: 'json',
  subject_token_field: 'value',
});

async function libraryToken(file: Record<string, unknown>): Promise<string> {
  const auth = new GoogleAuth({ credentials: file, scopes: ['https://www.googleapis.com/auth/cloud-platform'] });
  const { token } = await (await auth.getClient()).getAccessToken();
  return token ?? '';
}

describe('a text token from an open URL, direct', () => {
  let result: RunActionResult;
  const url = () => `${server.origin}/open/token`;

  beforeAll(async () => {
    server.reset();
    result = await run({ subject_token_url: url() });
  });

  it('fetches it with a GET and exchanges it: auth_token is the federated token', () => {
    expectSuccess(result);
    expect(server.requests.map((r) => [r.method, r.path])).toEqual([['GET', '/open/token']]);
    const exchange = world.google.sts.requests.at(-1)?.json as Record<string, string>;
    expect(exchange).toMatchObject({ subjectTokenType: JWT_TYPE, subjectToken: resigner.minted.at(-1) });
    expect(world.google.lookupToken(result.outputs['auth_token'] ?? '')?.principal).toMatchObject({
      type: 'federated',
      subject: SUBJECT,
    });
    expect(result.summary).toContain(`principal://iam.googleapis.com/${GCLOUD_POOL}/subject/${SUBJECT}`);
    expect(result.stdout).toContain(`Fetching the subject token from ${url()}.`);
    expectNoLeaks(result);
  });

  it("writes gcloud's credentials file for the same URL, and google-auth-library uses it", async () => {
    const file = credentialsFileOf(result);
    expectSameFile(file, gcloudFixture('url-text.json', world, { url: url() }));
    const before = server.requests.length;
    expect(world.google.lookupToken(await libraryToken(file))).toMatchObject({ kind: 'federated' });
    expect(server.requests.length).toBe(before + 1);
  });
});

describe('a JSON answer behind a secret header, through a service account', () => {
  it('sends the headers, masks their values, writes them as gcloud does; the library fetches with them', async () => {
    server.reset();
    const result = await run({ ...jsonInputs(), service_account: SA, token_format: 'access_token' });
    expectSuccess(result);
    expect(server.requests[0]?.headers).toMatchObject({
      authorization: `Bearer ${SECRET}`,
      'x-runner': 'ghes-runner-7',
    });
    expect(world.google.lookupToken(result.outputs['access_token'] ?? '')).toMatchObject({
      kind: 'service_account',
      principal: { email: SA, impersonatedBy: { subject: SUBJECT } },
    });
    expect(result.masks).toEqual(expect.arrayContaining([`Bearer ${SECRET}`, SECRET]));
    // A short value under a name that carries no credential is not a secret: masking it would hide it job-wide.
    expect(result.masks).not.toContain('ghes-runner-7');
    expect(result.stdout).toContain(`from ${server.origin}/token with the header(s) Authorization, X-Runner.`);

    const file = credentialsFileOf(result);
    expectSameFile(file, gcloudFixture('url-json-headers.json', world, { url: `${server.origin}/token` }));
    const before = server.requests.length;
    expect(world.google.lookupToken(await libraryToken(file))).toMatchObject({ kind: 'service_account' });
    expect(server.requests.slice(before).map((r) => [r.headers['authorization'], r.status])).toEqual([
      [`Bearer ${SECRET}`, 200],
    ]);
    expectNoLeaks(result);
  });

  it('id_token', async () => {
    const result = await run({
      ...jsonInputs(),
      service_account: SA,
      token_format: 'id_token',
      id_token_audience: 'https://my-service.run.app',
    });
    expectSuccess(result);
    expect(verifyJwt(result.outputs['id_token'] ?? '', [world.google.idTokenPublicKey]).payload).toMatchObject({
      aud: 'https://my-service.run.app',
    });
    expectNoLeaks(result);
  });

  it('domain-wide delegation', async () => {
    const result = await run({
      ...jsonInputs(),
      service_account: SA,
      token_format: 'access_token',
      access_token_subject: 'alice@example.com',
    });
    expectSuccess(result);
    expect(world.google.iamcredentials.requests.at(-1)?.path).toBe(`/v1/projects/-/serviceAccounts/${SA}:signJwt`);
    expect(world.google.lookupToken(result.outputs['access_token'] ?? '')).toMatchObject({
      kind: 'oauth2',
      subject: 'alice@example.com',
    });
    expectNoLeaks(result);
  });

  it('retries a 503 of the token URL through the HTTP layer', async () => {
    server.reset();
    server.injectFaults([{ status: 503 }]);
    const result = await run({ ...jsonInputs(), retries: '2' });
    expectSuccess(result);
    expect(server.requests.map((r) => r.status)).toEqual([503, 200]);
    expect(result.stdout).toMatch(/Token URL: 127\.0\.0\.1:\d+ attempt 1\/3 failed \(HTTP 503 UNAVAILABLE\); retrying/);
  });
});

describe('errors: one clear message each, never a token or a header value', () => {
  it('an unreachable URL', async () => {
    const closed = await startFakeServer({ name: 'gone', handler: () => ({ status: 200 }) });
    await closed.close();
    const result = await run({ subject_token_url: `${closed.origin}/token` });
    expect(result.code).toBe(1);
    const [error] = errorsOf(result);
    expect(error).toMatch(/^Token URL could not be reached \(GET http:\/\/127\.0\.0\.1:\d+\/token\): ECONNREFUSED/);
    expect(error).toContain(`Hint: Nothing answered at subject_token_url (${closed.origin}/token)`);
    expect(error).not.toContain('sts_endpoint');
  });

  it('a URL that refuses connections, at the default retry policy: fails within ~15 s, in a few lines', async () => {
    const closed = await startFakeServer({ name: 'gone', handler: () => ({ status: 200 }) });
    await closed.close();
    const result = await run({ subject_token_url: `${closed.origin}/token`, retries: '' });
    expect(result.code).toBe(1);
    const [error] = errorsOf(result);
    expect(error).toMatch(
      /^Token URL could not be reached \(GET http:\/\/127\.0\.0\.1:\d+\/token, \d+ attempts over [\d.]+s; gave up: nothing answers at this address, which this workflow set\): ECONNREFUSED/,
    );
    expect(error).toContain(`Hint: Nothing answered at subject_token_url (${closed.origin}/token)`);
    const waits = result.stdout.split('\n').filter((l) => /^Token URL: .* attempt \d+ failed/.test(l));
    expect(waits.length).toBeGreaterThanOrEqual(2);
    // About 7 (the waits are random); the default policy would make ~20 over 2 minutes.
    expect(waits.length).toBeLessThanOrEqual(12);
    // No attempt starts after 15 s; then Node's start and exit, slower on a loaded machine.
    expect(result.durationMs).toBeLessThan(25_000);
  }, 40_000);

  it('an sts_endpoint that refuses connections (a typo in the port): fails within ~15 s, naming sts_endpoint', async () => {
    const closed = await startFakeServer({ name: 'gone', handler: () => ({ status: 200 }) });
    await closed.close();
    const result = await run({ ...jsonInputs(), sts_endpoint: `${closed.origin}/v1`, retries: '' });
    expect(result.code).toBe(1);
    const [error] = errorsOf(result);
    expect(error).toMatch(
      /^Exchanging the subject token at Google STS failed: Google STS could not be reached \(POST http:\/\/127\.0\.0\.1:\d+\/v1\/token, \d+ attempts over [\d.]+s; gave up: nothing answers at this address, which this workflow set\): ECONNREFUSED/,
    );
    expect(error).toContain('and sts_endpoint (or GHA_ENDPOINT_OVERRIDE_sts) if the workflow sets it');
    expect(result.durationMs).toBeLessThan(25_000);
  }, 40_000);

  it('a re-signer with an internal CA: the certificate hint, then NODE_EXTRA_CA_CERTS makes it work', async () => {
    const certificates = await createTestCertificates();
    const internal = await startFakeServer({
      name: 'internal-resigner',
      tls: certificates,
      handler: () => ({ status: 200, body: resigner.mint() }),
    });
    try {
      const inputs = { subject_token_url: `${internal.origin}/token` };
      const refused = await run(inputs);
      const [error] = errorsOf(refused);
      expect(error).toMatch(/^Token URL could not be reached .*UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
      expect(error).toContain('Hint: The TLS certificate of subject_token_url');
      expect(error).toContain('NODE_EXTRA_CA_CERTS');
      expectSuccess(await run(inputs, { NODE_EXTRA_CA_CERTS: certificates.caFile }));
      expect(internal.requests.at(-1)?.tls).toBe(true);
    } finally {
      await internal.close();
      await certificates.cleanup();
    }
  });

  it('a 401: the header hint', async () => {
    const result = await run({ ...jsonInputs(), subject_token_headers: 'Authorization: Bearer wrong-secret-value' });
    const [error] = errorsOf(result);
    expect(error).toMatch(
      /^Token URL failed: Token URL answered HTTP 401 \(GET http:\/\/127\.0\.0\.1:\d+\/token\): Bad credentials/,
    );
    expect(error).toContain(
      'Hint: subject_token_url refused the request (HTTP 401): check the credential in subject_token_headers',
    );
    expect(findLeakedSecrets(result.stdout + result.stderr, ['wrong-secret-value'], result.masks)).toEqual([]);
    expectNoLeaks(result);
  });

  it('a 404: the path hint', async () => {
    const result = await run({ subject_token_url: `${server.origin}/nowhere?sig=abc` });
    const [error] = errorsOf(result);
    expect(error).toMatch(/HTTP 404 \(GET http:\/\/127\.0\.0\.1:\d+\/nowhere\): Not Found/);
    expect(error).toContain('Hint: subject_token_url answered HTTP 404: check the path of the URL');
    // The query string may hold a credential: never shown.
    expect(result.stdout).not.toContain('sig=abc');
  });

  const answers: Array<[string, Record<string, string>, RegExp]> = [
    ['an empty answer', { subject_token_url: '/empty' }, /^The answer of http:\/\/127\.0\.0\.1:\d+\/empty is empty/],
    [
      'an answer that is not JSON',
      { subject_token_url: '/not-json', subject_token_format: 'json', subject_token_field: 'value' },
      /^The answer of .*\/not-json is not valid JSON \(subject_token_format: json\)/,
    ],
    [
      'JSON without the field',
      {
        subject_token_url: '/token',
        subject_token_headers: HEADERS,
        subject_token_format: 'json',
        subject_token_field: 'token',
      },
      /has no field "token" \(subject_token_field\)\. Its fields are: "value", "count"\./,
    ],
    [
      'a JSON answer read as text',
      { subject_token_url: '/token', subject_token_headers: HEADERS },
      /holds a JSON object, not a bare token/,
    ],
  ];
  it.each(answers)('%s', async (_name, inputs, expected) => {
    const result = await run({ ...inputs, subject_token_url: `${server.origin}${inputs['subject_token_url']}` });
    expect(result.code).toBe(1);
    expect(errorsOf(result)).toEqual([expect.stringMatching(expected)]);
    expectNoLeaks(result);
  });

  const inputErrors: Array<[string, Record<string, string>, RegExp]> = [
    ['no URL', {}, /^Invalid input: subject_token_source: url needs "subject_token_url"/],
    [
      'a file: URL',
      { subject_token_url: 'file:///etc/passwd' },
      /"subject_token_url" must be an http or https URL, not file:/,
    ],
    [
      'a password in the URL',
      { subject_token_url: 'https://user:hunter2-secret@x.example.com/token' },
      /must not hold a user name or password: send credentials in subject_token_headers/,
    ],
    [
      'a header line without a colon',
      { subject_token_url: 'https://x.example.com', subject_token_headers: 'X-Ok: 1\nBearer hunter2-secret' },
      /^Invalid input: "subject_token_headers" line 2 must be "Name: value"/,
    ],
    [
      'a CR smuggling another header',
      {
        subject_token_url: 'https://x.example.com',
        subject_token_headers: 'X-A: hunter2-secret\rHost: evil.example.com',
      },
      /line 1: the value of "X-A" must be non-empty and without control characters/,
    ],
    [
      'a Host header',
      { subject_token_url: 'https://x.example.com', subject_token_headers: 'Host: evil.example.com' },
      /"Host" is set by the HTTP client and cannot be sent from here/,
    ],
    [
      'a file input with the url source',
      { subject_token_url: 'https://x.example.com', subject_token_file: '/tmp/x' },
      /"subject_token_file" applies only with subject_token_source: file, but subject_token_source is "url"/,
    ],
  ];
  it.each(inputErrors)('input: %s', async (_name, inputs, expected) => {
    const result = await run(inputs);
    expect(result.code).toBe(1);
    expect(errorsOf(result)).toEqual([expect.stringMatching(expected)]);
    expect(result.stdout + result.stderr).not.toContain('hunter2-secret');
  });
});

describe('diagnostics and debug logging', () => {
  it("a refused token shows its claims and hints for another issuer, never GitHub's", async () => {
    claims = { aud: 'https://github.com/octo-org' };
    try {
      const result = await run(jsonInputs());
      const [error] = errorsOf(result);
      expect(error).toMatch(
        /^Exchanging the subject token at Google STS failed: .*does not match the expected audience/,
      );
      expect(error).toContain(
        `Token sent by Token URL: sub="${SUBJECT}", aud="https://github.com/octo-org", iss="${resigner.issuer}"`,
      );
      expect(error).toMatch(/Hint: The token's audience .* is not one the provider accepts/);
      expect(error).not.toMatch(GITHUB_WORDS);
      expectNoLeaks(result);
    } finally {
      claims = {};
    }
  });

  it('RUNNER_DEBUG=1: requests and claims shown, no token and no header value', async () => {
    const env = { RUNNER_DEBUG: '1', ACTIONS_STEP_DEBUG: 'true' };
    const ok = await run({ ...jsonInputs(), service_account: SA, token_format: 'access_token' }, env);
    expectSuccess(ok);
    const debug = ok.commands
      .filter((c) => c.command === 'debug')
      .map((c) => c.message)
      .join('\n');
    expect(debug).toMatch(/Token URL: GET http:\/\/127\.0\.0\.1:\d+\/token -> 200/);
    expect(debug).toContain(`Token URL: token claims: sub="${SUBJECT}"`);
    expectNoLeaks(ok);

    const bad = await run({ ...jsonInputs(), subject_token_headers: 'Authorization: Bearer wrong-secret-value' }, env);
    expect(bad.code).toBe(1);
    expect(findLeakedSecrets(bad.stdout + bad.stderr, ['wrong-secret-value'], bad.masks)).toEqual([]);
    expectNoLeaks(bad);
  });
});
