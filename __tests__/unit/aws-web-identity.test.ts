/**
 * The AWS credential chain: web identity from the environment (src/sources/aws/web-identity.ts): AssumeRoleWithWebIdentity, against the fake AWS
 * endpoints on 127.0.0.1 and nock for the link-local addresses (see support/aws-chain.ts).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { aws, dir, masks, baseEnv, chain, failure, DEPLOY_ROLE, useAwsChainFakes } from '../support/aws-chain.js';
import { AWS_ACCOUNT as ACCOUNT } from '../support/fixtures.js';

useAwsChainFakes();

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
