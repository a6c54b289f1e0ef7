/**
 * use_metadata_server, end to end: the bundled action (dist/main, run `npm run
 * build` first) under Node 24 as on a self-hosted runner on Google Cloud,
 * against a fake metadata server on 127.0.0.1 (GCE_METADATA_HOST) whose
 * machine tokens fake IAM Credentials knows. No GitHub OIDC variables are
 * given: nothing of GitHub's is needed. Also gcloud itself, with the step's
 * exported variables and GCE_METADATA_ROOT at the fake, acting as the
 * impersonated account; and the not-on-Google-Cloud failure, timed.
 */
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { type FakeMetadataServer, MACHINE_SERVICE_ACCOUNT, startFakeMetadataServer } from '../fakes/gce-metadata.mjs';
import { allowServiceAccount, decodeJwt, type RunActionResult, verifyJwt } from '../fakes/index.mjs';
import { errorsOf, expectTroubleshootingRow } from '../support/e2e.js';
import { useFakeWorld } from '../support/fake-world.js';
import { gcloudInstalled, runGcloud } from '../support/gcloud.js';
import { LOCKED_SA, SA } from '../support/fixtures.js';

/** An account the machine may impersonate only through SA (a delegation chain). */
const CHAINED_SA = 'chained@my-project.iam.gserviceaccount.com';
const MACHINE = MACHINE_SERVICE_ACCOUNT;
const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform';

let metadata: FakeMetadataServer;
const { world, runMain, runPost, expectNoLeaks } = useFakeWorld({
  environment: () => ({
    google: {
      serviceAccounts: {
        [SA]: { allow: allowServiceAccount(MACHINE), maxLifetimeSeconds: 7200 },
        [CHAINED_SA]: { allow: allowServiceAccount(SA) },
        [LOCKED_SA]: { allow: () => false },
      },
    },
  }),
  inputs: () => ({ use_metadata_server: 'true' }),
  // The metadata server's address only: no GitHub OIDC variables.
  env: () => metadata.env,
  actionDefaults: true,
  timeoutMs: 30_000,
});
beforeAll(async () => {
  metadata = await startFakeMetadataServer({ google: world.google });
});
afterAll(() => metadata.close());
beforeEach(() => {
  metadata.reset();
  metadata.setScopes([CLOUD_PLATFORM]);
  metadata.omitFlavor(false);
  world.google.reset();
});

