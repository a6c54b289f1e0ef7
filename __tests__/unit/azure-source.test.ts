/**
 * The Azure managed identity source as the pipeline sees it: its inputs, the
 * credentials file next to what gcloud writes, the token fetched from
 * (fake) instance metadata, how it waits out a restarting IMDS, its errors,
 * and what src/diagnose.ts prints with its claims and hints.
 */

import { type Config, readConfig, type WorkloadIdentityAuth } from '../../src/config.js';
import { externalAccountConfig } from '../../src/credentials-file.js';
import { describeFailure } from '../../src/diagnose.js';
import { ConfigError, EnvironmentError, ServiceError, StageError } from '../../src/errors.js';
import { IAM_SERVICE } from '../../src/google/iam-credentials.js';
import { STS_SERVICE } from '../../src/google/sts.js';
import { Http } from '../../src/http.js';
import type { Log } from '../../src/log.js';
import { proxyFor } from '../../src/proxy.js';
import { stdout as runnerStdout } from '../../src/runner-commands.js';
import { AZURE_IMDS_TEST_ENDPOINT, AzureSource } from '../../src/sources/azure/azure-source.js';
import { azure } from '../../src/sources/azure/index.js';
import { captureMasks } from '../fakes/aws.mjs';
import { azureIdentity, type FakeAzureImds, startFakeAzureImds } from '../fakes/azure-imds.mjs';
import { startFakeServer } from '../fakes/index.mjs';
import { AZURE_POOL as POOL, AZURE_PROVIDER as PROVIDER, AZURE_SERVICE_ACCOUNT as SA } from '../support/fixtures.js';
import { gcloudFixture } from '../support/gcloud-fixtures.js';
import { memberOfSource, principalOfSource, sourceOptions } from '../support/source-options.js';
import { recordingLog } from '../support/unit.js';

const RESOURCE = 'api://gcp-wif-runner';

const user = azureIdentity('deploy-identity');
const other = azureIdentity('other-identity');
let imds: FakeAzureImds;
let masks: ReturnType<typeof captureMasks>;
const https: Http[] = [];

beforeAll(async () => {
  imds = await startFakeAzureImds({ userAssigned: [user, other], resources: [RESOURCE] });
});
afterAll(() => imds.close());
beforeEach(() => {
  imds.reset();
  masks = captureMasks(runnerStdout);
});
afterEach(() => {
  masks.stop();
  for (const h of https.splice(0)) h.dispose();
});

function configFor(inputs: Record<string, string>): Config {
  return readConfig(
    (name) => ({ workload_identity_provider: PROVIDER, subject_token_source: 'azure', ...inputs })[name] ?? '',
  );
}

/** The inputs configFor gives readConfig. */
function azureInputs(inputs: Record<string, string>): Record<string, string> {
  return { workload_identity_provider: PROVIDER, subject_token_source: 'azure', ...inputs };
}

function sourceFor(
  inputs: Record<string, string> = {},
  env: NodeJS.ProcessEnv = imds.env,
  options: { retries?: number; log?: Log; waits?: number[] } = {},
): AzureSource {
  const auth = configFor({ azure_resource: RESOURCE, ...inputs }).auth as WorkloadIdentityAuth;
  const log = options.log ?? recordingLog();
  const http = new Http({
    userAgent: 'test',
    retries: options.retries ?? 0,
    requestTimeoutMs: 2000,
    log,
    sleep: async (ms) => void options.waits?.push(ms),
  });
  https.push(http);
  return new AzureSource(sourceOptions(azure, azureInputs({ azure_resource: RESOURCE, ...inputs })), {
    provider: auth.provider,
    env,
    http,
    log,
  });
}

/** The error a promise rejects with. */
async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a failure');
}

