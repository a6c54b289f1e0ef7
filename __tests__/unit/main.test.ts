/**
 * The pipeline of src/main.ts in-process, with nock as GitHub and Google: the
 * order of the stages, what lands in the runner's files, and the one error
 * line of a failure. (The bundled action is tested end to end in e2e/.)
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import nock from 'nock';

import { run } from '../../src/main.js';
import { parseFileCommands } from '../fakes/index.mjs';
import { GITHUB_PROVIDER as PROVIDER, SA } from '../support/fixtures.js';
import { captureRunnerOutput } from '../support/runner-output.js';

const RUNNER = 'https://pipelines.actions.example.test';
const STS = 'https://sts.googleapis.com';
const IAM = 'https://iamcredentials.googleapis.com';
const SUBJECT = `e30.${Buffer.from('{"sub":"repo:octo-org/octo-repo:ref:refs/heads/main"}').toString('base64url')}.sig`;

const output = captureRunnerOutput();
let dir: string;
const saved = { ...process.env };

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'main-test-'));
  for (const file of ['GITHUB_OUTPUT', 'GITHUB_ENV', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY']) {
    process.env[file] = join(dir, file);
    writeFileSync(join(dir, file), '');
  }
});
afterEach(() => {
  nock.cleanAll();
  process.exitCode = undefined;
  for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
  Object.assign(process.env, saved);
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the main step with these inputs, as the runner would pass them (INPUT_* in the step's environment). */
async function runWith(inputs: Record<string, string>): Promise<void> {
  await run(
    {
      ...Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value])),
      GITHUB_WORKSPACE: dir,
      ACTIONS_ID_TOKEN_REQUEST_URL: `${RUNNER}/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token',
    },
    undefined,
    { preconnect: false }, // nock answers; no real socket to Google
  );
}

const fileCommands = (name: string) => parseFileCommands(readFileSync(join(dir, name), 'utf8'));

describe('run()', () => {
  it('goes config -> subject token -> credentials file -> STS -> IAM Credentials -> results', async () => {
    const calls: string[] = [];
    nock(RUNNER)
      .get('/token')
      .query({ 'api-version': '2.0', audience: `https://iam.googleapis.com/${PROVIDER}` })
      .reply(() => {
        calls.push('oidc');
        return [200, { value: SUBJECT }];
      });
    nock(STS)
      .post('/v1/token', (body: { subjectToken: string }) => body.subjectToken === SUBJECT)
      .reply(() => {
        // The file exists before any exchange (continue-on-error jobs keep it).
        calls.push(`sts (files: ${readdirSync(dir).filter((f) => f.startsWith('gha-creds-')).length})`);
        return [200, { access_token: 'ya29.federated', expires_in: 3600 }];
      });
    nock(IAM, { reqheaders: { authorization: 'Bearer ya29.federated' } })
      .post(`/v1/projects/-/serviceAccounts/${SA}:generateAccessToken`, {
        scope: ['https://www.googleapis.com/auth/cloud-platform'],
        lifetime: '3600s',
      })
      .reply(() => {
        calls.push('iam');
        return [200, { accessToken: 'ya29.impersonated', expireTime: '2099-01-01T00:00:00Z' }];
      });

    await runWith({ workload_identity_provider: PROVIDER, service_account: SA, token_format: 'access_token' });

    expect(process.exitCode).toBeUndefined();
    expect(calls).toEqual(['oidc', 'sts (files: 1)', 'iam']);
    const outputs = fileCommands('GITHUB_OUTPUT');
    const file = outputs['credentials_file_path'] ?? '';
    expect(outputs).toMatchObject({
      project_id: 'my-project',
      auth_token: 'ya29.federated',
      access_token: 'ya29.impersonated',
      access_token_expiration: '2099-01-01T00:00:00Z',
    });
    expect(fileCommands('GITHUB_ENV')).toMatchObject({ GOOGLE_APPLICATION_CREDENTIALS: file });
    expect(fileCommands('GITHUB_STATE')).toEqual({ credentials_file_path: file, cleanup_credentials: 'true' });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      type: 'external_account',
      audience: `//iam.googleapis.com/${PROVIDER}`,
      service_account_impersonation_url: `${IAM}/v1/projects/-/serviceAccounts/${SA}:generateAccessToken`,
    });
    expect(readFileSync(join(dir, 'GITHUB_STEP_SUMMARY'), 'utf8')).toContain(
      `Workload Identity Federation from GitHub OIDC as ${SA}`,
    );
    expect(output.masks()).toEqual(
      expect.arrayContaining(['request-token', SUBJECT, 'ya29.federated', 'ya29.impersonated']),
    );
    expect(output.text).toContain(
      `Authenticated to Google Cloud (Workload Identity Federation from GitHub OIDC as ${SA}).`,
    );
  });

  it('ends a failure in one ::error:: line with the stage, the hint and the claims, and keeps the file', async () => {
    nock(RUNNER).get('/token').query(true).reply(200, { value: SUBJECT });
    nock(STS)
      .post('/v1/token')
      .reply(400, { error: 'invalid_grant', error_description: 'The audience in ID Token [x] does not match.' });

    await runWith({ workload_identity_provider: PROVIDER, retries: '0' });

    expect(process.exitCode).toBe(1);
    const errors = output.text.split('\n').filter((line) => line.startsWith('::error::'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^::error::Exchanging the subject token at Google STS failed: Google STS answered HTTP 400 .*%0AHint: The token's audience does not match.*%0AToken sent by GitHub OIDC: sub="repo:octo-org\/octo-repo:ref:refs\/heads\/main"$/,
    );
    expect(readdirSync(dir).filter((f) => f.startsWith('gha-creds-'))).toHaveLength(1);
    expect(fileCommands('GITHUB_OUTPUT')['auth_token']).toBeUndefined();
  });

  it('fails on an input before any request, and writes nothing', async () => {
    const requests: string[] = [];
    for (const origin of [RUNNER, STS, IAM]) {
      nock(origin)
        .persist()
        .get(/.*/)
        .reply(200, (path) => void requests.push(path))
        .post(/.*/)
        .reply(200, (path) => void requests.push(path));
    }
    await runWith({
      workload_identity_provider: PROVIDER,
      service_account: 'sa@p.iam.gserviceaccount.com:signBlob?x=',
    });

    expect(process.exitCode).toBe(1);
    expect(output.text).toMatch(/^::error::Invalid input: "service_account" must be a service account email/m);
    expect(requests).toEqual([]);
    expect(readdirSync(dir).filter((f) => f.startsWith('gha-creds-'))).toEqual([]);
    expect(fileCommands('GITHUB_OUTPUT')).toEqual({});
  });

  it('reads its inputs from the environment it is given and changes neither that nor process.env but to export', async () => {
    process.env['INPUT_WORKLOAD_IDENTITY_PROVIDER'] = 'not-read'; // only the given environment holds inputs
    process.env['HTTPS_PROXY'] = 'http://proxy.example:3128';
    nock(RUNNER).get('/token').query(true).reply(200, { value: SUBJECT });
    nock(STS).post('/v1/token').reply(200, { access_token: 'ya29.federated', expires_in: 3600 });
    const env: NodeJS.ProcessEnv = {
      INPUT_WORKLOAD_IDENTITY_PROVIDER: PROVIDER,
      INPUT_PROJECT_ID: 'my-project',
      GITHUB_WORKSPACE: dir,
      ACTIONS_ID_TOKEN_REQUEST_URL: `${RUNNER}/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token',
    };
    const given = { ...env };
    const before = { ...process.env };

    await run(env, undefined, { preconnect: false });

    expect(process.exitCode).toBeUndefined();
    expect(env).toEqual(given);
    const exported = fileCommands('GITHUB_ENV');
    expect(Object.keys(exported)).toEqual(
      expect.arrayContaining(['GOOGLE_APPLICATION_CREDENTIALS', 'GOOGLE_CLOUD_PROJECT']),
    );
    // process.env gained exactly the exported variables (as @actions/core's exportVariable does), nothing else.
    expect(process.env).toEqual({ ...before, ...exported });
  });
});
