/**
 * subject_token_source: url as the pipeline sees it: its inputs (a URL and
 * headers that cannot change which request is made), masking of the header
 * values, the credential_source it writes, the request it sends, and its
 * errors and hints.
 */
import { type Config, readConfig, type WorkloadIdentityAuth } from '../../src/config.js';
import { describeFailure } from '../../src/diagnose.js';
import { ConfigError, ServiceError, StageError } from '../../src/errors.js';
import { Http } from '../../src/http.js';
import type { Log } from '../../src/log.js';
import { stdout as runnerStdout } from '../../src/runner-commands.js';
import type { SubjectSource } from '../../src/sources/subject-source.js';
import { parseHeaders, tokenUrl } from '../../src/sources/url/index.js';
import { captureMasks } from '../fakes/aws.mjs';
import { type FakeServer, jsonResponse, startFakeServer } from '../fakes/index.mjs';
import { GCLOUD_PROVIDER as PROVIDER } from '../support/fixtures.js';
import { hintsOfSourceFor, sourceOptions } from '../support/source-options.js';
import { messageOf } from '../support/unit.js';

const lines: string[] = [];
const log: Log = { debug: (m) => lines.push(`debug: ${m}`), info: (m) => lines.push(`info: ${m}`), warning: () => {} };

let server: FakeServer;
let masks: ReturnType<typeof captureMasks>;
const https: Http[] = [];
beforeAll(async () => {
  server = await startFakeServer({
    name: 'token-url',
    handler: (req) => {
      if (req.path === '/moved') return { status: 302, headers: { location: 'https://elsewhere.example.com/' } };
      return req.headers['x-api-key'] === 'key-0123456789'
        ? jsonResponse(200, { access: 'eyJ.token.sig' })
        : jsonResponse(403, { message: 'forbidden' });
    },
  });
});
afterAll(() => server.close());
beforeEach(() => {
  lines.length = 0;
  server.reset();
  masks = captureMasks(runnerStdout);
});
afterEach(() => {
  masks.stop();
  for (const h of https.splice(0)) h.dispose();
});

function configFor(inputs: Record<string, string>): Config {
  return readConfig(
    (name) => ({ workload_identity_provider: PROVIDER, subject_token_source: 'url', ...inputs })[name] ?? '',
  );
}

async function sourceFor(inputs: Record<string, string>): Promise<SubjectSource> {
  const auth = configFor(inputs).auth as WorkloadIdentityAuth;
  const http = new Http({ userAgent: 'test', retries: 0, requestTimeoutMs: 2000, log });
  https.push(http);
  return auth.source.start({ provider: auth.provider, env: {}, http, log });
}

/** The inputs configFor gives readConfig. */
function urlInputs(inputs: Record<string, string>): Record<string, string> {
  return { workload_identity_provider: PROVIDER, subject_token_source: 'url', ...inputs };
}

function configErrorOf(inputs: Record<string, string>): string {
  return messageOf(() => configFor(inputs));
}

