// @ts-check
/**
 * Entry point for tests, the local demo script and the benchmark: re-exports
 * every fake and adds startEnvironment(), which wires the GitHub OIDC fake to
 * fake Google the way a typical Workload Identity Federation setup looks.
 * Plain .mjs files so `node` can import them without a build step, typed by
 * their JSDoc and type-checked with the tests (tsconfig.json: allowJs, and
 * `// @ts-check` in every fake); the shapes they share are in types.d.mts.
 */

import { fileURLToPath } from 'node:url';
import { startFakeGithubOidc } from './github-oidc.mjs';
import { allowGithubRepository, DEFAULT_PROVIDER, startFakeGoogle } from './google.mjs';

export * from './github-oidc.mjs';
export * from './google.mjs';
export { googleApiError, oauthError, parseProviderName } from './google-state.mjs';
export { json as jsonResponse, parseBody, startFakeServer } from './http-server.mjs';
export * from './jwt.mjs';
export * from './run-action.mjs';
export * from './tls.mjs';

/** @typedef {import('./types.mjs').StartEnvironmentOptions} StartEnvironmentOptions */
/** @typedef {import('./types.mjs').FakeEnvironment} FakeEnvironment */
// Shapes the suites name, re-exported from types.d.mts.
/** @typedef {import('./types.mjs').FakeServer} FakeServer */
/** @typedef {import('./types.mjs').Fault} Fault */
/** @typedef {import('./types.mjs').ProviderConfig} ProviderConfig */

export const DEFAULT_SERVICE_ACCOUNT = 'deployer@my-project.iam.gserviceaccount.com';

/**
 * Start the GitHub OIDC fake and fake Google, wired together (all over HTTPS
 * with `options.tls`, e.g. from createTestCertificates()):
 *  - Google trusts the GitHub fake's signing key and issuer;
 *  - one provider, DEFAULT_PROVIDER, whose condition is
 *    `repository_owner == 'octo-org'`;
 *  - one service account, DEFAULT_SERVICE_ACCOUNT, that federated principals
 *    from repository octo-org/octo-repo may impersonate.
 * Extra providers / service accounts in `options.google` are merged in.
 * @param {StartEnvironmentOptions} [options]
 * @returns {Promise<FakeEnvironment>}
 */
export async function startEnvironment(options = {}) {
  const tls = options.tls;
  const github = await startFakeGithubOidc({ tls, ...options.github });
  const googleOpts = { tls, ...options.google };
  let google;
  try {
    google = await startFakeGoogle({
      ...googleOpts,
      githubIssuerKey: googleOpts.githubIssuerKey ?? github.publicKey,
      githubIssuer: googleOpts.githubIssuer ?? github.issuer,
      attributeCondition: googleOpts.attributeCondition ?? ((claims) => claims.repository_owner === 'octo-org'),
      providers: { [DEFAULT_PROVIDER]: {}, ...googleOpts.providers },
      serviceAccounts: {
        [DEFAULT_SERVICE_ACCOUNT]: { allow: allowGithubRepository('octo-org/octo-repo') },
        ...googleOpts.serviceAccounts,
      },
    });
  } catch (err) {
    await github.close();
    throw err;
  }
  const g = google;
  return {
    github,
    google: g,
    workloadIdentityProvider: DEFAULT_PROVIDER,
    serviceAccount: DEFAULT_SERVICE_ACCOUNT,
    env: { ...github.env },
    endpointInputs: { ...g.endpointInputs },
    async close() {
      await Promise.all([github.close(), g.close()]);
    },
  };
}
export { startConnectProxy } from './connect-proxy.mjs';

/** Absolute path of the preload that resolves "*.test" names to 127.0.0.1 (for proxy tests). */
export const RESOLVE_TEST_HOSTS = fileURLToPath(new URL('./resolve-test-hosts.cjs', import.meta.url));