describe('inputs', () => {
  it('reads azure_resource and azure_client_id (lower-cased)', () => {
    const auth = configFor({ azure_resource: RESOURCE, azure_client_id: user.clientId.toUpperCase() })
      .auth as WorkloadIdentityAuth;
    expect(auth.source.kind).toBe('azure');
    expect(
      sourceOptions(azure, azureInputs({ azure_resource: RESOURCE, azure_client_id: user.clientId.toUpperCase() })),
    ).toEqual({ resource: RESOURCE, clientId: user.clientId });
  });

  it("defaults azure_resource to gcloud's default, the provider's default audience", () => {
    expect(sourceOptions(azure, azureInputs({}))).toEqual({ resource: `https://iam.googleapis.com/${PROVIDER}` });
  });

  it.each([
    ['api://app&client_id=someone-else', 'an added parameter'],
    ['api://app#', 'a fragment'],
    ['api://app?x=1', 'a query'],
    ['api://my app', 'a space'],
    ['api://app%26x', 'a percent escape'],
    ['api://app+x', 'a plus (a space once decoded)'],
    ['api://app\r\nX: y', 'a line break'],
    ['api://app;client_id=x', 'a semicolon (a separator to some parsers)'],
  ])('refuses an azure_resource that would change the request: %j (%s)', (resource) => {
    expect(() => configFor({ azure_resource: resource })).toThrow(ConfigError);
    expect(() => configFor({ azure_resource: resource })).toThrow(
      /^"azure_resource" must be the Application ID URI of the Entra ID app the provider accepts, such as api:\/\/my-gcp-app/,
    );
  });

  it('accepts the usual app ID URI forms', () => {
    for (const resource of ['api://3f1c2e4a-0d5b-4e7f-9a8b-1c2d3e4f5a6b', 'https://contoso.com/gcp', user.clientId]) {
      expect(sourceOptions(azure, azureInputs({ azure_resource: resource }))).toEqual({ resource });
    }
  });

  it('refuses an azure_client_id that is not a GUID, saying where to find it', () => {
    expect(() => configFor({ azure_client_id: 'deploy-identity' })).toThrow(
      '"azure_client_id" must be the client ID of a user-assigned managed identity, a GUID such as ' +
        '00000000-0000-0000-0000-000000000000 (az identity show --query clientId), got "deploy-identity".',
    );
  });

  it('"azure" is one of the values subject_token_source lists', () => {
    expect(() => configFor({ subject_token_source: 'gitlab' })).toThrow(
      /^"subject_token_source" must be one of "github", .*"azure".*, got "gitlab"\.$/,
    );
  });

  it('azure inputs are stray with another source', () => {
    expect(() =>
      readConfig(
        (name) => ({ workload_identity_provider: PROVIDER, azure_resource: RESOURCE })[name as 'azure_resource'] ?? '',
      ),
    ).toThrow('"azure_resource" applies only with subject_token_source: azure, but subject_token_source is "github".');
  });
});