describe('subject_token_headers', () => {
  it('one "Name: value" per line, blank lines and CRLF line ends allowed, order kept', () => {
    expect(parseHeaders('Authorization: Bearer a:b \r\n\n  X-Api-Key:k\n')).toEqual({
      Authorization: 'Bearer a:b',
      'X-Api-Key': 'k',
    });
  });

  it.each([
    ['no colon', 'Bearer SECRET-1', /line 1 must be "Name: value"/],
    ['no name', ': SECRET-1', /line 1 must be "Name: value"/],
    ['a space in the name', 'X Api: SECRET-1', /line 1: a header name is letters, digits and -/],
    ['a CR inside', 'X-A: SECRET-1\rX-B: y', /the value of "X-A" must be non-empty and without control characters/],
    ['a NUL', 'X-A: SECRET-1\u0000', /without control characters/],
    ['an empty value', 'X-A:', /the value of "X-A" must be non-empty/],
    ['twice', 'X-A: 1\nx-a: SECRET-1', /line 2: "x-a" is given twice/],
    ['Host', 'Host: evil.example', /"Host" is set by the HTTP client/],
    ['Content-Length', 'Content-Length: 5', /"Content-Length" is set by the HTTP client/],
  ])('refuses %s, naming the line but not the value', (_name, text, expected) => {
    let message = '';
    try {
      parseHeaders(text);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    expect(message).toMatch(expected);
    expect(message).not.toContain('SECRET');
  });
});

describe('subject_token_url', () => {
  it('keeps the URL as given, with the headers and format', () => {
    const options = sourceOptions(
      tokenUrl,
      urlInputs({
        subject_token_url: 'https://resigner.example.com/token?aud=x',
        subject_token_headers: 'X-Api-Key: k',
        subject_token_format: 'json',
        subject_token_field: 'access',
      }),
    );
    expect(options).toEqual({
      url: 'https://resigner.example.com/token?aud=x',
      headers: { 'X-Api-Key': 'k' },
      format: { type: 'json', field: 'access', explicit: true },
      subjectTokenType: 'urn:ietf:params:oauth:token-type:jwt',
    });
  });

  it.each([
    ['', /needs "subject_token_url"/],
    ['resigner.example.com/token', /must be a full http\(s\) URL on one line/],
    ['https://a.example.com/x y', /must be a full http\(s\) URL on one line/],
    ['ftp://a.example.com/token', /must be an http or https URL, not ftp:/],
    ['https://u:SECRET-1@a.example.com/', /must not hold a user name or password/],
    // headers (often a credential) and the token in clear text over the network (issue 21)
    ['http://token-service.example.com/token', /must be an https:\/\/ URL: plain http:\/\/ only to this machine/],
    ['http://10.0.0.8/token', /must be an https:\/\/ URL/],
    ['http://169.254.169.253/token', /must be an https:\/\/ URL/],
  ])('refuses %j', (url, expected) => {
    const message = configErrorOf({ subject_token_url: url });
    expect(message).toMatch(expected);
    expect(message).not.toContain('SECRET');
  });
});

it.each([
  'http://127.0.0.1:8080/t',
  'http://localhost/t',
  'http://[::1]/t',
  'http://169.254.169.254/t',
  'http://[fd00:ec2::254]/t',
])('takes plain http %s: this machine, or an instance metadata address', (url) => {
  const options = sourceOptions(tokenUrl, urlInputs({ subject_token_url: url }));
  expect(options.url).toBe(url);
});

describe('fetching the token', () => {
  const inputs = () => ({
    subject_token_url: `${server.origin}/token?sig=q-secret`,
    subject_token_headers: 'X-Api-Key: key-0123456789\nAuthorization: Bearer bearer-0123456789',
    subject_token_format: 'json',
    subject_token_field: 'access',
  });

  it('masks every header value (and the credential after a scheme) when it starts, before any request', async () => {
    await sourceFor(inputs());
    expect(masks.values).toEqual([
      'key-0123456789',
      'Bearer bearer-0123456789',
      'bearer-0123456789',
      // a server that echoes its URL must not print the credential in the query (issue 21)
      'sig=q-secret',
      'q-secret',
    ]);
    expect(server.requestCount).toBe(0);
  });

  it('masks query values long enough to be a credential, raw and decoded, but not short words, dates or versions', async () => {
    await sourceFor({
      subject_token_url: `${server.origin}/token?format=json&api-version=2018-02-01&code=a%2Fb%2Bc%3D%3Dxyz&n=1`,
    });
    expect(masks.values).toEqual([
      'format=json&api-version=2018-02-01&code=a%2Fb%2Bc%3D%3Dxyz&n=1',
      'a%2Fb%2Bc%3D%3Dxyz',
      'a/b+c==xyz',
    ]);
  });

  it.each([
    ['Metadata: true', []],
    ['Accept-Version: 2\nX-Request-Source: github-actions', []],
    ['Authorization: Basic dXNlcjpwYXNz', ['Basic dXNlcjpwYXNz', 'dXNlcjpwYXNz']],
    ['Cookie: s=1', ['s=1']],
    ['X-Vault-Token: hvs', ['hvs']],
    ['X-Goog-Signature: abc', ['abc']],
    ['X-Client-Secret: short', ['short']],
    ['X-Tenant: 0123456789abcdef0123', ['0123456789abcdef0123']],
    ['X-Custom: Bearer 0123456789abcdef0123', ['Bearer 0123456789abcdef0123', '0123456789abcdef0123']],
  ])('masks %j as %j: credential-bearing names and long opaque values only', async (headers, expected) => {
    await sourceFor({ ...inputs(), subject_token_headers: headers });
    // then the query's credential (sig=q-secret), as always
    expect(masks.values).toEqual([...expected, 'sig=q-secret', 'q-secret']);
  });

  it('GETs the URL with the headers; the token is masked; the log names headers, not values or the query', async () => {
    const source = await sourceFor(inputs());
    const { token } = await source.subjectToken();
    expect(token).toBe('eyJ.token.sig');
    expect(masks.values).toContain('eyJ.token.sig');
    expect(server.requests.map((r) => [r.method, r.url, r.headers['x-api-key'], r.headers['authorization']])).toEqual([
      ['GET', '/token?sig=q-secret', 'key-0123456789', 'Bearer bearer-0123456789'],
    ]);
    expect(lines.join('\n')).not.toMatch(/q-secret|0123456789|eyJ\.token/);
    expect(lines).toContain(
      `info: Fetching the subject token from ${server.origin}/token?… with the header(s) X-Api-Key, Authorization.`,
    );
    expect(await source.credentialSource()).toEqual({
      url: `${server.origin}/token?sig=q-secret`,
      headers: { 'X-Api-Key': 'key-0123456789', Authorization: 'Bearer bearer-0123456789' },
      format: { type: 'json', subject_token_field_name: 'access' },
    });
  });

  it('no headers: none in the credential_source', async () => {
    const source = await sourceFor({ subject_token_url: 'https://a.example.com/t' });
    expect(await source.credentialSource()).toEqual({ url: 'https://a.example.com/t' });
  });

  it('a refusal is a ServiceError of the token URL, and diagnose.ts adds its own hint', async () => {
    const source = await sourceFor({ ...inputs(), subject_token_headers: 'X-Api-Key: wrong-key-value' });
    const err = await source.subjectToken().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceError);
    expect(describeFailure(err, { config: configFor(inputs()), source: source.facts })).toBe(
      `Token URL failed: Token URL answered HTTP 403 (GET ${server.origin}/token): forbidden\n` +
        'Hint: subject_token_url refused the request (HTTP 403): check the credential in subject_token_headers ' +
        '(wrong, expired, or not the header the service expects) and that this identity may get a token there.',
    );
  });

  it('a redirect is not followed (the headers stay with the host they were meant for)', async () => {
    const source = await sourceFor({ ...inputs(), subject_token_url: `${server.origin}/moved` });
    const err = await source.subjectToken().catch((e: unknown) => e);
    expect(server.requests.map((r) => r.path)).toEqual(['/moved']);
    expect(hintsOfSourceFor(source, PROVIDER, err as ServiceError, undefined)).toEqual([
      'subject_token_url answered with a redirect (HTTP 302): give the final URL. Redirects are not followed, so ' +
        'that the headers never go to another host.',
    ]);
  });

  it('nothing listening: an error about the token URL, not about Google endpoints', async () => {
    const gone = await startFakeServer({ name: 'gone', handler: () => ({ status: 200 }) });
    await gone.close();
    const source = await sourceFor({ subject_token_url: `${gone.origin}/t` });
    const err = await source.subjectToken().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StageError);
    expect(
      describeFailure(err, { config: configFor({ subject_token_url: `${gone.origin}/t` }), source: source.facts }),
    ).toMatch(
      new RegExp(
        `^Token URL could not be reached \\(GET ${gone.origin}/t\\): ECONNREFUSED.*\\nHint: Nothing answered at subject_token_url`,
      ),
    );
  });
});
