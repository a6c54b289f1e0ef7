/**
 * The AWS credential chain: container credentials (src/sources/aws/ecs.ts), against the fake AWS
 * endpoints on 127.0.0.1 and nock for the link-local addresses (see support/aws-chain.ts).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import nock from 'nock';

import { startFakeAws } from '../fakes/aws.mjs';
import { dir, masks, baseEnv, chain, failure, DEPLOY_ROLE, useAwsChainFakes } from '../support/aws-chain.js';

useAwsChainFakes();

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