describe('the credentials file', () => {
  const fixture = (name: string) => gcloudFixture(name);

  it.each([
    ['azure-direct.json', { azure_resource: RESOURCE }],
    ['azure-service-account.json', { azure_resource: RESOURCE, service_account: SA }],
    [
      'azure-service-account-lifetime.json',
      { azure_resource: RESOURCE, service_account: SA, access_token_lifetime: '1800s' },
    ],
    ['azure-default-resource.json', {}],
  ])('is what gcloud writes: %s', async (name, inputs) => {
    const config = configFor(inputs);
    const auth = config.auth as WorkloadIdentityAuth;
    const http = new Http({ userAgent: 'test', retries: 0, requestTimeoutMs: 1000, log: recordingLog() });
    https.push(http);
    const source = await auth.source.start({ provider: auth.provider, env: {}, http, log: recordingLog() });
    const ours = await externalAccountConfig(config, auth.provider, source);
    const gcloud = fixture(name);
    // Field by field, so a difference names the field.
    expect(Object.keys(ours).sort()).toEqual(Object.keys(gcloud).sort());
    for (const field of Object.keys(gcloud)) expect([field, ours[field]]).toEqual([field, gcloud[field]]);
  });

  it('adds client_id to the URL for a user-assigned identity (gcloud has no flag for it)', async () => {
    const source = sourceFor({ azure_client_id: user.clientId }, {});
    expect(await source.credentialSource()).toEqual({
      url: `http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=${RESOURCE}&client_id=${user.clientId}`,
      headers: { Metadata: 'True' },
      format: { type: 'json', subject_token_field_name: 'access_token' },
    });
  });

  it('names the test endpoint when AZURE_IMDS_TEST_ENDPOINT moves IMDS to loopback', async () => {
    const source = sourceFor({}, { [AZURE_IMDS_TEST_ENDPOINT]: 'http://127.0.0.1:8080/' });
    expect((await source.credentialSource())['url']).toBe(
      `http://127.0.0.1:8080/metadata/identity/oauth2/token?api-version=2018-02-01&resource=${RESOURCE}`,
    );
    expect(sourceFor({}, { [AZURE_IMDS_TEST_ENDPOINT]: 'http://[::1]:80' }).tokenUrl).toMatch(/^http:\/\/\[::1\]\//);
  });

  it.each([
    'http://10.0.0.4:8080',
    'http://169.254.169.254.example.com',
    'http://127.0.0.1.example.com',
    'https://metadata.example.com',
    'http://127.0.0.1:8080/steal?x=',
    'http://user:pass@127.0.0.1:8080',
    'file:///etc/passwd',
    'not a url',
  ])('refuses AZURE_IMDS_TEST_ENDPOINT=%s: it may point at this machine only', (endpoint) => {
    expect(() => sourceFor({}, { [AZURE_IMDS_TEST_ENDPOINT]: endpoint })).toThrow(
      new EnvironmentError(
        'AZURE_IMDS_TEST_ENDPOINT must be a loopback origin such as http://127.0.0.1:8080: it exists for tests and ' +
          'never points off this machine. Unset it to use Azure instance metadata at http://169.254.169.254.',
      ),
    );
  });
});

describe('the subject token', () => {
  it('asks IMDS for the resource with Metadata: True and no X-Forwarded-For, and masks the token', async () => {
    const log = recordingLog();
    const { token, claims } = await sourceFor({ azure_client_id: user.clientId }, imds.env, { log }).subjectToken();
    expect(token).toBe(imds.issuedTokens.at(-1));
    expect(masks.values).toEqual([token]);
    const [request] = imds.requests;
    expect(imds.requests).toHaveLength(1);
    expect(request?.method).toBe('GET');
    expect(request?.path).toBe('/metadata/identity/oauth2/token');
    expect(request?.query).toEqual({ 'api-version': '2018-02-01', resource: RESOURCE, client_id: user.clientId });
    expect(request?.headers['metadata']).toBe('True');
    expect(request?.headers['x-forwarded-for']).toBeUndefined();
    expect(claims).toMatchObject({
      aud: RESOURCE,
      iss: `https://sts.windows.net/${imds.tenantId}/`,
      sub: user.objectId,
      oid: user.objectId,
      appid: user.clientId,
      tid: imds.tenantId,
    });
    expect(log.lines).toContain(
      `info: Azure managed identity: token for "${RESOURCE}" from the user-assigned identity with client ID ` +
        `${user.clientId} (object ID ${user.objectId}).`,
    );
    expect(log.lines.join('\n')).not.toContain(token);
  });

  it("uses the VM's system-assigned identity without azure_client_id", async () => {
    const { claims } = await sourceFor().subjectToken();
    expect(claims['sub']).toBe(imds.systemAssigned?.objectId);
    expect(imds.requests[0]?.query).toEqual({ 'api-version': '2018-02-01', resource: RESOURCE });
  });

  it('says which identity IMDS chose when the VM has only a user-assigned one', async () => {
    const only = await startFakeAzureImds({ systemAssigned: null, userAssigned: [user], resources: [RESOURCE] });
    try {
      const log = recordingLog();
      const { claims } = await sourceFor({}, only.env, { log }).subjectToken();
      expect(claims['sub']).toBe(user.objectId);
      expect(log.lines).toContain(
        `info: Azure managed identity: token for "${RESOURCE}" from the user-assigned identity "deploy-identity" ` +
          `(object ID ${user.objectId}).`,
      );
    } finally {
      await only.close();
    }
  });

  it('is never sent through a proxy: the exact URL it requests bypasses HTTP_PROXY', () => {
    const saved = { ...process.env };
    try {
      process.env['HTTP_PROXY'] = 'http://proxy.example:3128';
      delete process.env['NO_PROXY'];
      delete process.env['no_proxy'];
      const source = sourceFor({}, {});
      expect(source.tokenUrl).toMatch(/^http:\/\/169\.254\.169\.254\//);
      expect(proxyFor(new URL(source.tokenUrl))).toBeUndefined();
      expect(proxyFor(new URL('http://example.com/'))?.href).toBe('http://proxy.example:3128/');
    } finally {
      process.env = saved;
    }
  });

  it('waits out a restarting IMDS (410) with the retry policy, and then gets the token', async () => {
    const waits: number[] = [];
    const log = recordingLog();
    imds.injectFaults([
      { status: 410, body: '' },
      { status: 410, body: '' },
    ]);
    const { token } = await sourceFor({}, imds.env, { log, retries: 3, waits }).subjectToken();
    expect(token).toBe(imds.issuedTokens.at(-1));
    expect(waits).toHaveLength(2);
    expect(imds.requests.map((r) => r.status)).toEqual([410, 410, 200]);
    expect(log.lines).toContainEqual(
      expect.stringMatching(
        /^info: Azure instance metadata: 127\.0\.0\.1:\d+ attempt 1\/4 failed \(HTTP 410\); retrying in /,
      ),
    );
  });

  it('gives up on a 410 when the retries run out, with a hint', async () => {
    imds.injectFaults(Array.from({ length: 3 }, () => ({ status: 410, body: '' })));
    const err = await failureOf(sourceFor({}, imds.env, { retries: 2 }).subjectToken());
    expect(imds.requests.map((r) => r.status)).toEqual([410, 410, 410]);
    expect(err).toBeInstanceOf(StageError);
    expect(describeFailure(err, {})).toMatch(/^Getting a token from Azure instance metadata failed: .*HTTP 410/);
    expect(describeFailure(err, {})).toContain(
      'Hint: Azure instance metadata was still restarting when the retries ran out (Azure expects 70 s at most): ' +
        're-run the job, or raise retry_timeout.',
    );
    imds.clearFaults();
  });

  it('lets the HTTP layer retry 404 (IMDS updating), 429 and 5xx', async () => {
    imds.injectFaults([{ status: 404 }, { status: 429 }, { status: 503 }]);
    const { token } = await sourceFor({}, imds.env, { retries: 3 }).subjectToken();
    expect(token).toBe(imds.issuedTokens.at(-1));
    expect(imds.requests.map((r) => r.status)).toEqual([404, 429, 503, 200]);
  });
});

describe('the fake instance metadata refuses what Azure refuses', () => {
  const tokenUrl = () => `${imds.origin}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=${RESOURCE}`;
  let issuedBefore = 0;
  beforeEach(() => {
    issuedBefore = imds.issuedTokens.length;
  });

  it.each([
    ['no Metadata header', {}, 'Required metadata header not specified'],
    ['X-Forwarded-For (a proxied request)', { Metadata: 'true', 'X-Forwarded-For': '10.0.0.1' }, 'X-Forwarded-For'],
  ])('%s: 400', async (_, headers, description) => {
    const res = await fetch(tokenUrl(), { headers });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error_description: string }).error_description).toContain(description);
    expect(imds.issuedTokens.length).toBe(issuedBefore);
  });
});

