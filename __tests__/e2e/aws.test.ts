/**
 * subject_token_source: aws, end to end: the bundled action (dist/main, run
 * `npm run build` first) under Node 24, as the runner starts it, against real
 * processes on 127.0.0.1 — fake EC2 instance metadata, ECS endpoint and AWS
 * STS, and fake Google STS verifying the signed GetCallerIdentity request
 * with its own SigV4 verifier (no code shared with the action's signer).
 * No real AWS or Google address is ever contacted: instance metadata is
 * either the fake or disabled, STS calls go to AWS_ENDPOINT_URL_STS, and
 * HOME is an empty directory.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type AwsWorld, createAwsWorld, type FakeAws, startFakeAws } from '../fakes/aws.mjs';
import { findLeakedSecrets, type RunActionResult } from '../fakes/index.mjs';
import { trustingAws, useFakeWorld } from '../support/fake-world.js';
import { AWS_ACCOUNT, AWS_PROVIDER, AWS_SERVICE_ACCOUNT } from '../support/fixtures.js';

const DEPLOY_ROLE = `arn:aws:iam::${AWS_ACCOUNT}:role/deploy`;
const AWS_TOKEN_TYPE = 'urn:ietf:params:aws:token-type:aws4_request';

let world: AwsWorld;
let aws: FakeAws;
let home: string;

beforeAll(async () => {
  world = createAwsWorld();
  world.addRole(DEPLOY_ROLE, { externalId: 'ext-42', webIdentityTokens: ['eyJ.runner.token'] });
  aws = await startFakeAws({
    world,
    imds: { roleName: 'runner-role', accountId: AWS_ACCOUNT, availabilityZone: 'eu-central-1a' },
    ecs: { roleArn: `arn:aws:iam::${AWS_ACCOUNT}:role/ecs-task`, authorizationToken: 'ecs-auth-token' },
  });
  home = await mkdtemp(join(tmpdir(), 'aws-e2e-home-'));
});
// Instance metadata is the fake's or disabled, STS calls go to the fake AWS STS, and HOME is empty.
const { world: google, runMain: run } = useFakeWorld({
  environment: () => trustingAws(world),
  inputs: () => ({ workload_identity_provider: AWS_PROVIDER, subject_token_source: 'aws', retries: '0' }),
  env: () => ({ HOME: home, AWS_ENDPOINT_URL_STS: aws.sts.origin, AWS_EC2_METADATA_DISABLED: 'true' }),
  timeoutMs: 30_000,
});
afterAll(async () => {
  await aws?.close();
  await rm(home, { recursive: true, force: true });
});

/** The AWS identity Google STS accepted in the last exchange (claims from GetCallerIdentity). */
function lastFederatedClaims(): Record<string, unknown> {
  const exchange = google.google.sts.requests.filter((r) => r.status === 200).at(-1);
  const { access_token: token } = JSON.parse(exchange?.responseBody ?? '{}') as { access_token: string };
  const issued = google.google.lookupToken(token);
  if (issued?.principal.type !== 'federated') throw new Error('no federated token was issued');
  return issued.principal.claims;
}

