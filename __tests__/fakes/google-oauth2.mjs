// @ts-check
/**
 * Fake Google OAuth2 server (real base https://oauth2.googleapis.com):
 *   POST /token           jwt-bearer grant (RFC 7523) from a service account:
 *                         `scope` -> access token (optionally for `sub`, i.e.
 *                         domain-wide delegation); `target_audience` -> ID token
 *   GET  /tokeninfo       introspection of tokens this fake family issued
 *   GET  /oauth2/v3/certs JWKS of the key that signs fake Google ID tokens
 *
 * Assertions are trusted when signed by a key of the service account named in
 * `iss`: user-managed keys registered with the fake, or the Google-managed
 * key that fake IAM `signJwt` uses (the keyless domain-wide-delegation flow).
 */
import { JWT_BEARER_GRANT, oauthError } from './google-state.mjs';
import { json } from './http-server.mjs';
import { decodeJwt, jwks, signJwt, verifyJwt } from './jwt.mjs';

/** @typedef {import('./google-state.mjs').GoogleState} GoogleState */
/** @typedef {import('./types.mjs').FakeRequest} FakeRequest */
/** @typedef {import('./types.mjs').FakeResponse} FakeResponse */
/** @typedef {import('./types.mjs').Principal} Principal */

const SHORT_LIVED =
  'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.';

/**
 * @param {GoogleState} state
 * @returns {(req: FakeRequest) => FakeResponse}
 */
export function createOAuth2Handler(state) {
  return function oauth2Handler(req) {
    if (req.method === 'GET' && req.path === '/oauth2/v3/certs') {
      return json(200, jwks([state.idTokenKey]));
    }
    if (req.path === '/tokeninfo') {
      const token = req.query.get('access_token') ?? req.form?.access_token;
      const issued = token ? state.tokens.get(token) : undefined;
      if (!issued || issued.expiresAt <= state.now()) {
        return oauthError('invalid_token', 'Invalid Value');
      }
      const p = issued.principal;
      const email = p.type === 'federated' ? undefined : p.email;
      return json(200, {
        azp: email ?? p.id,
        aud: email ?? p.id,
        scope: issued.scopes.join(' '),
        exp: String(Math.floor(issued.expiresAt / 1000)),
        expires_in: String(Math.max(0, Math.floor((issued.expiresAt - state.now()) / 1000))),
        ...(email ? { email, email_verified: 'true' } : {}),
        access_type: 'online',
      });
    }
    if (req.path !== '/token')
      return json(404, { error: 'not_found', error_description: `No handler for ${req.path}` });
    if (req.method !== 'POST') return oauthError('invalid_request', 'Invalid request method.', 405);

    const form = req.form ?? /** @type {Record<string, string>} */ (req.json ?? {});
    if (form.grant_type !== JWT_BEARER_GRANT) {
      return oauthError('unsupported_grant_type', `Invalid grant_type: ${form.grant_type ?? ''}`);
    }
    const assertion = form.assertion;
    if (!assertion) return oauthError('invalid_request', 'Missing required parameter: assertion');

    /** @type {Record<string, any>} */
    let claims;
    try {
      claims = decodeJwt(assertion).payload;
    } catch {
      return oauthError('invalid_grant', 'Invalid JWT: Token must be a valid JWT.');
    }
    const sa = state.serviceAccounts.get(String(claims.iss ?? ''));
    if (!sa) return oauthError('invalid_grant', 'Invalid grant: account not found');
    try {
      verifyJwt(assertion, [...sa.keys.values()], { checkTimes: false });
    } catch {
      return oauthError('invalid_grant', 'Invalid JWT Signature.');
    }
    const expectedAud = `${state.endpoints.oauth2}/token`;
    if (claims.aud !== expectedAud) {
      return oauthError('invalid_grant', `Invalid JWT: Failed audience check. The right audience is ${expectedAud}`);
    }
    const nowSec = Math.floor(state.now() / 1000);
    const { iat, exp } = claims;
    if (
      typeof iat !== 'number' ||
      typeof exp !== 'number' ||
      exp - iat > 3600 ||
      exp <= iat ||
      exp < nowSec - 60 ||
      iat > nowSec + 60
    ) {
      return oauthError('invalid_grant', SHORT_LIVED);
    }

    if (typeof claims.target_audience === 'string' && claims.target_audience) {
      // google-auth-library's ID-token flow for service-account keys.
      const idClaims = {
        aud: claims.target_audience,
        azp: sa.email,
        email: sa.email,
        email_verified: true,
        exp: nowSec + 3600,
        iat: nowSec,
        iss: 'https://accounts.google.com',
        sub: sa.uniqueId,
      };
      return json(200, { id_token: signJwt(idClaims, state.idTokenKey.privateKey, { kid: state.idTokenKey.kid }) });
    }

    const scopes = String(claims.scope ?? '')
      .split(/\s+/)
      .filter(Boolean);
    if (scopes.length === 0) return oauthError('invalid_scope', 'Invalid OAuth scope or ID token audience provided.');
    const subject = typeof claims.sub === 'string' && claims.sub !== sa.email ? claims.sub : undefined;
    if (subject && !sa.domainWideDelegation) {
      return oauthError(
        'unauthorized_client',
        'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.',
        401,
      );
    }
    /** @type {Principal} */
    const principal = subject
      ? { type: 'user', email: subject, id: `user:${subject}`, serviceAccount: sa.email }
      : { type: 'serviceAccount', email: sa.email, via: 'oauth2', id: `serviceAccount:${sa.email}` };
    const lifetime = 3599;
    const issued = state.issueToken('ya29.dwd-', {
      kind: 'oauth2',
      issuedBy: 'oauth2',
      principal,
      scopes,
      expiresAt: state.now() + lifetime * 1000,
      ...(subject ? { subject } : {}),
    });
    return json(200, { access_token: issued.token, expires_in: lifetime, token_type: 'Bearer' });
  };
}
