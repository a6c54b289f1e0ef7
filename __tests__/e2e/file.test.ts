/**
 * subject_token_source: file, end to end: the bundled action (dist/main)
 * under Node 24 reads a token that another issuer wrote — a "Kubernetes"
 * projected service-account token signed with its own key, or a SAML
 * response — and fake Google STS verifies it for a provider that trusts that
 * issuer (not GitHub's). No GitHub OIDC variables are set.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, linkSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

import { GoogleAuth } from 'google-auth-library';
import {
  DEFAULT_NODE_BINARY,
  findLeakedSecrets,
  getKeyPair,
  inputEnvName,
  type RunActionResult,
  signJwt,
  verifyJwt,
} from '../fakes/index.mjs';
import { createSamlIdp } from '../fakes/saml.mjs';
import { errorsOf, MAIN } from '../support/e2e.js';
import {
  createIssuer,
  credentialsFileOf,
  expectSameFile,
  expectSuccess,
  gcloudFixture,
  GITHUB_WORDS,
  JWT_TYPE,
  SAML2_TYPE,
  useSourceWorld,
  withDefaults,
} from '../support/external-token.js';
import { GCLOUD_POOL, GCLOUD_PROVIDER, LOCKED_SA, SA } from '../support/fixtures.js';

const SAML_PROVIDER = `${GCLOUD_POOL}/providers/saml-prov`;
const SUBJECT = 'system:serviceaccount:arc-runners:runner';

const cluster = createIssuer('https://container.googleapis.test/v1/projects/p/locations/l/clusters/arc', {
  sub: SUBJECT,
  'kubernetes.io': {
    namespace: 'arc-runners',
    pod: { name: 'runner-7x2k9', uid: '5b1c0d43-96a1-4a40-9e2e-3f0a8f2f1c11' },
    serviceaccount: { name: 'runner', uid: 'a3d1c2b4-1111-2222-3333-444455556666' },
  },
});
const idp = createSamlIdp();

let dir: string;

const { world, runMain: run } = useSourceWorld('file', () => ({
  google: {
    providers: {
      [GCLOUD_PROVIDER]: {
        type: 'oidc',
        issuer: cluster.issuer,
        issuerKeys: cluster.keys.publicKey,
        attributeMapping: (claims) => ({
          'google.subject': String(claims['sub']),
          'attribute.namespace': String(claims['kubernetes.io']?.namespace),
        }),
        attributeCondition: (_claims, attributes) => attributes['attribute.namespace'] === 'arc-runners',
      },
      [SAML_PROVIDER]: { type: 'saml', verifySamlAssertion: idp.verifier() },
    },
    serviceAccounts: {
      // Only the runner's Kubernetes service account (or the SAML user) may impersonate: the tests check who arrived.
      [SA]: {
        allow: (p) => p.type === 'federated' && (p.subject === SUBJECT || p.subject === 'alice@example.com'),
      },
      [LOCKED_SA]: { allow: () => false },
    },
  },
}));
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'e2e-file-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

let files = 0;
function tokenFile(content: string): string {
  const file = path.join(dir, `token-${files++}`);
  writeFileSync(file, content);
  return file;
}

/** Every token minted by the issuers and by fake Google: none may show unmasked. */
function expectNoLeaks(result: RunActionResult): void {
  const secrets = [...cluster.minted, ...idp.issued, ...world.google.tokens.keys()];
  expect(findLeakedSecrets(result.stdout + result.stderr, secrets, result.masks)).toEqual([]);
}

function lastExchange(): Record<string, string> {
  return world.google.sts.requests.at(-1)?.json as Record<string, string>;
}

