/**
 * End-to-end: the bundled dist/main and dist/post run under Node 24 as the
 * GitHub runner runs them, against fake GitHub OIDC and fake Google servers
 * on 127.0.0.1 that verify what they receive (signatures, audiences,
 * attribute condition, impersonation rights).
 */
import { createPublicKey, verify } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  allowServiceAccount,
  decodeJwt,
  findLeakedSecrets,
  type RunActionResult,
  runAction,
  verifyJwt,
} from '../fakes/index.mjs';
import { errorsOf, POST, ROOT, SA, withDefaults } from '../support/e2e.js';
import { useFakeWorld } from '../support/fake-world.js';
import { CREDENTIALS_FILE_MODE } from '../support/platform.js';

const root = ROOT;

const { world, runMain, runPost, expectNoLeaks } = useFakeWorld({
  actionDefaults: true,
  env: (world) => ({ ...world.env, GITHUB_ACTION_REF: 'v1' }),
});

/** Writes a file into a fresh workspace so the "empty workspace" warning does not fire. */
async function checkedOutWorkspace(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(root, 'node_modules', '.e2e-ws-'));
  await fs.writeFile(path.join(dir, 'README.md'), 'checked out\n');
  return dir;
}

describe('Workload Identity Federation, direct', () => {
  let main: RunActionResult;

  beforeAll(async () => {
    main = await runMain({ workload_identity_provider: world.workloadIdentityProvider, project_id: 'my-project' });
  });

  it('succeeds with the federated token as auth_token', () => {
    expect(errorsOf(main)).toEqual([]);
    expect(main.code).toBe(0);
    const issued = world.google.lookupToken(main.outputs['auth_token'] ?? '');
    expect(issued).toBeDefined();
    expect(main.outputs['auth_token_expiration']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(main.outputs['auth_token_expiration'] ?? '') - Date.now()).toBeGreaterThan(3500_000);
    expect(main.outputs['project_id']).toBe('my-project');
    expect(main.outputs['access_token']).toBeUndefined();
  });

  it('writes the external_account file exactly as the client libraries read it, mode 0600', async () => {
    const file = main.outputs['credentials_file_path'] ?? '';
    expect(path.dirname(file)).toBe(main.workspace);
    expect(path.basename(file)).toMatch(/^gha-creds-[0-9a-f]{16}\.json$/);
    expect((await fs.stat(file)).mode & 0o777).toBe(CREDENTIALS_FILE_MODE);
    const oidcUrl = new URL(world.env.ACTIONS_ID_TOKEN_REQUEST_URL);
    oidcUrl.searchParams.set('audience', `https://iam.googleapis.com/${world.workloadIdentityProvider}`);
    expect(JSON.parse(await fs.readFile(file, 'utf8'))).toEqual({
      type: 'external_account',
      audience: `//iam.googleapis.com/${world.workloadIdentityProvider}`,
      subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
      token_url: `${world.google.stsEndpoint}/token`,
      credential_source: {
        url: oidcUrl.href,
        headers: { Authorization: `Bearer ${world.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}` },
        format: { type: 'json', subject_token_field_name: 'value' },
      },
      // As gcloud's create-cred-config writes them.
      token_info_url: `${world.google.stsEndpoint}/introspect`,
      universe_domain: 'googleapis.com',
    });
  });

  it('exports the credentials and project variables', () => {
    const file = main.outputs['credentials_file_path'];
    expect(main.exportedEnv).toEqual({
      GOOGLE_APPLICATION_CREDENTIALS: file,
      CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE: file,
      GOOGLE_GHA_CREDS_PATH: file,
      CLOUDSDK_CORE_PROJECT: 'my-project',
      CLOUDSDK_PROJECT: 'my-project',
      GCLOUD_PROJECT: 'my-project',
      GCP_PROJECT: 'my-project',
      GOOGLE_CLOUD_PROJECT: 'my-project',
    });
  });

  it('asked GitHub for the default audience and sent STS the documented exchange', () => {
    const oidc = world.github.requests.at(-1);
    expect(oidc?.query['audience']).toBe(`https://iam.googleapis.com/${world.workloadIdentityProvider}`);
    const sts = world.google.requests.filter((r) => r.service === 'sts').at(-1);
    expect(sts?.json).toEqual({
      audience: `//iam.googleapis.com/${world.workloadIdentityProvider}`,
      grantType: 'urn:ietf:params:oauth:grant-type:token-exchange',
      requestedTokenType: 'urn:ietf:params:oauth:token-type:access_token',
      scope: 'https://www.googleapis.com/auth/cloud-platform',
      subjectTokenType: 'urn:ietf:params:oauth:token-type:jwt',
      subjectToken: world.github.issuedTokens.at(-1),
    });
    expect(sts?.headers['user-agent']).toMatch(/^gcp-auth-action\/1\.0\.0 \(ref v1\) node\/24\./);
  });

  it('saves the file in state and the post step removes it', async () => {
    const file = main.outputs['credentials_file_path'] ?? '';
    expect(main.state).toEqual({ credentials_file_path: file, cleanup_credentials: 'true' });
    const post = await runPost(main);
    expect(post.code).toBe(0);
    await expect(fs.stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(post.stdout).toContain(`Removed credentials file ${file}`);
    // A second post (file already gone) still succeeds.
    const again = await runPost(main);
    expect(again.code).toBe(0);
    expect(errorsOf(again)).toEqual([]);
  });

  it('warns when the workspace is empty (checkout missing)', () => {
    expect(main.commands.filter((c) => c.command === 'warning').map((c) => c.message)).toEqual([
      expect.stringMatching(/The workspace is empty.*actions\/checkout/),
    ]);
  });
});

describe('Workload Identity Federation through a service account', () => {
  it('mints an access token with the requested scopes, lifetime and delegates', async () => {
    const main = await runMain(
      {
        workload_identity_provider: world.workloadIdentityProvider,
        service_account: SA,
        token_format: 'access_token',
        access_token_lifetime: '30m',
        access_token_scopes:
          'https://www.googleapis.com/auth/cloud-platform\nhttps://www.googleapis.com/auth/userinfo.email',
        request_reason: 'deploy #42',
      },
      { GITHUB_WORKSPACE: await checkedOutWorkspace() },
    );
    expect(errorsOf(main)).toEqual([]);
    expect(main.outputs['project_id']).toBe('my-project');
    const issued = world.google.lookupToken(main.outputs['access_token'] ?? '');
    expect(issued).toMatchObject({ kind: expect.stringMatching(/access|service/i) });
    const expiration = Date.parse(main.outputs['access_token_expiration'] ?? '');
    expect(expiration - Date.now()).toBeGreaterThan(1700_000);
    expect(expiration - Date.now()).toBeLessThanOrEqual(1800_000);

    const iam = world.google.requests.filter((r) => r.service === 'iamcredentials').at(-1);
    expect(iam?.path).toBe(`/v1/projects/-/serviceAccounts/${SA}:generateAccessToken`);
    expect(iam?.json).toEqual({
      scope: ['https://www.googleapis.com/auth/cloud-platform', 'https://www.googleapis.com/auth/userinfo.email'],
      lifetime: '1800s',
    });
    expect(iam?.headers['authorization']).toBe(`Bearer ${main.outputs['auth_token']}`);
    for (const service of ['sts', 'iamcredentials']) {
      const req = world.google.requests.filter((r) => r.service === service).at(-1);
      expect(req?.headers['x-goog-request-reason']).toBe('deploy #42');
    }
    // No warning: the workspace had a checkout.
    expect(main.commands.filter((c) => c.command === 'warning')).toEqual([]);

    const file = JSON.parse(await fs.readFile(main.outputs['credentials_file_path'] ?? '', 'utf8'));
    expect(file.service_account_impersonation_url).toBe(
      `${world.google.iamcredentialsEndpoint}/projects/-/serviceAccounts/${SA}:generateAccessToken`,
    );
    expectNoLeaks(main);
  });

  it('mints an ID token for the audience, with the email when asked', async () => {
    const main = await runMain({
      workload_identity_provider: world.workloadIdentityProvider,
      service_account: SA,
      token_format: 'id_token',
      id_token_audience: 'https://my-service.run.app',
      id_token_include_email: 'true',
    });
    expect(errorsOf(main)).toEqual([]);
    const claims = verifyJwt(main.outputs['id_token'] ?? '', [world.google.idTokenPublicKey]).payload;
    expect(claims).toMatchObject({ aud: 'https://my-service.run.app', email: SA, email_verified: true });
    const iam = world.google.requests.filter((r) => r.service === 'iamcredentials').at(-1);
    expect(iam?.json).toEqual({ audience: 'https://my-service.run.app', includeEmail: true });
  });

  it('acts as a Workspace user through signJwt and OAuth2 (domain-wide delegation)', async () => {
    const main = await runMain({
      workload_identity_provider: world.workloadIdentityProvider,
      service_account: SA,
      token_format: 'access_token',
      access_token_subject: 'alice@example.com',
      access_token_lifetime: '2h',
    });
    expect(errorsOf(main)).toEqual([]);
    expect(main.commands.filter((c) => c.command === 'warning').map((c) => c.message)).toContainEqual(
      expect.stringContaining('tokens for access_token_subject last at most 1h'),
    );
    const sign = world.google.requests.filter((r) => r.service === 'iamcredentials').at(-1);
    expect(sign?.path).toBe(`/v1/projects/-/serviceAccounts/${SA}:signJwt`);
    const payload = JSON.parse((sign?.json as { payload?: string } | undefined)?.payload ?? '{}');
    expect(payload).toMatchObject({
      iss: SA,
      sub: 'alice@example.com',
      aud: `${world.google.oauth2Endpoint}/token`,
      scope: 'https://www.googleapis.com/auth/cloud-platform',
    });
    expect(payload.exp - payload.iat).toBe(3600);
    const oauth = world.google.requests.filter((r) => r.service === 'oauth2').at(-1);
    expect(oauth?.form?.['grant_type']).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    expect(world.google.lookupToken(main.outputs['access_token'] ?? '')).toBeDefined();
  });
});

describe('service-account key', () => {
  it('signs its own auth_token, mints tokens with it, and writes the key as the file', async () => {
    // Minting tokens through IAM Credentials needs the account to hold
    // Token Creator on itself, as it must on real Google.
    world.google.addServiceAccount('keyed@key-project.iam.gserviceaccount.com', {
      allow: allowServiceAccount('keyed@key-project.iam.gserviceaccount.com'),
    });
    const key = world.google.createServiceAccountKey('keyed@key-project.iam.gserviceaccount.com');
    const main = await runMain(
      { credentials_json: JSON.stringify(key), token_format: 'access_token' },
      {
        ACTIONS_ID_TOKEN_REQUEST_URL: undefined,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined,
      },
    );
    expect(errorsOf(main)).toEqual([]);
    const authToken = main.outputs['auth_token'] ?? '';
    const [header, payload, signature] = authToken.split('.');
    expect(
      verify(
        'RSA-SHA256',
        Buffer.from(`${header}.${payload}`),
        createPublicKey(key.private_key),
        Buffer.from(signature ?? '', 'base64url'),
      ),
    ).toBe(true);
    expect(decodeJwt(authToken).payload).toMatchObject({
      iss: key.client_email,
      sub: key.client_email,
      aud: `${new URL(world.google.iamcredentialsEndpoint).origin}/`,
    });
    expect(world.google.lookupToken(main.outputs['access_token'] ?? '')).toBeDefined();
    expect(main.outputs['project_id']).toBe('key-project');
    expect(JSON.parse(await fs.readFile(main.outputs['credentials_file_path'] ?? '', 'utf8'))).toEqual(key);
    expect(main.masks).toContain(key.private_key);
    expectNoLeaks(main, [key.private_key, JSON.stringify(key), authToken]);
  });

  it('accepts the key base64-encoded and signs domain-wide delegation locally', async () => {
    const key = world.google.createServiceAccountKey('dwd@key-project.iam.gserviceaccount.com');
    const main = await runMain({
      credentials_json: Buffer.from(JSON.stringify(key)).toString('base64'),
      token_format: 'access_token',
      access_token_subject: 'bob@example.com',
    });
    expect(errorsOf(main)).toEqual([]);
    const oauth = world.google.requests.filter((r) => r.service === 'oauth2').at(-1);
    const assertion = oauth?.form?.['assertion'] ?? '';
    expect(verifyJwt(assertion, [createPublicKey(key.private_key)]).payload).toMatchObject({
      iss: key.client_email,
      sub: 'bob@example.com',
    });
    // Signed locally: no signJwt call for this account.
    expect(world.google.requests.some((r) => r.path.includes('dwd@key-project') && r.path.endsWith(':signJwt'))).toBe(
      false,
    );
  });

  it('fails on a malformed key without printing any of it', async () => {
    const secret = '{"type":"service_account","private_key":"TOPSECRET-VALUE-123", "client_email": 5';
    const main = await runMain({ credentials_json: secret });
    expect(main.code).toBe(1);
    expect(errorsOf(main)).toEqual([
      expect.stringMatching(/^Invalid input: "credentials_json" is neither JSON nor base64/),
    ]);
    expect(findLeakedSecrets(main.stdout + main.stderr, ['TOPSECRET-VALUE-123'], main.masks)).toEqual([]);
  });
});

describe('failures', () => {
  it('explains a missing id-token permission', async () => {
    const main = await runMain(
      { workload_identity_provider: world.workloadIdentityProvider },
      {
        ACTIONS_ID_TOKEN_REQUEST_URL: undefined,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined,
      },
    );
    expect(main.code).toBe(1);
    expect(errorsOf(main)).toEqual([
      expect.stringMatching(/permissions: \{ contents: read, id-token: write \}.*forks/s),
    ]);
  });

  it("explains an unreachable GitHub OIDC endpoint as the runner's, not an endpoint input", async () => {
    const main = await runMain(
      { workload_identity_provider: world.workloadIdentityProvider, retries: '0' },
      { ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:9/token?api-version=2.0' }, // nothing listens on port 9
    );
    expect(main.code).toBe(1);
    const [error] = errorsOf(main);
    expect(error).toMatch(/^GitHub OIDC failed: GitHub OIDC could not be reached .*ECONNREFUSED/);
    expect(error).toContain("Hint: The runner's OIDC token service (ACTIONS_ID_TOKEN_REQUEST_URL, which GitHub sets)");
    expect(error).not.toMatch(/sts_endpoint|iamcredentials_endpoint|oauth2_endpoint|GHA_ENDPOINT_OVERRIDE/);
  });

  it('explains a project ID given instead of the number', async () => {
    const main = await runMain({
      workload_identity_provider: world.workloadIdentityProvider.replace(/projects\/\d+/, 'projects/my-project'),
    });
    expect(errorsOf(main)).toEqual([expect.stringMatching(/by its NUMBER, not its ID "my-project"/)]);
  });

  it('explains an audience mismatch, showing the claims, and still leaves the credentials file', async () => {
    const main = await runMain({
      workload_identity_provider: world.workloadIdentityProvider,
      audience: 'wrong-audience',
    });
    expect(main.code).toBe(1);
    const [error] = errorsOf(main);
    expect(error).toMatch(/^Exchanging the subject token at Google STS failed: Google STS answered HTTP 400/);
    expect(error).toContain('invalid_grant');
    expect(error).toMatch(/Hint: The token's audience does not match.*"wrong-audience"/);
    expect(error).toMatch(
      /Token sent by GitHub OIDC: sub="repo:octo-org\/octo-repo:ref:refs\/heads\/main", aud="wrong-audience"/,
    );
    // Written before the exchange, so continue-on-error jobs still have it.
    expect(main.outputs['credentials_file_path']).toBeDefined();
    await expect(fs.stat(main.outputs['credentials_file_path'] ?? '')).resolves.toBeDefined();
    // Exactly one STS attempt: a 400 is final.
    expectNoLeaks(main);
  });

  it('explains an attribute condition rejection', async () => {
    world.github.setClaims({ repository: 'evil-org/octo-repo', repository_owner: 'evil-org' });
    try {
      const main = await runMain({ workload_identity_provider: world.workloadIdentityProvider });
      const [error] = errorsOf(main);
      expect(error).toMatch(/rejected by the attribute condition/);
      expect(error).toMatch(/Hint: The provider's attribute condition rejected this token/);
      expect(error).toContain('repository_owner="evil-org"');
    } finally {
      world.github.setClaims({});
    }
  });

  it('prints the gcloud binding when the identity may not impersonate the service account', async () => {
    const stsBefore = world.google.sts.requestCount;
    const iamBefore = world.google.iamcredentials.requestCount;
    const main = await runMain({
      workload_identity_provider: world.workloadIdentityProvider,
      service_account: 'locked@my-project.iam.gserviceaccount.com',
      token_format: 'access_token',
    });
    expect(main.code).toBe(1);
    const [error] = errorsOf(main);
    expect(error).toMatch(
      /^Creating a token for the service account \(IAM Credentials\) failed: IAM Credentials answered HTTP (403|404)/,
    );
    if (/HTTP 403/.test(error ?? '')) {
      expect(error).toContain(
        'gcloud iam service-accounts add-iam-policy-binding "locked@my-project.iam.gserviceaccount.com" ' +
          '--role="roles/iam.workloadIdentityUser" --member="principalSet://iam.googleapis.com/projects/123456789012/' +
          'locations/global/workloadIdentityPools/github-pool/attribute.repository/octo-org/octo-repo"',
      );
      expect(error).toContain('up to 5 minutes');
    }
    expect(world.google.sts.requestCount - stsBefore).toBe(1);
    expect(world.google.iamcredentials.requestCount - iamBefore).toBe(1);
  });
});

describe('a service account is proven during the step, without token_format (verify_service_account)', () => {
  const iamCalls = (before: number) =>
    world.google.requests
      .filter((r) => r.service === 'iamcredentials')
      .slice(before)
      .map((r) => `${r.method} ${r.path}`);
  const iamBefore = () => world.google.requests.filter((r) => r.service === 'iamcredentials').length;
  const run = (inputs: Record<string, string>) =>
    runMain({ workload_identity_provider: world.workloadIdentityProvider, ...inputs });

  it('succeeds with one generateAccessToken call whose token is masked and output nowhere', async () => {
    const before = iamBefore();
    const main = await run({ service_account: SA });
    expect(errorsOf(main)).toEqual([]);
    expect(iamCalls(before)).toEqual([`POST /v1/projects/-/serviceAccounts/${SA}:generateAccessToken`]);
    // The proof: the last service-account token the fake issued. Masked at once, and in no output.
    const proof = [...world.google.tokens.entries()]
      .filter(([, t]) => (t as { kind?: string }).kind === 'service_account')
      .at(-1)?.[0];
    expect(proof).toBeDefined();
    expect(main.masks).toContain(proof);
    expect(Object.values(main.outputs)).not.toContain(proof);
    expect(main.outputs['access_token']).toBeUndefined();
    expect(main.stdout).toContain(`may impersonate ${SA} (verify_service_account).`);
    expectNoLeaks(main);
  });

  it('a service account that does not exist: the step fails, with the 404 hint', async () => {
    const missing = 'no-such-sa@my-project.iam.gserviceaccount.com';
    const before = iamBefore();
    const main = await run({ service_account: missing });
    expect(main.code).toBe(1);
    const [error] = errorsOf(main);
    expect(error).toMatch(
      /^Creating a token for the service account \(IAM Credentials\) failed: IAM Credentials answered HTTP 404/,
    );
    expect(error).toContain(`Hint: The service account ${missing} does not exist, or its project is wrong`);
    expect(error).toContain('Hint: No token was asked for: this step tried to impersonate');
    expect(error).toContain('verify_service_account: false skips this check');
    expect(iamCalls(before)).toEqual([`POST /v1/projects/-/serviceAccounts/${missing}:generateAccessToken`]);
    // The credentials file is still written first (continue-on-error keeps it).
    expect(main.outputs['credentials_file_path']).toBeTruthy();
  });

  it('an account the identity may not impersonate: the step fails, with the gcloud binding', async () => {
    const locked = 'locked-verify@my-project.iam.gserviceaccount.com';
    world.google.addServiceAccount(locked); // nobody may impersonate it
    const main = await run({ service_account: locked });
    expect(main.code).toBe(1);
    const [error] = errorsOf(main);
    expect(error).toMatch(/IAM Credentials answered HTTP 403/);
    expect(error).toContain(
      `gcloud iam service-accounts add-iam-policy-binding "${locked}" --role="roles/iam.workloadIdentityUser"`,
    );
  });

  it('verify_service_account: false makes no call (and so succeeds as before)', async () => {
    const before = iamBefore();
    const main = await run({
      service_account: 'no-such-sa@my-project.iam.gserviceaccount.com',
      verify_service_account: 'false',
    });
    expect(errorsOf(main)).toEqual([]);
    expect(iamCalls(before)).toEqual([]);
  });

  it('token_format: access_token proves it already: one call, not two', async () => {
    const before = iamBefore();
    const main = await run({ service_account: SA, token_format: 'access_token' });
    expect(errorsOf(main)).toEqual([]);
    expect(iamCalls(before)).toEqual([`POST /v1/projects/-/serviceAccounts/${SA}:generateAccessToken`]);
  });

  it('a key impersonates nothing: no call', async () => {
    const key = world.google.createServiceAccountKey('verify-key@key-project.iam.gserviceaccount.com');
    const before = iamBefore();
    const main = await runMain({ credentials_json: JSON.stringify(key) });
    expect(errorsOf(main)).toEqual([]);
    expect(iamCalls(before)).toEqual([]);
  });
});

describe('post step', () => {
  it('leaves the file when cleanup_credentials is false', async () => {
    const main = await runMain({
      workload_identity_provider: world.workloadIdentityProvider,
      cleanup_credentials: 'false',
    });
    const file = main.outputs['credentials_file_path'] ?? '';
    const post = await runPost(main, { cleanup_credentials: 'false' });
    expect(post.code).toBe(0);
    await expect(fs.stat(file)).resolves.toBeDefined();
  });

  it('removes only what its state names, never what an env var points to', async () => {
    const main = await runMain({ workload_identity_provider: world.workloadIdentityProvider });
    const bystander = path.join(main.workspace, 'important.json');
    await fs.writeFile(bystander, '{}');
    const post = await runPost(
      main,
      {},
      { GOOGLE_GHA_CREDS_PATH: bystander, GOOGLE_APPLICATION_CREDENTIALS: bystander },
    );
    expect(post.code).toBe(0);
    await expect(fs.stat(bystander)).resolves.toBeDefined();
    await expect(fs.stat(main.outputs['credentials_file_path'] ?? '')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('does nothing when main created no file', async () => {
    const post = await runAction({ script: POST, inputs: withDefaults({}) });
    expect(post.code).toBe(0);
    expect(post.commands.filter((c) => c.command === 'error' || c.command === 'warning')).toEqual([]);
    await post.cleanup();
  });
});

describe('debug logging', () => {
  it('shows requests and claims with ACTIONS_STEP_DEBUG but no secret, on success and failure', async () => {
    const ok = await runMain(
      { workload_identity_provider: world.workloadIdentityProvider, service_account: SA, token_format: 'access_token' },
      { ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' },
    );
    expect(errorsOf(ok)).toEqual([]);
    const debug = ok.commands
      .filter((c) => c.command === 'debug')
      .map((c) => c.message)
      .join('\n');
    expect(debug).toMatch(/Google STS: POST http:\/\/127\.0\.0\.1:\d+\/v1\/token -> 200/);
    expect(debug).toContain('repository="octo-org/octo-repo"');
    expectNoLeaks(ok);

    const bad = await runMain(
      {
        workload_identity_provider: world.workloadIdentityProvider,
        service_account: 'locked@my-project.iam.gserviceaccount.com',
        token_format: 'id_token',
        id_token_audience: 'x',
      },
      { ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' },
    );
    expect(bad.code).toBe(1);
    expectNoLeaks(bad);
  });
});
