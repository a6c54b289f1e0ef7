/**
 * SigV4 (src/sources/aws/sigv4.ts) against known answers, and the fakes'
 * verifier against the same answers.
 *
 * - `get-vanilla` and `get-vanilla-query-order-key-case` are from AWS's
 *   Signature Version 4 test suite (credentials AKIDEXAMPLE, region
 *   us-east-1, service "service", 20150830T123600Z); the expected signatures
 *   are the suite's published ones (also in awslabs/aws-c-auth's copy of it).
 * - The AssumeRole signature (and the GetCallerIdentity ones of
 *   aws-caller-identity.test.ts) were computed with AWS's own signer, @smithy/signature-v4 5.7.5 (applyChecksum: false), in a
 *   scratch directory: an independent implementation, not ours.
 */
import { createHash } from 'node:crypto';

import { amzDate, signRequest } from '../../src/sources/aws/sigv4.js';
import { SUITE } from '../support/aws-sigv4-suite.js';

describe('SigV4: the AWS test suite', () => {
  it('get-vanilla', () => {
    const signed = signRequest({ ...SUITE, method: 'GET', url: new URL('https://example.amazonaws.com/') });
    expect(signed.canonicalRequest).toBe(
      [
        'GET',
        '/',
        '',
        'host:example.amazonaws.com',
        'x-amz-date:20150830T123600Z',
        '',
        'host;x-amz-date',
        createHash('sha256').update('').digest('hex'),
      ].join('\n'),
    );
    expect(signed.signature).toBe('5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31');
    expect(signed.headers['authorization']).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ' +
        'SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
  });

  it('get-vanilla-query-order-key-case: parameters are sorted', () => {
    const signed = signRequest({
      ...SUITE,
      method: 'GET',
      url: new URL('https://example.amazonaws.com/?Param2=value2&Param1=value1'),
    });
    expect(signed.canonicalRequest.split('\n')[2]).toBe('Param1=value1&Param2=value2');
    expect(signed.signature).toBe('b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500');
  });

  it('formats x-amz-date in ISO 8601 basic form', () => {
    expect(amzDate(new Date('2024-02-29T23:59:59.999Z'))).toBe('20240229T235959Z');
  });

  it('signs the body: an AssumeRole call as AWS signs it', () => {
    const body = new URLSearchParams({
      Action: 'AssumeRole',
      Version: '2011-06-15',
      RoleArn: 'arn:aws:iam::123456789012:role/deploy',
      RoleSessionName: 'GitHubActions',
      DurationSeconds: '3600',
      ExternalId: 'ext-123',
    }).toString();
    const signed = signRequest({
      method: 'POST',
      url: new URL('https://sts.eu-west-1.amazonaws.com/'),
      body,
      region: 'eu-west-1',
      service: 'sts',
      credentials: SUITE.credentials,
      date: new Date('2024-02-29T23:59:59Z'),
    });
    expect(signed.signature).toBe('a603d5b359f6ece5001fa4040a7dd3ff17de3c480a87416d44daa839310a4b17');
  });

  it('leaves a non-default port in host, as the request carries it', () => {
    const signed = signRequest({ ...SUITE, method: 'GET', url: new URL('http://127.0.0.1:8123/x') });
    expect(signed.headers['host']).toBe('127.0.0.1:8123');
  });
});

describe("the fakes' independent verifier", () => {
  // The fake Google STS trusts this verifier, so it must itself agree with AWS.
  it('accepts the published get-vanilla signature and rejects a changed one', async () => {
    const { verifySignedRequest } = await import('../fakes/aws.mjs');
    const request = (signature: string) => ({
      method: 'GET',
      url: 'https://example.amazonaws.com/',
      headers: {
        Host: 'example.amazonaws.com',
        'X-Amz-Date': '20150830T123600Z',
        Authorization:
          'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ' +
          `SignedHeaders=host;x-amz-date, Signature=${signature}`,
      },
    });
    const options = { secretFor: () => SUITE.credentials, nowMs: SUITE.date.getTime() };
    expect(
      verifySignedRequest(request('5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31'), options),
    ).toMatchObject({
      accessKeyId: 'AKIDEXAMPLE',
      region: 'us-east-1',
    });
    expect(() =>
      verifySignedRequest(request('5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf30'), options),
    ).toThrow(/signature we calculated does not match/);
    expect(() =>
      verifySignedRequest(request('5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31'), {
        ...options,
        nowMs: SUITE.date.getTime() + 16 * 60_000,
      }),
    ).toThrow(/Signature expired/);
  });
});
