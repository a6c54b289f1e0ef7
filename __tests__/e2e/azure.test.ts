/**
 * subject_token_source: azure, end to end: the bundled action (dist/main, run
 * `npm run build` first) under Node 24, against a fake Azure instance
 * metadata service on 127.0.0.1 (moved there with AZURE_IMDS_TEST_ENDPOINT)
 * that issues JWTs from an "Azure" issuer with its own key, and fake Google
 * whose provider trusts that issuer. No GitHub OIDC variables are given: the
 * runs prove that nothing of GitHub's is needed or asked for.
 */
import { promises as fs } from 'node:fs';

import { GoogleAuth } from 'google-auth-library';
import { azureIdentity, azureProvider, type FakeAzureImds, startFakeAzureImds } from '../fakes/azure-imds.mjs';
import { findLeakedSecrets, type RunActionResult, verifyJwt } from '../fakes/index.mjs';
import { errorsOf } from '../support/e2e.js';
import { useFakeWorld } from '../support/fake-world.js';
import { fakeGoogleEndpoints, gcloudFixture } from '../support/gcloud-fixtures.js';
import { AZURE_POOL, AZURE_PROVIDER, AZURE_SERVICE_ACCOUNT, LOCKED_SA } from '../support/fixtures.js';

/** A provider of the same pool that expects another app ID URI. */
const OTHER_APP_PROVIDER = `${AZURE_POOL}/providers/other-app-provider`;
const RESOURCE = 'api://gcp-wif-runner';
const JWT_TYPE = 'urn:ietf:params:oauth:token-type:jwt';

const deployIdentity = azureIdentity('deploy-identity');
let imds: FakeAzureImds;

beforeAll(async () => {
  imds = await startFakeAzureImds({ userAssigned: [deployIdentity], resources: [RESOURCE, 'api://other-app'] });
});
// No GitHub OIDC variables: the instance metadata's only.
const { world, runMain: run } = useFakeWorld({
  environment: () => ({
    google: {
      providers: {
        [AZURE_PROVIDER]: azureProvider(imds, { allowedAudiences: [RESOURCE] }),
        [OTHER_APP_PROVIDER]: azureProvider(imds, { allowedAudiences: ['api://other-app'] }),
      },
      serviceAccounts: {
        // Identities of the tenant may impersonate; the tests check which one arrived.
        [AZURE_SERVICE_ACCOUNT]: { allow: (p) => p.type === 'federated' && p.claims['tid'] === imds.tenantId },
        [LOCKED_SA]: { allow: () => false },
      },
    },
  }),
  inputs: () => ({
    workload_identity_provider: AZURE_PROVIDER,
    subject_token_source: 'azure',
    azure_resource: RESOURCE,
    retries: '0',
  }),
  env: () => imds.env,
  timeoutMs: 30_000,
});
afterAll(() => imds.close());

