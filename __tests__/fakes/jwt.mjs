// @ts-check
/**
 * RS256 JWT helpers and throwaway key material for the fake servers.
 *
 * Why hand-rolled instead of a JWT library: the fakes must run from plain
 * `node` scripts with no dependencies, and RS256 is a few lines on top of
 * node:crypto. Every key here is generated at run time; nothing secret is
 * ever written to the repository.
 */
import crypto from 'node:crypto';

/** @typedef {import('./types.mjs').KeyPair} KeyPair */
/** @typedef {import('./types.mjs').DecodedJwt} DecodedJwt */
/** @typedef {import('./types.mjs').VerifyJwtOptions} VerifyJwtOptions */
/** @typedef {import('./types.mjs').ServiceAccountKeyJson} ServiceAccountKeyJson */
/** @typedef {import('./types.mjs').CreateServiceAccountKeyOptions} CreateServiceAccountKeyOptions */

/**
 * Encode bytes or a UTF-8 string as base64url without padding (RFC 7515).
 * @param {Buffer | string} input
 * @returns {string}
 */
export function base64url(input) {
  return Buffer.from(input).toString('base64url');
}

/**
 * Decode base64url (padding optional) to a Buffer.
 * @param {string} input
 * @returns {Buffer}
 */
export function base64urlDecode(input) {
  return Buffer.from(input, 'base64url');
}

/**
 * Key id derived from the public key, so the same key always gets the same id
 * (40 hex chars, the shape of a Google `private_key_id`).
 * @param {crypto.KeyObject} publicKey
 * @returns {string}
 */
export function keyIdFor(publicKey) {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return crypto.createHash('sha256').update(der).digest('hex').slice(0, 40);
}

/**
 * Generate a fresh 2048-bit RSA key pair (about 0.1-0.3 s; prefer getKeyPair).
 * @returns {KeyPair}
 */
export function generateKeyPair() {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, publicKey, kid: keyIdFor(publicKey) };
}

/** @type {Map<string, KeyPair>} */
const keyCache = new Map();

/**
 * A key pair cached per process under a slot name. RSA generation is slow, so
 * every fake asks for a named slot: distinct roles (GitHub issuer, Google ID
 * token signer, each service account) still get distinct keys, which keeps
 * "signed by the wrong key" tests meaningful, but each is generated once.
 * @param {string} [slot]
 * @returns {KeyPair}
 */
export function getKeyPair(slot = 'default') {
  let pair = keyCache.get(slot);
  if (!pair) {
    pair = generateKeyPair();
    keyCache.set(slot, pair);
  }
  return pair;
}

/**
 * Sign a JWT with RS256.
 * @param {Record<string, unknown>} payload
 * @param {crypto.KeyObject | string} privateKey KeyObject or PEM
 * @param {{ kid?: string, header?: Record<string, unknown> }} [options]
 * @returns {string}
 */
export function signJwt(payload, privateKey, options = {}) {
  /** @type {Record<string, unknown>} */
  const header = { alg: 'RS256', typ: 'JWT' };
  if (options.kid) header.kid = options.kid;
  Object.assign(header, options.header);
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const signature = crypto.sign('sha256', Buffer.from(signingInput), privateKey);
  return `${signingInput}.${base64url(signature)}`;
}

/** Error thrown by decodeJwt / verifyJwt; `reason` says which check failed. */
export class JwtError extends Error {
  /**
   * @param {'malformed' | 'unsupported_alg' | 'bad_signature' | 'expired' | 'not_yet_valid' | 'issued_in_future'} reason
   * @param {string} message
   */
  constructor(reason, message) {
    super(message);
    this.name = 'JwtError';
    this.reason = reason;
  }
}

/**
 * Split and parse a JWT without verifying it.
 * @param {string} token
 * @returns {DecodedJwt}
 */
export function decodeJwt(token) {
  if (typeof token !== 'string') throw new JwtError('malformed', 'JWT is not a string');
  const parts = token.split('.');
  if (parts.length !== 3) throw new JwtError('malformed', 'JWT must have three segments');
  const [h, p, s] = /** @type {[string, string, string]} */ (parts);
  /** @type {any} */ let header;
  /** @type {any} */ let payload;
  try {
    header = JSON.parse(base64urlDecode(h).toString('utf8'));
    payload = JSON.parse(base64urlDecode(p).toString('utf8'));
  } catch {
    throw new JwtError('malformed', 'JWT header or payload is not valid base64url JSON');
  }
  if (!header || typeof header !== 'object' || !payload || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new JwtError('malformed', 'JWT header and payload must be JSON objects');
  }
  return { header, payload, signature: base64urlDecode(s), signingInput: `${h}.${p}` };
}

