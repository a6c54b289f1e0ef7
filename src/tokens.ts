/**
 * Stage 4: the tokens `token_format` asks for: the identity's own access
 * token when it has one (direct federation), else minted as the service
 * account by whichever identity stage 3 yielded.
 */
import { type Config, DEFAULT_SCOPE } from './config.js';
import { delegationClaims, exchangeJwtBearer, MAX_ASSERTION_LIFETIME_SECONDS } from './google/oauth2.js';
import type { Http } from './http.js';
import type { Identity } from './identity/index.js';
import type { Log } from './log.js';
import type { Results } from './results.js';

export async function mintTokens(
  config: Config,
  identity: Identity,
  http: Http,
  results: Results,
  log: Log,
): Promise<void> {
  const sa = config.serviceAccount;
  const own = identity.ownAccessToken;
  if (config.tokenFormat === 'access_token' && own) {
    const { scopes, lifetimeRequested } = config.accessToken;
    if (lifetimeRequested || scopes.join(' ') !== DEFAULT_SCOPE) {
      log.warning(
        'access_token_lifetime and access_token_scopes apply to service-account tokens; the federated token ' +
          'has the scope cloud-platform and the lifetime Google STS gave it (see access_token_expiration).',
      );
    }
    results.ownAccessToken(own);
  } else if (config.tokenFormat === 'access_token' && sa) {
    const { scopes, lifetimeSeconds, subject } = config.accessToken;
    if (subject) {
      // Domain-wide delegation: a JWT signed as the service account, naming
      // the Workspace user, exchanged at OAuth2.
      if (lifetimeSeconds > MAX_ASSERTION_LIFETIME_SECONDS) {
        log.warning(
          `access_token_lifetime is ${lifetimeSeconds}s, but tokens for access_token_subject last at most 1h; using 1h.`,
        );
      }
      const claims = delegationClaims(config.endpoints.oauth2, sa, subject, scopes, lifetimeSeconds);
      const assertion = await identity.signJwt(sa, claims);
      results.accessToken(await exchangeJwtBearer(http, config.endpoints.oauth2, assertion));
    } else {
      results.accessToken(
        await identity.iam.generateAccessToken(sa, { scopes, lifetimeSeconds, delegates: config.delegates }),
      );
    }
  }
  if (config.tokenFormat === 'id_token' && sa && config.idToken.audience) {
    results.idToken(
      await identity.iam.generateIdToken(sa, {
        audience: config.idToken.audience,
        includeEmail: config.idToken.includeEmail,
        delegates: config.delegates,
      }),
    );
  }
}
