/**
 * Reliability end to end: the bundled action under Node 24 against fakes that
 * fail the way real services and networks fail, behind a real proxy, with
 * hostile inputs — and never a secret in the log.
 */
import { promises as fs } from 'node:fs';

import { type FakeServer, findLeakedSecrets, type RunActionResult } from '../fakes/index.mjs';
import { errorsOf, knownSecrets, SA } from '../support/e2e.js';
import { useFakeWorld } from '../support/fake-world.js';
import { GITHUB_PRINCIPAL } from '../support/fixtures.js';

const { world, runMain, expectNoLeaks } = useFakeWorld({
  inputs: (world) => ({ workload_identity_provider: world.workloadIdentityProvider }),
});
afterEach(() => {
  for (const server of [world.github, world.google.sts, world.google.iamcredentials, world.google.oauth2]) {
    server.clearFaults();
  }
});

const infoLines = (r: RunActionResult) => r.stdout.split(/\r?\n/).filter((l) => !l.startsWith('::'));
const secretsSoFar = (extra: string[] = []) => knownSecrets(world, extra);

describe('transient failures are retried on every endpoint', () => {
  const faults = [{ status: 503 }, { status: 429, retryAfter: 1 }, { reset: true }, { hangMs: 3000 }];

  it.each([
    ['GitHub OIDC', () => world.github],
    ['Google STS', () => world.google.sts],
    ['IAM Credentials', () => world.google.iamcredentials],
    // Domain-wide delegation reaches OAuth2 (after signJwt at IAM Credentials).
    ['OAuth2', () => world.google.oauth2, { access_token_subject: 'alice@example.com' }],
  ] as Array<[string, () => FakeServer, Record<string, string>?]>)(
    '%s: 503, 429 + Retry-After, reset, hang -> success in bounded time',
    async (service, server, extraInputs = {}) => {
      const before = server().requestCount;
      server().injectFaults(faults);
      const result = await runMain({
        service_account: SA,
        token_format: 'access_token',
        retries: '4',
        request_timeout: '1s',
        ...extraInputs,
      });
      expect(errorsOf(result)).toEqual([]);
      expect(result.code).toBe(0);
      expect(server().requestCount - before).toBe(5);
      expect(result.durationMs).toBeLessThan(12_000);
      const retries = infoLines(result).filter((l) => l.startsWith(`${service}`));
      expect(retries).toEqual([
        expect.stringMatching(/attempt 1\/5 failed \(HTTP 503 UNAVAILABLE\); retrying in \d+\.\ds$/),
        expect.stringMatching(/attempt 2\/5 failed \(HTTP 429 RESOURCE_EXHAUSTED\); retrying in 1\.0s$/),
        expect.stringMatching(/attempt 3\/5 failed \((ECONNRESET|EPIPE)[^)]*\); retrying in/),
        expect.stringMatching(/attempt 4\/5 failed \(timeout: [^)]*\); retrying in/),
        expect.stringMatching(new RegExp(`^${service} answered after 5 attempts over \\d+\\.\\ds$`)),
      ]);
      expectNoLeaks(result);
    },
    30_000,
  );

  it('gives up after the configured retries with a clear error', async () => {
    world.google.sts.injectFaults([{ status: 503 }, { status: 503 }, { status: 503 }]);
    const result = await runMain({ retries: '2' });
    expect(result.code).toBe(1);
    expect(errorsOf(result)).toEqual([
      expect.stringMatching(
        /Google STS answered HTTP 503 \(POST .*\/v1\/token, 3 attempts over \d+\.\ds; gave up after retries: 2\)/,
      ),
    ]);
  });
});