/**
 * Verify an RS256 signature and (unless disabled) exp / nbf / iat.
 * Audience and issuer checks are left to callers, because each fake reports
 * those failures with its own service-specific error message.
 * @param {string} token
 * @param {crypto.KeyObject | string | Array<crypto.KeyObject | string>} keys one or more public keys (KeyObject or PEM)
 * @param {VerifyJwtOptions} [options]
 * @returns {DecodedJwt}
 */
export function verifyJwt(token, keys, options = {}) {
  const decoded = decodeJwt(token);
  if (decoded.header.alg !== 'RS256') {
    throw new JwtError('unsupported_alg', `Unsupported JWT alg ${String(decoded.header.alg)}`);
  }
  const list = Array.isArray(keys) ? keys : [keys];
  const ok = list.some((key) => crypto.verify('sha256', Buffer.from(decoded.signingInput), key, decoded.signature));
  if (!ok) throw new JwtError('bad_signature', 'JWT signature does not verify');
  if (options.checkTimes !== false) {
    const now = Math.floor((options.nowMs ?? Date.now()) / 1000);
    const skew = options.clockSkewSeconds ?? 0;
    const { exp, nbf, iat } = decoded.payload;
    if (typeof exp === 'number' && now > exp + skew) throw new JwtError('expired', 'JWT has expired');
    if (typeof nbf === 'number' && now + skew < nbf) throw new JwtError('not_yet_valid', 'JWT is not yet valid');
    if (typeof iat === 'number' && now + skew < iat)
      throw new JwtError('issued_in_future', 'JWT was issued in the future');
  }
  return decoded;
}

/**
 * Public key as an SPKI PEM string.
 * @param {crypto.KeyObject} publicKey
 * @returns {string}
 */
export function exportPublicKeyPem(publicKey) {
  return /** @type {string} */ (publicKey.export({ type: 'spki', format: 'pem' }));
}

/**
 * Public key as a JWK with the fields OIDC discovery clients expect.
 * @param {crypto.KeyObject} publicKey
 * @param {string} [kid]
 * @returns {Record<string, string>}
 */
export function publicKeyToJwk(publicKey, kid = keyIdFor(publicKey)) {
  const jwk = /** @type {{ n: string, e: string }} */ (publicKey.export({ format: 'jwk' }));
  return { kty: 'RSA', alg: 'RS256', use: 'sig', kid, n: jwk.n, e: jwk.e };
}

/**
 * A JWKS document (`{keys: [...]}`) for one or more public keys.
 * @param {Array<{ publicKey: crypto.KeyObject, kid?: string }>} keys
 * @returns {{ keys: Array<Record<string, string>> }}
 */
export function jwks(keys) {
  return { keys: keys.map((k) => publicKeyToJwk(k.publicKey, k.kid)) };
}

/**
 * A random numeric id of the given length (Google uses 21-digit ids for
 * service-account `client_id` / unique id).
 * @param {number} [digits]
 * @returns {string}
 */
export function randomNumericId(digits = 21) {
  let out = String(crypto.randomInt(1, 10));
  while (out.length < digits) out += String(crypto.randomInt(0, 10));
  return out;
}

/**
 * Build a Google service-account key JSON object (the file `gcloud iam
 * service-accounts keys create` writes) around a run-time key pair.
 * `tokenUri` lets Google's own client libraries talk to the fake OAuth2 server.
 * @param {CreateServiceAccountKeyOptions} [options]
 * @returns {ServiceAccountKeyJson}
 */
export function createServiceAccountKey(options = {}) {
  const projectId = options.projectId ?? options.email?.split('@')[1]?.split('.')[0] ?? 'my-project';
  const email = options.email ?? `test-sa@${projectId}.iam.gserviceaccount.com`;
  const keyPair = options.keyPair ?? getKeyPair(`sa-key:${email}`);
  const universe = options.universe ?? 'googleapis.com';
  return {
    type: 'service_account',
    project_id: projectId,
    private_key_id: keyPair.kid,
    private_key: /** @type {string} */ (keyPair.privateKey.export({ type: 'pkcs8', format: 'pem' })),
    client_email: email,
    client_id: options.clientId ?? randomNumericId(21),
    auth_uri: 'https://accounts.google.com/o/oauth2/auth',
    token_uri: options.tokenUri ?? `https://oauth2.${universe}/token`,
    auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
    client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(email)}`,
    universe_domain: universe,
  };
}