describe('errors from instance metadata', () => {
  async function messageFor(
    inputs: Record<string, string>,
    start?: Parameters<typeof startFakeAzureImds>[0],
  ): Promise<string> {
    const fake = start ? await startFakeAzureImds(start) : imds;
    try {
      const err = await failureOf(sourceFor(inputs, fake.env).subjectToken());
      // A refusal of instance metadata, with its hint: printed by diagnose.ts as the step prints it.
      expect(err).toBeInstanceOf(StageError);
      return describeFailure(err, {});
    } finally {
      if (fake !== imds) await fake.close();
    }
  }

  it('a client ID of no attached identity', async () => {
    const unknown = '11111111-2222-3333-4444-555555555555';
    expect(await messageFor({ azure_client_id: unknown })).toBe(
      'Getting a token from Azure instance metadata failed: Azure instance metadata answered HTTP 400 ' +
        `(GET ${imds.origin}/metadata/identity/oauth2/token): invalid_request: Identity not found\n` +
        `Hint: No user-assigned identity with client ID ${unknown} is attached to this VM: attach it ` +
        '(az vm identity assign --identities <IDENTITY_RESOURCE_ID>, or the scale set / node pool equivalent), or ' +
        'correct azure_client_id (az identity show --query clientId).',
    );
  });

  it('a VM without a system-assigned identity', async () => {
    expect(await messageFor({}, { systemAssigned: null, resources: [RESOURCE] })).toMatch(
      /Identity not found\nHint: This VM has no system-assigned managed identity: enable it \(az vm identity assign\), or set azure_client_id/,
    );
  });

  it('several user-assigned identities and no azure_client_id', async () => {
    expect(await messageFor({}, { systemAssigned: null, userAssigned: [user, other], resources: [RESOURCE] })).toMatch(
      /Multiple user assigned identities exist.*\nHint: This VM has several user-assigned identities: set azure_client_id/,
    );
  });

  it('an app ID URI Entra ID does not know', async () => {
    const message = await messageFor({ azure_resource: 'api://no-such-app' });
    expect(message).toMatch(
      /HTTP 400 .*invalid_resource: AADSTS500011: The resource principal named api:\/\/no-such-app/,
    );
    expect(message).toContain(
      'Hint: Entra ID knows no application with the ID URI "api://no-such-app" in this identity\'s tenant: set ' +
        'azure_resource to the Application ID URI of your app registration',
    );
  });

  it('nothing listening at the address (not on Azure)', async () => {
    const gone = await startFakeAzureImds();
    const { origin } = gone;
    await gone.close();
    const err = await failureOf(sourceFor({}, { [AZURE_IMDS_TEST_ENDPOINT]: origin }).subjectToken());
    expect(describeFailure(err, {})).toMatch(
      /^Getting a token from Azure instance metadata failed: Azure instance metadata could not be reached/,
    );
    expect(describeFailure(err, {})).toContain(
      'Hint: Nothing answered at the Azure instance metadata address. subject_token_source "azure" works on an Azure ' +
        'VM, scale set or AKS node whose managed identity is enabled; GitHub-hosted runners have none.',
    );
  });

  it('an answer that is not JSON, or has no token', async () => {
    const bodies = ['<html>hello</html>', '{"token_type":"Bearer","access_token":""}'];
    const server = await startFakeServer({
      name: 'not-imds',
      handler: () => ({ status: 200, headers: { 'content-type': 'text/plain' }, body: bodies.shift() ?? '' }),
    });
    try {
      const env = { [AZURE_IMDS_TEST_ENDPOINT]: server.origin };
      expect(describeFailure(await failureOf(sourceFor({}, env).subjectToken()), {})).toMatch(
        /the answer was not valid JSON\nHint: The answer was not JSON: something other than Azure instance metadata/,
      );
      expect(describeFailure(await failureOf(sourceFor({}, env).subjectToken()), {})).toBe(
        'Azure instance metadata answered without a token ("access_token" is missing or empty). Is something other ' +
          'than Azure instance metadata listening at 169.254.169.254?',
      );
    } finally {
      await server.close();
    }
  });
});

