// @ts-check
/**
 * Fake Security Token Service (`POST /v1/token`, real base
 * https://sts.googleapis.com/v1): exchanges a GitHub OIDC JWT (or an AWS
 * signed GetCallerIdentity request) for a federated access token.
 *
 * Accepts both JSON with camelCase fields (the REST API form our action uses)
 * and form-encoded snake_case fields (RFC 8693, what google-auth-library
 * sends), because both clients are tested against this fake. Errors copy the
 * `{error, error_description}` bodies real STS returns.
 */
import {
  ACCESS_TOKEN_TYPE,
  AWS_TOKEN_TYPE,
  googleApiError,
  ID_TOKEN_TYPE,
  JWT_TOKEN_TYPE,
  oauthError,
  parseProviderName,
  SAML2_TOKEN_TYPE,
  TOKEN_EXCHANGE_GRANT,
} from './google-state.mjs';
import { json } from './http-server.mjs';
import { decodeJwt, JwtError, verifyJwt } from './jwt.mjs';

/** @typedef {import('./google-state.mjs').GoogleState} GoogleState */
/** @typedef {import('./google-state.mjs').ProviderState} ProviderState */
/** @typedef {import('./types.mjs').FakeRequest} FakeRequest */
/** @typedef {import('./types.mjs').FakeResponse} FakeResponse */
/** @typedef {import('./types.mjs').Principal} Principal */

/** Clock skew STS tolerates on iat / nbf. */
const SKEW_SECONDS = 60;

/**
 * Read STS parameters from either body style into one snake_case shape.
 * @param {FakeRequest} req
 * @returns {Record<string, string | undefined>}
 */
function readParams(req) {
  /** @type {Record<string, unknown>} */
  const src =
    req.form ?? (req.json && typeof req.json === 'object' ? /** @type {Record<string, unknown>} */ (req.json) : {});
  /** @param {string} snake @param {string} camel */
  const get = (snake, camel) => {
    const v = src[snake] ?? src[camel];
    return v === undefined || v === null ? undefined : String(v);
  };
  return {
    grant_type: get('grant_type', 'grantType'),
    audience: get('audience', 'audience'),
    scope: get('scope', 'scope'),
    requested_token_type: get('requested_token_type', 'requestedTokenType'),
    subject_token: get('subject_token', 'subjectToken'),
    subject_token_type: get('subject_token_type', 'subjectTokenType'),
    options: get('options', 'options'),
  };
}

/**
 * Validate a GitHub (OIDC) subject token against a provider.
 * @param {GoogleState} state
 * @param {ProviderState} provider
 * @param {string} subjectToken
 * @returns {{ claims: Record<string, any> } | { error: FakeResponse }}
 */
function verifyOidcSubjectToken(state, provider, subjectToken) {
  /** @type {Record<string, any>} */
  let claims;
  try {
    claims = decodeJwt(subjectToken).payload;
  } catch {
    return { error: oauthError('invalid_grant', 'Unable to parse the ID Token.') };
  }
  if (claims.iss !== provider.issuer) {
    return {
      error: oauthError(
        'invalid_grant',
        `The issuer in ID Token ${String(claims.iss)} does not match the expected ones: ${provider.issuer}.`,
      ),
    };
  }
  try {
    verifyJwt(subjectToken, provider.issuerKeys, { nowMs: state.now(), clockSkewSeconds: SKEW_SECONDS });
  } catch (err) {
    const reason = err instanceof JwtError ? err.reason : 'bad_signature';
    if (reason === 'expired') {
      return { error: oauthError('invalid_grant', `ID Token issued at ${String(claims.iat)} is stale to sign-in.`) };
    }
    if (reason === 'not_yet_valid' || reason === 'issued_in_future') {
      return { error: oauthError('invalid_grant', `ID Token issued at ${String(claims.iat)} is not yet valid.`) };
    }
    return { error: oauthError('invalid_grant', 'Invalid ID Token signature.') };
  }
  if (typeof claims.exp !== 'number' || typeof claims.iat !== 'number') {
    return { error: oauthError('invalid_grant', 'The ID Token must contain the iat and exp claims.') };
  }
  const auds = Array.isArray(claims.aud) ? claims.aud.map(String) : [String(claims.aud)];
  if (!auds.some((a) => provider.allowedAudiences.includes(a))) {
    return {
      error: oauthError(
        'invalid_grant',
        `The audience in ID Token [${auds.join(', ')}] does not match the expected audience ${provider.allowedAudiences[0] ?? ''}.`,
      ),
    };
  }
  return { claims };
}

/**
 * @param {GoogleState} state
 * @returns {(req: FakeRequest) => Promise<FakeResponse>}
 */
