/**
 * The AWS credential chain, link by link, against the fake AWS endpoints on
 * 127.0.0.1 (AssumeRole signatures are checked by the fakes' independent
 * verifier) and, for the fixed link-local addresses, nock. No request leaves
 * the machine: nock refuses every host but 127.0.0.1.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import nock from 'nock';

import { describeFailure } from '../../src/diagnose.js';
import { EnvironmentError, StageError } from '../../src/errors.js';
import { Http } from '../../src/http.js';
import type { Log } from '../../src/log.js';
import type { StsContext } from '../../src/sources/aws/assume-role.js';
import { type ChainContext, findCredentials } from '../../src/sources/aws/chain.js';
import { InstanceMetadata } from '../../src/sources/aws/imds.js';
import { resolveRegion, stsEndpoint } from '../../src/sources/aws/region.js';
import { loadSharedConfig, parseIni, planProfile } from '../../src/sources/aws/shared-config.js';
import { captureMasks, type FakeAws, startFakeAws } from '../fakes/aws.mjs';
import { stdout as runnerStdout } from '../../src/runner-commands.js';
import { AWS_ACCOUNT as ACCOUNT } from '../support/fixtures.js';

const silent: Log = { debug: () => {}, info: () => {}, warning: () => {} };
const DEPLOY_ROLE = `arn:aws:iam::${ACCOUNT}:role/deploy`;

let aws: FakeAws;
let dir: string;
let masks: ReturnType<typeof captureMasks>;
const https: Http[] = [];

function http(timeoutMs = 2000): Http {
  const h = new Http({ userAgent: 'test', retries: 0, requestTimeoutMs: timeoutMs, log: silent });
  https.push(h);
  return h;
}

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  aws = await startFakeAws({ imds: { roleName: 'runner-role', accountId: ACCOUNT } });
  aws.world.addRole(DEPLOY_ROLE, { externalId: 'ext-1', webIdentityTokens: ['eyJ.web.identity'] });
});
afterAll(async () => {
  await aws.close();
  nock.enableNetConnect();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aws-chain-'));
  masks = captureMasks(runnerStdout);
});
afterEach(async () => {
  masks.stop();
  for (const h of https.splice(0)) h.dispose();
  nock.cleanAll();
  await rm(dir, { recursive: true, force: true });
});

/** An environment that can reach only the fakes: no real ~/.aws, no real instance metadata. */
function baseEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    HOME: dir,
    AWS_ENDPOINT_URL_STS: aws.sts.origin,
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

async function chain(env: NodeJS.ProcessEnv, profileInput?: string): Promise<ReturnType<typeof findCredentials>> {
  const h = http();
  const sts: StsContext = { http: h, env, region: 'eu-west-1', now: () => new Date() };
  const imds = new InstanceMetadata({ env, http: h, probeTimeoutMs: 500 });
  const profile: ChainContext['profile'] = profileInput
    ? { name: profileInput, namedBy: 'the aws_profile input' }
    : env['AWS_PROFILE']
      ? { name: env['AWS_PROFILE'], namedBy: 'AWS_PROFILE' }
      : { name: 'default' };
  return findCredentials({ env, http: h, sts, imds, shared: await loadSharedConfig(env), profile });
}

/** The failure as the step prints it: a local problem (EnvironmentError), or AWS's refusal with its hint (StageError). */
async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(err instanceof EnvironmentError || err instanceof StageError).toBe(true);
    return describeFailure(err, {});
  }
  throw new Error('expected an EnvironmentError or a StageError');
}

