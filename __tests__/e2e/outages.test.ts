/**
 * Outages end to end: the bundled action under Node 24 against fakes whose
 * endpoints fail for a window of time (the fakes' `forMs` fault), then
 * recover — or never do.
 *
 * Speed: where a test is about the mechanism, `retry_timeout` is short. The
 * policy scales its backoff cap to an eighth of the budget, so a 6 s budget
 * waits at most 0.75 s between attempts and a 1.5 s outage is over in a
 * couple of seconds, through the same input a user would set: no test-only
 * switch exists. One test runs at the real defaults.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type AwsWorld, createAwsWorld, type FakeAws, startFakeAws } from '../fakes/aws.mjs';
import { type FakeServer, type Fault, type RunActionResult } from '../fakes/index.mjs';
import { errorsOf } from '../support/e2e.js';
import { trustingAws, useFakeWorld } from '../support/fake-world.js';
import { AWS_ACCOUNT, AWS_PROVIDER, AWS_SERVICE_ACCOUNT, SA } from '../support/fixtures.js';

/** A budget that makes the mechanism quick: waits of at most 0.75 s. */
const SHORT_BUDGET = '6s';
/** Long enough for several attempts, well inside SHORT_BUDGET. */
const OUTAGE_MS = 1500;

let awsWorld: AwsWorld;
let aws: FakeAws;
let home: string;

beforeAll(async () => {
  awsWorld = createAwsWorld();
  aws = await startFakeAws({
    world: awsWorld,
    imds: { roleName: 'runner-role', accountId: AWS_ACCOUNT, availabilityZone: 'eu-central-1a' },
  });
  home = await mkdtemp(join(tmpdir(), 'e2e-outages-home-'));
});
const { world, runMain, expectNoLeaks } = useFakeWorld({
  environment: () => trustingAws(awsWorld),
  inputs: (world) => ({ workload_identity_provider: world.workloadIdentityProvider }),
  timeoutMs: 60_000,
});
afterAll(async () => {
  await aws?.close();
  await rm(home, { recursive: true, force: true });
});
afterEach(() => {
  for (const server of [world.github, world.google.sts, world.google.iamcredentials, aws.imds]) server.clearFaults();
});

/** The run's plain log lines about `service` (not workflow commands). */
const linesAbout = (r: RunActionResult, service: string) =>
  r.stdout.split('\n').filter((l) => !l.startsWith('::') && l.startsWith(service));

function expectRodeOut(result: RunActionResult, service: string, server: FakeServer, before: number): void {
  if (result.code !== 0) throw new Error(`action failed:\n${result.stdout}\n${result.stderr}`);
  const attempts = server.requests.slice(before).filter((r) => r.fault !== undefined).length + 1;
  expect(attempts).toBeGreaterThanOrEqual(3);
  const lines = linesAbout(result, service);
  // One line per wait: service, host, attempt, reason, wait; then one line for the answer.
  expect(lines).toEqual([
    ...Array.from({ length: attempts - 1 }, (_, i) =>
      expect.stringMatching(
        new RegExp(
          `^${service}: 127\\.0\\.0\\.1:${server.port} attempt ${i + 1} failed \\(HTTP 503 UNAVAILABLE\\); retrying in \\d+\\.\\ds$`,
        ),
      ),
    ),
    expect.stringMatching(new RegExp(`^${service} answered after ${attempts} attempts over \\d+\\.\\ds$`)),
  ]);
}

