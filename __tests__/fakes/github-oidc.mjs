// @ts-check
/**
 * Fake of the GitHub Actions OIDC token service that backs
 * `core.getIDToken()`.
 *
 * The runner hands an action ACTIONS_ID_TOKEN_REQUEST_URL (already carrying
 * `?api-version=2.0`) and ACTIONS_ID_TOKEN_REQUEST_TOKEN. @actions/core then
 * calls `GET <url>&audience=<aud>` with `Authorization: Bearer <token>` and
 * reads `{"value": "<jwt>"}`. This fake does the same and mints RS256 JWTs
 * with GitHub's claim set, so anything downstream (fake STS, or a real
 * verifier) can check them against the published JWKS.
 */
import crypto from 'node:crypto';
import { json, startFakeServer } from './http-server.mjs';
import { getKeyPair, jwks, signJwt } from './jwt.mjs';

/** @typedef {import('./types.mjs').FakeGithubOidc} FakeGithubOidc */
/** @typedef {import('./types.mjs').FakeGithubOidcOptions} FakeGithubOidcOptions */
/** @typedef {import('./types.mjs').GithubClaims} GithubClaims */
/** @typedef {import('./types.mjs').MintGithubTokenOptions} MintGithubTokenOptions */

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

/**
 * GitHub's claim set with realistic values. Claims that GitHub derives from
 * others (owner from repository, sub from repository + ref / environment,
 * workflow refs) are derived here too, so overriding `repository` alone gives a
 * consistent token.
 * @param {Record<string, unknown>} [overrides] `undefined` values delete a claim
 * @returns {GithubClaims}
 */
export function defaultGithubClaims(overrides = {}) {
  const o = overrides;
  const repository = /** @type {string} */ (o.repository ?? 'octo-org/octo-repo');
  const owner = /** @type {string} */ (o.repository_owner ?? repository.split('/')[0]);
  const ref = /** @type {string} */ (o.ref ?? 'refs/heads/main');
  const sha = /** @type {string} */ (o.sha ?? 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678');
  const environment = /** @type {string | undefined} */ (o.environment);
  const workflowFile = '.github/workflows/deploy.yml';
  const sub = environment
    ? `repo:${repository}:environment:${environment}`
    : o.event_name === 'pull_request'
      ? `repo:${repository}:pull_request`
      : `repo:${repository}:ref:${ref}`;
  /** @type {Record<string, unknown>} */
  const claims = {
    sub,
    repository,
    repository_owner: owner,
    repository_id: '690144251',
    repository_owner_id: '12345678',
    repository_visibility: 'private',
    ref,
    ref_type: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    ref_protected: 'false',
    sha,
    workflow: 'Deploy',
    workflow_ref: `${repository}/${workflowFile}@${ref}`,
    workflow_sha: sha,
    job_workflow_ref: `${repository}/${workflowFile}@${ref}`,
    job_workflow_sha: sha,
    actor: 'octocat',
    actor_id: '583231',
    event_name: 'push',
    run_id: '9876543210',
    run_number: '42',
    run_attempt: '1',
    runner_environment: 'github-hosted',
    head_ref: '',
    base_ref: '',
  };
  if (environment !== undefined) claims.environment = environment;
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) delete claims[k];
    else claims[k] = v;
  }
  return /** @type {GithubClaims} */ (claims);
}

/** GitHub's (Azure DevOps-derived) answer when the request token is missing or wrong. */
const UNAUTHORIZED_BODY = {
  $id: '1',
  innerException: null,
  message: "TF400813: The user '' is not authorized to access this resource.",
  typeName:
    'Microsoft.TeamFoundation.Framework.Server.UnauthorizedRequestException, Microsoft.TeamFoundation.Framework.Server',
  typeKey: 'UnauthorizedRequestException',
  errorCode: 0,
  eventId: 3000,
};