describe('a projected service-account token (text)', () => {
  let token: string;
  let file: string;
  let result: RunActionResult;

  beforeAll(async () => {
    token = cluster.mint();
    // Without a final newline, as the kubelet writes it: tools send the file's content verbatim.
    file = tokenFile(token);
    result = await run({ subject_token_file: file });
  });

  it('is exchanged directly: auth_token is the federated token of the Kubernetes service account', () => {
    expectSuccess(result);
    expect(lastExchange()).toEqual({
      audience: `//iam.googleapis.com/${GCLOUD_PROVIDER}`,
      grantType: 'urn:ietf:params:oauth:grant-type:token-exchange',
      requestedTokenType: 'urn:ietf:params:oauth:token-type:access_token',
      scope: 'https://www.googleapis.com/auth/cloud-platform',
      subjectTokenType: JWT_TYPE,
      subjectToken: token,
    });
    const issued = world.google.lookupToken(result.outputs['auth_token'] ?? '');
    expect(issued?.principal).toMatchObject({ type: 'federated', provider: GCLOUD_PROVIDER, subject: SUBJECT });
    expect(result.summary).toContain(`principal://iam.googleapis.com/${GCLOUD_POOL}/subject/${SUBJECT}`);
    expect(result.stdout).toContain(`Reading the subject token from ${file}.`);
    expect(result.masks).toContain(token);
    expectNoLeaks(result);
  });

  it("writes gcloud's credentials file for the same file", () => {
    expectSameFile(credentialsFileOf(result), gcloudFixture('file-text.json', world, { file }));
  });

  it('google-auth-library reads that file and gets a token from fake Google', async () => {
    const before = world.google.sts.requests.length;
    const auth = new GoogleAuth({
      credentials: credentialsFileOf(result),
      scopes: ['https://www.googleapis.com/auth/cloud-platform'],
    });
    const { token: accessToken } = await (await auth.getClient()).getAccessToken();
    expect(world.google.lookupToken(accessToken ?? '')?.principal).toMatchObject({ subject: SUBJECT });
    // The library read the file itself and sent the same token, form-encoded.
    expect(world.google.sts.requests.slice(before).map((r) => [r.form?.['subject_token'], r.status])).toEqual([
      [token, 200],
    ]);
  });
});

describe('through a service account', () => {
  it('a JSON file (subject_token_field): access_token, and the file gcloud writes', async () => {
    const token = cluster.mint();
    const file = tokenFile(JSON.stringify({ id_token: token, expires_at: '2030-01-01T00:00:00Z' }));
    const result = await run({
      subject_token_file: file,
      subject_token_format: 'json',
      subject_token_field: 'id_token',
      service_account: SA,
      token_format: 'access_token',
    });
    expectSuccess(result);
    expect(lastExchange()['subjectToken']).toBe(token);
    expect(world.google.lookupToken(result.outputs['access_token'] ?? '')).toMatchObject({
      kind: 'service_account',
      principal: { email: SA, impersonatedBy: { subject: SUBJECT } },
    });
    expectSameFile(credentialsFileOf(result), gcloudFixture('file-json-impersonation.json', world, { file }));

    // google-auth-library: reads the JSON field, exchanges, impersonates.
    const auth = new GoogleAuth({
      credentials: credentialsFileOf(result),
      scopes: ['https://www.googleapis.com/auth/cloud-platform'],
    });
    const { token: libraryToken } = await (await auth.getClient()).getAccessToken();
    expect(world.google.lookupToken(libraryToken ?? '')).toMatchObject({ kind: 'service_account' });
    expect(world.google.iamcredentials.requests.at(-1)?.path).toBe(
      `/v1/projects/-/serviceAccounts/${SA}:generateAccessToken`,
    );
    expectNoLeaks(result);
  });

  it('subject_token_format: text and access_token_lifetime: as gcloud writes them explicitly', async () => {
    const file = tokenFile(cluster.mint());
    const result = await run({
      subject_token_file: file,
      subject_token_format: 'text',
      service_account: SA,
      token_format: 'access_token',
      access_token_lifetime: '30m',
    });
    expectSuccess(result);
    expect(world.google.iamcredentials.requests.at(-1)?.json).toMatchObject({ lifetime: '1800s' });
    expectSameFile(credentialsFileOf(result), gcloudFixture('file-text-explicit-lifetime.json', world, { file }));
  });

  it('id_token for an audience', async () => {
    const result = await run({
      subject_token_file: tokenFile(cluster.mint()),
      service_account: SA,
      token_format: 'id_token',
      id_token_audience: 'https://my-service.run.app',
    });
    expectSuccess(result);
    const claims = verifyJwt(result.outputs['id_token'] ?? '', [world.google.idTokenPublicKey]).payload;
    expect(claims).toMatchObject({ aud: 'https://my-service.run.app', sub: expect.any(String) });
    expectNoLeaks(result);
  });

  it('domain-wide delegation (signJwt + OAuth2)', async () => {
    const result = await run({
      subject_token_file: tokenFile(cluster.mint()),
      service_account: SA,
      token_format: 'access_token',
      access_token_subject: 'alice@example.com',
    });
    expectSuccess(result);
    const sign = world.google.iamcredentials.requests.at(-1);
    expect(sign?.path).toBe(`/v1/projects/-/serviceAccounts/${SA}:signJwt`);
    expect(JSON.parse((sign?.json as { payload: string }).payload)).toMatchObject({ sub: 'alice@example.com' });
    expect(world.google.lookupToken(result.outputs['access_token'] ?? '')).toMatchObject({
      kind: 'oauth2',
      subject: 'alice@example.com',
    });
    expectNoLeaks(result);
  });
});

