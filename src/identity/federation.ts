/**
 * Workload Identity Federation: a subject source's token, exchanged at
 * Google STS for a federated token, which then calls IAM Credentials (to
 * impersonate a service account) or Google APIs directly.
 */
import type { Config, WorkloadIdentityAuth } from '../config.js';
import { externalAccountConfig } from '../credentials-file.js';
import { DiagnosedError, principalFor } from '../diagnose.js';
import { IamCredentials } from '../google/iam-credentials.js';
import { exchangeToken, STS_SERVICE } from '../google/sts.js';
import type { Token } from '../google/token.js';
import type { Http } from '../http.js';
import { ServiceError } from '../errors.js';
import type { JwtClaims } from '../jwt.js';
import type { Log } from '../log.js';
import type { SubjectToken } from '../sources/subject-source.js';
import type { SignIn } from './identity.js';

export async function federationSignIn(
  config: Config,
  auth: WorkloadIdentityAuth,
  env: NodeJS.ProcessEnv,
  http: Http,
  log: Log,
): Promise<SignIn> {
  const source = await auth.source.start({
    provider: auth.provider,
    env,
    http,
    log,
    ...(config.serviceAccount !== undefined ? { serviceAccount: config.serviceAccount } : {}),
  });
  const { facts } = source;
  // Asked for now, so that writing the credentials file overlaps the round
  // trip; a failure surfaces only when it is awaited in authenticate().
  const subject = settleLater(source.subjectToken());
  const asked = Date.now();
  const sa = config.serviceAccount;
  return {
    method: `Workload Identity Federation from ${facts.name}${sa ? ` as ${sa}` : ' (direct resource access)'}`,
    credentialsFile: () => externalAccountConfig(config, auth.provider, source),
    diagnosis: { source: facts },
    async authenticate() {
      // The claims Google STS saw: every failure from here on carries them to diagnose.ts.
      let claims: JwtClaims | undefined;
      const failed = (err: unknown): DiagnosedError =>
        new DiagnosedError(err, { source: facts, ...(claims ? { claims } : {}) });
      const exchange = async (pending: Promise<SubjectToken>): Promise<Token> => {
        const subjectToken = await pending;
        claims = subjectToken.claims;
        const token = subjectToken.token;
        return exchangeToken(http, {
          stsEndpoint: config.endpoints.sts,
          audience: auth.provider.stsAudience,
          www: config.endpoints.www,
          subjectToken: token,
          subjectTokenType: source.subjectTokenType,
        });
      };
      let authToken: Token;
      try {
        authToken = await exchange(subject);
      } catch (err) {
        // Retries through a long outage can outlast the subject token (GitHub's
        // last minutes, a signed AWS request 15): then one fresh token, once.
        // (A rule of the exchange, not of HTTP: see CONTRIBUTING, "Change the retry policy".)
        if (!isExpiredSubjectToken(err)) throw failed(err);
        log.info(
          `Google STS says the subject token expired (${Math.round((Date.now() - asked) / 1000)} s after it was ` +
            `asked for); getting a fresh one from ${facts.name}.`,
        );
        authToken = await exchange(source.subjectToken()).catch((retryErr: unknown) => {
          throw failed(retryErr);
        });
      }
      const iam = new IamCredentials(http, config.endpoints.iamcredentials, authToken.token);
      const principal = principalFor(facts.principal, auth.provider, claims);
      if (sa && config.checkImpersonation) {
        // No token was asked for, so nothing else would use the account in
        // this step: prove the impersonation that tools will do later, so
        // that a missing account or binding fails here, with its hint. The
        // request is the one tools make (same scopes, lifetime, delegates);
        // its token is masked and dropped.
        await iam
          .generateAccessToken(sa, {
            scopes: config.accessToken.scopes,
            lifetimeSeconds: config.accessToken.lifetimeSeconds,
            delegates: config.delegates,
          })
          .catch((err: unknown) => {
            throw failed(err);
          });
        log.info(`Checked that ${principal} may impersonate ${sa} (verify_service_account).`);
      }
      return {
        authToken,
        principal,
        diagnosis: { source: facts, ...(claims ? { claims } : {}) },
        // Without a service account the STS token is already an access token, of the federated principal.
        ...(sa
          ? {}
          : {
              ownAccessToken: {
                token: authToken,
                caveat: directAccessCaveat(principal),
                ignoredInputs: ({ lifetime, scopes }) =>
                  lifetime || scopes
                    ? 'access_token_lifetime and access_token_scopes apply to service-account tokens; the federated ' +
                      'token has the scope cloud-platform and the lifetime Google STS gave it (see access_token_expiration).'
                    : undefined,
              },
            }),
        iam,
        signJwt: (serviceAccount, jwtClaims) => iam.signJwt(serviceAccount, jwtClaims, config.delegates),
      };
    },
    // What tools need to use the credentials file: nothing when there is none.
    environmentForTools: () => (config.createCredentialsFile ? source.environmentForTools?.() : undefined),
  };
}

/** What users of the federated token must know (README: "Direct access tokens"). */
export function directAccessCaveat(principal: string): string {
  return (
    `access_token is the federated principal's own token (${principal}), not a service account's: ` +
    'it works with the APIs that support Workload Identity Federation directly, and others refuse it ' +
    '(Google lists them in "Identity federation: products and limitations"; VPC Service Controls perimeters ' +
    'admit only service accounts). Where it is refused, set service_account to impersonate one.'
  );
}

/**
 * Google STS's words for a subject token past its lifetime: "ID Token issued
 * at N is stale to sign-in" (OIDC), "Signature expired" / "Request has
 * expired" (AWS, quoted from AWS STS).
 */
export function isExpiredSubjectToken(err: unknown): boolean {
  return (
    err instanceof ServiceError &&
    err.service === STS_SERVICE &&
    err.status === 400 &&
    /stale|expired/i.test(err.serviceMessage)
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
