/**
 * The GetCallerIdentity subject token (src/sources/aws/caller-identity.ts): a request signed with SigV4, its
 * signatures computed with AWS's own signer, @smithy/signature-v4 5.7.5 (applyChecksum: false), in a scratch
 * directory: an independent implementation, not ours.
 */
import { callerIdentityToken, callerIdentityUrl } from '../../src/sources/aws/caller-identity.js';
import { amzDate } from '../../src/sources/aws/sigv4.js';
import { captureMasks } from '../fakes/aws.mjs';
import { stdout as runnerStdout } from '../../src/runner-commands.js';
import { SUITE } from '../support/aws-sigv4-suite.js';
import { AWS_PROVIDER } from '../support/fixtures.js';

const TARGET = `//iam.googleapis.com/${AWS_PROVIDER}`;
const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLETOKEN//////////wEaCXVzLWVhc3QtMSJHMEUCIQ==';

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
