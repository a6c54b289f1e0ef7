/**
 * The AWS credential chain: environment variables (src/sources/aws/env.ts), the first link of the chain (chain.ts), against the fake AWS
 * endpoints on 127.0.0.1 and nock for the link-local addresses (see support/aws-chain.ts).
 */
import { masks, baseEnv, chain, failure, writeConfig, useAwsChainFakes } from '../support/aws-chain.js';

useAwsChainFakes();

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
