/**
 * Request URLs are built from encoded parts: url-path.ts and the URL builder of each service (iam-credentials.ts,
 * oauth2.ts, sts.ts, github-oidc.ts) — a suite across those modules.
 */
import { serviceAccountMethodUrl } from '../../src/google/iam-credentials.js';
import { oauth2TokenUrl } from '../../src/google/oauth2.js';
import { stsTokenUrl } from '../../src/google/sts.js';
import { oidcTokenUrl } from '../../src/sources/github-oidc.js';
import { pathSegment, urlOf } from '../../src/url-path.js';

describe('URLs are built from encoded parts', () => {
  const iam = 'https://iamcredentials.googleapis.com/v1';

  it('leaves valid emails as they are: the impersonation URL tools parse stays byte-identical', () => {
    const sa = 'deployer@my-project.iam.gserviceaccount.com';
    expect(serviceAccountMethodUrl(iam, sa, 'generateAccessToken')).toBe(
      `${iam}/projects/-/serviceAccounts/${sa}:generateAccessToken`,
    );
    // google-auth-library reads the email back with /serviceAccounts\/([^:]+):generateAccessToken$/.
    expect(
      /serviceAccounts\/(?<email>[^:]+):generateAccessToken$/.exec(
        serviceAccountMethodUrl(iam, sa, 'generateAccessToken'),
      )?.groups?.['email'],
    ).toBe(sa);
  });

  it.each([
    'sa@p.iam.gserviceaccount.com:signBlob?x=',
    'sa@p.iam.gserviceaccount.com#',
    'sa@p.iam.gserviceaccount.com/../../../v2/x',
    'a/b',
    '%2e%2e',
    'sa@p.iam.gserviceaccount.com\r\nHost: evil',
  ])('keeps %j inside one path segment, before the method', (value) => {
    const url = new URL(serviceAccountMethodUrl(iam, value, 'signJwt'));
    expect([url.origin, url.search, url.hash]).toEqual(['https://iamcredentials.googleapis.com', '', '']);
    const segments = url.pathname.split('/');
    expect(segments.slice(0, 5)).toEqual(['', 'v1', 'projects', '-', 'serviceAccounts']);
    expect(segments).toHaveLength(6);
    expect(segments[5]).toMatch(/:signJwt$/);
    expect(decodeURIComponent((segments[5] ?? '').replace(/:signJwt$/, ''))).toBe(value);
  });

  it('refuses segments that URL normalization would remove', () => {
    for (const part of ['', '.', '..']) expect(() => pathSegment(part)).toThrow('Not a path segment');
    expect(pathSegment('%2e%2e')).toBe('%252e%252e');
    expect(pathSegment('a@b:c/d?e#f')).toBe('a@b%3Ac%2Fd%3Fe%23f');
    expect(urlOf('https://oauth2.googleapis.com/', 'token')).toBe('https://oauth2.googleapis.com/token');
  });

  it('puts /token after the STS and OAuth2 endpoints', () => {
    expect(stsTokenUrl('https://sts.googleapis.com/v1')).toBe('https://sts.googleapis.com/v1/token');
    expect(oauth2TokenUrl('https://oauth2.googleapis.com')).toBe('https://oauth2.googleapis.com/token');
  });

  it('sets the GitHub OIDC audience as one encoded query parameter', () => {
    const base = 'https://run.actions.githubusercontent.com/abc/idtoken/xyz?api-version=2.0&audience=old';
    const url = new URL(oidcTokenUrl(base, 'https://x/#?&audience=evil y'));
    expect(url.origin + url.pathname).toBe('https://run.actions.githubusercontent.com/abc/idtoken/xyz');
    expect([...url.searchParams]).toEqual([
      ['api-version', '2.0'],
      ['audience', 'https://x/#?&audience=evil y'],
    ]);
    expect(url.hash).toBe('');
  });
});
