/**
 * Proof that the credentials files the bundled action writes work for real
 * clients: Google's own Node client library (google-auth-library) loads the
 * file and obtains an access token from the same fake servers, doing the
 * OIDC fetch, the STS exchange and the impersonation itself — as gcloud,
 * Terraform and every client library do after our step.
 */
import { createPublicKey } from 'node:crypto';
import { promises as fs } from 'node:fs';

import { GoogleAuth } from 'google-auth-library';
import { type AwsWorld, createAwsWorld, type FakeAws, startFakeAws } from '../fakes/aws.mjs';
import { allowServiceAccount, verifyJwt } from '../fakes/index.mjs';
import { trustingAws, useFakeWorld } from '../support/fake-world.js';
import { AWS_ACCOUNT, AWS_PROVIDER, AWS_SERVICE_ACCOUNT, SA } from '../support/fixtures.js';

const { world, runMain } = useFakeWorld();

async function credentialsFileFrom(inputs: Record<string, string>): Promise<Record<string, unknown>> {
  const result = await runMain(inputs);
  expect(result.code).toBe(0);
  return JSON.parse(await fs.readFile(result.outputs['credentials_file_path'] ?? '', 'utf8')) as Record<
    string,
    unknown
  >;
}

async function accessTokenVia(credentials: Record<string, unknown>): Promise<string> {
  const auth = new GoogleAuth({ credentials, scopes: ['https://www.googleapis.com/auth/cloud-platform'] });
  const client = await auth.getClient();
  const { token } = await client.getAccessToken();
  return token ?? '';
}

it('external_account file (GitHub OIDC, through a service account)', async () => {
  const file = await credentialsFileFrom({
    workload_identity_provider: world.workloadIdentityProvider,
    service_account: SA,
  });
  const stsBefore = world.google.sts.requests.length;
  const token = await accessTokenVia(file);
  // The library fetched a fresh OIDC token, exchanged it (form-encoded, its own way) and impersonated the SA.
  expect(world.google.lookupToken(token)).toMatchObject({ kind: 'service_account' });
  const sts = world.google.sts.requests.slice(stsBefore);
  expect(sts.map((r) => r.form?.['subject_token_type'])).toEqual(['urn:ietf:params:oauth:token-type:jwt']);
  const impersonation = world.google.iamcredentials.requests.at(-1);
  expect(impersonation?.path).toBe(`/v1/projects/-/serviceAccounts/${SA}:generateAccessToken`);
});

it('external_account file with access_token_lifetime: the library asks IAM Credentials for that lifetime', async () => {
  const file = await credentialsFileFrom({
    workload_identity_provider: world.workloadIdentityProvider,
    service_account: SA,
    access_token_lifetime: '30m',
  });
  expect(file['service_account_impersonation']).toEqual({ token_lifetime_seconds: 1800 });
  const iamBefore = world.google.iamcredentials.requests.length;
  const token = await accessTokenVia(file);
  // One impersonation, made by the library itself.
  const [impersonation, ...more] = world.google.iamcredentials.requests.slice(iamBefore);
  expect(more).toEqual([]);
  expect(impersonation?.path).toBe(`/v1/projects/-/serviceAccounts/${SA}:generateAccessToken`);
  expect(impersonation?.json).toMatchObject({ lifetime: '1800s' });
  const expiresIn = (world.google.lookupToken(token)?.expiresAt ?? 0) - Date.now();
  expect(expiresIn).toBeGreaterThan(1700_000);
  expect(expiresIn).toBeLessThanOrEqual(1800_000);
});

it('external_account file (GitHub OIDC, direct)', async () => {
  const file = await credentialsFileFrom({ workload_identity_provider: world.workloadIdentityProvider });
  const token = await accessTokenVia(file);
  expect(world.google.lookupToken(token)).toMatchObject({ kind: 'federated' });
});

it('service-account key file', async () => {
  const email = 'compat@key-project.iam.gserviceaccount.com';
  world.google.addServiceAccount(email, { allow: allowServiceAccount(email) });
  const key = world.google.createServiceAccountKey(email);
  const file = await credentialsFileFrom({ credentials_json: JSON.stringify(key) });
  // The library's key client always posts to the real oauth2.googleapis.com
  // (it ignores token_uri), so have it self-sign instead: no network, and the
  // token it makes must carry the key's account and verify with its key.
  // (Without scopes, and given the API URL, the library signs a JWT whose
  // audience is that API, exactly like our own auth_token.)
  const auth = new GoogleAuth({ credentials: file });
  const client = await auth.getClient();
  const headers = await client.getRequestHeaders('https://iamcredentials.googleapis.com/');
  const authorization =
    headers instanceof Headers ? headers.get('authorization') : (headers as Record<string, string>)['Authorization'];
  const jwt = (authorization ?? '').replace(/^Bearer /, '');
  expect(verifyJwt(jwt, [createPublicKey(key.private_key)]).payload).toMatchObject({
    iss: email,
    sub: email,
    aud: 'https://iamcredentials.googleapis.com/',
  });
});

describe('AWS', () => {
  let awsWorld: AwsWorld;
  let aws: FakeAws;
  const saved = { ...process.env };

  beforeAll(async () => {
    awsWorld = createAwsWorld();
    aws = await startFakeAws({ world: awsWorld });
  });
  // A world of its own, whose Google trusts the AWS account; no GitHub OIDC variables.
  const { world: google, runMain: runAws } = useFakeWorld({
    environment: () => trustingAws(awsWorld),
    env: () => ({ AWS_ENDPOINT_URL_STS: aws.sts.origin, AWS_EC2_METADATA_DISABLED: 'true' }),
  });
  afterAll(async () => {
    process.env = saved;
    await aws.close();
  });

  it('external_account file (aws1, environment credentials, through a service account)', async () => {
    const user = awsWorld.addUser(`arn:aws:iam::${AWS_ACCOUNT}:user/ci`);
    const awsEnv = {
      AWS_ACCESS_KEY_ID: user.accessKeyId,
      AWS_SECRET_ACCESS_KEY: user.secretAccessKey,
      AWS_REGION: 'eu-west-1',
    };
    const result = await runAws(
      { workload_identity_provider: AWS_PROVIDER, subject_token_source: 'aws', service_account: AWS_SERVICE_ACCOUNT },
      awsEnv,
    );
    expect(result.code).toBe(0);
    const file = JSON.parse(await fs.readFile(result.outputs['credentials_file_path'] ?? '', 'utf8'));

    // The library reads AWS credentials and region from the environment, signs its own
    // GetCallerIdentity and sends it to the fake Google STS, which verifies the signature.
    Object.assign(process.env, awsEnv);
    const stsBefore = google.google.sts.requests.length;
    const token = await accessTokenVia(file);
    expect(google.google.lookupToken(token)).toMatchObject({ kind: 'service_account' });
    const exchange = google.google.sts.requests.slice(stsBefore);
    expect(exchange.map((r) => [r.form?.['subject_token_type'], r.status])).toEqual([
      ['urn:ietf:params:aws:token-type:aws4_request', 200],
    ]);
    const signed = JSON.parse(decodeURIComponent(exchange[0]?.form?.['subject_token'] ?? '')) as { url: string };
    expect(signed.url).toBe('https://sts.eu-west-1.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15');
  });
});
