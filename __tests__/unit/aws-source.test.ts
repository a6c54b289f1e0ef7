/**
 * The AWS subject source as the pipeline sees it: the credentials file's
 * aws1 section, the subject token's diagnostic claims, what it exports for
 * tools, and the failure messages of src/diagnose.ts for AWS.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type Config, readConfig, type WorkloadIdentityAuth } from '../../src/config.js';
import { describeFailure, type FailureContext } from '../../src/diagnose.js';
import { ServiceError } from '../../src/errors.js';
import { IAM_SERVICE } from '../../src/google/iam-credentials.js';
import { STS_SERVICE } from '../../src/google/sts.js';
import { Http } from '../../src/http.js';
import type { Log } from '../../src/log.js';
import { Results } from '../../src/results.js';
import { AwsSource } from '../../src/sources/aws/aws-source.js';
import { aws as awsSource } from '../../src/sources/aws/index.js';
import { captureMasks, type FakeAws, startFakeAws } from '../fakes/aws.mjs';
import { stdout as runnerStdout } from '../../src/runner-commands.js';
import { AWS_ACCOUNT, AWS_PROVIDER as PROVIDER } from '../support/fixtures.js';
import { sourceOptions } from '../support/source-options.js';

const ROLE = `arn:aws:iam::${AWS_ACCOUNT}:role/deploy`;

let aws: FakeAws;
let dir: string;
let masks: ReturnType<typeof captureMasks>;
const https: Http[] = [];

beforeAll(async () => {
  aws = await startFakeAws({ imds: { roleName: 'runner-role' } });
  aws.world.addRole(ROLE);
});
afterAll(() => aws.close());
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aws-source-'));
  masks = captureMasks(runnerStdout);
});
afterEach(async () => {
  masks.stop();
  for (const h of https.splice(0)) h.dispose();
  await rm(dir, { recursive: true, force: true });
});

function recordingLog(): Log & { lines: string[] } {
  const lines: string[] = [];
  return { lines, debug: () => {}, info: (m) => lines.push(`info: ${m}`), warning: (m) => lines.push(`warning: ${m}`) };
}

function configFor(inputs: Record<string, string>): Config {
  return readConfig(
    (name) => ({ workload_identity_provider: PROVIDER, subject_token_source: 'aws', ...inputs })[name] ?? '',
  );
}

function sourceFor(inputs: Record<string, string>, env: NodeJS.ProcessEnv, log: Log = recordingLog()): AwsSource {
  const auth = configFor(inputs).auth as WorkloadIdentityAuth;
  const http = new Http({ userAgent: 'test', retries: 0, requestTimeoutMs: 2000, log });
  https.push(http);
  return new AwsSource(
    sourceOptions(awsSource, { workload_identity_provider: PROVIDER, subject_token_source: 'aws', ...inputs }),
    {
      provider: auth.provider,
      env: { HOME: dir, AWS_ENDPOINT_URL_STS: aws.sts.origin, AWS_EC2_METADATA_DISABLED: 'true', ...env },
      http,
      log,
    },
    { imdsProbeTimeoutMs: 500 },
  );
}

describe('the aws1 credential source', () => {
  it('points client libraries at instance metadata and the regional GetCallerIdentity URL', async () => {
    expect(await sourceFor({}, {}).credentialSource()).toEqual({
      environment_id: 'aws1',
      region_url: 'http://169.254.169.254/latest/meta-data/placement/availability-zone',
      url: 'http://169.254.169.254/latest/meta-data/iam/security-credentials',
      regional_cred_verification_url: 'https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15',
      imdsv2_session_token_url: 'http://169.254.169.254/latest/api/token',
    });
  });

  it('follows AWS_EC2_METADATA_SERVICE_ENDPOINT and the IPv6 mode', async () => {
    const custom = await sourceFor(
      {},
      { AWS_EC2_METADATA_SERVICE_ENDPOINT: 'https://imds.example.internal:8443/' },
    ).credentialSource();
    expect(custom['url']).toBe('https://imds.example.internal:8443/latest/meta-data/iam/security-credentials');
    const v6 = await sourceFor({}, { AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: 'IPv6' }).credentialSource();
    expect(v6['imdsv2_session_token_url']).toBe('http://[fd00:ec2::254]/latest/api/token');
  });

  it.each([
    ['http://10.1.2.3:8080/', 'must be an https:// URL'],
    ['http://imds.example.com', 'must be an https:// URL'],
    ['https://user:pw@imds.example.com', 'no user name, password, query or fragment'],
    ['https://imds.example.com/?x=1', 'no user name, password, query or fragment'],
  ])(
    'refuses AWS_EC2_METADATA_SERVICE_ENDPOINT %s, as the endpoint inputs would (credentials come back)',
    (value, why) => {
      expect(() => sourceFor({}, { AWS_EC2_METADATA_SERVICE_ENDPOINT: value })).toThrow(why);
    },
  );

  it.each(['http://169.254.169.254', 'http://[fd00:ec2::254]', 'http://127.0.0.1:9999'])(
    'takes plain http AWS_EC2_METADATA_SERVICE_ENDPOINT %s (the metadata addresses and loopback)',
    async (value) => {
      const source = await sourceFor({}, { AWS_EC2_METADATA_SERVICE_ENDPOINT: value }).credentialSource();
      expect(source['url']).toBe(`${value}/latest/meta-data/iam/security-credentials`);
    },
  );
});

describe('the subject token and what is exported for tools', () => {
  const user = (): { accessKeyId: string; secretAccessKey: string } =>
    aws.world.addUser(`arn:aws:iam::${AWS_ACCOUNT}:user/ci`);

  it('exports nothing when tools find the same credentials and region in the environment', async () => {
    const key = user();
    const source = sourceFor(
      {},
      {
        AWS_ACCESS_KEY_ID: key.accessKeyId,
        AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
        AWS_DEFAULT_REGION: 'eu-west-1',
      },
    );
    expect(source.environmentForTools()).toBeUndefined();
    const token = await source.subjectToken();
    expect(token.claims).toEqual({
      aws_access_key: 'AKIA…',
      aws_credential_source: 'environment variables (AWS_ACCESS_KEY_ID)',
      aws_region: 'eu-west-1',
    });
    expect(source.environmentForTools()).toBeUndefined();
  });

  it("exports an assumed role's credentials, masked, saying until when they work", async () => {
    const key = user();
    const log = recordingLog();
    const source = sourceFor(
      { aws_role_arn: ROLE, aws_region: 'us-west-2' },
      { AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey, AWS_REGION: 'us-west-2' },
      log,
    );
    const token = await source.subjectToken();
    expect(token.claims['aws_role_arn']).toBe(ROLE);
    const exported = source.environmentForTools();
    expect(Object.keys(exported?.variables ?? {})).toEqual([
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
    ]);
    expect(masks.values).toEqual(expect.arrayContaining(Object.values(exported?.variables ?? {})));
    expect(exported?.note).toMatch(/expiring \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\).*stops working when they expire/);
    expect(log.lines).toContain(`info: AWS region us-west-2 (from the aws_region input).`);
    expect(
      log.lines.some((l) =>
        l.startsWith(
          `info: Assumed ${ROLE}: access key ASIA… from AssumeRole (aws_role_arn) with environment variables`,
        ),
      ),
    ).toBe(true);
  });

  it('clears a stale AWS_SESSION_TOKEN when exporting long-term profile keys', async () => {
    const key = user();
    await writeFile(
      join(dir, 'credentials'),
      `[ci]\naws_access_key_id = ${key.accessKeyId}\naws_secret_access_key = ${key.secretAccessKey}\n`,
    );
    const source = sourceFor(
      { aws_profile: 'ci', aws_region: 'eu-west-1' },
      { AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), AWS_SESSION_TOKEN: 'stale', AWS_REGION: 'eu-west-1' },
    );
    await source.subjectToken();
    expect(source.environmentForTools()?.variables).toEqual({
      AWS_ACCESS_KEY_ID: key.accessKeyId,
      AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
      AWS_SESSION_TOKEN: '',
    });
  });

  it('exports only the region for instance credentials', async () => {
    const source = sourceFor(
      {},
      { AWS_EC2_METADATA_DISABLED: undefined, AWS_EC2_METADATA_SERVICE_ENDPOINT: aws.imds.origin },
    );
    await source.subjectToken();
    expect(source.environmentForTools()?.variables).toEqual({ AWS_REGION: 'eu-west-1' });
  });

  it('is reported, not exported, when export_environment_variables is false', () => {
    const log = recordingLog();
    const results = new Results(configFor({ export_environment_variables: 'false' }), log);
    results.sourceEnvironment({ variables: { AWS_REGION: 'x', AWS_ACCESS_KEY_ID: 'y' }, note: 'exported them' });
    expect(log.lines).toEqual([
      'warning: export_environment_variables is false, so AWS_REGION, AWS_ACCESS_KEY_ID were not exported: ' +
        'tools that read the credentials file may not find what they need.',
    ]);
  });
});

describe('what is reported missing first', () => {
  const failure = (env: NodeJS.ProcessEnv, inputs: Record<string, string> = {}): Promise<string> =>
    sourceFor(inputs, env)
      .subjectToken()
      .then(
        () => 'no error',
        (err: Error) => err.message,
      );

  it('reports missing credentials, with the fix, before a missing region', async () => {
    const message = await failure({});
    expect(message).toMatch(/^No AWS credentials found for subject_token_source "aws"\. Looked at, in order:/);
    expect(message).toContain('run aws-actions/configure-aws-credentials before this step');
    expect(message).toContain('attach an instance profile (IAM role)');
    expect(message).not.toContain('region');
  });

  it('reports a missing region once credentials are found', async () => {
    const key = aws.world.addUser(`arn:aws:iam::${AWS_ACCOUNT}:user/ci`);
    expect(await failure({ AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey })).toMatch(
      /^No AWS region: set the aws_region input/,
    );
  });

  it('reports a missing region when finding the credentials needs AWS STS (a role to assume)', async () => {
    const tokenFile = join(dir, 'web-identity-token');
    await writeFile(tokenFile, 'eyJ.web.identity');
    const before = aws.sts.requestCount;
    expect(await failure({ AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile, AWS_ROLE_ARN: ROLE })).toMatch(
      /^AssumeRoleWithWebIdentity of .* failed: No AWS region: set the aws_region input/,
    );
    expect(aws.sts.requestCount).toBe(before);
  });
});

describe('failure messages for AWS (src/diagnose.ts)', () => {
  let context: FailureContext;
  beforeAll(() => {
    context = failureContext();
  });
  const failureContext = (): FailureContext => ({
    config: configFor({ service_account: 'sa@my-project.iam.gserviceaccount.com' }),
    source: sourceFor({}, {}).facts,
    claims: {
      aws_access_key: 'ASIA…',
      aws_credential_source: 'EC2 instance metadata (instance role "r")',
      aws_role_arn: ROLE,
      aws_region: 'eu-west-1',
    },
  });
  const sts = (message: string): ServiceError =>
    new ServiceError(STS_SERVICE, 400, message, 'POST https://sts.googleapis.com/v1/token', 1, 'invalid_grant');

  it('shows the AWS identity that was sent, never more than 4 characters of the key', () => {
    const message = describeFailure(sts('something odd'), context);
    expect(message).toContain(
      'Token sent by AWS: aws_access_key="ASIA…", aws_credential_source="EC2 instance metadata (instance role \\"r\\")", ' +
        `aws_role_arn="${ROLE}", aws_region="eu-west-1"`,
    );
    // Without a telling message, the four usual causes.
    expect(message).toMatch(
      /Hint: For an AWS provider the usual causes are: the provider is not of type AWS; its AWS account ID .* attribute condition .* more than 15 minutes\./,
    );
  });

  it.each([
    [
      'Received invalid AWS response of type SignatureDoesNotMatch with error message: ...',
      /secret access key does not match/,
    ],
    [
      'Received invalid AWS response of type SignatureDoesNotMatch with error message: Signature expired: 20240101T000000Z is now earlier than ...',
      /15-minute window/,
    ],
    [
      'Invalid value for "subject_token_type". The provider does not accept AWS credentials.',
      /not of type AWS: create it with "gcloud iam workload-identity-pools providers create-aws"/,
    ],
    ["The caller's AWS account 999 is not the provider's account", /AWS account ID configured on the provider/],
    ['The given credential is rejected by the attribute condition.', /attribute condition rejected this AWS identity/],
  ])('hints for "%s"', (text, hint) => {
    const message = describeFailure(sts(text), context);
    expect(message).toMatch(hint);
    expect(message.match(/Hint:/g)).toHaveLength(1);
    expect(message).not.toContain('repository_owner');
  });

  it('suggests the principalSet of the assumed role when impersonation is refused', () => {
    const denied = new ServiceError(
      IAM_SERVICE,
      403,
      'Permission denied',
      'POST https://iamcredentials.googleapis.com/v1/x',
      1,
    );
    expect(describeFailure(denied, context)).toContain(
      '--member="principalSet://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/aws-pool/' +
        'attribute.aws_role/arn:aws:sts::111122223333:assumed-role/deploy"',
    );
    const unknownRole = describeFailure(denied, { ...context, claims: { aws_access_key: 'AKIA…' } });
    expect(unknownRole).toContain('attribute.aws_role/arn:aws:sts::ACCOUNT_ID:assumed-role/ROLE_NAME');
  });
});