describe('an outage of one endpoint is ridden out', () => {
  it.each([
    ['GitHub OIDC', () => world.github],
    ['Google STS', () => world.google.sts],
    ['IAM Credentials', () => world.google.iamcredentials],
  ] as Array<[string, () => FakeServer]>)(
    '%s: 503 for 1.5 s, then success',
    async (service, server) => {
      const before = server().requests.length;
      server().injectFaults([{ status: 503, forMs: OUTAGE_MS }]);
      const result = await runMain({ service_account: SA, token_format: 'access_token', retry_timeout: SHORT_BUDGET });
      expect(errorsOf(result)).toEqual([]);
      expectRodeOut(result, service, server(), before);
      expect(result.outputs['access_token']).toBeTruthy();
      expect(result.durationMs).toBeLessThan(8000);
      expectNoLeaks(result);
    },
    30_000,
  );

  it('EC2 instance metadata: the probe sees an answer, so the outage is ridden out too', async () => {
    aws.imds.injectFaults([{ status: 503, forMs: OUTAGE_MS }]);
    const result = await runMain(
      {
        workload_identity_provider: AWS_PROVIDER,
        subject_token_source: 'aws',
        service_account: AWS_SERVICE_ACCOUNT,
        token_format: 'access_token',
        retry_timeout: SHORT_BUDGET,
      },
      {
        ACTIONS_ID_TOKEN_REQUEST_URL: undefined,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined,
        AWS_EC2_METADATA_SERVICE_ENDPOINT: aws.imds.origin,
        AWS_EC2_METADATA_DISABLED: undefined,
        HOME: home, // empty: no ~/.aws files
      },
    );
    expect(errorsOf(result)).toEqual([]);
    expectRodeOut(result, 'EC2 instance metadata', aws.imds, 0);
    expect(aws.imds.requests[0]).toMatchObject({ method: 'PUT', path: '/latest/api/token' });
    expect(result.outputs['access_token']).toBeTruthy();
  }, 30_000);

  it('with the real defaults: a 2 s STS outage', async () => {
    const before = world.google.sts.requests.length;
    world.google.sts.injectFaults([{ status: 503, forMs: 2000 }]);
    const result = await runMain({ service_account: SA, token_format: 'access_token' });
    expect(errorsOf(result)).toEqual([]);
    expectRodeOut(result, 'Google STS', world.google.sts, before);
    // Waits of at most 0.5, 1, 2, 4 s: over at worst 7.5 s after the outage began.
    expect(result.durationMs).toBeLessThan(12_000);
  }, 30_000);
});

describe('a permanent outage fails within the budget, and says so', () => {
  it.each<[string, () => FakeServer, Fault, RegExp]>([
    [
      'Google STS',
      () => world.google.sts,
      { status: 503, forMs: 3_600_000 },
      /^Exchanging the subject token at Google STS failed: Google STS answered HTTP 503 \(POST http:\/\/127\.0\.0\.1:\d+\/v1\/token, (\d+) attempts over (\d\.\d)s; gave up: retry_timeout 3\.0s used up\): The service is currently unavailable\./,
    ],
    [
      'IAM Credentials',
      () => world.google.iamcredentials,
      { reset: true, forMs: 3_600_000 },
      /IAM Credentials could not be reached \(POST http:\/\/127\.0\.0\.1:\d+\/v1\/projects\/-\/serviceAccounts\/[^:]+:generateAccessToken, (\d+) attempts over (\d\.\d)s; gave up: retry_timeout 3\.0s used up\): (ECONNRESET|EPIPE)/,
    ],
  ])(
    '%s',
    async (_service, server, fault, message) => {
      const before = server().requests.length;
      server().injectFaults([fault]);
      const result = await runMain({ service_account: SA, token_format: 'access_token', retry_timeout: '3s' });
      expect(result.code).toBe(1);
      const [error] = errorsOf(result);
      const match = message.exec(error ?? '');
      if (!match) throw new Error(`unexpected error: ${error}`);
      expect(Number(match[1])).toBe(server().requests.length - before);
      expect(Number(match[1])).toBeGreaterThanOrEqual(4);
      // No attempt starts after the 3 s budget; the last one may end a little after it (more on a loaded machine).
      expect(Number(match[2])).toBeLessThan(4);
      // The budget, one attempt, and Node's start: no more.
      expect(result.durationMs).toBeLessThan(8000);
      expectNoLeaks(result);
    },
    30_000,
  );
});

describe('permanent answers make exactly one attempt, with the default policy', () => {
  it('STS 400', async () => {
    const before = world.google.sts.requestCount;
    const result = await runMain({ audience: 'https://example.com/not-the-provider' });
    expect(result.code).toBe(1);
    expect(world.google.sts.requestCount - before).toBe(1);
    expect(result.stdout).not.toMatch(/retrying in/);
  });

  it('IAM Credentials 403', async () => {
    world.google.iamcredentials.injectFaults([{ status: 403 }]);
    const before = world.google.iamcredentials.requestCount;
    const result = await runMain({ service_account: SA, token_format: 'access_token' });
    expect(result.code).toBe(1);
    expect(world.google.iamcredentials.requestCount - before).toBe(1);
    expect(errorsOf(result)[0]).toMatch(/IAM Credentials answered HTTP 403 \(POST [^,)]*\): /);
  });
});
