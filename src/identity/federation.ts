/**
 * Workload Identity Federation: a subject source's token, exchanged at
 * Google STS for a federated token, which then calls IAM Credentials (to
 * impersonate a service account) or Google APIs directly.
 */
import type { Config, WorkloadIdentityAuth } from '../config.js';
import { externalAccountConfig } from '../credentials-file.js';
import type { FailureContext } from '../diagnose.js';
import { IamCredentials } from '../google/iam-credentials.js';
import { exchangeToken } from '../google/sts.js';
import type { Http } from '../http.js';
import type { Log } from '../log.js';
import type { SignIn } from './identity.js';

export async function federationSignIn(
  config: Config,
  auth: WorkloadIdentityAuth,
  env: NodeJS.ProcessEnv,
  http: Http,
  log: Log,
  failure: FailureContext,
): Promise<SignIn> {
  const source = await auth.source.start({ provider: auth.provider, env, http, log });
  failure.source = source;
  // Asked for now, so that writing the credentials file overlaps the round
  // trip; a failure surfaces only when it is awaited in authenticate().
  const subject = settleLater(source.subjectToken());
  const sa = config.serviceAccount;
  return {
    method: `Workload Identity Federation from ${source.name}${sa ? ` as ${sa}` : ' (direct resource access)'}`,
    credentialsFile: () => externalAccountConfig(config, auth.provider, source),
    async authenticate() {
      const { token, claims } = await subject;
      failure.claims = claims;
      const authToken = await exchangeToken(http, {
        stsEndpoint: config.endpoints.sts,
        audience: auth.provider.stsAudience,
        universe: config.endpoints.universe,
        subjectToken: token,
        subjectTokenType: source.subjectTokenType,
      });
      const iam = new IamCredentials(http, config.endpoints.iamcredentials, authToken.token);
      const principal = source.principal(claims);
      return {
        authToken,
        principal,
        // Without a service account the STS token is already an access token, of the federated principal.
        ...(sa ? {} : { ownAccessToken: { token: authToken, caveat: directAccessCaveat(principal) } }),
        iam,
        signJwt: (serviceAccount, jwtClaims) => iam.signJwt(serviceAccount, jwtClaims, config.delegates),
      };
    },
    environmentForTools: () => source.environmentForTools?.(),
  };
}

/** What users of the federated token must know (README: "Direct access tokens"). */
function directAccessCaveat(principal: string): string {
  return (
    `access_token is the federated principal's own token (${principal}), not a service account's: ` +
    'it works with the APIs that support Workload Identity Federation directly, and others refuse it ' +
    '(Google lists them in "Identity federation: products and limitations"; VPC Service Controls perimeters ' +
    'admit only service accounts). Where it is refused, set service_account to impersonate one.'
  );
}

/**
 * A promise that is awaited later: marks its rejection as handled for now
 * (Node would otherwise report it as unhandled while other work runs) and
 * still rejects where it is awaited.
 */
function settleLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
