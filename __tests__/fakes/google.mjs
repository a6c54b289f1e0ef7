// @ts-check
/**
 * Fake Google Cloud auth backend: three listeners (STS, IAM Credentials,
 * OAuth2) over one shared state. They are separate listeners, not paths on
 * one server, because the action has one endpoint-override input per service
 * and proxy / NO_PROXY tests need distinct host:port pairs.
 *
 * Endpoint shapes mirror the real base URLs:
 *   stsEndpoint            http://127.0.0.1:P1/v1   (https://sts.googleapis.com/v1)
 *   iamcredentialsEndpoint http://127.0.0.1:P2/v1   (https://iamcredentials.googleapis.com/v1)
 *   oauth2Endpoint         http://127.0.0.1:P3      (https://oauth2.googleapis.com)
 * (https:// for all three with `options.tls`).
 */

import { createIamCredentialsHandler } from './google-iamcredentials.mjs';
import { createOAuth2Handler } from './google-oauth2.mjs';
import { createGoogleState } from './google-state.mjs';
import { createStsHandler } from './google-sts.mjs';
import { startFakeServer } from './http-server.mjs';

export { IAM_PERMISSIONS } from './google-iamcredentials.mjs';
export {
  ACCESS_TOKEN_TYPE,
  AWS_TOKEN_TYPE,
  DEFAULT_PROVIDER,
  ID_TOKEN_TYPE,
  JWT_BEARER_GRANT,
  JWT_TOKEN_TYPE,
  SAML2_TOKEN_TYPE,
  TOKEN_EXCHANGE_GRANT,
} from './google-state.mjs';

/** @typedef {import('./types.mjs').FakeGoogle} FakeGoogle */
/** @typedef {import('./types.mjs').FakeGoogleOptions} FakeGoogleOptions */
/** @typedef {import('./types.mjs').RecordedRequest} RecordedRequest */
/** @typedef {import('./types.mjs').Principal} Principal */
/** @typedef {import('./types.mjs').AllowPredicate} AllowPredicate */

/**
 * Start the three fake Google services.
 * @param {FakeGoogleOptions} [options]
 * @returns {Promise<FakeGoogle>}
 */
export async function startFakeGoogle(options = {}) {
  const state = createGoogleState(options);
  /** @type {RecordedRequest[]} */
  const requests = [];
  const { tls } = options;
  const [sts, iamcredentials, oauth2] = await Promise.all([
    startFakeServer({ name: 'sts', handler: createStsHandler(state), sharedLog: requests, tls }),
    startFakeServer({ name: 'iamcredentials', handler: createIamCredentialsHandler(state), sharedLog: requests, tls }),
    startFakeServer({ name: 'oauth2', handler: createOAuth2Handler(state), sharedLog: requests, tls }),
  ]);
  state.endpoints.sts = `${sts.origin}/v1`;
  state.endpoints.iamcredentials = `${iamcredentials.origin}/v1`;
  state.endpoints.oauth2 = oauth2.origin;

  return {
    sts,
    iamcredentials,
    oauth2,
    stsEndpoint: state.endpoints.sts,
    iamcredentialsEndpoint: state.endpoints.iamcredentials,
    oauth2Endpoint: state.endpoints.oauth2,
    endpointInputs: {
      sts_endpoint: state.endpoints.sts,
      iamcredentials_endpoint: state.endpoints.iamcredentials,
      oauth2_endpoint: state.endpoints.oauth2,
    },
    requests,
    universe: state.universe,
    idTokenPublicKey: state.idTokenKey.publicKey,
    tokens: state.tokens,
    providers: state.providers,
    serviceAccounts: state.serviceAccounts,
    addProvider: (name, config) => {
      state.addProvider(name, config);
    },
    addServiceAccount: (email, config) => {
      state.addServiceAccount(email, config);
    },
    registerServiceAccountKey: (keyJson) => state.registerServiceAccountKey(keyJson),
    createServiceAccountKey: (email, opts) => state.createTrustedServiceAccountKey(email, opts),
    serviceAccountPublicKey(email) {
      const sa = state.serviceAccounts.get(email);
      if (!sa) throw new Error(`unknown fake service account ${email}`);
      return sa.systemKey.publicKey;
    },
    lookupToken: (token) => state.tokens.get(token),
    issueToken: (prefix, info) => state.issueToken(prefix, info),
    injectFaults(service, faults) {
      ({ sts, iamcredentials, oauth2 })[service].injectFaults(faults);
    },
    get requestCount() {
      return sts.requestCount + iamcredentials.requestCount + oauth2.requestCount;
    },
    reset() {
      sts.reset();
      iamcredentials.reset();
      oauth2.reset();
      requests.length = 0;
    },
    async close() {
      await Promise.all([sts.close(), iamcredentials.close(), oauth2.close()]);
    },
  };
}

// ---------------------------------------------------------------------------
// `allow` predicate builders for service accounts (who may impersonate whom).
// ---------------------------------------------------------------------------

/**
 * Federated principals whose GitHub `repository` claim is one of `repos`
 * (the usual `principalSet://.../attribute.repository/<repo>` binding).
 * @param {...string} repos
 * @returns {AllowPredicate}
 */
export function allowGithubRepository(...repos) {
  return (p) => p.type === 'federated' && repos.includes(String(p.claims.repository));
}

/**
 * Service-account principals (self-signed JWT, OAuth2 or impersonated token,
 * or a delegation hop) with one of these emails.
 * @param {...string} emails
 * @returns {AllowPredicate}
 */
export function allowServiceAccount(...emails) {
  return (p) => p.type === 'serviceAccount' && emails.includes(p.email);
}

/**
 * Allow if any of the predicates allows.
 * @param {...AllowPredicate} predicates
 * @returns {AllowPredicate}
 */
export function allowAnyOf(...predicates) {
  return (p, ctx) => predicates.some((f) => f(p, ctx));
}

/** @type {AllowPredicate} */
export const allowAll = () => true;