async function writeConfig(config: string, credentials = ''): Promise<NodeJS.ProcessEnv> {
  await writeFile(join(dir, 'config'), config);
  await writeFile(join(dir, 'credentials'), credentials);
  return { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') };
}

describe('1. environment variables', () => {
  it('come first, with the session token, and are masked', async () => {
    const env = baseEnv({
      AWS_ACCESS_KEY_ID: 'ASIAENV',
      AWS_SECRET_ACCESS_KEY: 'env-secret',
      AWS_SESSION_TOKEN: 'env-token',
    });
    const { credentials, link } = await chain(env);
    expect(link).toBe('environment');
    expect(credentials).toMatchObject({
      accessKeyId: 'ASIAENV',
      secretAccessKey: 'env-secret',
      sessionToken: 'env-token',
    });
    expect(masks.values).toEqual(expect.arrayContaining(['env-secret', 'env-token', 'ASIAENV']));
  });

  it('refuses half a pair, mentioning forks (an empty secret)', async () => {
    const message = await failure(chain(baseEnv({ AWS_ACCESS_KEY_ID: 'AKIAX', AWS_SECRET_ACCESS_KEY: '' })));
    expect(message).toMatch(/AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is empty.*forks/);
  });

  it('are skipped when the aws_profile input names a profile', async () => {
    const files = await writeConfig(
      '[profile ci]\nregion = eu-west-1\n',
      '[ci]\naws_access_key_id = AKIAFILE\naws_secret_access_key = file-secret\n',
    );
    const env = baseEnv({ ...files, AWS_ACCESS_KEY_ID: 'AKIAENV', AWS_SECRET_ACCESS_KEY: 'env-secret' });
    const { credentials, link } = await chain(env, 'ci');
    expect(link).toBe('profile');
    expect(credentials.accessKeyId).toBe('AKIAFILE');
    expect(credentials.source).toBe('AWS profile "ci"');
  });
});

describe('2. web identity from the environment', () => {
  it('exchanges the token file with AssumeRoleWithWebIdentity', async () => {
    await writeFile(join(dir, 'token'), 'eyJ.web.identity\n');
    const env = baseEnv({
      AWS_WEB_IDENTITY_TOKEN_FILE: join(dir, 'token'),
      AWS_ROLE_ARN: DEPLOY_ROLE,
      AWS_ROLE_SESSION_NAME: 'irsa',
    });
    const { credentials, link } = await chain(env);
    expect(link).toBe('web-identity');
    expect(credentials.accessKeyId).toMatch(/^ASIA/);
    expect(credentials.roleArn).toBe(DEPLOY_ROLE);
    expect(aws.world.keys.get(credentials.accessKeyId)?.arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/deploy/irsa`);
    expect(masks.values).toEqual(
      expect.arrayContaining(['eyJ.web.identity', credentials.secretAccessKey, credentials.sessionToken]),
    );
  });

  it('names the role and the step when AWS refuses the token', async () => {
    await writeFile(join(dir, 'token'), 'not-a-known-token');
    const env = baseEnv({ AWS_WEB_IDENTITY_TOKEN_FILE: join(dir, 'token'), AWS_ROLE_ARN: DEPLOY_ROLE });
    const message = await failure(chain(env));
    expect(message).toContain(`AssumeRoleWithWebIdentity of ${DEPLOY_ROLE} failed`);
    expect(message).toContain('InvalidIdentityToken');
    expect(message).toMatch(/Hint: .*trust policy/);
  });

  it('needs both variables', async () => {
    expect(await failure(chain(baseEnv({ AWS_ROLE_ARN: DEPLOY_ROLE })))).toMatch(/AWS_WEB_IDENTITY_TOKEN_FILE is not/);
  });
});

describe('3. shared config and credentials files', () => {
  it('parses the AWS INI dialect', () => {
    const ini = parseIni(
      '# comment\n[default]\nregion = us-east-1 # inline\n; other comment\n[profile x]\ns3 =\n  max_concurrent_requests = 10\nrole_arn=arn:aws:iam::1:role/r\n',
    );
    expect(ini.get('default')).toEqual({ region: 'us-east-1' });
    expect(ini.get('profile x')).toEqual({
      s3: '',
      's3.max_concurrent_requests': '10',
      role_arn: 'arn:aws:iam::1:role/r',
    });
  });

  it('reads the default profile from ~/.aws, credentials file winning', async () => {
    const awsDir = join(dir, '.aws');
    await mkdir(awsDir);
    await writeFile(join(awsDir, 'config'), '[default]\naws_access_key_id = AKIACONFIG\naws_secret_access_key = c\n');
    await writeFile(
      join(awsDir, 'credentials'),
      '[default]\naws_access_key_id = AKIACREDS\naws_secret_access_key = s\n',
    );
    const { credentials } = await chain(baseEnv());
    expect(credentials.accessKeyId).toBe('AKIACREDS');
  });

  it('assumes a role_arn profile on top of source_profile, signing AssumeRole', async () => {
    const user = aws.world.addUser(`arn:aws:iam::${ACCOUNT}:user/ci`);
    const files = await writeConfig(
      '[profile deploy]\nrole_arn = ' +
        DEPLOY_ROLE +
        '\nsource_profile = base\nexternal_id = ext-1\n' +
        'role_session_name = from-profile\nduration_seconds = 1800\n',
      `[base]\naws_access_key_id = ${user.accessKeyId}\naws_secret_access_key = ${user.secretAccessKey}\n`,
    );
    const { credentials } = await chain(baseEnv({ ...files, AWS_PROFILE: 'deploy' }));
    expect(credentials.roleArn).toBe(DEPLOY_ROLE);
    expect(credentials.source).toBe('AWS profile "deploy" via AWS profile "base"');
    const issued = aws.world.keys.get(credentials.accessKeyId);
    expect(issued?.arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/deploy/from-profile`);
    const sent = aws.sts.requests.at(-1);
    expect(sent?.form).toMatchObject({ Action: 'AssumeRole', ExternalId: 'ext-1', DurationSeconds: '1800' });
  });

  it('uses credential_source = Environment', async () => {
    const user = aws.world.addUser(`arn:aws:iam::${ACCOUNT}:user/env`);
    const files = await writeConfig(
      `[profile deploy]\nrole_arn = ${DEPLOY_ROLE}\ncredential_source = Environment\nexternal_id = ext-1\n`,
    );
    const env = baseEnv({ ...files, AWS_ACCESS_KEY_ID: user.accessKeyId, AWS_SECRET_ACCESS_KEY: user.secretAccessKey });
    const { credentials } = await chain(env, 'deploy');
    expect(credentials.roleArn).toBe(DEPLOY_ROLE);
    expect(credentials.source).toContain('via environment variables');
  });

  it('uses credential_source = Ec2InstanceMetadata', async () => {
    const files = await writeConfig(
      `[profile deploy]\nrole_arn = ${DEPLOY_ROLE}\ncredential_source = Ec2InstanceMetadata\nexternal_id = ext-1\n`,
    );
    const env = baseEnv({
      ...files,
      AWS_EC2_METADATA_DISABLED: undefined,
      AWS_EC2_METADATA_SERVICE_ENDPOINT: aws.imds.origin,
    });
    const { credentials } = await chain(env, 'deploy');
    expect(credentials.source).toBe('AWS profile "deploy" via EC2 instance metadata (instance role "runner-role")');
  });

  it('uses credential_source = EcsContainer', async () => {
    const files = await writeConfig(
      `[profile deploy]\nrole_arn = ${DEPLOY_ROLE}\ncredential_source = EcsContainer\nexternal_id = ext-1\n`,
    );
    const env = baseEnv({ ...files, AWS_CONTAINER_CREDENTIALS_FULL_URI: aws.ecsUrl });
    const { credentials } = await chain(env, 'deploy');
    expect(credentials.source).toContain('via ECS container credentials');
  });

  it('follows a web_identity_token_file profile', async () => {
    await writeFile(join(dir, 'token'), 'eyJ.web.identity');
    const files = await writeConfig(
      `[profile wi]\nrole_arn = ${DEPLOY_ROLE}\nweb_identity_token_file = ${join(dir, 'token')}\n`,
    );
    const { credentials } = await chain(baseEnv({ ...files, AWS_PROFILE: 'wi' }));
    expect(credentials.roleArn).toBe(DEPLOY_ROLE);
  });

  it('lets a profile name itself as source_profile to use its own keys', async () => {
    const user = aws.world.addUser(`arn:aws:iam::${ACCOUNT}:user/self`);
    const files = await writeConfig(
      '',
      `[self]\naws_access_key_id = ${user.accessKeyId}\naws_secret_access_key = ${user.secretAccessKey}\n` +
        `role_arn = ${DEPLOY_ROLE}\nsource_profile = self\nexternal_id = ext-1\n`,
    );
    const { credentials } = await chain(baseEnv({ ...files, AWS_PROFILE: 'self' }));
    expect(credentials.roleArn).toBe(DEPLOY_ROLE);
  });

  it.each([
    [
      'mfa_serial',
      `[profile p]\nrole_arn = ${DEPLOY_ROLE}\nsource_profile = q\nmfa_serial = arn:aws:iam::1:mfa/me\n`,
      /MFA code is needed, and no one can type it in CI/,
    ],
    ['SSO', '[profile p]\nsso_session = corp\nsso_account_id = 1\n', /sso_session, which this action does not support/],
    [
      'credential_process',
      '[profile p]\ncredential_process = /bin/creds\n',
      /credential_process, which this action does not support/,
    ],
    [
      'a loop',
      `[profile p]\nrole_arn = ${DEPLOY_ROLE}\nsource_profile = q\n[profile q]\nrole_arn = ${DEPLOY_ROLE}\nsource_profile = p\n`,
      /source_profile loops \(p -> q -> p\)/,
    ],
    [
      'a bad credential_source',
      `[profile p]\nrole_arn = ${DEPLOY_ROLE}\ncredential_source = Laptop\n`,
      /valid values are Environment, Ec2InstanceMetadata, EcsContainer/,
    ],
    [
      'both sources',
      `[profile p]\nrole_arn = ${DEPLOY_ROLE}\nsource_profile = q\ncredential_source = Environment\n`,
      /both source_profile and credential_source/,
    ],
    ['role_arn alone', `[profile p]\nrole_arn = ${DEPLOY_ROLE}\n`, /nothing to assume the role with/],
    [
      'a bad duration',
      `[profile p]\nrole_arn = ${DEPLOY_ROLE}\ncredential_source = Environment\nduration_seconds = 60\n`,
      /900 to 43200/,
    ],
    [
      'a missing source profile',
      `[profile p]\nrole_arn = ${DEPLOY_ROLE}\nsource_profile = nowhere\n`,
      /source_profile "nowhere", which is not in/,
    ],
  ])('refuses %s clearly', async (_name, config, message) => {
    const files = await writeConfig(config);
    expect(await failure(chain(baseEnv({ ...files, AWS_PROFILE: 'p' })))).toMatch(message);
  });

  it('says which profiles exist when the named one does not', async () => {
    const files = await writeConfig('[profile a]\nregion = us-east-1\n[default]\nregion = us-east-1\n');
    const message = await failure(chain(baseEnv(files), 'missing'));
    expect(message).toMatch(
      /AWS profile "missing" \(named by the aws_profile input\) does not exist in .*config.*Profiles found: a, default\./,
    );
  });

  it('plans nothing for a profile without credentials', async () => {
    expect(planProfile({ profiles: new Map([['x', { region: 'us-east-1' }]]), files: [] }, 'x')).toBeUndefined();
  });
});

describe('4. container credentials', () => {
  it('reads AWS_CONTAINER_CREDENTIALS_FULL_URI with the token from a file', async () => {
    const secured = await startFakeAws({ ecs: { roleArn: DEPLOY_ROLE, authorizationToken: 'pod-identity-token' } });
    try {
      await writeFile(join(dir, 'ecs-token'), 'pod-identity-token\n');
      const env = baseEnv({
        AWS_CONTAINER_CREDENTIALS_FULL_URI: secured.ecsUrl,
        AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: join(dir, 'ecs-token'),
      });
      const { credentials, link } = await chain(env);
      expect(link).toBe('container');
      expect(credentials.roleArn).toBe(DEPLOY_ROLE);
      expect(credentials.source).toBe('ECS container credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI)');
      expect(masks.values).toContain('pod-identity-token');
    } finally {
      await secured.close();
    }
  });

  it('reads AWS_CONTAINER_CREDENTIALS_RELATIVE_URI from 169.254.170.2', async () => {
    nock('http://169.254.170.2').get('/v2/credentials/abc').reply(200, {
      AccessKeyId: 'ASIAECS',
      SecretAccessKey: 'ecs-secret',
      Token: 'ecs-token',
      Expiration: '2030-01-01T00:00:00Z',
      RoleArn: DEPLOY_ROLE,
    });
    const { credentials } = await chain(baseEnv({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/abc' }));
    expect(credentials).toMatchObject({ accessKeyId: 'ASIAECS', expiration: new Date('2030-01-01T00:00:00Z') });
  });

  it('refuses a plain-HTTP full URI to another host, as the SDKs do', async () => {
    const message = await failure(chain(baseEnv({ AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://example.com/creds' })));
    expect(message).toMatch(/must use HTTPS, a loopback address, or the ECS\/EKS link-local address/);
  });
});

describe('5. EC2 instance metadata', () => {
  const imdsEnv = (): NodeJS.ProcessEnv =>
    baseEnv({ AWS_EC2_METADATA_DISABLED: undefined, AWS_EC2_METADATA_SERVICE_ENDPOINT: aws.imds.origin });

  it('uses an IMDSv2 session token for every request', async () => {
    aws.imds.reset();
    const { credentials, link } = await chain(imdsEnv());
    expect(link).toBe('instance-metadata');
    expect(credentials.source).toBe('EC2 instance metadata (instance role "runner-role")');
    expect(credentials.accessKeyId).toMatch(/^ASIA/);
    const [put, ...gets] = aws.imds.requests;
    expect(put).toMatchObject({ method: 'PUT', path: '/latest/api/token' });
    expect(put?.headers['x-aws-ec2-metadata-token-ttl-seconds']).toBe('21600');
    expect(gets.map((r) => r.path)).toEqual([
      '/latest/meta-data/iam/security-credentials/',
      '/latest/meta-data/iam/security-credentials/runner-role',
    ]);
    for (const get of gets) expect(get.headers['x-aws-ec2-metadata-token']).toBe(put?.responseBody);
    expect(masks.values).toContain(put?.responseBody);
  });

  it('gives the region: the availability zone minus its letter', async () => {
    const env = imdsEnv();
    const imds = new InstanceMetadata({ env, http: http(), probeTimeoutMs: 500 });
    expect(await resolveRegion({ env, instanceRegion: () => imds.region() })).toEqual({
      region: 'eu-west-1',
      from: 'EC2 instance metadata',
    });
  });

  it('falls back to IMDSv1 when the token PUT is not supported (405)', async () => {
    nock('http://169.254.169.254')
      .put('/latest/api/token')
      .reply(405)
      .get('/latest/meta-data/')
      .reply(200, 'iam/')
      .get('/latest/meta-data/iam/security-credentials/')
      .reply(200, 'old-role\n')
      .get('/latest/meta-data/iam/security-credentials/old-role')
      .reply(200, { Code: 'Success', AccessKeyId: 'ASIAV1', SecretAccessKey: 's', Token: 't' });
    const { credentials } = await chain(baseEnv({ AWS_EC2_METADATA_DISABLED: undefined }));
    expect(credentials.accessKeyId).toBe('ASIAV1');
  });

  it('explains the hop limit when the token PUT times out and v1 is refused', async () => {
    nock('http://169.254.169.254')
      .put('/latest/api/token')
      .delay(800)
      .reply(200, 'late')
      .get('/latest/meta-data/')
      .reply(401);
    const message = await failure(chain(baseEnv({ AWS_EC2_METADATA_DISABLED: undefined })));
    expect(message).toMatch(/requires IMDSv2.*hop limit to 2/s);
  });

  it('reports an instance without a role', async () => {
    const bare = await startFakeAws({ imds: {} });
    try {
      const env = baseEnv({
        AWS_EC2_METADATA_DISABLED: undefined,
        AWS_EC2_METADATA_SERVICE_ENDPOINT: bare.imds.origin,
      });
      expect(await failure(chain(env))).toMatch(/This EC2 instance has no IAM role/);
    } finally {
      await bare.close();
    }
  });

  it('ends the chain with every place it looked when nothing answers', async () => {
    const env = baseEnv({
      AWS_EC2_METADATA_DISABLED: undefined,
      AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://127.0.0.1:9',
    });
    const message = await failure(chain(env));
    expect(message).toMatch(/^No AWS credentials found for subject_token_source "aws"\. Looked at, in order:/);
    for (const part of [
      'environment variables (AWS_ACCESS_KEY_ID): not set',
      'web identity (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN): not set',
      'AWS profile "default" (no shared config or credentials file): no credentials',
      'container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI): not set',
      'EC2 instance metadata (http://127.0.0.1:9): EC2 instance metadata could not be reached',
    ]) {
      expect(message).toContain(part);
    }
    expect(message).toContain('aws-actions/configure-aws-credentials');
  });

  it('is not asked at all when AWS_EC2_METADATA_DISABLED is true', async () => {
    expect(await failure(chain(baseEnv()))).toContain(
      'EC2 instance metadata (http://169.254.169.254): disabled by AWS_EC2_METADATA_DISABLED',
    );
  });
});

describe('region and endpoints', () => {
  const none = async (): Promise<undefined> => undefined;

  it('prefers the input, then AWS_REGION, AWS_DEFAULT_REGION, the profile, instance metadata', async () => {
    const env = { AWS_REGION: 'eu-west-2', AWS_DEFAULT_REGION: 'eu-west-3' };
    const profileRegion = { region: 'ap-south-1', profile: 'p' };
    expect(await resolveRegion({ input: 'us-west-2', env, profileRegion, instanceRegion: none })).toEqual({
      region: 'us-west-2',
      from: 'the aws_region input',
    });
    expect((await resolveRegion({ env, profileRegion, instanceRegion: none })).from).toBe('AWS_REGION');
    expect(
      (await resolveRegion({ env: { AWS_DEFAULT_REGION: 'eu-west-3' }, profileRegion, instanceRegion: none })).from,
    ).toBe('AWS_DEFAULT_REGION');
    expect((await resolveRegion({ env: {}, profileRegion, instanceRegion: none })).from).toBe('profile "p"');
  });

  it('says how to set a region when none is found, and refuses a malformed one', async () => {
    await expect(resolveRegion({ env: {}, instanceRegion: none })).rejects.toThrow(
      /No AWS region: set the aws_region input/,
    );
    await expect(resolveRegion({ env: { AWS_REGION: 'Frankfurt' }, instanceRegion: none })).rejects.toThrow(
      /"Frankfurt" from AWS_REGION is not a region name/,
    );
  });

  it('sends STS calls to AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, or the regional endpoint', () => {
    expect(stsEndpoint('eu-west-1', {})).toBe('https://sts.eu-west-1.amazonaws.com');
    expect(stsEndpoint('cn-north-1', {})).toBe('https://sts.cn-north-1.amazonaws.com.cn');
    expect(stsEndpoint('eu-west-1', { AWS_ENDPOINT_URL: 'https://vpce.example/' })).toBe('https://vpce.example');
    expect(stsEndpoint('eu-west-1', { AWS_ENDPOINT_URL: 'https://a', AWS_ENDPOINT_URL_STS: 'https://b' })).toBe(
      'https://b',
    );
    expect(
      stsEndpoint('eu-west-1', { AWS_ENDPOINT_URL_STS: 'https://b', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }),
    ).toBe('https://sts.eu-west-1.amazonaws.com');
  });
});
