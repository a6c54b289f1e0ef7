/**
 * Google Security Token Service: exchanges a subject token (GitHub OIDC JWT,
 * signed AWS request) for a federated access token. It does not care where the
 * subject token came from.
 */
import { StageError } from '../errors.js';
import type { Http } from '../http.js';
import { maskSecret } from '../log.js';
import { urlOf } from '../url-path.js';
import { expiresIn, type Token } from './token.js';

export const STS_SERVICE = 'Google STS';

/** ENDPOINT/token: where the exchange is POSTed, by us and (from the credentials file) by the tools. */
export function stsTokenUrl(stsEndpoint: string): string {
  return urlOf(stsEndpoint, 'token');
}

/** Where tools introspect a federated token (the credentials file's token_info_url). */
export function stsIntrospectUrl(stsEndpoint: string): string {
  return urlOf(stsEndpoint, 'introspect');
}

export interface StsExchange {
  stsEndpoint: string;
  /** //iam.googleapis.com/projects/<N>/locations/global/workloadIdentityPools/<P>/providers/<PR> */
  audience: string;
  /** https://www.<universe> (or GHA_ENDPOINT_OVERRIDE_www): the scope asked for is <www>/auth/cloud-platform. */
  www: string;
  subjectToken: string;
  subjectTokenType: string;
}

export async function exchangeToken(http: Http, req: StsExchange): Promise<Token> {
  const answer = await http.requestJson<{ access_token?: unknown; expires_in?: unknown }>({
    service: STS_SERVICE,
    method: 'POST',
    url: stsTokenUrl(req.stsEndpoint),
    google: true,
    json: {
      audience: req.audience,
      grantType: 'urn:ietf:params:oauth:grant-type:token-exchange',
      requestedTokenType: 'urn:ietf:params:oauth:token-type:access_token',
      scope: `${req.www}/auth/cloud-platform`,
      subjectTokenType: req.subjectTokenType,
      subjectToken: req.subjectToken,
    },
  });
  if (typeof answer.access_token !== 'string' || !answer.access_token) {
    throw new StageError(`${STS_SERVICE} answered without an access_token.`, { service: STS_SERVICE });
  }
  maskSecret(answer.access_token);
  return { token: answer.access_token, expiresAt: expiresIn(answer.expires_in) };
}
