/**
 * End-to-end, the bundled action: token_format access_token with direct
 * Workload Identity Federation (no service_account) outputs the STS token
 * itself, with no further request, and says whose token it is.
 */
import type { RunActionResult } from '../fakes/index.mjs';
import { errorsOf, expectTroubleshootingRow } from '../support/e2e.js';
import { useFakeWorld } from '../support/fake-world.js';
import { GITHUB_PRINCIPAL as PRINCIPAL } from '../support/fixtures.js';

const { world, runMain, expectNoLeaks } = useFakeWorld({
  actionDefaults: true,
  inputs: (world) => ({ workload_identity_provider: world.workloadIdentityProvider, project_id: 'my-project' }),
});

const CAVEAT =
  `access_token is the federated principal's own token (${PRINCIPAL}), not a service account's: it works with ` +
  'the APIs that support Workload Identity Federation directly, and others refuse it (Google lists them in ' +
  '"Identity federation: products and limitations"; VPC Service Controls perimeters admit only service accounts). ' +
  'Where it is refused, set service_account to impersonate one.';

/** What the runner's counters say a run cost, per service. */
function requestCounts(): Record<string, number> {
  return {
    github: world.github.requestCount,
    sts: world.google.sts.requestCount,
    iamcredentials: world.google.iamcredentials.requestCount,
    oauth2: world.google.oauth2.requestCount,
  };
}

describe('token_format: access_token without service_account', () => {
  let main: RunActionResult;
  let before: Record<string, number>;
  let after: Record<string, number>;

  beforeAll(async () => {
    before = requestCounts();
    main = await runMain({ token_format: 'access_token' });
    after = requestCounts();
  });

  it('outputs the federated STS token as access_token, with its expiration', () => {
    expect(errorsOf(main)).toEqual([]);
    expect(main.code).toBe(0);
    const token = main.outputs['access_token'] ?? '';
    expect(token).toBe(main.outputs['auth_token']);
    expect(world.google.lookupToken(token)).toMatchObject({ kind: 'federated' });
    expect(main.outputs['access_token_expiration']).toBe(main.outputs['auth_token_expiration']);
    expect(main.outputs['access_token_expiration']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(main.masks).toContain(token);
    expectNoLeaks(main);
  });

  it('makes no request beyond the OIDC token and the STS exchange', () => {
    const made = Object.fromEntries(Object.entries(after).map(([service, n]) => [service, n - (before[service] ?? 0)]));
    expect(made).toEqual({ github: 1, sts: 1, iamcredentials: 0, oauth2: 0 });
  });

  it("says in the log and the job summary that it is the federated principal's own token", () => {
    const log = main.stdout.split('\n').filter((line) => !line.startsWith('::'));
    expect(log).toContain(CAVEAT);
    expectTroubleshootingRow(CAVEAT, "access_token is the federated principal's own token");
    const escaped = CAVEAT.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    expect(main.summary).toContain(`<tr><td>Access token</td><td>${escaped}</td></tr>`);
    expect(main.summary).toMatch(/<tr><td>Access token expires<\/td><td>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ<\/td><\/tr>/);
    expect(main.summary).toContain('<tr><td>Principal</td><td>');
    // No warning: lifetime and scopes were left at their defaults.
    expect(main.commands.filter((c) => c.command === 'warning')).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/^The workspace is empty\./) }),
    ]);
  });
});

it('warns that access_token_lifetime and access_token_scopes do not apply to the federated token', async () => {
  const main = await runMain({ token_format: 'access_token', access_token_lifetime: '30m' });
  expect(errorsOf(main)).toEqual([]);
  expect(main.commands.filter((c) => c.command === 'warning').map((c) => c.message)).toContain(
    'access_token_lifetime and access_token_scopes apply to service-account tokens; the federated token has the ' +
      'scope cloud-platform and the lifetime Google STS gave it (see access_token_expiration).',
  );
  expect(main.outputs['access_token']).toBe(main.outputs['auth_token']);
  expectTroubleshootingRow(
    main.commands.find((c) => c.command === 'warning' && c.message.startsWith('access_token_lifetime'))?.message ?? '',
    'access_token_lifetime and access_token_scopes apply to service-account tokens',
  );
});