function expectSuccess(result: RunActionResult): void {
  if (result.code !== 0) throw new Error(`action failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
  expect(errorsOf(result)).toEqual([]);
}

/** Every token handed out, the machine's ID tokens too: none may appear unmasked. */
function expectNothingLeaked(result: RunActionResult): void {
  expectNoLeaks(result, metadata.issuedIdTokens);
}

/** The principal fake Google knows a token as. */
function whoseToken(token: string | undefined) {
  return world.google.lookupToken(token ?? '')?.principal;
}

function infoLines(result: RunActionResult): string {
  return result.stdout
    .split('\n')
    .filter((line) => !line.startsWith('::'))
    .join('\n');
}

const PROJECT_VARIABLES = ['CLOUDSDK_CORE_PROJECT', 'CLOUDSDK_PROJECT', 'GCLOUD_PROJECT', 'GCP_PROJECT'];

describe('without service_account: the machine itself', () => {
  it("outputs the machine's token, exports the machine's project, writes no credentials file", async () => {
    const result = await runMain({});
    expectSuccess(result);
    expect(whoseToken(result.outputs['auth_token'])).toMatchObject({ type: 'serviceAccount', email: MACHINE });
    expect(result.outputs['project_id']).toBe(metadata.projectId);
    for (const name of [...PROJECT_VARIABLES, 'GOOGLE_CLOUD_PROJECT']) {
      expect(result.exportedEnv[name]).toBe(metadata.projectId);
    }
    // No file, and none of the variables that would point tools at one.
    expect(result.outputs['credentials_file_path']).toBeUndefined();
    expect(result.state).toEqual({});
    expect(await fs.readdir(result.workspace)).toEqual([]);
    for (const name of ['GOOGLE_APPLICATION_CREDENTIALS', 'CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE']) {
      expect(result.exportedEnv[name]).toBeUndefined();
    }
    expect(infoLines(result)).toContain(
      'No credentials file: gcloud, Terraform and the Google Cloud client libraries find the metadata server ' +
        `themselves and act as ${MACHINE}.`,
    );
    expect(result.summary).toContain('find the metadata server');
    expect(result.summary).toContain(`the metadata server&#39;s service account ${MACHINE}`);
    // Every request said Metadata-Flavor: Google; nothing went to STS (there is no exchange).
    expect(metadata.requests.length).toBeGreaterThan(0);
    for (const request of metadata.requests) expect(request.headers['metadata-flavor']).toBe('Google');
    expect(world.google.requests).toEqual([]);
    expectNothingLeaked(result);
  });

  it('project_id wins over the metadata server', async () => {
    const result = await runMain({ project_id: 'chosen-project' });
    expectSuccess(result);
    expect(result.exportedEnv['CLOUDSDK_CORE_PROJECT']).toBe('chosen-project');
    expect(metadata.requests.map((r) => r.path)).not.toContain('/computeMetadata/v1/project/project-id');
  });

  it("token_format access_token: the machine's token, with access_token_scopes as ?scopes=", async () => {
    const scopes =
      'https://www.googleapis.com/auth/devstorage.read_only, https://www.googleapis.com/auth/logging.write';
    const result = await runMain({ token_format: 'access_token', access_token_scopes: scopes });
    expectSuccess(result);
    const token = world.google.lookupToken(result.outputs['access_token'] ?? '');
    expect(token?.principal).toMatchObject({ email: MACHINE });
    expect(token?.scopes).toEqual([
      'https://www.googleapis.com/auth/devstorage.read_only',
      'https://www.googleapis.com/auth/logging.write',
    ]);
    const tokenRequest = metadata.requests.find((r) => r.path.endsWith('/default/token'));
    expect(tokenRequest?.query).toEqual({
      scopes: 'https://www.googleapis.com/auth/devstorage.read_only,https://www.googleapis.com/auth/logging.write',
    });
    expect(result.outputs['access_token_expiration']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(infoLines(result)).toContain(`access_token is the machine's own token: the service account ${MACHINE}`);
    expectNothingLeaked(result);
  });

  it('warns that access_token_lifetime does not apply to the machine token', async () => {
    const result = await runMain({ token_format: 'access_token', access_token_lifetime: '2h' });
    expectSuccess(result);
    expect(result.commands.filter((c) => c.command === 'warning').map((c) => c.message)).toEqual([
      expect.stringContaining("access_token_lifetime applies to service-account tokens; the machine's token lasts"),
    ]);
  });

  it.each([
    ['without e-mail', 'false', undefined],
    ['with e-mail (format=full)', 'true', 'full'],
  ])("token_format id_token: the machine's ID token from the metadata server, %s", async (_, include, format) => {
    const audience = 'https://my-service-abc123-uc.a.run.app';
    const result = await runMain({
      token_format: 'id_token',
      id_token_audience: audience,
      id_token_include_email: include,
    });
    expectSuccess(result);
    const idToken = result.outputs['id_token'] ?? '';
    verifyJwt(idToken, [world.google.idTokenPublicKey]);
    const { payload } = decodeJwt(idToken);
    expect(payload['aud']).toBe(audience);
    expect(payload['email']).toBe(include === 'true' ? MACHINE : undefined);
    const identity = metadata.requests.find((r) => r.path.endsWith('/default/identity'));
    expect(identity?.query).toEqual({ audience, ...(format ? { format } : {}) });
    expect(world.google.iamcredentials.requests).toEqual([]);
    expectNothingLeaked(result);
  });
});

