/**
 * The AWS credential chain: the region and the STS endpoint (src/sources/aws/region.ts).
 */
import { resolveRegion, stsEndpoint } from '../../src/sources/aws/region.js';

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
