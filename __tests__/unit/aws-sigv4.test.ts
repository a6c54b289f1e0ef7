/**
 * SigV4 against known answers.
 *
 * - `get-vanilla` and `get-vanilla-query-order-key-case` are from AWS's
 *   Signature Version 4 test suite (credentials AKIDEXAMPLE, region
 *   us-east-1, service "service", 20150830T123600Z); the expected signatures
 *   are the suite's published ones (also in awslabs/aws-c-auth's copy of it).
 * - The GetCallerIdentity and AssumeRole signatures were computed with AWS's
 *   own signer, @smithy/signature-v4 5.7.5 (applyChecksum: false), in a
 *   scratch directory: an independent implementation, not ours.
 */
import { createHash } from 'node:crypto';

import { callerIdentityToken, callerIdentityUrl } from '../../src/sources/aws/caller-identity.js';
import { amzDate, signRequest } from '../../src/sources/aws/sigv4.js';
import { captureMasks } from '../fakes/aws.mjs';
import { stdout as runnerStdout } from '../../src/runner-commands.js';
import { AWS_PROVIDER } from '../support/fixtures.js';

const SUITE = {
  region: 'us-east-1',
  service: 'service',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
  date: new Date('2015-08-30T12:36:00Z'),
};

const TARGET = `//iam.googleapis.com/${AWS_PROVIDER}`;
const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLETOKEN//////////wEaCXVzLWVhc3QtMSJHMEUCIQ==';

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

describe('the GetCallerIdentity subject token', () => {
  interface Token {
    url: string;
    method: string;
    headers: Array<{ key: string; value: string }>;
  }
  const decode = (token: string): Token => JSON.parse(decodeURIComponent(token)) as Token;
  const header = (token: Token, key: string): string | undefined => token.headers.find((h) => h.key === key)?.value;

  const cases = [
    {
      name: 'global endpoint, long-term key',
      host: 'sts.amazonaws.com',
      region: 'us-east-1',
      date: '2024-02-29T23:59:59Z',
      signature: '673c26305a1536e78b738f716c4a4ba74cafee98daaf77fca9befe28016699e0',
    },
    {
      name: 'regional endpoint, long-term key',
      host: 'sts.eu-west-1.amazonaws.com',
      region: 'eu-west-1',
      date: '2024-02-29T23:59:59Z',
      signature: '4c91409b5b1ef2f1e91cc25c37471c98674053b9795453925cd212114c1750a4',
    },
    {
      name: 'global endpoint, temporary credentials',
      host: 'sts.amazonaws.com',
      region: 'us-east-1',
      date: '2015-08-30T12:36:00Z',
      sessionToken: SESSION_TOKEN,
      signature: '5cb62293ba11f3776bfddb1be181dc8d26b2417a2a43c66163133c4f108df6cc',
    },
    {
      name: 'regional endpoint, temporary credentials',
      host: 'sts.ap-southeast-2.amazonaws.com',
      region: 'ap-southeast-2',
      date: '2015-08-30T12:36:00Z',
      sessionToken: SESSION_TOKEN,
      signature: 'fc1867998da27a5668d1e26145269010b9086f0755c56bcd84f58bc8731e5d65',
    },
  ];

  it.each(cases)('$name', ({ host, region, date, sessionToken, signature }) => {
    const masks = captureMasks(runnerStdout);
    let encoded: string;
    try {
      encoded = callerIdentityToken({
        credentials: {
          accessKeyId: sessionToken ? 'ASIAEXAMPLE' : 'AKIDEXAMPLE',
          secretAccessKey: SUITE.credentials.secretAccessKey,
          ...(sessionToken ? { sessionToken } : {}),
        },
        region,
        host,
        targetResource: TARGET,
        date: new Date(date),
      });
    } finally {
      masks.stop();
    }
    const token = decode(encoded);
    expect(token.url).toBe(`https://${host}?Action=GetCallerIdentity&Version=2011-06-15`);
    expect(token.method).toBe('POST');
    expect(token.headers.map((h) => h.key).sort()).toEqual(
      [
        'Authorization',
        'host',
        'x-amz-date',
        'x-goog-cloud-target-resource',
        ...(sessionToken ? ['x-amz-security-token'] : []),
      ].sort(),
    );
    expect(header(token, 'host')).toBe(host);
    expect(header(token, 'x-amz-date')).toBe(amzDate(new Date(date)));
    expect(header(token, 'x-goog-cloud-target-resource')).toBe(TARGET);
    expect(header(token, 'x-amz-security-token')).toBe(sessionToken);
    const scope = `${amzDate(new Date(date)).slice(0, 8)}/${region}/sts/aws4_request`;
    const signed = `host;x-amz-date;${sessionToken ? 'x-amz-security-token;' : ''}x-goog-cloud-target-resource`;
    expect(header(token, 'Authorization')).toBe(
      `AWS4-HMAC-SHA256 Credential=${sessionToken ? 'ASIAEXAMPLE' : 'AKIDEXAMPLE'}/${scope}, ` +
        `SignedHeaders=${signed}, Signature=${signature}`,
    );

    // Masked before it was returned: the whole token (both forms) and the signature header.
    expect(masks.values).toContain(encoded);
    expect(masks.values).toContain(decodeURIComponent(encoded));
    expect(masks.values).toContain(header(token, 'Authorization'));
  });

  it('is URL-encoded JSON, as Google STS expects', () => {
    const masks = captureMasks(runnerStdout);
    try {
      const encoded = callerIdentityToken({
        credentials: SUITE.credentials,
        region: 'us-east-1',
        host: 'sts.us-east-1.amazonaws.com',
        targetResource: TARGET,
        date: SUITE.date,
      });
      expect(encoded).toMatch(
        /^%7B%22url%22%3A%22https%3A%2F%2Fsts\.us-east-1\.amazonaws\.com%3FAction%3DGetCallerIdentity/,
      );
    } finally {
      masks.stop();
    }
  });

  it('has the URL template of the credentials file', () => {
    expect(callerIdentityUrl('sts.{region}.amazonaws.com')).toBe(
      'https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15',
    );
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