function expectSuccess(result: RunActionResult): void {
  if (result.code !== 0) throw new Error(`action failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
}

function expectNoLeak(result: RunActionResult, secrets: Array<string | undefined>): void {
  const sent = google.google.sts.requests.map((r) => (r.json as { subjectToken?: string } | undefined)?.subjectToken);
  expect(
    findLeakedSecrets(
      result.stdout + result.stderr,
      [...secrets, ...sent].filter((s): s is string => !!s),
    ),
  ).toEqual([]);
}

describe('subject_token_source: aws, end to end', () => {
  it('environment credentials: signs GetCallerIdentity, and writes an aws1 credentials file', async () => {
    const user = world.addUser(`arn:aws:iam::${AWS_ACCOUNT}:user/ci`);
    const result = await run(
      { aws_region: 'eu-west-1', service_account: AWS_SERVICE_ACCOUNT, token_format: 'access_token' },
      { AWS_ACCESS_KEY_ID: user.accessKeyId, AWS_SECRET_ACCESS_KEY: user.secretAccessKey },
    );
    expectSuccess(result);
    expect(result.outputs['access_token']).toBeTruthy();
    expect(lastFederatedClaims()).toMatchObject({ arn: user.arn, account: AWS_ACCOUNT });
    const exchange = google.google.sts.requests.at(-1)?.json as Record<string, string>;
    expect(exchange['subjectTokenType']).toBe(AWS_TOKEN_TYPE);
    expect(JSON.parse(decodeURIComponent(exchange['subjectToken'] ?? '')).url).toBe(
      'https://sts.eu-west-1.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15',
    );

    const file = JSON.parse(await readFile(result.outputs['credentials_file_path'] ?? '', 'utf8'));
    expect(file).toEqual({
      type: 'external_account',
      audience: `//iam.googleapis.com/${AWS_PROVIDER}`,
      subject_token_type: AWS_TOKEN_TYPE,
      token_url: `${google.google.stsEndpoint}/token`,
      credential_source: {
        environment_id: 'aws1',
        region_url: 'http://169.254.169.254/latest/meta-data/placement/availability-zone',
        url: 'http://169.254.169.254/latest/meta-data/iam/security-credentials',
        regional_cred_verification_url:
          'https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15',
        imdsv2_session_token_url: 'http://169.254.169.254/latest/api/token',
      },
      service_account_impersonation_url: `${google.google.iamcredentialsEndpoint}/projects/-/serviceAccounts/${AWS_SERVICE_ACCOUNT}:generateAccessToken`,
      universe_domain: 'googleapis.com',
    });
    // Tools find these credentials in the environment themselves; only the region (an input) is exported.
    expect(result.exportedEnv['AWS_REGION']).toBe('eu-west-1');
    expect(result.exportedEnv['AWS_ACCESS_KEY_ID']).toBeUndefined();
    expect(result.masks).toEqual(expect.arrayContaining([user.secretAccessKey]));
    expect(result.stdout).toContain(
      'AWS credentials: access key AKIA… from environment variables (AWS_ACCESS_KEY_ID).',
    );
    expectNoLeak(result, [user.secretAccessKey]);
  });

  it('EC2 instance metadata (self-hosted runner): IMDSv2 credentials and the region from the zone', async () => {
    aws.imds.reset();
    const result = await run(
      {},
      { AWS_EC2_METADATA_DISABLED: undefined, AWS_EC2_METADATA_SERVICE_ENDPOINT: aws.imds.origin },
    );
    expectSuccess(result);
    expect(lastFederatedClaims()['arn']).toBe(
      `arn:aws:sts::${AWS_ACCOUNT}:assumed-role/runner-role/i-0123456789abcdef0`,
    );
    expect(result.stdout).toContain('AWS region eu-central-1 (from EC2 instance metadata).');
    expect(aws.imds.requests[0]).toMatchObject({ method: 'PUT', path: '/latest/api/token' });
    expect(aws.imds.requests.every((r, i) => i === 0 || r.headers['x-aws-ec2-metadata-token'])).toBe(true);
    const file = JSON.parse(await readFile(result.outputs['credentials_file_path'] ?? '', 'utf8'));
    expect(file.credential_source.url).toBe(`${aws.imds.origin}/latest/meta-data/iam/security-credentials`);
    // Tools ask instance metadata themselves: nothing secret is exported.
    expect(result.exportedEnv['AWS_ACCESS_KEY_ID']).toBeUndefined();
    expect(result.exportedEnv['AWS_REGION']).toBe('eu-central-1');
    const issued = [...world.keys.values()].filter((k) => k.arn.includes('runner-role'));
    expectNoLeak(
      result,
      issued.flatMap((k) => [k.secretAccessKey, k.sessionToken]),
    );
  });

  it('ECS container credentials: exported, masked, with their expiry', async () => {
    const result = await run(
      { aws_region: 'us-east-2' },
      { AWS_CONTAINER_CREDENTIALS_FULL_URI: aws.ecsUrl, AWS_CONTAINER_AUTHORIZATION_TOKEN: 'ecs-auth-token' },
    );
    expectSuccess(result);
    expect(lastFederatedClaims()['arn']).toBe(`arn:aws:sts::${AWS_ACCOUNT}:assumed-role/ecs-task/ecs-task-0123`);
    const exported = result.exportedEnv;
    const issued = world.keys.get(exported['AWS_ACCESS_KEY_ID'] ?? '');
    expect(issued?.arn).toContain('assumed-role/ecs-task');
    expect(exported).toMatchObject({
      AWS_REGION: 'us-east-2',
      AWS_SECRET_ACCESS_KEY: issued?.secretAccessKey,
      AWS_SESSION_TOKEN: issued?.sessionToken,
    });
    expect(result.masks).toEqual(
      expect.arrayContaining([issued?.secretAccessKey, issued?.sessionToken, 'ecs-auth-token']),
    );
    expect(result.stdout).toMatch(
      /exported AWS_REGION=us-east-2 and the AWS credentials \(access key ASIA… from ECS container credentials .*expiring \d{4}-\d\d-\d\dT/,
    );
    expectNoLeak(result, [issued?.secretAccessKey, issued?.sessionToken, 'ecs-auth-token']);
  });

  it('web identity (AWS_WEB_IDENTITY_TOKEN_FILE): AssumeRoleWithWebIdentity at AWS STS', async () => {
    const tokenFile = join(home, 'web-identity-token');
    await writeFile(tokenFile, 'eyJ.runner.token\n');
    const result = await run(
      { aws_region: 'eu-west-1' },
      { AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile, AWS_ROLE_ARN: DEPLOY_ROLE, AWS_ROLE_SESSION_NAME: 'irsa-session' },
    );
    expectSuccess(result);
    expect(lastFederatedClaims()['arn']).toBe(`arn:aws:sts::${AWS_ACCOUNT}:assumed-role/deploy/irsa-session`);
    expect(result.masks).toContain('eyJ.runner.token');
    expectNoLeak(result, ['eyJ.runner.token', result.exportedEnv['AWS_SECRET_ACCESS_KEY']]);
  });

  it('a named profile that assumes a role from a source profile', async () => {
    const user = world.addUser(`arn:aws:iam::${AWS_ACCOUNT}:user/profile-user`);
    const config = join(home, 'config');
    const credentials = join(home, 'credentials');
    await writeFile(
      config,
      `[profile deploy]\nrole_arn = ${DEPLOY_ROLE}\nsource_profile = base\nexternal_id = ext-42\nregion = ap-northeast-1\n`,
    );
    await writeFile(
      credentials,
      `[base]\naws_access_key_id = ${user.accessKeyId}\naws_secret_access_key = ${user.secretAccessKey}\n`,
    );
    const result = await run(
      { aws_profile: 'deploy' },
      { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials },
    );
    expectSuccess(result);
    expect(lastFederatedClaims()['arn']).toBe(`arn:aws:sts::${AWS_ACCOUNT}:assumed-role/deploy/GitHubActions`);
    expect(result.stdout).toContain('AWS region ap-northeast-1 (from profile "deploy").');
    expect(result.exportedEnv['AWS_ACCESS_KEY_ID']).toMatch(/^ASIA/);
    expectNoLeak(result, [
      user.secretAccessKey,
      result.exportedEnv['AWS_SECRET_ACCESS_KEY'],
      result.exportedEnv['AWS_SESSION_TOKEN'],
    ]);
  });

  it('aws_role_arn: assumes the role first (SigV4-signed AssumeRole) and signs as the role', async () => {
    const user = world.addUser(`arn:aws:iam::${AWS_ACCOUNT}:user/ci`);
    aws.sts.reset();
    const result = await run(
      {
        aws_region: 'eu-west-1',
        aws_role_arn: DEPLOY_ROLE,
        aws_role_session_name: 'gcp-deploy',
        aws_role_external_id: 'ext-42',
        aws_role_duration_seconds: '900',
      },
      { AWS_ACCESS_KEY_ID: user.accessKeyId, AWS_SECRET_ACCESS_KEY: user.secretAccessKey },
    );
    expectSuccess(result);
    expect(aws.sts.requests.map((r) => [r.status, r.form?.['Action'], r.form?.['DurationSeconds']])).toEqual([
      [200, 'AssumeRole', '900'],
    ]);
    expect(lastFederatedClaims()['arn']).toBe(`arn:aws:sts::${AWS_ACCOUNT}:assumed-role/deploy/gcp-deploy`);
    expect(result.stdout).toContain(`Assumed ${DEPLOY_ROLE}: access key ASIA…`);
    expectNoLeak(result, [
      user.secretAccessKey,
      result.exportedEnv['AWS_SECRET_ACCESS_KEY'],
      result.exportedEnv['AWS_SESSION_TOKEN'],
    ]);
  });

  it('a wrong secret: Google STS (via AWS) refuses, and the error names the identity and the likely fix', async () => {
    const user = world.addUser(`arn:aws:iam::${AWS_ACCOUNT}:user/typo`);
    const wrong = `${user.secretAccessKey.slice(0, -2)}xx`;
    const result = await run(
      { aws_region: 'eu-west-1' },
      { AWS_ACCESS_KEY_ID: user.accessKeyId, AWS_SECRET_ACCESS_KEY: wrong },
    );
    expect(result.code).toBe(1);
    const error = result.commands.find((c) => c.command === 'error')?.message ?? '';
    expect(error).toContain('Exchanging the subject token at Google STS failed');
    expect(error).toContain('SignatureDoesNotMatch');
    expect(error).toMatch(/Hint: AWS rejected the signed request: the secret access key does not match/);
    expect(error).toContain('aws_access_key="AKIA…"');
    expect(error).toContain('aws_credential_source="environment variables (AWS_ACCESS_KEY_ID)"');
    expect(error).not.toContain(user.accessKeyId);
    expectNoLeak(result, [wrong]);
  });

  it('a wrong secret with aws_role_arn: AWS STS refuses AssumeRole, naming the identity', async () => {
    const user = world.addUser(`arn:aws:iam::${AWS_ACCOUNT}:user/typo2`);
    const result = await run(
      { aws_region: 'eu-west-1', aws_role_arn: DEPLOY_ROLE, aws_role_external_id: 'ext-42' },
      { AWS_ACCESS_KEY_ID: user.accessKeyId, AWS_SECRET_ACCESS_KEY: 'not-the-secret' },
    );
    expect(result.code).toBe(1);
    const error = result.commands.find((c) => c.command === 'error')?.message ?? '';
    expect(error).toMatch(
      new RegExp(`^AssumeRole of ${DEPLOY_ROLE} failed: AWS STS answered HTTP 403 .*SignatureDoesNotMatch`),
    );
    expect(error).toContain('AWS identity: access key AKIA… from environment variables (AWS_ACCESS_KEY_ID)');
    expect(error).toContain('Hint: The secret access key does not belong to this access key ID');
    expectNoLeak(result, ['not-the-secret']);
  });
});
