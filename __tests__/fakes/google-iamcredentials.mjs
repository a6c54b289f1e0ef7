// @ts-check
/**
 * Fake IAM Service Account Credentials API (real base
 * https://iamcredentials.googleapis.com/v1):
 *   POST /v1/projects/-/serviceAccounts/<email or unique ID>:generateAccessToken
 *   POST /v1/projects/-/serviceAccounts/<email>:generateIdToken
 *   POST /v1/projects/-/serviceAccounts/<email>:signJwt
 *   POST /v1/projects/-/serviceAccounts/<email>:signBlob
 *
 * The caller is identified from its bearer token (see GoogleState.authenticate)
 * and each service account decides, through its `allow` predicate, who may
 * impersonate it. Delegation chains are checked hop by hop, as IAM does.
 */
import crypto from 'node:crypto';
import { googleApiError, rfc3339 } from './google-state.mjs';
import { json } from './http-server.mjs';
import { signJwt } from './jwt.mjs';

/** @typedef {import('./google-state.mjs').GoogleState} GoogleState */
/** @typedef {import('./google-state.mjs').ServiceAccountState} ServiceAccountState */
/** @typedef {import('./types.mjs').FakeRequest} FakeRequest */
/** @typedef {import('./types.mjs').FakeResponse} FakeResponse */
/** @typedef {import('./types.mjs').Principal} Principal */

const PATH_RE =
  /^\/v1\/projects\/([^/]+)\/serviceAccounts\/([^/:]+):(generateAccessToken|generateIdToken|signJwt|signBlob)$/;

/** @type {Record<string, string>} IAM permission checked for each method. */
export const IAM_PERMISSIONS = {
  generateAccessToken: 'iam.serviceAccounts.getAccessToken',
  generateIdToken: 'iam.serviceAccounts.getOpenIdToken',
  signJwt: 'iam.serviceAccounts.signJwt',
  signBlob: 'iam.serviceAccounts.signBlob',
};

/** Scopes that let a token call IAM Credentials. */
/** The scopes that cover IAM Credentials, in any universe (https://www.UNIVERSE/auth/cloud-platform). */
const IAM_SCOPE = /^https:\/\/www\.[^/]+\/auth\/(?:cloud-platform|iam)$/;

/**
 * What IAM Credentials answers a token whose scopes do not cover it.
 * @returns {FakeResponse}
 */
function insufficientScopes() {
  return googleApiError(403, 'PERMISSION_DENIED', 'Request had insufficient authentication scopes.', [
    {
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
      domain: 'googleapis.com',
      metadata: { service: 'iamcredentials.googleapis.com', method: 'google.iam.credentials.v1.IAMCredentials' },
    },
  ]);
}

/** signJwt refuses JWTs that live longer than this. */
const MAX_SIGNED_JWT_SECONDS = 12 * 3600;

/**
 * @param {string} email
 * @returns {FakeResponse}
 */
function notFound(email) {
  return googleApiError(404, 'NOT_FOUND', `Not found; Gaia id not found for email ${email}`);
}

/**
 * @param {string} permission
 * @returns {FakeResponse}
 */
function permissionDenied(permission) {
  return googleApiError(
    403,
    'PERMISSION_DENIED',
    `Permission '${permission}' denied on resource (or it may not exist).`,
    [
      {
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        reason: 'IAM_PERMISSION_DENIED',
        domain: 'iam.googleapis.com',
        metadata: { permission },
      },
    ],
  );
}

/**
 * @param {string} message
 * @returns {FakeResponse}
 */
function invalidArgument(message) {
  return googleApiError(400, 'INVALID_ARGUMENT', message);
}

/**
 * Accept `projects/-/serviceAccounts/<email>` or a bare email in `delegates`.
 * @param {unknown} d
 * @returns {string}
 */
function delegateEmail(d) {
  const s = String(d);
  const m = /^projects\/[^/]+\/serviceAccounts\/(.+)$/.exec(s);
  return m ? /** @type {string} */ (m[1]) : s;
}

/**
 * Parse a protobuf Duration string such as "3600s" or "1.5s".
 * @param {unknown} value
 * @returns {number | undefined} seconds, or undefined if malformed
 */
function parseDuration(value) {
  const m = /^(\d+(?:\.\d{1,9})?)s$/.exec(String(value));
  return m ? Number(m[1]) : undefined;
}

/**
 * @param {GoogleState} state
 * @returns {(req: FakeRequest) => FakeResponse}
 */