export function createStsHandler(state) {
  return async function stsHandler(req) {
    if (req.path !== '/v1/token') {
      return googleApiError(404, 'NOT_FOUND', `The requested URL ${req.path} was not found on this server.`);
    }
    if (req.method !== 'POST') {
      return googleApiError(405, 'METHOD_NOT_ALLOWED', `Method ${req.method} is not allowed on /v1/token.`);
    }
    const p = readParams(req);
    if (p.grant_type !== TOKEN_EXCHANGE_GRANT) {
      return oauthError('unsupported_grant_type', `Invalid value for "grant_type": ${p.grant_type ?? ''}.`);
    }
    if (p.requested_token_type !== ACCESS_TOKEN_TYPE) {
      return oauthError('invalid_request', 'Invalid value for "requested_token_type".');
    }
    const supportedTypes = [JWT_TOKEN_TYPE, ID_TOKEN_TYPE, AWS_TOKEN_TYPE, SAML2_TOKEN_TYPE];
    if (!p.subject_token_type || !supportedTypes.includes(p.subject_token_type)) {
      return oauthError('invalid_request', 'Invalid value for "subject_token_type".');
    }
    if (!p.subject_token) {
      return oauthError('invalid_request', 'Invalid value for "subject_token".');
    }
    const providerName = p.audience ? parseProviderName(p.audience, state.universe) : undefined;
    if (!providerName || !p.audience?.startsWith('//')) {
      return oauthError(
        'invalid_request',
        'Invalid value for "audience". This value should be the full resource name of the Identity Provider. See https://cloud.google.com/iam/docs/reference/sts/rest/v1/TopLevel/token for the list of possible formats.',
      );
    }
    const provider = state.providers.get(providerName);
    if (!provider || provider.disabled) {
      return oauthError(
        'invalid_target',
        'The target service indicated by the "audience" parameters is invalid. This might either be because the pool or provider is disabled or deleted or because it doesn\'t exist.',
      );
    }

    /** @type {Record<string, any>} */
    let claims;
    /** @type {'oidc' | 'aws' | 'saml'} */
    const kind =
      p.subject_token_type === AWS_TOKEN_TYPE ? 'aws' : p.subject_token_type === SAML2_TOKEN_TYPE ? 'saml' : 'oidc';
    if ((provider.type !== undefined && provider.type !== kind) || (kind === 'saml' && !provider.verifySamlAssertion)) {
      return oauthError(
        'invalid_request',
        `Invalid value for "subject_token_type". The provider does not accept ${{ aws: 'AWS', saml: 'SAML', oidc: 'OIDC' }[kind]} credentials.`,
      );
    }
    if (kind === 'saml') {
      // Like AWS: the test supplies the verifier (fakes/saml.mjs), this fake only routes to it.
      try {
        claims = await /** @type {NonNullable<ProviderState['verifySamlAssertion']>} */ (provider.verifySamlAssertion)(
          p.subject_token,
          provider,
        );
      } catch (err) {
        const e = /** @type {{ error?: string, message?: string }} */ (err);
        return oauthError(e.error ?? 'invalid_grant', e.message ?? String(err));
      }
    } else if (kind === 'aws') {
      if (!provider.verifyAwsSubjectToken) {
        return oauthError(
          'invalid_request',
          'AWS subject tokens are not supported by this fake (no verifyAwsSubjectToken callback).',
        );
      }
      try {
        claims = await provider.verifyAwsSubjectToken(p.subject_token, provider);
      } catch (err) {
        const e = /** @type {{ error?: string, message?: string }} */ (err);
        return oauthError(e.error ?? 'invalid_grant', e.message ?? String(err));
      }
    } else {
      const r = verifyOidcSubjectToken(state, provider, p.subject_token);
      if ('error' in r) return r.error;
      claims = r.claims;
    }

    const attributes = provider.mappingFor(kind)(claims);
    const subject = attributes['google.subject'] ?? '';
    if (Buffer.byteLength(subject) > 127) {
      return oauthError(
        'invalid_request',
        'The size of mapped attribute google.subject exceeds the 127 bytes limit. Either modify your attribute mapping or the incoming assertion to produce a mapped attribute that is less than 127 bytes.',
      );
    }
    let allowed;
    try {
      allowed = provider.conditionFor(kind)(claims, attributes) === true;
    } catch {
      allowed = false;
    }
    if (!allowed) {
      return oauthError('unauthorized_client', 'The given credential is rejected by the attribute condition.');
    }

    const poolPath = `projects/${provider.projectNumber}/locations/global/workloadIdentityPools/${provider.poolId}`;
    /** @type {Principal} */
    const principal = {
      type: 'federated',
      id: `principal://iam.${state.universe}/${poolPath}/subject/${subject}`,
      provider: provider.name,
      subjectTokenKind: kind,
      subject,
      claims,
      attributes,
    };
    const lifetime = state.tokenLifetimeSeconds;
    const issued = state.issueToken('ya29.fed-', {
      kind: 'federated',
      issuedBy: 'sts',
      principal,
      scopes: (p.scope ?? '').split(/\s+/).filter(Boolean),
      expiresAt: state.now() + lifetime * 1000,
    });
    return json(200, {
      access_token: issued.token,
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: 'Bearer',
      expires_in: lifetime,
    });
  };
}