function expectSuccess(result: RunActionResult): void {
  if (result.code !== 0) throw new Error(`action failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
  expect(errorsOf(result)).toEqual([]);
}

/** Every token the fakes handed out: none may appear unmasked. */
function expectNoLeaks(result: RunActionResult): void {
  const secrets = [...imds.issuedTokens, ...world.google.tokens.keys()];
  expect(findLeakedSecrets(result.stdout + result.stderr, secrets, result.masks)).toEqual([]);
}

/** The federated principal of the last successful exchange. */
function lastFederatedSubject(): string | undefined {
  const exchange = world.google.sts.requests.filter((r) => r.status === 200).at(-1);
  const { access_token: token } = JSON.parse(exchange?.responseBody ?? '{}') as { access_token?: string };
  const issued = world.google.lookupToken(token ?? '');
  return issued?.principal.type === 'federated' ? issued.principal.subject : undefined;
}

/** gcloud's file for the same source, with Google's and IMDS's endpoints replaced by the fakes'. */
async function gcloudFile(name: string, clientId?: string): Promise<Record<string, unknown>> {
  const file = gcloudFixture(name, { ...fakeGoogleEndpoints(world), 'http://169.254.169.254': imds.origin }) as Record<
    string,
    unknown
  > & { credential_source: { url: string } };
  if (clientId) file.credential_source.url += `&client_id=${clientId}`;
  return file;
}

async function expectFileLikeGcloud(result: RunActionResult, expected: Record<string, unknown>): Promise<void> {
  const ours = JSON.parse(await fs.readFile(result.outputs['credentials_file_path'] ?? '', 'utf8')) as Record<
    string,
    unknown
  >;
  expect(Object.keys(ours).sort()).toEqual(Object.keys(expected).sort());
  for (const field of Object.keys(expected)) expect([field, ours[field]]).toEqual([field, expected[field]]);
}

describe('subject_token_source: azure, end to end', () => {
  it("direct: exchanges the VM identity's token for auth_token, and writes gcloud's file", async () => {
    imds.reset();
    const stsBefore = world.google.sts.requests.length;
    const githubBefore = world.github.requestCount;
    const result = await run({});
    expectSuccess(result);

    const [asked] = imds.requests;
    expect(imds.requests).toHaveLength(1);
    expect(asked?.query).toEqual({ 'api-version': '2018-02-01', resource: RESOURCE });
    expect(asked?.headers['metadata']).toBe('True');
    expect(asked?.headers['x-forwarded-for']).toBeUndefined();
    const exchange = world.google.sts.requests.slice(stsBefore);
    expect(exchange.map((r) => r.json)).toEqual([
      {
        audience: `//iam.googleapis.com/${AZURE_PROVIDER}`,
        grantType: 'urn:ietf:params:oauth:grant-type:token-exchange',
        requestedTokenType: 'urn:ietf:params:oauth:token-type:access_token',
        scope: 'https://www.googleapis.com/auth/cloud-platform',
        subjectTokenType: JWT_TYPE,
        subjectToken: imds.issuedTokens.at(-1),
      },
    ]);
    expect(world.google.lookupToken(result.outputs['auth_token'] ?? '')?.principal).toMatchObject({
      type: 'federated',
      subject: imds.systemAssigned?.objectId,
    });
    expect(world.github.requestCount).toBe(githubBefore);
    expect(result.masks).toContain(imds.issuedTokens.at(-1));
    expect(result.stdout).toContain(
      `Azure managed identity: token for "${RESOURCE}" from the machine's system-assigned identity (object ID ` +
        `${imds.systemAssigned?.objectId}).`,
    );
    expect(result.summary).toContain(
      `principal://iam.googleapis.com/${AZURE_POOL}/subject/${imds.systemAssigned?.objectId}`,
    );
    await expectFileLikeGcloud(result, await gcloudFile('azure-direct.json'));
    expectNoLeaks(result);
  });

  it('a user-assigned identity (azure_client_id) mints an access token through a service account', async () => {
    imds.reset();
    const result = await run({
      azure_client_id: deployIdentity.clientId,
      service_account: AZURE_SERVICE_ACCOUNT,
      token_format: 'access_token',
      access_token_lifetime: '1800s',
    });
    expectSuccess(result);
    expect(imds.requests[0]?.query['client_id']).toBe(deployIdentity.clientId);
    expect(lastFederatedSubject()).toBe(deployIdentity.objectId);
    expect(world.google.lookupToken(result.outputs['access_token'] ?? '')).toMatchObject({ kind: 'service_account' });
    expect(world.google.iamcredentials.requests.at(-1)).toMatchObject({
      path: `/v1/projects/-/serviceAccounts/${AZURE_SERVICE_ACCOUNT}:generateAccessToken`,
      json: { scope: ['https://www.googleapis.com/auth/cloud-platform'], lifetime: '1800s' },
    });
    await expectFileLikeGcloud(
      result,
      await gcloudFile('azure-service-account-lifetime.json', deployIdentity.clientId),
    );
    expectNoLeaks(result);
  });

  it('mints an ID token for the audience', async () => {
    const result = await run({
      service_account: AZURE_SERVICE_ACCOUNT,
      token_format: 'id_token',
      id_token_audience: 'https://my-service.run.app',
      id_token_include_email: 'true',
    });
    expectSuccess(result);
    expect(verifyJwt(result.outputs['id_token'] ?? '', [world.google.idTokenPublicKey]).payload).toMatchObject({
      aud: 'https://my-service.run.app',
      email: AZURE_SERVICE_ACCOUNT,
    });
    await expectFileLikeGcloud(result, await gcloudFile('azure-service-account.json'));
    expectNoLeaks(result);
  });

  it('acts as a Workspace user (domain-wide delegation)', async () => {
    const result = await run({
      service_account: AZURE_SERVICE_ACCOUNT,
      token_format: 'access_token',
      access_token_subject: 'alice@example.com',
    });
    expectSuccess(result);
    const sign = world.google.iamcredentials.requests.at(-1);
    expect(sign?.path).toBe(`/v1/projects/-/serviceAccounts/${AZURE_SERVICE_ACCOUNT}:signJwt`);
    expect(JSON.parse((sign?.json as { payload: string }).payload)).toMatchObject({
      iss: AZURE_SERVICE_ACCOUNT,
      sub: 'alice@example.com',
    });
    expect(world.google.lookupToken(result.outputs['access_token'] ?? '')).toMatchObject({
      kind: 'oauth2',
      subject: 'alice@example.com',
    });
    expectNoLeaks(result);
  });

  it('google-auth-library reads the file, asks instance metadata itself and gets a token', async () => {
    const result = await run({ azure_client_id: deployIdentity.clientId, service_account: AZURE_SERVICE_ACCOUNT });
    expectSuccess(result);
    const credentials = JSON.parse(await fs.readFile(result.outputs['credentials_file_path'] ?? '', 'utf8'));
    imds.reset();
    const stsBefore = world.google.sts.requests.length;
    const auth = new GoogleAuth({ credentials, scopes: ['https://www.googleapis.com/auth/cloud-platform'] });
    const { token } = await (await auth.getClient()).getAccessToken();
    expect(world.google.lookupToken(token ?? '')).toMatchObject({ kind: 'service_account' });
    // The library's own IMDS request: the same URL and header as ours.
    expect(imds.requests.map((r) => [r.query, r.headers['metadata']])).toEqual([
      [{ 'api-version': '2018-02-01', resource: RESOURCE, client_id: deployIdentity.clientId }, 'True'],
    ]);
    const exchange = world.google.sts.requests.slice(stsBefore);
    expect(exchange.map((r) => [r.form?.['subject_token_type'], r.form?.['subject_token'], r.status])).toEqual([
      [JWT_TYPE, imds.issuedTokens.at(-1), 200],
    ]);
    expect(lastFederatedSubject()).toBe(deployIdentity.objectId);
  });

  it('waits while instance metadata restarts (410), then signs in', async () => {
    imds.reset();
    imds.injectFaults([{ status: 410, body: '' }]);
    const result = await run({ retries: '', retry_timeout: '10s' });
    expectSuccess(result);
    expect(imds.requests.map((r) => r.status)).toEqual([410, 200]);
    expect(result.stdout).toMatch(
      /Azure instance metadata: 127\.0\.0\.1:\d+ attempt 1 failed \(HTTP 410\); retrying in /,
    );
  });
});