describe('with service_account: impersonated through IAM Credentials with the machine token', () => {
  it('access_token with lifetime, scopes and delegates; exports the impersonation variables', async () => {
    const result = await runMain({
      service_account: CHAINED_SA,
      delegates: SA,
      token_format: 'access_token',
      access_token_lifetime: '30m',
      access_token_scopes: 'https://www.googleapis.com/auth/userinfo.email',
    });
    expectSuccess(result);
    const token = world.google.lookupToken(result.outputs['access_token'] ?? '');
    expect(token?.principal).toMatchObject({
      type: 'serviceAccount',
      email: CHAINED_SA,
      impersonatedBy: { email: MACHINE },
    });
    expect(token?.scopes).toEqual(['https://www.googleapis.com/auth/userinfo.email']);
    const [call] = world.google.iamcredentials.requests;
    expect(call?.json).toEqual({
      scope: ['https://www.googleapis.com/auth/userinfo.email'],
      lifetime: '1800s',
      delegates: [`projects/-/serviceAccounts/${SA}`],
    });
    // The machine's token went out as it is (IAM Credentials needs cloud-platform): no ?scopes=.
    expect(metadata.requests.find((r) => r.path.endsWith('/default/token'))?.query).toEqual({});
    expect(call?.headers['authorization']).toBe(`Bearer ${result.outputs['auth_token']}`);
    expect(result.exportedEnv['CLOUDSDK_AUTH_IMPERSONATE_SERVICE_ACCOUNT']).toBe(CHAINED_SA);
    expect(result.exportedEnv['GOOGLE_IMPERSONATE_SERVICE_ACCOUNT']).toBe(CHAINED_SA);
    expect(result.exportedEnv['GOOGLE_APPLICATION_CREDENTIALS']).toBeUndefined();
    // The project is still the machine's, not the service account's.
    expect(result.exportedEnv['CLOUDSDK_CORE_PROJECT']).toBe(metadata.projectId);
    const log = infoLines(result);
    expect(log).toContain(`act as ${CHAINED_SA} in later steps`);
    expect(log).toMatch(/client libraries \(google-auth-library, .*\) .* do not read these variables/);
    expectNothingLeaked(result);
  });

  it('id_token of the service account (generateIdToken), not of the machine', async () => {
    const result = await runMain({
      service_account: SA,
      token_format: 'id_token',
      id_token_audience: 'https://example.test',
      id_token_include_email: 'true',
    });
    expectSuccess(result);
    const { payload } = decodeJwt(result.outputs['id_token'] ?? '');
    expect(payload['email']).toBe(SA);
    expect(metadata.requests.map((r) => r.path)).not.toContain(
      '/computeMetadata/v1/instance/service-accounts/default/identity',
    );
    expectNothingLeaked(result);
  });

  it('access_token_subject: signJwt as the service account, then OAuth2', async () => {
    const result = await runMain({
      service_account: SA,
      token_format: 'access_token',
      access_token_subject: 'user@example.com',
      access_token_scopes: 'https://www.googleapis.com/auth/admin.directory.user.readonly',
    });
    expectSuccess(result);
    expect(world.google.iamcredentials.requests.map((r) => r.path)).toEqual([
      `/v1/projects/-/serviceAccounts/${SA}:signJwt`,
    ]);
    expect(world.google.lookupToken(result.outputs['access_token'] ?? '')).toMatchObject({
      subject: 'user@example.com',
    });
    expectNothingLeaked(result);
  });

  it('a refused impersonation names roles/iam.serviceAccountTokenCreator and the machine account', async () => {
    const result = await runMain({ service_account: LOCKED_SA, token_format: 'access_token' });
    expect(result.code).not.toBe(0);
    const [error] = errorsOf(result);
    expect(error).toContain(
      `gcloud iam service-accounts add-iam-policy-binding "${LOCKED_SA}" ` +
        `--member="serviceAccount:${MACHINE}" --role="roles/iam.serviceAccountTokenCreator"`,
    );
    expect(error).not.toContain('workloadIdentityUser');
    expectTroubleshootingRow(error ?? '', "Hint: The machine's service account … may not impersonate");
    expectNothingLeaked(result);
  });

  it('a machine token without the cloud-platform scope gets the access-scopes hint', async () => {
    metadata.setScopes(['https://www.googleapis.com/auth/devstorage.read_only']);
    const result = await runMain({ service_account: SA, token_format: 'access_token' });
    expect(result.code).not.toBe(0);
    const [error] = errorsOf(result);
    expect(error).toContain('insufficient authentication scopes');
    expect(error).toContain(
      `gcloud compute instances set-service-account INSTANCE --zone=ZONE --service-account="${MACHINE}" ` +
        '--scopes=cloud-platform',
    );
    expect(error).not.toContain('add-iam-policy-binding');
    expectTroubleshootingRow(error ?? '', "Hint: The machine's token lacks the cloud-platform scope");
  });
});

