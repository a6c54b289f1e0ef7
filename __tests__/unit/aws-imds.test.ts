/**
 * The AWS credential chain: EC2 instance metadata (src/sources/aws/imds.ts), IMDSv2 and v1, and the end of the chain when nothing
 * answers (chain.ts), against the fake AWS
 * endpoints on 127.0.0.1 and nock for the link-local addresses (see support/aws-chain.ts).
 */
import nock from 'nock';

import { InstanceMetadata } from '../../src/sources/aws/imds.js';
import { resolveRegion } from '../../src/sources/aws/region.js';
import { startFakeAws } from '../fakes/aws.mjs';
import { aws, masks, http, baseEnv, chain, failure, useAwsChainFakes } from '../support/aws-chain.js';

useAwsChainFakes();

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