describe('subject_token_source: azure, failures', () => {
  it('an audience the provider does not allow: the hint names the app ID URI and the allowed audiences', async () => {
    const result = await run({ workload_identity_provider: OTHER_APP_PROVIDER });
    expect(result.code).toBe(1);
    const [error] = errorsOf(result);
    expect(error).toMatch(/^Exchanging the subject token at Google STS failed: Google STS answered HTTP 400/);
    expect(error).toContain(`The token was requested for azure_resource "${RESOURCE}"`);
    expect(error).toContain('--format="value(oidc.allowedAudiences)"');
    expect(error).toContain(`--allowed-audiences="${RESOURCE}"`);
    const system = imds.systemAssigned;
    expect(error).toContain(
      `Token sent by Azure managed identity: sub="${system?.objectId}", aud="${RESOURCE}", ` +
        `iss="https://sts.windows.net/${imds.tenantId}/", tid="${imds.tenantId}", oid="${system?.objectId}", ` +
        `appid="${system?.clientId}", xms_mirid="${system?.resourceId}"`,
    );
    // None of GitHub's hints fire for Azure.
    expect(error).not.toMatch(/id-token|repository|GitHub|input "audience"/);
    // The file was written before the exchange.
    await expect(fs.stat(result.outputs['credentials_file_path'] ?? '')).resolves.toBeDefined();
    expectNoLeaks(result);
  });

  it('the gcloud binding to grant when the identity may not impersonate the service account', async () => {
    const result = await run({
      service_account: LOCKED_SA,
      token_format: 'access_token',
    });
    expect(result.code).toBe(1);
    const [error] = errorsOf(result);
    expect(error).toMatch(
      /^Creating a token for the service account \(IAM Credentials\) failed: IAM Credentials answered HTTP 403/,
    );
    expect(error).toContain(
      `gcloud iam service-accounts add-iam-policy-binding "${LOCKED_SA}" --role="roles/iam.workloadIdentityUser" ` +
        `--member="principal://iam.googleapis.com/${AZURE_POOL}/subject/${imds.systemAssigned?.objectId}"`,
    );
    expectNoLeaks(result);
  });

  it('an app ID URI that Entra ID does not know', async () => {
    const result = await run({ azure_resource: 'api://no-such-app' });
    expect(result.code).toBe(1);
    expect(errorsOf(result)).toEqual([
      expect.stringMatching(
        /^Getting a token from Azure instance metadata failed: Azure instance metadata answered HTTP 400 .*AADSTS500011.*\nHint: Entra ID knows no application with the ID URI "api:\/\/no-such-app"/s,
      ),
    ]);
  });

  it('a client ID of no attached identity', async () => {
    const result = await run({ azure_client_id: '11111111-2222-3333-4444-555555555555' });
    expect(errorsOf(result)).toEqual([
      expect.stringMatching(
        /Identity not found\nHint: No user-assigned identity with client ID 11111111-2222-3333-4444-555555555555 is attached/,
      ),
    ]);
  });

  it('no instance metadata at all (not on Azure)', async () => {
    const gone = await startFakeAzureImds();
    await gone.close();
    const result = await run({}, gone.env);
    expect(result.code).toBe(1);
    expect(errorsOf(result)).toEqual([
      expect.stringMatching(
        /^Getting a token from Azure instance metadata failed: Azure instance metadata could not be reached .*\nHint: Nothing answered at the Azure instance metadata address/s,
      ),
    ]);
  });

  it('bad inputs get a clear error before any request', async () => {
    imds.reset();
    const badId = await run({ azure_client_id: 'my-identity' });
    expect(errorsOf(badId)).toEqual([
      expect.stringMatching(
        /^Invalid input: "azure_client_id" must be the client ID of a user-assigned managed identity/,
      ),
    ]);
    const badResource = await run({ azure_resource: 'api://app&client_id=00000000-0000-0000-0000-000000000000' });
    expect(errorsOf(badResource)).toEqual([
      expect.stringMatching(/^Invalid input: "azure_resource" must be the Application ID URI/),
    ]);
    const offMachine = await run({}, { AZURE_IMDS_TEST_ENDPOINT: 'http://203.0.113.7' });
    expect(errorsOf(offMachine)).toEqual([
      expect.stringMatching(/^AZURE_IMDS_TEST_ENDPOINT must be a loopback origin/),
    ]);
    expect(imds.requestCount).toBe(0);
  });
});

describe('subject_token_source: azure, debug logging', () => {
  it('shows the requests and claims with RUNNER_DEBUG but no token, on success and failure', async () => {
    const ok = await run(
      { service_account: AZURE_SERVICE_ACCOUNT, token_format: 'access_token' },
      { ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' },
    );
    expectSuccess(ok);
    const debug = ok.commands
      .filter((c) => c.command === 'debug')
      .map((c) => c.message)
      .join('\n');
    expect(debug).toMatch(
      /Azure instance metadata: GET http:\/\/127\.0\.0\.1:\d+\/metadata\/identity\/oauth2\/token -> 200/,
    );
    expect(debug).toContain(`Azure managed identity: token claims: sub="${imds.systemAssigned?.objectId}"`);
    expectNoLeaks(ok);

    const bad = await run(
      {
        workload_identity_provider: OTHER_APP_PROVIDER,
        service_account: AZURE_SERVICE_ACCOUNT,
        token_format: 'id_token',
        id_token_audience: 'x',
      },
      { ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' },
    );
    expect(bad.code).toBe(1);
    expectNoLeaks(bad);
  });
});