describe('the metadata server', () => {
  it('is retried under the normal policy when it answers 503 or resets', async () => {
    metadata.injectFaults([{ status: 503 }, { reset: true }]);
    const result = await runMain({ retries: '3' });
    expectSuccess(result);
    expect(metadata.requests[0]?.fault).toEqual({ status: 503 });
    expect(infoLines(result)).toMatch(/Google Cloud metadata server answered after 3 attempts/);
  });

  it('counts only with Metadata-Flavor: Google in its answer', async () => {
    metadata.omitFlavor(true);
    const result = await runMain({});
    expect(result.code).not.toBe(0);
    const [error] = errorsOf(result);
    expect(error).toContain(`Something answered at http://${metadata.host}`);
    expect(error).toContain('without "Metadata-Flavor: Google"');
    expectTroubleshootingRow(error ?? '', 'Something answered at … without "Metadata-Flavor: Google"');
  });
});

describe('not on Google Cloud', () => {
  it.each([
    ['a closed loopback port', async () => `127.0.0.1:${await closedPort()}`, /ECONNREFUSED/],
    ['a name that does not resolve', async () => 'metadata.invalid', /ENOTFOUND/],
  ])('fails within seconds at %s, saying what use_metadata_server is for', async (_, host, cause) => {
    const address = await host();
    const started = Date.now();
    const result = await runMain({ service_account: SA, token_format: 'access_token' }, { GCE_METADATA_HOST: address });
    const seconds = (Date.now() - started) / 1000;
    expect(result.code).not.toBe(0);
    expect(seconds).toBeLessThan(10);
    const [error] = errorsOf(result);
    expect(error).toContain(`No Google Cloud metadata server answers at http://${address}`);
    expect(error).toMatch(cause);
    expect(error).toContain('use_metadata_server: true is for self-hosted runners on Google Cloud');
    expect(error).toContain('Elsewhere, use workload_identity_provider');
    expectTroubleshootingRow(error ?? '', 'No Google Cloud metadata server answers at …');
    // Reported for the closing note: how long the failure took, process start included.
    console.info(`not on Google Cloud (${address}): failed after ${seconds.toFixed(2)} s`);
  });
});

