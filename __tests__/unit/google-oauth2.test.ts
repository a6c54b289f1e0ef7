/** Domain-wide delegation's OAuth2 half (src/google/oauth2.ts): the assertion's claims and the JWT-bearer exchange. */
import nock from 'nock';

import { delegationClaims, exchangeJwtBearer, OAUTH2_SERVICE } from '../../src/google/oauth2.js';
import { Http } from '../../src/http.js';

import { useNockAndCaptureMasks } from '../support/unit.js';

const OAUTH2 = 'https://oauth2.googleapis.com';
const log = { debug: () => undefined, info: () => undefined, warning: () => undefined };
const masks = useNockAndCaptureMasks();

describe('delegationClaims', () => {
  it('names the service account, the user, the token endpoint and the scopes, capped at one hour', () => {
    const now = Date.UTC(2026, 0, 2, 3, 4, 5);
    const iat = now / 1000;
    expect(delegationClaims(OAUTH2, 'sa@p.iam.gserviceaccount.com', 'user@example.com', ['a', 'b'], 7200, now)).toEqual(
      {
        iss: 'sa@p.iam.gserviceaccount.com',
        sub: 'user@example.com',
        aud: 'https://oauth2.googleapis.com/token',
        scope: 'a b',
        iat,
        exp: iat + 3600,
      },
    );
    expect(delegationClaims(OAUTH2, 'sa', 'u', ['a'], 600, now)['exp']).toBe(iat + 600);
  });
});

describe('exchangeJwtBearer', () => {
  it('posts the JWT-bearer grant as a form and masks the token it gets', async () => {
    let body = '';
    nock(OAUTH2)
      .post('/token', (b: string) => {
        body = typeof b === 'string' ? b : new URLSearchParams(b as Record<string, string>).toString();
        return true;
      })
      .matchHeader('content-type', 'application/x-www-form-urlencoded')
      .reply(200, { access_token: 'ya29.delegated', expires_in: 1800, token_type: 'Bearer' });
    const http = new Http({ userAgent: 'test', retries: 0, requestTimeoutMs: 2000, log });
    const before = Date.now();
    const token = await exchangeJwtBearer(http, OAUTH2, 'header.payload.signature');
    http.dispose();
    expect(new URLSearchParams(body).get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    expect(new URLSearchParams(body).get('assertion')).toBe('header.payload.signature');
    expect(token.token).toBe('ya29.delegated');
    expect(token.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 1_800_000);
    expect(masks).toContain('ya29.delegated');
  });

  it('refuses an answer without a token', async () => {
    nock(OAUTH2).post('/token').reply(200, { token_type: 'Bearer' });
    const http = new Http({ userAgent: 'test', retries: 0, requestTimeoutMs: 2000, log });
    await expect(exchangeJwtBearer(http, OAUTH2, 'a.b.c')).rejects.toThrow(
      `${OAUTH2_SERVICE} answered without an access_token.`,
    );
    http.dispose();
  });
});