export function createIamCredentialsHandler(state) {
  return function iamCredentialsHandler(req) {
    let path = req.path;
    try {
      path = decodeURIComponent(req.path);
    } catch {
      // keep the raw path; it will simply not match
    }
    const m = PATH_RE.exec(path);
    if (!m) return googleApiError(404, 'NOT_FOUND', `The requested URL ${req.path} was not found on this server.`);
    if (req.method !== 'POST') return googleApiError(405, 'METHOD_NOT_ALLOWED', `Method ${req.method} not allowed.`);
    const email = /** @type {string} */ (m[2]);
    const method = /** @type {keyof typeof IAM_PERMISSIONS} */ (m[3]);
    const permission = /** @type {string} */ (IAM_PERMISSIONS[method]);

    const auth = state.authenticate(req.headers.authorization);
    if ('error' in auth) return auth.error;
    const caller = auth.principal;
    // A token with scopes but neither cloud-platform nor iam (a VM created with narrow access scopes).
    if (auth.scopes && auth.scopes.length > 0 && !auth.scopes.some((s) => IAM_SCOPE.test(s))) {
      return insufficientScopes();
    }

    // IAM names an account by its email or its numeric unique ID.
    const sa =
      state.serviceAccounts.get(email) ?? [...state.serviceAccounts.values()].find((a) => a.uniqueId === email);
    if (!sa) return notFound(email);
    if (!req.json || typeof req.json !== 'object' || Array.isArray(req.json)) {
      return invalidArgument('Invalid JSON payload received.');
    }
    const body = /** @type {Record<string, unknown>} */ (req.json);

    // Delegation chain: caller -> delegates[0] -> ... -> target; every hop
    // needs the permission on the next account.
    const delegates = Array.isArray(body.delegates) ? body.delegates.map(delegateEmail) : [];
    /** @type {ServiceAccountState[]} */
    const chain = [];
    for (const d of delegates) {
      const dsa = state.serviceAccounts.get(d);
      if (!dsa) return notFound(d);
      chain.push(dsa);
    }
    chain.push(sa);
    /** @type {Principal} */
    let actor = caller;
    for (const target of chain) {
      const ctx = { permission, method, serviceAccount: target.email, caller };
      let ok;
      try {
        ok = target.allow(actor, ctx) === true;
      } catch {
        ok = false;
      }
      if (!ok) return permissionDenied(permission);
      actor = { type: 'serviceAccount', email: target.email, via: 'delegation', id: `serviceAccount:${target.email}` };
    }

    const nowMs = state.now();
    if (method === 'generateAccessToken') {
      const scope = Array.isArray(body.scope) ? body.scope.map(String) : [];
      if (scope.length === 0) return invalidArgument('Scope required.');
      const lifetime = body.lifetime === undefined ? 3600 : parseDuration(body.lifetime);
      if (lifetime === undefined || lifetime <= 0) {
        return invalidArgument(
          `Invalid value at 'lifetime' (type.googleapis.com/google.protobuf.Duration), Field 'lifetime', Illegal duration format; duration must end with 's'`,
        );
      }
      if (lifetime > sa.maxLifetimeSeconds) {
        return invalidArgument(
          `The lifetime of the requested token must be at most ${sa.maxLifetimeSeconds} seconds. To request a longer lifetime, enable the constraints/iam.allowServiceAccountCredentialLifetimeExtension organization policy.`,
        );
      }
      const expiresAt = nowMs + Math.floor(lifetime * 1000);
      const issued = state.issueToken('ya29.sa-', {
        kind: 'service_account',
        issuedBy: 'iamcredentials',
        principal: {
          type: 'serviceAccount',
          email: sa.email,
          via: 'generateAccessToken',
          id: `serviceAccount:${sa.email}`,
          impersonatedBy: caller,
        },
        scopes: scope,
        expiresAt,
      });
      return json(200, { accessToken: issued.token, expireTime: rfc3339(expiresAt) });
    }

    if (method === 'generateIdToken') {
      if (typeof body.audience !== 'string' || body.audience === '') return invalidArgument('Audience required.');
      const iat = Math.floor(nowMs / 1000);
      /** @type {Record<string, unknown>} */
      const payload = {
        aud: body.audience,
        azp: sa.uniqueId,
        exp: iat + 3600,
        iat,
        iss: 'https://accounts.google.com',
        sub: sa.uniqueId,
      };
      if (body.includeEmail === true) {
        payload.email = sa.email;
        payload.email_verified = true;
      }
      return json(200, { token: signJwt(payload, state.idTokenKey.privateKey, { kid: state.idTokenKey.kid }) });
    }

    if (method === 'signJwt') {
      if (typeof body.payload !== 'string') return invalidArgument('Payload required.');
      /** @type {unknown} */
      let claims;
      try {
        claims = JSON.parse(body.payload);
      } catch {
        return invalidArgument('Payload is not a valid JSON object.');
      }
      if (!claims || typeof claims !== 'object' || Array.isArray(claims)) {
        return invalidArgument('Payload is not a valid JSON object.');
      }
      const exp = /** @type {Record<string, unknown>} */ (claims).exp;
      if (
        exp !== undefined &&
        (typeof exp !== 'number' || exp * 1000 < nowMs || exp * 1000 > nowMs + MAX_SIGNED_JWT_SECONDS * 1000)
      ) {
        return invalidArgument(
          'JWT exp claim must be an integer timestamp that is not in the past and no more than 12 hours in the future.',
        );
      }
      const signedJwt = signJwt(/** @type {Record<string, unknown>} */ (claims), sa.systemKey.privateKey, {
        kid: sa.systemKey.kid,
      });
      return json(200, { keyId: sa.systemKey.kid, signedJwt });
    }

    // signBlob
    if (typeof body.payload !== 'string') return invalidArgument('Payload required.');
    const signature = crypto.sign('sha256', Buffer.from(body.payload, 'base64'), sa.systemKey.privateKey);
    return json(200, { keyId: sa.systemKey.kid, signedBlob: signature.toString('base64') });
  };
}
