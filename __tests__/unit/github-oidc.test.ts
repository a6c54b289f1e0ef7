/** The GitHub OIDC source (src/sources/github-oidc.ts) on its own, against nock. */
import nock from 'nock';

import { EnvironmentError, ServiceError } from '../../src/errors.js';
import { STS_SERVICE } from '../../src/google/sts.js';
import { Http } from '../../src/http.js';
import { parseProviderName } from '../../src/provider-name.js';
import { GitHubOidcSource, githubOidc } from '../../src/sources/github-oidc.js';
import { signJwt, getKeyPair } from '../fakes/index.mjs';

import { hintsOfSourceFor, memberOfSource, principalOfSource, sourceOptions } from '../support/source-options.js';
import { useNockAndCaptureMasks } from '../support/unit.js';

const PROVIDER = parseProviderName(
  'projects/123456789012/locations/global/workloadIdentityPools/gh-pool/providers/gh-provider',
  'googleapis.com',
);
const POOL = 'projects/123456789012/locations/global/workloadIdentityPools/gh-pool';
const RUNNER = 'https://pipelines.actions.example.test';
const ENV = {
  ACTIONS_ID_TOKEN_REQUEST_URL: `${RUNNER}/oidc/token?api-version=2.0`,
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'rt-123',
};

const debug: string[] = [];
const log = { debug: (m: string) => debug.push(m), info: () => undefined, warning: () => undefined };
const masks = useNockAndCaptureMasks();
let http: Http;
beforeEach(() => {
  http = new Http({ userAgent: 'test', retries: 2, requestTimeoutMs: 2000, log, sleep: async () => undefined });
});
afterEach(() => http.dispose());

const source = (env: NodeJS.ProcessEnv = ENV, audience = 'https://iam.googleapis.com/x') =>
  new GitHubOidcSource({ audience }, { env, provider: PROVIDER, http, log });

function githubToken(claims: Record<string, unknown>): string {
  return signJwt(
    { iss: 'https://token.actions.githubusercontent.com', ...claims },
    getKeyPair('github-oidc').privateKey,
  );
}

describe('GitHubOidcSource', () => {
  it('explains how to get a token when the job has no id-token permission, and masks the request token', () => {
    expect(() => source({})).toThrow(EnvironmentError);
    expect(() => source({})).toThrow(/Add "permissions: \{ contents: read, id-token: write \}"/);
    source();
    expect(masks).toContain('rt-123');
  });

  it('asks the runner for a token with the audience, waits out "pending", and masks the token', async () => {
    const token = githubToken({ sub: 'repo:o/r:ref:refs/heads/main', repository: 'o/r', repository_owner: 'o' });
    const scope = nock(RUNNER, { reqheaders: { authorization: 'Bearer rt-123' } })
      .get('/oidc/token')
      .query({ 'api-version': '2.0', audience: 'my-aud' })
      .reply(403, { message: 'The job is pending approval' })
      .get('/oidc/token')
      .query({ 'api-version': '2.0', audience: 'my-aud' })
      .reply(200, { value: token });
    const subject = await source(ENV, 'my-aud').subjectToken();
    expect(scope.isDone()).toBe(true);
    expect(subject.token).toBe(token);
    expect(subject.claims['repository']).toBe('o/r');
    expect(masks).toContain(token);
    expect(debug).toContainEqual(
      'GitHub OIDC: token claims: sub="repo:o/r:ref:refs/heads/main", iss="https://token.actions.githubusercontent.com", repository="o/r", repository_owner="o"',
    );
  });

  it('refuses an answer without a token', async () => {
    nock(RUNNER).get('/oidc/token').query(true).reply(200, {});
    await expect(source().subjectToken()).rejects.toThrow('GitHub OIDC answered without a token ("value" is missing).');
  });

  it('describes itself for the credentials file with the same URL and header', async () => {
    expect(await source(ENV, 'my-aud').credentialSource()).toEqual({
      url: `${RUNNER}/oidc/token?api-version=2.0&audience=my-aud`,
      headers: { Authorization: 'Bearer rt-123' },
      format: { type: 'json', subject_token_field_name: 'value' },
    });
  });

  it('names the principal and the repository principal set on the IAM host', () => {
    const s = source();
    expect(principalOfSource(s, PROVIDER, { sub: 'repo:o/r:environment:prod' })).toBe(
      `principal://iam.googleapis.com/${POOL}/subject/repo:o/r:environment:prod`,
    );
    expect(memberOfSource(s, PROVIDER, { repository: 'o/r' })).toBe(
      `principalSet://iam.googleapis.com/${POOL}/attribute.repository/o/r`,
    );
    expect(memberOfSource(s, PROVIDER, undefined)).toContain('attribute.repository/OWNER/REPO');
  });

  it('hints at the audience, the attribute condition and the clock for STS refusals', () => {
    const s = source(ENV, 'wrong-aud');
    const sts = (m: string) => new ServiceError(STS_SERVICE, 400, m, 'POST https://sts/v1/token', 1, 'invalid_grant');
    expect(hintsOfSourceFor(s, PROVIDER, sts('The audience in ID Token [wrong-aud] does not match'))).toEqual([
      expect.stringMatching(
        /requested for "wrong-aud" \(input "audience"\); the provider accepts by default "https:\/\/iam\.googleapis\.com\/projects\/123456789012/,
      ),
    ]);
    expect(hintsOfSourceFor(s, PROVIDER, sts('The given credential is rejected by the attribute condition.'))).toEqual([
      expect.stringMatching(/assertion\.repository_owner must match your organisation/),
    ]);
    expect(hintsOfSourceFor(s, PROVIDER, sts('ID Token issued at 1 is stale to sign-in.'))).toEqual([
      "The subject token is expired or not yet valid: check the runner's clock.",
    ]);
    const own = new ServiceError('GitHub OIDC', 401, 'TF400813', 'GET https://runner/x', 1);
    expect(hintsOfSourceFor(s, PROVIDER, own)).toEqual([
      expect.stringMatching(/^The runner would not issue an OIDC token/),
    ]);
  });
});

test('the default audience names the provider on iam.googleapis.com', () => {
  expect(sourceOptions(githubOidc, { workload_identity_provider: PROVIDER.name })).toEqual({
    audience: `https://iam.googleapis.com/${PROVIDER.name}`,
  });
});
