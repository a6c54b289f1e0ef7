/**
 * Google OAuth 2.0 token endpoint, for the JWT-bearer grant: a JWT signed as
 * the service account, with `sub` set to a Workspace user, becomes an access
 * token acting as that user (domain-wide delegation).
 */
import { StageError } from '../errors.js';
import type { Http } from '../http.js';
import { maskSecret } from '../log.js';
import { urlOf } from '../url-path.js';
import { expiresIn, type Token } from './token.js';

export const OAUTH2_SERVICE = 'OAuth2';

/** ENDPOINT/token: the JWT-bearer grant's URL, and the assertion's audience. */
export function oauth2TokenUrl(oauth2Endpoint: string): string {
  return urlOf(oauth2Endpoint, 'token');
}

/** Google caps JWT-bearer assertions (and so the tokens they give) at one hour. */
export const MAX_ASSERTION_LIFETIME_SECONDS = 3600;

/** Claims of the assertion for `serviceAccount` acting as `subject`. */
export function delegationClaims(
  oauth2Endpoint: string,
  serviceAccount: string,
  subject: string,
  scopes: string[],
  lifetimeSeconds: number,
  now = Date.now(),
): Record<string, unknown> {
  const iat = Math.floor(now / 1000);
  return {
    iss: serviceAccount,
    sub: subject,
    aud: oauth2TokenUrl(oauth2Endpoint),
    scope: scopes.join(' '),
    iat,
    exp: iat + Math.min(lifetimeSeconds, MAX_ASSERTION_LIFETIME_SECONDS),
  };
}

export async function exchangeJwtBearer(http: Http, oauth2Endpoint: string, assertion: string): Promise<Token> {
  const answer = await http.requestJson<{ access_token?: unknown; expires_in?: unknown }>({
    service: OAUTH2_SERVICE,
    method: 'POST',
    url: oauth2TokenUrl(oauth2Endpoint),
    google: true,
    form: { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion },
  });
  if (typeof answer.access_token !== 'string' || !answer.access_token) {
    throw new StageError(`${OAUTH2_SERVICE} answered without an access_token.`, { service: OAUTH2_SERVICE });
  }
  maskSecret(answer.access_token);
  return { token: answer.access_token, expiresAt: expiresIn(answer.expires_in) };
}
