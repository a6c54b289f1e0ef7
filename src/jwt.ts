/**
 * The little JWT work the action does itself: read the claims of a token for
 * diagnostics, and sign RS256 JWTs with a service-account key.
 */
import { createSign } from 'node:crypto';

export type JwtClaims = Record<string, unknown>;

export function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

/** The payload of a JWT, without verifying it; undefined if it is not a JWT. */
export function decodeJwtClaims(token: string): JwtClaims | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return claims && typeof claims === 'object' ? (claims as JwtClaims) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `name="value", ...` for the claims a source allows to be shown, in its
 * order: for the debug log and for failure messages.
 */
export function claimsLine(claims: JwtClaims, names: readonly string[]): string {
  return names
    .filter((name) => claims[name] !== undefined)
    .map((name) => `${name}=${JSON.stringify(claims[name])}`)
    .join(', ');
}

/** Signs `claims` as an RS256 JWT with a PEM private key. */
export function signRs256(claims: JwtClaims, privateKeyPem: string, keyId?: string): string {
  const header = { alg: 'RS256', typ: 'JWT', ...(keyId ? { kid: keyId } : {}) };
  const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = createSign('RSA-SHA256').update(unsigned).sign(privateKeyPem);
  return `${unsigned}.${base64url(signature)}`;
}
