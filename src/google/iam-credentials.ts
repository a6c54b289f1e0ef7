/**
 * IAM Credentials API: short-lived tokens and signatures for a service
 * account, called with the federated token (WIF) or a self-signed JWT (key).
 */
import { StageError } from '../errors.js';
import type { Http } from '../http.js';
import { maskSecret } from '../log.js';
import { urlOf } from '../url-path.js';
import type { Token } from './token.js';

export const IAM_SERVICE = 'IAM Credentials';

export type IamMethod = 'generateAccessToken' | 'generateIdToken' | 'signJwt';

/**
 * The one place IAM Credentials URLs are made (the credentials file's
 * service_account_impersonation_url too): ENDPOINT/projects/-/serviceAccounts/EMAIL:METHOD,
 * the email encoded as one path segment, so that no value can pick another
 * method or path. Valid emails come out unchanged.
 */
export function serviceAccountMethodUrl(endpoint: string, serviceAccount: string, method: IamMethod): string {
  return `${urlOf(endpoint, 'projects', '-', 'serviceAccounts', serviceAccount)}:${method}`;
}

export class IamCredentials {
  constructor(
    private readonly http: Http,
    private readonly endpoint: string,
    /** Bearer token of the caller. */
    private readonly authToken: string,
  ) {}

  async generateAccessToken(
    serviceAccount: string,
    opts: { scopes: string[]; lifetimeSeconds: number; delegates: string[] },
  ): Promise<Token> {
    const answer = await this.call<{ accessToken?: unknown; expireTime?: unknown }>(
      serviceAccount,
      'generateAccessToken',
      {
        scope: opts.scopes,
        lifetime: `${opts.lifetimeSeconds}s`,
        ...delegatesField(opts.delegates),
      },
    );
    const token = requireString(answer.accessToken, 'accessToken');
    maskSecret(token);
    const expiresAt = new Date(typeof answer.expireTime === 'string' ? answer.expireTime : NaN);
    return {
      token,
      expiresAt: Number.isNaN(expiresAt.getTime()) ? new Date(Date.now() + opts.lifetimeSeconds * 1000) : expiresAt,
    };
  }

  async generateIdToken(
    serviceAccount: string,
    opts: { audience: string; includeEmail: boolean; delegates: string[] },
  ): Promise<string> {
    const answer = await this.call<{ token?: unknown }>(serviceAccount, 'generateIdToken', {
      audience: opts.audience,
      includeEmail: opts.includeEmail,
      ...delegatesField(opts.delegates),
    });
    const token = requireString(answer.token, 'token');
    maskSecret(token);
    return token;
  }

  /** Signs a JWT as the service account (used for domain-wide delegation). */
  async signJwt(serviceAccount: string, claims: Record<string, unknown>, delegates: string[]): Promise<string> {
    const answer = await this.call<{ signedJwt?: unknown }>(serviceAccount, 'signJwt', {
      payload: JSON.stringify(claims),
      ...delegatesField(delegates),
    });
    const jwt = requireString(answer.signedJwt, 'signedJwt');
    maskSecret(jwt);
    return jwt;
  }

  private call<T>(serviceAccount: string, method: IamMethod, body: Record<string, unknown>): Promise<T> {
    return this.http.requestJson<T>({
      service: IAM_SERVICE,
      method: 'POST',
      url: serviceAccountMethodUrl(this.endpoint, serviceAccount, method),
      google: true,
      headers: { Authorization: `Bearer ${this.authToken}` },
      json: body,
    });
  }
}

/** The API names delegates by resource name; the inputs hold emails. */
function delegatesField(delegates: string[]): { delegates?: string[] } {
  return delegates.length > 0 ? { delegates: delegates.map((email) => `projects/-/serviceAccounts/${email}`) } : {};
}

function requireString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new StageError(`${IAM_SERVICE} answered without "${field}".`, { service: IAM_SERVICE });
  }
  return value;
}
