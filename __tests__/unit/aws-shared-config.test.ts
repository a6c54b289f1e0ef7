/**
 * The AWS credential chain: the shared config and credentials files (src/sources/aws/shared-config.ts), with the AssumeRole
 * profiles they describe (assume-role.ts), against the fake AWS
 * endpoints on 127.0.0.1 and nock for the link-local addresses (see support/aws-chain.ts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { parseIni, planProfile } from '../../src/sources/aws/shared-config.js';
import { aws, dir, baseEnv, chain, failure, writeConfig, DEPLOY_ROLE, useAwsChainFakes } from '../support/aws-chain.js';
import { AWS_ACCOUNT as ACCOUNT } from '../support/fixtures.js';

useAwsChainFakes();

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