describe('not on Google Cloud: an address that takes connections and never answers', () => {
  it('gives up after the 3 s probe timeout, not the retry budget', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = `127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
    try {
      const started = Date.now();
      const result = await runMain({}, { GCE_METADATA_HOST: address });
      const seconds = (Date.now() - started) / 1000;
      expect(result.code).not.toBe(0);
      expect(seconds).toBeGreaterThanOrEqual(3);
      expect(seconds).toBeLessThan(10);
      expect(errorsOf(result)[0]).toContain(`No Google Cloud metadata server answers at http://${address} (timeout`);
      console.info(`not on Google Cloud (silent ${address}): failed after ${seconds.toFixed(2)} s`);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe('the fake metadata server', () => {
  const get = async (path: string, headers: Record<string, string> = { 'Metadata-Flavor': 'Google' }) => {
    const res = await fetch(`${metadata.origin}/computeMetadata/v1/${path}`, { headers });
    return { status: res.status, flavor: res.headers.get('metadata-flavor'), body: await res.text() };
  };

  it('answers only requests with Metadata-Flavor: Google, and sends it back', async () => {
    expect(await get('project/project-id', {})).toMatchObject({ status: 403, flavor: 'Google' });
    expect(await get('project/project-id')).toEqual({ status: 200, flavor: 'Google', body: metadata.projectId });
    expect((await get('project/numeric-project-id')).body).toMatch(/^\d+$/);
  });

  it("serves what gcloud asks: the listing, the account's details and tokens under its e-mail", async () => {
    expect((await get('instance/service-accounts/')).body).toBe(`default/\n${MACHINE}/\n`);
    const info = JSON.parse((await get(`instance/service-accounts/${MACHINE}/?recursive=true`)).body) as unknown;
    expect(info).toEqual({ aliases: ['default'], email: MACHINE, scopes: [CLOUD_PLATFORM] });
    const { access_token: token } = JSON.parse((await get(`instance/service-accounts/${MACHINE}/token`)).body) as {
      access_token: string;
    };
    expect(whoseToken(token)).toMatchObject({ email: MACHINE });
    expect((await get('instance/service-accounts/other@x.iam.gserviceaccount.com/email')).status).toBe(404);
  });
});

describe('inputs', () => {
  it.each([
    [
      'workload_identity_provider',
      { workload_identity_provider: 'projects/1/locations/global/workloadIdentityPools/p/providers/q' },
    ],
    ['credentials_json', { credentials_json: '{"type":"service_account"}' }],
  ])('refuses use_metadata_server with %s', async (name, inputs) => {
    const result = await runMain(inputs);
    expect(result.code).not.toBe(0);
    expect(errorsOf(result)).toEqual([
      `Invalid input: "use_metadata_server" signs in as the runner machine's own service account; it cannot be ` +
        `combined with "${name}", which is another way in. Keep one of them.`,
    ]);
    expect(metadata.requests).toEqual([]);
  });
});

describe('preconnect', () => {
  /** Runs main while the metadata server takes 400 ms over its first answer; when IAM Credentials accepted connections. */
  async function acceptedWhileMetadataAnswers(inputs: Record<string, string>) {
    const accepted: number[] = [];
    const listener = () => accepted.push(Date.now());
    world.google.iamcredentials.server.on('connection', listener);
    metadata.injectFaults([{ delayMs: 400 }]);
    try {
      const result = await runMain(inputs);
      expectSuccess(result);
      return { accepted, firstAsked: metadata.requests[0]?.time ?? NaN };
    } finally {
      world.google.iamcredentials.server.off('connection', listener);
    }
  }

  it('opens IAM Credentials while the metadata server answers, when a service account is impersonated', async () => {
    const { accepted, firstAsked } = await acceptedWhileMetadataAnswers({
      service_account: SA,
      token_format: 'access_token',
    });
    expect(accepted).toHaveLength(1);
    expect(accepted[0]).toBeLessThan(firstAsked + 400);
    expect(world.google.iamcredentials.requestCount).toBe(1);
  });

  it('opens nothing without one', async () => {
    const { accepted } = await acceptedWhileMetadataAnswers({ token_format: 'access_token' });
    expect(accepted).toEqual([]);
  });
});

describe('gcloud, with the step exported variables and the fake metadata server', () => {
  let available = false;
  beforeAll(async () => {
    available = await gcloudInstalled();
  });

  it('gcloud auth print-access-token prints a token of the impersonated account', async () => {
    if (!available) {
      console.warn('skipped: gcloud is not installed on this machine');
      return;
    }
    const main = await runMain({ service_account: SA });
    expectSuccess(main);
    const config = await fs.mkdtemp(path.join(os.tmpdir(), 'gce-gcloud-'));
    try {
      const printed = await runGcloud(['auth', 'print-access-token'], {
        HOME: config,
        CLOUDSDK_CONFIG: config,
        CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK: '1',
        ...main.exportedEnv,
        // gcloud 528 reads only GCE_METADATA_ROOT, and its IAM Credentials endpoint from this property.
        GCE_METADATA_ROOT: metadata.host,
        CLOUDSDK_API_ENDPOINT_OVERRIDES_IAMCREDENTIALS: `${world.google.iamcredentials.origin}/`,
      });
      expect(printed.stderr).toContain(`All API calls will be executed as [${SA}]`);
      expect(printed.code).toBe(0);
      expect(whoseToken(printed.stdout.trim())).toMatchObject({
        type: 'serviceAccount',
        email: SA,
        impersonatedBy: { email: MACHINE },
      });
    } finally {
      await fs.rm(config, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('post step', () => {
  it('has nothing to remove', async () => {
    const main = await runMain({});
    expectSuccess(main);
    const post = await runPost(main);
    expect(post.code).toBe(0);
    expect(post.stdout).toContain('No credentials file was created by this action');
  });
});

/** A loopback port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
