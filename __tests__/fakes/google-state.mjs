// @ts-check
/**
 * The "backend" shared by the three fake Google listeners: workload identity
 * providers, service accounts and their keys, and the registry of access
 * tokens each service has issued. Keeping it in one object is what lets a
 * token minted by fake STS be accepted by fake IAM Credentials, exactly as in
 * the real chain STS -> IAM Credentials -> OAuth2.
 *
 * Also holds the Google-shaped error builders, so all three services fail with
 * the envelopes real clients parse.
 */
import crypto from 'node:crypto';
import { json } from './http-server.mjs';
import { createServiceAccountKey, decodeJwt, getKeyPair, randomNumericId, verifyJwt } from './jwt.mjs';

/** @typedef {import('./types.mjs').FakeGoogleOptions} FakeGoogleOptions */
/** @typedef {import('./types.mjs').ProviderConfig} ProviderConfig */
/** @typedef {import('./types.mjs').ServiceAccountConfig} ServiceAccountConfig */
/** @typedef {import('./types.mjs').Principal} Principal */
/** @typedef {import('./types.mjs').IssuedToken} IssuedToken */
/** @typedef {import('./types.mjs').ServiceAccountKeyJson} ServiceAccountKeyJson */
/** @typedef {import('./types.mjs').FakeResponse} FakeResponse */
/** @typedef {import('./types.mjs').KeyPair} KeyPair */
/** @typedef {import('./types.mjs').AllowContext} AllowContext */

export const DEFAULT_PROVIDER =
  'projects/123456789012/locations/global/workloadIdentityPools/github-pool/providers/github-provider';
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
export const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt';
export const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';
export const AWS_TOKEN_TYPE = 'urn:ietf:params:aws:token-type:aws4_request';
export const SAML2_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:saml2';
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

const PROVIDER_RE =
  /^projects\/(\d+)\/locations\/global\/workloadIdentityPools\/([a-z0-9-]+)\/providers\/([a-z0-9-]+)$/;

/**
 * @typedef {object} ProviderState
 * @property {string} name resource name `projects/N/locations/global/workloadIdentityPools/P/providers/X`
 * @property {string} projectNumber
 * @property {string} poolId
 * @property {string} providerId
 * @property {'oidc' | 'aws' | 'saml' | undefined} type undefined: accepts OIDC and AWS subject tokens (SAML needs verifySamlAssertion)
 * @property {string} issuer
 * @property {import('node:crypto').KeyObject[]} issuerKeys
 * @property {string[]} allowedAudiences
 * @property {(kind: 'oidc' | 'aws' | 'saml') => (claims: Record<string, any>, attributes: Record<string, string>) => boolean} conditionFor
 * @property {(kind: 'oidc' | 'aws' | 'saml') => (claims: Record<string, any>) => Record<string, string>} mappingFor
 * @property {boolean} disabled
 * @property {((subjectToken: string, provider: ProviderState) => Record<string, any> | Promise<Record<string, any>>) | undefined} verifyAwsSubjectToken
 * @property {((subjectToken: string, provider: ProviderState) => Record<string, any> | Promise<Record<string, any>>) | undefined} verifySamlAssertion
 */

/**
 * @typedef {object} ServiceAccountState
 * @property {string} email
 * @property {string} projectId
 * @property {string} uniqueId
 * @property {(principal: Principal, ctx: AllowContext) => boolean} allow
 * @property {number} maxLifetimeSeconds
 * @property {boolean} domainWideDelegation
 * @property {KeyPair} systemKey Google-managed key used by signJwt/signBlob
 * @property {Map<string, import('node:crypto').KeyObject>} keys kid -> public key (system key + user-managed keys)
 */

/**
 * Google API (gRPC-transcoded) error envelope, as IAM Credentials returns it.
 * @param {number} code
 * @param {string} status
 * @param {string} message
 * @param {unknown[]} [details]
 * @param {Record<string, string>} [headers]
 * @returns {FakeResponse}
 */