describe('permanent answers fail at once, with a diagnosis', () => {
  it('STS 400: one attempt', async () => {
    const before = world.google.sts.requestCount;
    const result = await runMain({ audience: 'https://example.com/not-the-provider' });
    expect(world.google.sts.requestCount - before).toBe(1);
    expect(errorsOf(result)[0]).toMatch(/HTTP 400.*\n.*Hint: The token's audience does not match/s);
    expectNoLeaks(result);
  });

  it('IAM Credentials 403: one attempt and the gcloud binding', async () => {
    world.google.iamcredentials.injectFaults([{ status: 403 }]);
    const before = world.google.iamcredentials.requestCount;
    const result = await runMain({ service_account: SA, token_format: 'access_token' });
    expect(world.google.iamcredentials.requestCount - before).toBe(1);
    const [error] = errorsOf(result);
    expect(error).toContain(
      `gcloud iam service-accounts add-iam-policy-binding "${SA}" --role="roles/iam.workloadIdentityUser"`,
    );
    expect(error).toContain('attribute.repository/octo-org/octo-repo');
    expectNoLeaks(result);
  });
});

describe('no secret in the log, with debug on, on every path', () => {
  const debug = { ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' };

  it.each<[string, Record<string, string>, Record<string, string | undefined>, () => void]>([
    ['success with every token', { service_account: SA, token_format: 'access_token' }, {}, () => undefined],
    [
      'success with an ID token',
      { service_account: SA, token_format: 'id_token', id_token_audience: 'https://x' },
      {},
      () => undefined,
    ],
    ['a bad OIDC request token', {}, { ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'wrong-request-token-value' }, () => undefined],
    ['an STS rejection', { audience: 'nope' }, {}, () => undefined],
    [
      'an IAM rejection',
      { service_account: 'locked@my-project.iam.gserviceaccount.com', token_format: 'access_token' },
      {},
      () => undefined,
    ],
    [
      'an OAuth2 rejection',
      { service_account: SA, token_format: 'access_token', access_token_subject: 'a@example.com' },
      {},
      () =>
        world.google.oauth2.injectFaults([
          { status: 400, body: { error: 'unauthorized_client', error_description: 'Client is unauthorized' } },
        ]),
    ],
    ['an unreachable service', { sts_endpoint: 'http://127.0.0.1:9/v1', retries: '0' }, {}, () => undefined],
    ['an invalid input', { access_token_lifetime: 'forever' }, {}, () => undefined],
  ])('%s', async (_what, inputs, env, setup) => {
    setup();
    const result = await runMain(inputs, { ...debug, ...env });
    expectNoLeaks(result, ['wrong-request-token-value']);
    expect(result.stderr).not.toMatch(/\n\s+at .*\(.*\.js:\d+:\d+\)/); // no stack trace
  });

  it('masks a key and its lines before anything else is printed', async () => {
    const key = world.google.createServiceAccountKey('leaky@key-project.iam.gserviceaccount.com');
    const result = await runMain(
      { workload_identity_provider: '', credentials_json: JSON.stringify(key), token_format: 'id_token' },
      debug,
    );
    expect(result.code).toBe(1); // id_token_audience missing
    const firstMask = result.stdout.indexOf('::add-mask::');
    expect(firstMask).toBeGreaterThanOrEqual(0);
    expect(result.stdout.slice(0, firstMask)).not.toContain('PRIVATE KEY');
    expectNoLeaks(result, [key.private_key, ...key.private_key.split('\n').filter((l) => l.length > 20)]);
  });
});

describe('hostile inputs cannot inject workflow commands, outputs or variables', () => {
  const hostile = [
    'x\n::set-output name=access_token::pwned',
    'x\r\n::add-path::/tmp/evil',
    '%0A::error::fake%25',
    '::stop-commands::token',
    'é😀\u202e',
    'A'.repeat(20_000),
  ];

  it.each(hostile)(
    'input value %#',
    async (value) => {
      const inputNames = [
        'project_id',
        'audience',
        'service_account',
        'request_reason',
        'id_token_audience',
        'access_token_subject',
        'delegates',
        'universe',
        'token_format',
      ];
      for (const name of inputNames) {
        const result = await runMain({ service_account: SA, [name]: value });
        // Either it worked, or one clear error; never a crash.
        expect(result.code === 0 || errorsOf(result).length === 1).toBe(true);
        expect(result.stderr).not.toMatch(/\n\s+at /);
        const allowed = new Set(['add-mask', 'error', 'warning', 'debug', 'notice']);
        expect(result.commands.filter((c) => !allowed.has(c.command))).toEqual([]);
        expect(Object.keys(result.outputs).every((k) => /^[a-z_]+$/.test(k))).toBe(true);
        expect(result.outputs['access_token']).not.toBe('pwned');
        expect(Object.keys(result.exportedEnv).every((k) => /^[A-Z_]+$/.test(k))).toBe(true);
        expect(result.addedPaths).toEqual([]);
        await result.cleanup();
      }
    },
    60_000,
  );
});

describe('pinning', () => {
  it('warns when the action is used from a branch, not from a tag or SHA', async () => {
    const onBranch = await runMain({}, { GITHUB_ACTION_REF: 'main' });
    expect(onBranch.commands.filter((c) => c.command === 'warning').map((c) => c.message)).toContainEqual(
      expect.stringMatching(/pinned to "main".*tag.*commit SHA/),
    );
    for (const ref of ['v1', 'v1.2.3', 'a'.repeat(40)]) {
      const pinned = await runMain({}, { GITHUB_ACTION_REF: ref });
      expect(pinned.commands.filter((c) => c.command === 'warning' && /pinned/.test(c.message))).toEqual([]);
    }
  });
});

describe('job summary', () => {
  it('says how the step authenticated, without secrets', async () => {
    const result = await runMain({ service_account: SA, token_format: 'access_token', project_id: 'my-project' });
    const summary = result.summary;
    expect(summary).toContain('Workload Identity Federation from GitHub OIDC');
    expect(summary).toContain(SA);
    expect(summary).toContain(GITHUB_PRINCIPAL);
    expect(summary).toContain('my-project');
    expect(summary).toContain(result.outputs['credentials_file_path']);
    expect(summary).toContain('GOOGLE_APPLICATION_CREDENTIALS');
    expect(summary).toContain(result.outputs['access_token_expiration']);
    expect(findLeakedSecrets(summary, secretsSoFar(), [])).toEqual([]);
    await fs.access(result.files.summary);
  });
});
