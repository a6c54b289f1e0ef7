/**
 * The request-shape invariant (issue 11) for the bundled action: a sample of
 * the inputs that unit/request-fuzz.test.ts throws at run() in-process, run
 * as the runner runs dist/main against the fakes, whose request logs show
 * that an invalid value reaches no service and a valid one makes exactly the
 * requests of its shape.
 */
import { readFile } from 'node:fs/promises';

import { errorsOf } from '../support/e2e.js';
import { useFakeWorld } from '../support/fake-world.js';
import { GITHUB_PROVIDER, SA } from '../support/fixtures.js';

describe('the bundled action against the fakes: a sample', () => {
  const { world, runMain } = useFakeWorld({
    inputs: (world) => ({ workload_identity_provider: world.workloadIdentityProvider }),
  });

  const servers = () => [world.github, world.google.sts, world.google.iamcredentials, world.google.oauth2];
  const log = () => servers().flatMap((s) => s.requests.map((r) => `${s.name} ${r.method} ${r.path}`));
  // Each test reads the requests of its own run only.
  beforeEach(() => {
    for (const s of servers()) s.reset();
  });

  it.each<[string, Record<string, string>, RegExp]>([
    [
      'a service account that names another IAM method',
      { service_account: `${SA}:signBlob?x=`, token_format: 'access_token' },
      /^Invalid input: "service_account" must be a service account email/,
    ],
    [
      'a service account with a fragment',
      { service_account: `${SA}#`, token_format: 'access_token' },
      /^Invalid input: "service_account" must be a service account email/,
    ],
    [
      'a delegate that names another method',
      { service_account: SA, token_format: 'access_token', delegates: `${SA}:signBlob?x=` },
      /^Invalid input: "delegates" must be a service account email/,
    ],
    [
      'a provider with a query',
      { workload_identity_provider: `${GITHUB_PROVIDER.replace(/github-provider$/, 'gh-provider')}?x=1` },
      /^Invalid input: "workload_identity_provider" has the provider ID "gh-provider\?x=1"/,
    ],
    [
      'a plain-http endpoint on a name that is not loopback',
      { sts_endpoint: 'http://sts.googleapis.test/v1' },
      /^Invalid input: "sts_endpoint" must be an https:\/\/ URL/,
    ],
  ])('%s: one error, nothing reaches any service', async (_what, inputs, error) => {
    const result = await runMain(inputs);
    expect(result.code).toBe(1);
    expect(errorsOf(result)).toEqual([expect.stringMatching(error)]);
    expect(log()).toEqual([]);
  });

  it('valid inputs: exactly the requests of their shape', async () => {
    const result = await runMain({
      service_account: SA,
      token_format: 'id_token',
      id_token_audience: 'https://x.example',
    });
    expect(errorsOf(result)).toEqual([]);
    expect(log()).toEqual([
      'github-oidc GET /token',
      'sts POST /v1/token',
      `iamcredentials POST /v1/projects/-/serviceAccounts/${SA}:generateIdToken`,
    ]);
  });

  describe('drop-in: what the action we replace also takes', () => {
    const uniqueIdOf = (email: string): string =>
      (world.google.serviceAccounts.get(email) as { uniqueId: string }).uniqueId;

    it('a numeric unique ID as service_account goes to IAM Credentials as it is; no project is derived', async () => {
      const id = uniqueIdOf(SA);
      expect(id).toMatch(/^[0-9]{21}$/);
      const result = await runMain({ service_account: id, token_format: 'access_token' });
      expect(errorsOf(result)).toEqual([]);
      expect(result.outputs['access_token']).toBeTruthy();
      expect(log()).toEqual([
        'github-oidc GET /token',
        'sts POST /v1/token',
        `iamcredentials POST /v1/projects/-/serviceAccounts/${id}:generateAccessToken`,
      ]);
      expect(result.outputs['project_id'] ?? '').toBe('');
    });

    it('GHA_ENDPOINT_OVERRIDE_<endpoint> sends the requests there; an endpoint input wins over it', async () => {
      const unused = 'http://127.0.0.1:9/v1'; // nothing listens there: a request to it would fail the run
      const result = await runMain(
        { service_account: SA, token_format: 'access_token', sts_endpoint: '', iamcredentials_endpoint: '' },
        {
          GHA_ENDPOINT_OVERRIDE_sts: `${world.google.stsEndpoint}/`,
          GHA_ENDPOINT_OVERRIDE_iamcredentials: world.google.iamcredentialsEndpoint,
          GHA_ENDPOINT_OVERRIDE_oauth2: unused, // the oauth2_endpoint input wins
          GHA_ENDPOINT_OVERRIDE_www: 'https://www.example-universe.test',
        },
      );
      expect(errorsOf(result)).toEqual([]);
      expect(log()).toEqual([
        'github-oidc GET /token',
        'sts POST /v1/token',
        `iamcredentials POST /v1/projects/-/serviceAccounts/${SA}:generateAccessToken`,
      ]);
      // www names the scope the federated token is asked for, as upstream's override does.
      expect(world.google.sts.requests[0]?.json).toMatchObject({
        scope: 'https://www.example-universe.test/auth/cloud-platform',
      });
      const file = JSON.parse(await readFile(result.outputs['credentials_file_path'] ?? '', 'utf8')) as {
        token_url: string;
      };
      expect(file.token_url).toBe(`${world.google.stsEndpoint}/token`);
    });

    it('GHA_ENDPOINT_OVERRIDE_<endpoint> is held to the rule of the endpoint inputs', async () => {
      const result = await runMain({ sts_endpoint: '' }, { GHA_ENDPOINT_OVERRIDE_sts: 'http://sts.example.test/v1' });
      expect(errorsOf(result)).toEqual([
        expect.stringMatching(/^Invalid input: "GHA_ENDPOINT_OVERRIDE_sts" must be an https:\/\/ URL/),
      ]);
      expect(log()).toEqual([]);
    });
  });
});