export function googleApiError(code, status, message, details, headers) {
  /** @type {Record<string, unknown>} */
  const error = { code, message, status };
  if (details) error.details = details;
  return json(code, { error }, headers);
}

/**
 * OAuth-style error body used by STS and the OAuth2 token endpoint.
 * @param {string} error
 * @param {string} description
 * @param {number} [status]
 * @returns {FakeResponse}
 */
export function oauthError(error, description, status = 400) {
  return json(status, { error, error_description: description });
}

/**
 * The 401 Google front ends return for missing or unusable credentials.
 * @param {boolean} missing true when no Authorization header was sent at all
 * @returns {FakeResponse}
 */
export function unauthenticated(missing) {
  const message = missing
    ? 'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.'
    : 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';
  return googleApiError(
    401,
    'UNAUTHENTICATED',
    message,
    [
      {
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        reason: missing ? 'CREDENTIALS_MISSING' : 'ACCESS_TOKEN_TYPE_UNSUPPORTED',
        domain: 'googleapis.com',
        metadata: { service: 'iamcredentials.googleapis.com', method: 'google.iam.credentials.v1.IAMCredentials' },
      },
    ],
    { 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' },
  );
}

/**
 * Random opaque token with a recognisable prefix, e.g. `ya29.fed-...`, so a
 * test failure shows which fake service minted a token.
 * @param {string} prefix
 * @returns {string}
 */
export function randomToken(prefix) {
  return `${prefix}${crypto.randomBytes(32).toString('base64url')}`;
}

/**
 * RFC 3339 UTC timestamp without milliseconds, as IAM Credentials formats expireTime.
 * @param {number} ms
 * @returns {string}
 */
export function rfc3339(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Normalise `//iam.googleapis.com/projects/...` or `projects/...` to the bare
 * resource name, or undefined when it is not a provider name.
 * @param {string} value
 * @param {string} universe
 * @returns {string | undefined}
 */
export function parseProviderName(value, universe) {
  const prefixes = [`//iam.${universe}/`, `https://iam.${universe}/`, ''];
  for (const p of prefixes) {
    if (value.startsWith(p) && PROVIDER_RE.test(value.slice(p.length))) return value.slice(p.length);
  }
  return undefined;
}

/**
 * GitHub-flavoured default attribute mapping (what Google's GitHub guide sets up).
 * @param {Record<string, any>} claims
 * @returns {Record<string, string>}
 */
function defaultOidcMapping(claims) {
  /** @type {Record<string, string>} */
  const out = { 'google.subject': String(claims.sub ?? '') };
  for (const k of ['actor', 'repository', 'repository_owner', 'repository_id', 'ref', 'environment', 'workflow_ref']) {
    if (claims[k] !== undefined) out[`attribute.${k}`] = String(claims[k]);
  }
  return out;
}

/**
 * AWS default mapping (Google's default for AWS providers uses the caller ARN).
 * @param {Record<string, any>} claims
 * @returns {Record<string, string>}
 */
function defaultAwsMapping(claims) {
  /** @type {Record<string, string>} */
  const out = { 'google.subject': String(claims.arn ?? claims.sub ?? '') };
  if (claims.account !== undefined) out['attribute.aws_account'] = String(claims.account);
  if (claims.arn !== undefined) out['attribute.aws_role'] = String(claims.arn);
  return out;
}

/**
 * SAML default mapping: the assertion's subject (NameID), as Google's SAML guide maps it.
 * @param {Record<string, any>} claims
 * @returns {Record<string, string>}
 */
function defaultSamlMapping(claims) {
  return { 'google.subject': String(claims.subject ?? '') };
}

/**
 * Build the shared state from the startFakeGoogle options.
 * @param {FakeGoogleOptions} options
 */
export function createGoogleState(options) {
  const universe = options.universe ?? 'googleapis.com';
  const now = options.now ?? (() => Date.now());
  const idTokenKey = getKeyPair('google-id-token');
  /** @type {Map<string, ProviderState>} */
  const providers = new Map();
  /** @type {Map<string, ServiceAccountState>} */
  const serviceAccounts = new Map();
  /** @type {Map<string, IssuedToken>} */
  const tokens = new Map();
  /** Filled in by startFakeGoogle once the listeners have ports. */
  const endpoints = { sts: '', iamcredentials: '', oauth2: '' };

  /**
   * @param {string} nameOrAudience
   * @param {ProviderConfig} [config]
   * @returns {ProviderState}
   */
  function addProvider(nameOrAudience, config = {}) {
    const name = parseProviderName(nameOrAudience, universe);
    if (!name) throw new Error(`not a workload identity provider name: ${nameOrAudience}`);
    const m = /** @type {RegExpExecArray} */ (PROVIDER_RE.exec(name));
    const type = config.type;
    const keys = config.issuerKeys ?? options.githubIssuerKey;
    /** @type {ProviderState} */
    const provider = {
      name,
      projectNumber: /** @type {string} */ (m[1]),
      poolId: /** @type {string} */ (m[2]),
      providerId: /** @type {string} */ (m[3]),
      type,
      issuer: config.issuer ?? options.githubIssuer ?? 'https://token.actions.githubusercontent.com',
      issuerKeys: keys === undefined ? [] : Array.isArray(keys) ? keys : [keys],
      allowedAudiences: config.allowedAudiences ??
        options.expectedAudiences ?? [`https://iam.${universe}/${name}`, `//iam.${universe}/${name}`],
      // The top-level condition / default is about GitHub claims, so it only
      // applies to OIDC tokens; AWS tokens pass unless the provider sets one.
      conditionFor: (kind) =>
        config.attributeCondition ??
        (kind === 'oidc'
          ? (options.attributeCondition ?? ((claims) => claims.repository_owner === 'octo-org'))
          : () => true),
      mappingFor: (kind) =>
        config.attributeMapping ??
        (kind === 'oidc' ? defaultOidcMapping : kind === 'saml' ? defaultSamlMapping : defaultAwsMapping),
      disabled: config.disabled ?? false,
      verifyAwsSubjectToken: config.verifyAwsSubjectToken ?? options.verifyAwsSubjectToken,
      verifySamlAssertion: config.verifySamlAssertion,
    };
    providers.set(name, provider);
    return provider;
  }

  /**
   * @param {string} email
   * @param {ServiceAccountConfig} [config]
   * @returns {ServiceAccountState}
   */
  function addServiceAccount(email, config = {}) {
    const existing = serviceAccounts.get(email);
    const systemKey = existing?.systemKey ?? getKeyPair(`google-sa-system:${email}`);
    /** @type {ServiceAccountState} */
    const sa = {
      email,
      projectId: config.projectId ?? email.split('@')[1]?.split('.')[0] ?? 'my-project',
      uniqueId: config.uniqueId ?? existing?.uniqueId ?? randomNumericId(21),
      allow: config.allow ?? existing?.allow ?? (() => false),
      maxLifetimeSeconds: config.maxLifetimeSeconds ?? 3600,
      domainWideDelegation: config.domainWideDelegation ?? true,
      systemKey,
      keys: existing?.keys ?? new Map([[systemKey.kid, systemKey.publicKey]]),
    };
    serviceAccounts.set(email, sa);
    for (const key of config.keys ?? []) registerServiceAccountKey(key);
    return sa;
  }

  /**
   * Trust a service-account key JSON (its public half) for OAuth2 jwt-bearer
   * assertions and IAM self-signed JWTs. Creates the account if unknown
   * (with nobody allowed to impersonate it).
   * @param {ServiceAccountKeyJson} keyJson
   */
  function registerServiceAccountKey(keyJson) {
    const sa = serviceAccounts.get(keyJson.client_email) ?? addServiceAccount(keyJson.client_email);
    const publicKey = crypto.createPublicKey(keyJson.private_key);
    sa.keys.set(keyJson.private_key_id, publicKey);
  }

  /**
   * Generate a key for a (possibly new) service account that this fake
   * trusts, pointing token_uri at the fake OAuth2 endpoint so client
   * libraries use it.
   * @param {string} email
   * @param {{ fresh?: boolean }} [opts] fresh: a brand-new key instead of the per-process cached one
   * @returns {ServiceAccountKeyJson}
   */
  function createTrustedServiceAccountKey(email, opts = {}) {
    if (!serviceAccounts.has(email)) addServiceAccount(email);
    const sa = /** @type {ServiceAccountState} */ (serviceAccounts.get(email));
    const key = createServiceAccountKey({
      email,
      projectId: sa.projectId,
      clientId: sa.uniqueId,
      tokenUri: endpoints.oauth2 ? `${endpoints.oauth2}/token` : undefined,
      universe,
      ...(opts.fresh ? { keyPair: getKeyPair(`sa-key:${email}:${crypto.randomUUID()}`) } : {}),
    });
    registerServiceAccountKey(key);
    return key;
  }

  /**
   * @param {string} prefix
   * @param {Omit<IssuedToken, 'token' | 'issuedAt'>} info
   * @returns {IssuedToken}
   */
  function issueToken(prefix, info) {
    /** @type {IssuedToken} */
    const issued = { ...info, token: randomToken(prefix), issuedAt: now() };
    tokens.set(issued.token, issued);
    return issued;
  }

  /**
   * Who is behind an `Authorization` header, for IAM Credentials: a token this
   * fake issued, or a self-signed JWT from a known service-account key (what
   * a key-based client presents instead of an access token).
   * @param {string | undefined} authorization
   * @returns {{ principal: Principal, scopes?: string[] } | { error: FakeResponse }}
   */
  function authenticate(authorization) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!authorization) return { error: unauthenticated(true) };
    if (!m) return { error: unauthenticated(false) };
    const token = /** @type {string} */ (m[1]);
    const issued = tokens.get(token);
    if (issued) {
      if (issued.expiresAt <= now()) return { error: unauthenticated(false) };
      return { principal: issued.principal, scopes: issued.scopes };
    }
    if (token.split('.').length === 3) {
      try {
        const { payload } = decodeJwt(token);
        const email = String(payload.iss ?? '');
        const sa = serviceAccounts.get(email);
        if (!sa || payload.sub !== email) return { error: unauthenticated(false) };
        verifyJwt(token, [...sa.keys.values()], { nowMs: now() });
        if (typeof payload.exp !== 'number' || typeof payload.iat !== 'number' || payload.exp - payload.iat > 3600) {
          return { error: unauthenticated(false) };
        }
        const audiences = [`https://iamcredentials.${universe}/`, `${endpoints.iamcredentials.replace(/\/v1$/, '')}/`];
        const audOk = payload.aud !== undefined ? audiences.includes(String(payload.aud)) : payload.scope !== undefined;
        if (!audOk) return { error: unauthenticated(false) };
        return { principal: { type: 'serviceAccount', email, via: 'selfSignedJwt', id: `serviceAccount:${email}` } };
      } catch {
        return { error: unauthenticated(false) };
      }
    }
    return { error: unauthenticated(false) };
  }

  // Initial configuration.
  const providerEntries = Object.entries(options.providers ?? { [DEFAULT_PROVIDER]: {} });
  for (const [name, cfg] of providerEntries) addProvider(name, cfg === true ? {} : cfg);
  for (const [email, cfg] of Object.entries(options.serviceAccounts ?? {})) addServiceAccount(email, cfg);

  return {
    universe,
    now,
    idTokenKey,
    providers,
    serviceAccounts,
    tokens,
    endpoints,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3600,
    addProvider,
    addServiceAccount,
    registerServiceAccountKey,
    createTrustedServiceAccountKey,
    issueToken,
    authenticate,
  };
}

/** @typedef {ReturnType<typeof createGoogleState>} GoogleState */