describe('diagnostics', () => {
  async function failureWith(err: ServiceError, inputs: Record<string, string> = {}) {
    const config = configFor({ azure_resource: RESOURCE, ...inputs });
    const source = sourceFor(inputs);
    const { claims } = await source.subjectToken();
    return { message: describeFailure(err, { config, source: source.facts, claims }), claims };
  }

  it('an audience the provider does not allow: names the app ID URI and the allowed-audiences commands', async () => {
    const { message, claims } = await failureWith(
      new ServiceError(
        STS_SERVICE,
        400,
        `invalid_grant: The audience in ID Token [${RESOURCE}] does not match the expected audience https://iam.googleapis.com/${PROVIDER}.`,
        'POST https://sts.googleapis.com/v1/token',
        1,
        'invalid_grant',
      ),
    );
    expect(message).toContain(
      `Hint: The provider does not accept the token's audience. The token was requested for azure_resource "${RESOURCE}"; ` +
        "the provider's allowed audiences must list that Application ID URI. See them with: gcloud iam " +
        'workload-identity-pools providers describe azure-provider --location=global --workload-identity-pool=azure-pool ' +
        '--project=123456789012 --format="value(oidc.allowedAudiences)" and add it with: gcloud iam ' +
        'workload-identity-pools providers update-oidc azure-provider --location=global ' +
        `--workload-identity-pool=azure-pool --project=123456789012 --allowed-audiences="${RESOURCE}".`,
    );
    const system = imds.systemAssigned;
    expect(message).toContain(
      `Token sent by Azure managed identity: sub="${system?.objectId}", aud="${RESOURCE}", ` +
        `iss="https://sts.windows.net/${imds.tenantId}/", tid="${imds.tenantId}", oid="${system?.objectId}", ` +
        `appid="${system?.clientId}", xms_mirid="${system?.resourceId}"`,
    );
    // Nothing of GitHub's, and never the token.
    expect(message).not.toMatch(/id-token|repository|GitHub|"audience"/);
    expect(message).not.toContain(imds.issuedTokens.at(-1));
    expect(claims['sub']).toBe(system?.objectId);
  });

  it("an issuer the provider does not expect: names the tenant's v1 issuer", async () => {
    const { message } = await failureWith(
      new ServiceError(
        STS_SERVICE,
        400,
        `invalid_grant: The issuer in ID Token https://sts.windows.net/${imds.tenantId}/ does not match the expected ones: https://login.microsoftonline.com/${imds.tenantId}/v2.0.`,
        'POST https://sts.googleapis.com/v1/token',
        1,
      ),
    );
    expect(message).toContain(
      "Hint: The provider's issuer URI must be the tenant's v1 issuer, which managed identity tokens carry: " +
        `https://sts.windows.net/${imds.tenantId}/ (with the trailing slash).`,
    );
  });

  it('an attribute condition rejection, and the member to grant when impersonation is refused', async () => {
    const condition = await failureWith(
      new ServiceError(
        STS_SERVICE,
        400,
        'unauthorized_client: The given credential is rejected by the attribute condition.',
        'POST x',
        1,
      ),
    );
    expect(condition.message).toContain("Hint: The provider's attribute condition rejected this managed identity");
    const iam = await failureWith(new ServiceError(IAM_SERVICE, 403, 'Permission denied', 'POST x', 1), {
      service_account: SA,
      token_format: 'access_token',
    });
    expect(iam.message).toContain(
      `--role="roles/iam.workloadIdentityUser" --member="principal://iam.googleapis.com/${POOL}/subject/${imds.systemAssigned?.objectId}"`,
    );
  });

  it('principal: the identity by its object ID (google.subject = assertion.sub)', () => {
    const source = sourceFor();
    expect(principalOfSource(source, PROVIDER, { sub: user.objectId })).toBe(
      `principal://iam.googleapis.com/${POOL}/subject/${user.objectId}`,
    );
    expect(principalOfSource(source, PROVIDER, {})).toBe(`a principal of principalSet://iam.googleapis.com/${POOL}`);
    expect(memberOfSource(source, PROVIDER, undefined)).toBe(
      `principal://iam.googleapis.com/${POOL}/subject/MANAGED_IDENTITY_OBJECT_ID`,
    );
  });
});
