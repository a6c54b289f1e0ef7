/**
 * The service-account key way in: parse `credentials_json` (JSON or base64 of
 * it), sign JWTs with it locally, and sign in with it (keySignIn). Error messages here never quote the
 * input: a malformed key is still a secret.
 */
import { createPrivateKey } from 'node:crypto';

import type { Config } from '../config.js';
import { ConfigError } from '../errors.js';
import { IamCredentials } from '../google/iam-credentials.js';
import type { Http } from '../http.js';
import { type JwtClaims, signRs256 } from '../jwt.js';
import { maskSecret } from '../log.js';
import type { SignIn } from './identity.js';

export interface ServiceAccountKey {
  type: 'service_account';
  project_id?: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  [field: string]: unknown;
}

export function parseServiceAccountKey(input: string): ServiceAccountKey {
  // Mask first: whatever happens next, nothing of this value may be printed.
  maskSecret(input);
  const parsed = parseJsonOrBase64Json(input);
  if (parsed === NOT_JSON) {
    throw new ConfigError(
      '"credentials_json" is neither JSON nor base64-encoded JSON. Paste the whole key file downloaded from ' +
        'Google Cloud (it starts with "{"), or its base64 encoding. (The value itself is not shown, since it is a secret.)',
    );
  }
  if (!parsed || typeof parsed !== 'object') throw notAKey('it is not a JSON object');
  const key = parsed as Record<string, unknown>;
  if (key['type'] === 'external_account') {
    throw new ConfigError(
      '"credentials_json" holds an external_account configuration, not a service-account key. For Workload ' +
        'Identity Federation, set "workload_identity_provider" instead of credentials_json.',
    );
  }
  if (key['type'] !== 'service_account') throw notAKey('its "type" is not "service_account"');
  for (const field of ['private_key', 'client_email', 'private_key_id'] as const) {
    if (typeof key[field] !== 'string' || key[field] === '') throw notAKey(`it has no "${field}"`);
  }
  maskSecret(key['private_key'] as string);
  try {
    createPrivateKey(key['private_key'] as string);
  } catch {
    throw notAKey('its "private_key" is not a valid PEM private key');
  }
  return key as ServiceAccountKey;
}

const NOT_JSON = Symbol('not JSON');

/**
 * The key as JSON, or its base64. The decoded text is masked only once it
 * proves to be JSON (then it is the key, in another form): decoding a value
 * that was never base64 gives binary garbage, and masking that would put
 * meaningless `::add-mask::` lines in the log (the input itself is masked).
 */
function parseJsonOrBase64Json(input: string): unknown {
  const text = input.trim();
  if (text.startsWith('{')) return parseJson(text);
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(compact)) return parseJson(text);
  const decoded = Buffer.from(compact, 'base64').toString('utf8');
  const parsed = parseJson(decoded);
  if (parsed !== NOT_JSON) maskSecret(decoded);
  return parsed;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_JSON;
  }
}

function notAKey(why: string): ConfigError {
  return new ConfigError(
    `"credentials_json" is not a Google service-account key: ${why}. Create a key with ` +
      '"gcloud iam service-accounts keys create key.json --iam-account=SA_EMAIL" and store the whole file ' +
      'in a secret — or better, use Workload Identity Federation. (The value itself is not shown, since it is a secret.)',
  );
}

/** Signs claims with the key, as the service account itself. */
export function signWithKey(key: ServiceAccountKey, claims: JwtClaims): string {
  return signRs256(claims, key.private_key, key.private_key_id);
}

/**
 * A self-signed JWT that Google APIs accept as a bearer token without any
 * exchange (the `auth_token` of key mode). Its audience is the IAM
 * Credentials service, which the later token calls go to.
 */
export function selfSignedToken(
  key: ServiceAccountKey,
  audience: string,
  now = Date.now(),
): { token: string; expiresAt: Date } {
  const iat = Math.floor(now / 1000);
  const exp = iat + 3600;
  const token = signWithKey(key, { iss: key.client_email, sub: key.client_email, aud: audience, iat, exp });
  return { token, expiresAt: new Date(exp * 1000) };
}

/**
 * The key way in: Google accepts a JWT signed by the key as a bearer token
 * for the service named in its audience, so no exchange is needed; the
 * credentials file is the key itself.
 */
export function keySignIn(config: Config, key: ServiceAccountKey, http: Http): SignIn {
  const iamcredentials = config.endpoints.iamcredentials;
  return {
    method: `service-account key of ${key.client_email}`,
    credentialsFile: async () => key,
    async authenticate() {
      const authToken = selfSignedToken(key, `${new URL(iamcredentials).origin}/`);
      maskSecret(authToken.token);
      return {
        authToken,
        principal: `serviceAccount:${key.client_email}`,
        iam: new IamCredentials(http, iamcredentials, authToken.token),
        signJwt: async (_serviceAccount, claims) => signWithKey(key, claims),
      };
    },
    environmentForTools: () => undefined,
  };
}
