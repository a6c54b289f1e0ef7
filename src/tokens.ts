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
    const ignored = own.ignoredInputs({ lifetime: lifetimeRequested, scopes: scopes.join(' ') !== DEFAULT_SCOPE });
    if (ignored) log.warning(ignored);
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
  const { audience, includeEmail } = config.idToken;
  if (config.tokenFormat === 'id_token' && audience) {
    if (sa) {
      results.idToken(await identity.iam.generateIdToken(sa, { audience, includeEmail, delegates: config.delegates }));
    } else if (identity.ownIdToken) {
      // The identity's own ID token (the machine's; config.ts allows no other case without a service account).
      results.idToken(await identity.ownIdToken(audience, includeEmail));
    }
  }
}
