/**
 * Stage 4: the tokens `token_format` asks for, minted as the service account
 * by whichever identity stage 3 yielded.
 */
import type { Config } from './config.js';
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
  if (config.tokenFormat === 'access_token' && sa) {
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