it('refuses id_token without service_account, with the reason, before any request', async () => {
  const before = world.github.requestCount;
  const main = await runMain({ token_format: 'id_token', id_token_audience: 'https://my-service.run.app' });
  expect(main.code).toBe(1);
  expect(errorsOf(main)).toEqual([
    'Invalid input: token_format "id_token" needs "service_account": Google issues ID tokens only for service ' +
      'accounts (IAM Credentials generateIdToken), and a federated identity has none of its own. Set ' +
      'service_account to an account the federated identity may impersonate (roles/iam.workloadIdentityUser on ' +
      'that account).',
  ]);
  expect(world.github.requestCount).toBe(before);
  expectTroubleshootingRow(errorsOf(main)[0] ?? '', 'token_format "id_token" needs "service_account"');
});

it('refuses access_token_subject without service_account, with the reason', async () => {
  const main = await runMain({ token_format: 'access_token', access_token_subject: 'alice@example.com' });
  expect(main.code).toBe(1);
  const [error] = errorsOf(main);
  expect(error).toMatch(
    /^Invalid input: token_format "access_token" with access_token_subject needs "service_account"/,
  );
  expectTroubleshootingRow(
    error ?? '',
    'token_format "access_token" with access_token_subject needs "service_account"',
  );
});

describe('a federated token that expires within 10 minutes (as GitHub OIDC tokens make it)', () => {
  // Google STS gives a federated token no longer than its subject token: about 5 minutes from GitHub.
  const short = useFakeWorld({
    actionDefaults: true,
    environment: () => ({ google: { tokenLifetimeSeconds: 299 } }),
    inputs: (world) => ({ workload_identity_provider: world.workloadIdentityProvider, project_id: 'my-project' }),
  });

  it('is a warning in the step log, with what lasts longer', async () => {
    const main = await short.runMain({ token_format: 'access_token' });
    expect(errorsOf(main)).toEqual([]);
    const warnings = main.commands.filter((c) => c.command === 'warning').map((c) => c.message);
    const expiry = (main.outputs['access_token_expiration'] ?? '').replace(/[.]/g, '\\.');
    expect(warnings).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^access_token expires at ${expiry}, in 4m(5\\d|4\\d)s: a later step that uses it after that fails\\. `,
        ),
      ),
    );
    expect(warnings).toContainEqual(
      expect.stringMatching(
        /For a token that lasts longer, set service_account and token_format: access_token \(a service account's token lasts access_token_lifetime, 1h by default\); or use tools that read the credentials file, which get fresh tokens themselves \(for Docker: gcloud auth configure-docker\)\.$/,
      ),
    );
    expectTroubleshootingRow(
      warnings.find((w) => w.startsWith('access_token expires at')) ?? '',
      'access_token expires at …, in …: a later step that uses it after that fails',
    );
    // Said once: auth_token is the same token.
    expect(main.stdout.match(/expires at .*, in \dm\d+s/g)).toHaveLength(1);
    short.expectNoLeaks(main);
  });

  it('without token_format, an info line about auth_token', async () => {
    const main = await short.runMain({});
    expect(errorsOf(main)).toEqual([]);
    const log = main.stdout.split('\n').filter((line) => !line.startsWith('::'));
    expect(log).toContainEqual(
      expect.stringMatching(/^auth_token expires at \S+Z, in 4m[45]\ds: a later step that uses it after that fails\. /),
    );
    expect(main.commands.filter((c) => c.command === 'warning').map((c) => c.message)).not.toContainEqual(
      expect.stringContaining('expires at'),
    );
  });
});