describe('subject_token_type: saml2', () => {
  it("sends the base64 SAML response as it is, for a SAML provider; the file is gcloud's", async () => {
    const response = idp.mintResponse({
      subject: 'alice@example.com',
      audience: `https://iam.googleapis.com/${SAML_PROVIDER}`,
    });
    const file = tokenFile(response);
    const result = await run({
      workload_identity_provider: SAML_PROVIDER,
      subject_token_file: file,
      subject_token_type: 'saml2',
    });
    expectSuccess(result);
    expect(lastExchange()).toMatchObject({ subjectTokenType: SAML2_TYPE, subjectToken: response });
    expect(world.google.lookupToken(result.outputs['auth_token'] ?? '')?.principal).toMatchObject({
      subjectTokenKind: 'saml',
      subject: 'alice@example.com',
    });
    expect(result.summary).toContain(`principal://iam.googleapis.com/${GCLOUD_POOL}/subject/alice@example.com`);
    expect(result.masks).toContain(response);
    expectSameFile(
      credentialsFileOf(result),
      gcloudFixture('file-saml2.json', world, { file }, `//iam.googleapis.com/${SAML_PROVIDER}`),
    );
    // google-auth-library passes the SAML response on as it is, too.
    const auth = new GoogleAuth({
      credentials: credentialsFileOf(result),
      scopes: ['https://www.googleapis.com/auth/cloud-platform'],
    });
    const { token: libraryToken } = await (await auth.getClient()).getAccessToken();
    expect(world.google.lookupToken(libraryToken ?? '')?.principal).toMatchObject({ subjectTokenKind: 'saml' });
    expect(world.google.sts.requests.at(-1)?.form).toMatchObject({
      subject_token_type: SAML2_TYPE,
      subject_token: response,
    });
    expectNoLeaks(result);
  });

  it('a refused assertion shows its issuer and subject, read from the XML, and a SAML hint', async () => {
    const response = idp.mintResponse({ subject: 'mallory@example.com', audience: 'https://wrong.example.com' });
    const result = await run({
      workload_identity_provider: SAML_PROVIDER,
      subject_token_file: tokenFile(response),
      subject_token_type: 'urn:ietf:params:oauth:token-type:saml2',
    });
    expect(result.code).toBe(1);
    const [error] = errorsOf(result);
    expect(error).toMatch(/^Exchanging the subject token at Google STS failed: Google STS answered HTTP 400/);
    expect(error).toContain(
      `Token sent by Token file: saml_issuer="${idp.issuer}", saml_subject="mallory@example.com", ` +
        'saml_audience="https://wrong.example.com"',
    );
    expect(error).toMatch(/Hint: The token's audience is not one the provider accepts/);
    expect(error).not.toMatch(GITHUB_WORDS);
    expectNoLeaks(result);
  });
});

describe('when Google refuses the token', () => {
  it("shows the Kubernetes claims and hints for another issuer, never GitHub's", async () => {
    const token = cluster.mint({ aud: 'https://kubernetes.default.svc' });
    const result = await run({ subject_token_file: tokenFile(token) });
    expect(result.code).toBe(1);
    const [error] = errorsOf(result);
    expect(error).toContain('does not match the expected audience');
    expect(error).toMatch(
      /Hint: The token's audience \("https:\/\/kubernetes\.default\.svc"\) is not one the provider accepts/,
    );
    expect(error).toContain(`by default "https://iam.googleapis.com/${GCLOUD_PROVIDER}"`);
    expect(error).toContain('serviceAccountToken "audience"');
    expect(error).toContain(
      `Token sent by Token file: sub="${SUBJECT}", aud="https://kubernetes.default.svc", iss="${cluster.issuer}"`,
    );
    expect(error).toContain('kubernetes.io={"namespace":"arc-runners"');
    expect(error).not.toMatch(GITHUB_WORDS);
    // Written before the exchange: a continue-on-error job still has it.
    expect(result.outputs['credentials_file_path']).toBeDefined();
    expectNoLeaks(result);
  });

  it('a token from an untrusted key: the signature hint', async () => {
    // The cluster's issuer URL, signed with another key.
    const now = Math.floor(Date.now() / 1000);
    const token = signJwt(
      {
        iss: cluster.issuer,
        sub: SUBJECT,
        aud: `https://iam.googleapis.com/${GCLOUD_PROVIDER}`,
        iat: now,
        exp: now + 600,
      },
      getKeyPair('forged-cluster').privateKey,
    );
    const result = await run({ subject_token_file: tokenFile(token) });
    const [error] = errorsOf(result);
    expect(error).toContain('Invalid ID Token signature');
    expect(error).toMatch(/Hint: Google could not verify the token's signature.*--jwk-json-path/);
    expect(findLeakedSecrets(result.stdout + result.stderr, [token], result.masks)).toEqual([]);
  });

  it('the attribute condition: hint and claims', async () => {
    const result = await run({
      subject_token_file: tokenFile(cluster.mint({ 'kubernetes.io': { namespace: 'other' } })),
    });
    const [error] = errorsOf(result);
    expect(error).toMatch(/Hint: The provider's attribute condition rejected this token/);
    expect(error).toContain('kubernetes.io={"namespace":"other"}');
    expect(error).not.toMatch(GITHUB_WORDS);
  });

  it('IAM refuses impersonation: the gcloud binding names this Kubernetes service account', async () => {
    const result = await run({
      subject_token_file: tokenFile(cluster.mint()),
      service_account: LOCKED_SA,
      token_format: 'access_token',
    });
    const [error] = errorsOf(result);
    expect(error).toMatch(/^Creating a token for the service account \(IAM Credentials\) failed: .*HTTP 403/);
    expect(error).toContain(
      `gcloud iam service-accounts add-iam-policy-binding "${LOCKED_SA}" ` +
        `--role="roles/iam.workloadIdentityUser" --member="principal://iam.googleapis.com/${GCLOUD_POOL}/subject/${SUBJECT}"`,
    );
    expect(error).not.toMatch(GITHUB_WORDS);
  });
});

describe('bad input: one clear error each, and no token printed', () => {
  const cases: Array<[string, () => Record<string, string>, RegExp]> = [
    [
      'a missing file',
      () => ({ subject_token_file: path.join(dir, 'nope') }),
      /^subject_token_file \/.*\/nope does not exist\. .*projected service-account token/,
    ],
    ['a directory', () => ({ subject_token_file: dir }), /is a directory: name the token file inside it/],
    ['an empty file', () => ({ subject_token_file: tokenFile('\n') }), /is empty: there is no subject token in it/],
    [
      'a JSON file read as text',
      () => ({ subject_token_file: tokenFile(JSON.stringify({ token: cluster.mint() })) }),
      /holds a JSON object, not a bare token\. Set subject_token_format: json and subject_token_field/,
    ],
    [
      'JSON without the field',
      () => ({
        subject_token_file: tokenFile(JSON.stringify({ token: cluster.mint(), expiry: 1 })),
        subject_token_format: 'json',
        subject_token_field: 'id_token',
      }),
      /has no field "id_token" \(subject_token_field\)\. Its fields are: "token", "expiry"\./,
    ],
    [
      'invalid JSON',
      () => ({
        subject_token_file: tokenFile(`${cluster.mint()}`),
        subject_token_format: 'json',
        subject_token_field: 'id_token',
      }),
      /is not valid JSON \(subject_token_format: json\)\. If it holds the bare token, use subject_token_format: text/,
    ],
    ['no file named', () => ({}), /^Invalid input: subject_token_source: file needs "subject_token_file"/],
    [
      'an unknown token type',
      () => ({ subject_token_file: tokenFile('x'), subject_token_type: 'oidc' }),
      /^Invalid input: "subject_token_type" must be jwt, id_token or saml2/,
    ],
    [
      'a URL input with the file source',
      () => ({ subject_token_file: tokenFile('x'), subject_token_url: 'https://x.example.com' }),
      /^Invalid input: "subject_token_url" applies only with subject_token_source: url, but subject_token_source is "file"/,
    ],
  ];
  it.each(cases)('%s', async (_name, inputs, expected) => {
    const exchanges = world.google.sts.requestCount;
    const result = await run(inputs());
    expect(result.code).toBe(1);
    expect(errorsOf(result)).toEqual([expect.stringMatching(expected)]);
    // Stopped before Google: nothing was sent.
    expect(world.google.sts.requestCount).toBe(exchanges);
    expectNoLeaks(result);
  });

  it('an unreadable file (permission denied), run as an unprivileged user', async () => {
    // root reads any file: then the action runs as nobody (65534), for whom a root-owned 0600 file is unreadable.
    // nobody may not enter the clone's directories (a 0700 home, a mktemp -d folder), so it runs a copy of Node
    // and dist/ in a directory anyone may enter, next to the token file.
    const asRoot = process.getuid?.() === 0;
    const place = asRoot ? placeForOthers() : undefined;
    try {
      const file = place ? path.join(place.dir, 'token') : tokenFile(cluster.mint());
      if (place) writeFileSync(file, cluster.mint());
      chmodSync(file, asRoot ? 0o600 : 0o000);
      const { stdout, code } = await runAs(place ? { uid: 65534, node: place.node, main: place.main } : {}, {
        workload_identity_provider: GCLOUD_PROVIDER,
        subject_token_source: 'file',
        subject_token_file: file,
        create_credentials_file: 'false',
        ...world.endpointInputs,
      });
      expect(stdout).toMatch(
        /::error::subject_token_file \/.* exists but the runner's user may not read it \(EACCES\)\. Make it readable/,
      );
      expect(code).toBe(1);
    } finally {
      if (place) rmSync(place.dir, { recursive: true, force: true });
    }
  });
});

describe('files that must not be read: refused at once', () => {
  // A FIFO blocked open() before any check, freezing the process (the step deadline's timers too).
  const onPosix = process.platform === 'win32' ? it.skip : it;
  onPosix('a FIFO at subject_token_file: the step fails promptly, saying it must be a regular file', async () => {
    const fifo = path.join(dir, 'token-fifo');
    execFileSync('mkfifo', [fifo]);
    const started = Date.now();
    const result = await run({ subject_token_file: fifo }, {}, { timeoutMs: 20_000 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.code).toBe(1);
    expect(errorsOf(result)).toEqual([
      expect.stringMatching(
        /^subject_token_file \/.*\/token-fifo is not a regular file \(a FIFO, socket or device\): it must be a regular file/,
      ),
    ]);
  });

  it('a file over 1 MiB: refused with its size and the limit', async () => {
    const big = tokenFile('x'.repeat(1024 * 1024 + 1));
    const result = await run({ subject_token_file: big });
    expect(errorsOf(result)).toEqual([
      expect.stringMatching(/is 1048577 bytes, too large for a token \(at most 1 MiB\): check the path\./),
    ]);
  });
});

describe('debug logging (RUNNER_DEBUG=1)', () => {
  it('shows the claims and the steps, and leaks nothing, on success and on failure', async () => {
    const ok = await run(
      { subject_token_file: tokenFile(cluster.mint()), service_account: SA, token_format: 'access_token' },
      { RUNNER_DEBUG: '1', ACTIONS_STEP_DEBUG: 'true' },
    );
    expectSuccess(ok);
    const debug = ok.commands
      .filter((c) => c.command === 'debug')
      .map((c) => c.message)
      .join('\n');
    expect(debug).toContain(`Token file: token claims: sub="${SUBJECT}"`);
    expect(debug).toMatch(/Google STS: POST http:\/\/127\.0\.0\.1:\d+\/v1\/token -> 200/);
    expectNoLeaks(ok);

    const bad = await run(
      { subject_token_file: tokenFile(cluster.mint({ aud: 'x' })) },
      { RUNNER_DEBUG: '1', ACTIONS_STEP_DEBUG: 'true' },
    );
    expect(bad.code).toBe(1);
    expectNoLeaks(bad);
  });
});

/** Whether users other than the owner may enter `dir` and every directory above it. */
function othersMayEnter(dir: string): boolean {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0) return false;
    if (path.dirname(d) === d) return true;
  }
}

/**
 * A directory anyone may enter, holding a copy of the Node 24 binary (a hard
 * link where the file system allows) and of dist/, so that another user can
 * run the action wherever the repository was cloned. The caller removes it.
 */
function placeForOthers(): { dir: string; node: string; main: string } {
  const base = othersMayEnter(tmpdir()) ? tmpdir() : '/tmp';
  const dir = mkdtempSync(path.join(base, 'e2e-file-nobody-'));
  try {
    chmodSync(dir, 0o755);
    const node = path.join(dir, 'node');
    try {
      linkSync(DEFAULT_NODE_BINARY, node);
    } catch {
      copyFileSync(DEFAULT_NODE_BINARY, node);
      chmodSync(node, 0o755);
    }
    cpSync(path.dirname(path.dirname(MAIN)), path.join(dir, 'dist'), { recursive: true });
    return { dir, node, main: path.join(dir, 'dist', path.relative(path.dirname(path.dirname(MAIN)), MAIN)) };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * The bundled action as another user (the suite may run as root, which reads
 * any file): inputs through INPUT_*, no runner files, output on stdout.
 */
function runAs(
  as: { uid?: number; node?: string; main?: string },
  inputs: Record<string, string>,
): Promise<{ stdout: string; code: number | null }> {
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', GITHUB_ACTIONS: 'true' };
  for (const [name, value] of Object.entries(withDefaults(inputs))) env[inputEnvName(name)] = value;
  const uid = as.uid;
  return new Promise((resolve, reject) => {
    const child = spawn(as.node ?? DEFAULT_NODE_BINARY, [as.main ?? MAIN], {
      cwd: as.main ? path.dirname(as.main) : tmpdir(),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(uid !== undefined ? { uid, gid: uid } : {}),
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolve({ stdout, code }));
  });
}