/**
 * Start the fake GitHub OIDC token endpoint.
 * @param {FakeGithubOidcOptions} [options]
 * @returns {Promise<FakeGithubOidc>}
 */
export async function startFakeGithubOidc(options = {}) {
  const keyPair = options.keyPair ?? getKeyPair('github-oidc');
  const requestToken = options.requestToken ?? crypto.randomBytes(24).toString('base64url');
  const issuer = options.issuer ?? GITHUB_ISSUER;
  /** @type {Record<string, unknown>} */
  let claimOverrides = { ...options.claims };
  let lifetimeSeconds = options.lifetimeSeconds ?? 300;
  const now = options.now ?? (() => Date.now());
  /** @type {string[]} */
  const issuedTokens = [];

  /**
   * @param {MintGithubTokenOptions} [mint]
   * @returns {string}
   */
  function mintToken(mint = {}) {
    const claims = defaultGithubClaims({ ...claimOverrides, ...mint.claims });
    const iat = mint.iat ?? Math.floor(now() / 1000);
    const audience = mint.audience ?? `https://github.com/${claims.repository_owner}`;
    /** @type {Record<string, unknown>} */
    const payload = {
      jti: crypto.randomUUID(),
      ...claims,
      aud: audience,
      iss: mint.issuer ?? issuer,
      // GitHub back-dates nbf so that small clock skew on the relying party
      // does not reject a fresh token.
      nbf: mint.nbf ?? iat - 5 * 60,
      iat,
      exp: mint.exp ?? iat + (mint.lifetimeSeconds ?? lifetimeSeconds),
    };
    const token = signJwt(payload, mint.privateKey ?? keyPair.privateKey, { kid: keyPair.kid });
    issuedTokens.push(token);
    return token;
  }

  const server = await startFakeServer({
    name: 'github-oidc',
    tls: options.tls,
    handler(req) {
      if (req.method === 'GET' && req.path === '/.well-known/jwks') {
        return json(200, jwks([keyPair]));
      }
      if (req.method === 'GET' && req.path === '/.well-known/openid-configuration') {
        return json(200, {
          issuer,
          jwks_uri: `${server.origin}/.well-known/jwks`,
          subject_types_supported: ['public', 'pairwise'],
          response_types_supported: ['id_token'],
          claims_supported: [
            'sub',
            'aud',
            'exp',
            'iat',
            'iss',
            'jti',
            'nbf',
            'ref',
            'repository',
            'repository_owner',
            'actor',
            'environment',
          ],
          id_token_signing_alg_values_supported: ['RS256'],
          scopes_supported: ['openid'],
        });
      }
      if (req.path !== '/token') return json(404, { message: 'Not Found' });
      if (req.method !== 'GET') return json(405, { message: 'Method Not Allowed' });
      const auth = req.headers.authorization ?? '';
      if (auth !== `Bearer ${requestToken}`) return json(401, UNAUTHORIZED_BODY);
      if (req.query.get('api-version') !== '2.0') {
        return json(400, { message: 'The api-version query parameter must be 2.0.' });
      }
      const audience = req.query.get('audience') ?? undefined;
      return json(200, { count: 1, value: mintToken(audience === undefined ? {} : { audience }) });
    },
  });

  return {
    ...server,
    get requestCount() {
      return server.requestCount;
    },
    get connectionCount() {
      return server.connectionCount;
    },
    url: server.origin,
    requestUrl: `${server.origin}/token?api-version=2.0`,
    jwksUrl: `${server.origin}/.well-known/jwks`,
    requestToken,
    issuer,
    publicKey: keyPair.publicKey,
    privateKey: keyPair.privateKey,
    kid: keyPair.kid,
    issuedTokens,
    env: {
      ACTIONS_ID_TOKEN_REQUEST_URL: `${server.origin}/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken,
    },
    mintToken,
    setClaims(claims) {
      claimOverrides = { ...claims };
    },
    setLifetimeSeconds(seconds) {
      lifetimeSeconds = seconds;
    },
  };
}
