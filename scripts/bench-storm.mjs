// Quota storms: N jobs start together against Google STS and IAM Credentials
// that each admit R requests a second (a token bucket of R, the fakes'
// `quota` fault) and answer 429 RESOURCE_EXHAUSTED beyond it, with or without
// Retry-After. Each job is the bundled action, a process of its own, with the
// default retry policy. Reported: how many succeed (the target is all), the
// median and longest job, requests sent and refused, and the drain time (first
// spawn to last exit) against the ideal N/R.
//
//   npm run bench -- --storm                       # the four standard storms
//   npm run bench -- --storm --jobs 40 --rate 4 [--retry-after 1] [--no-build | --dist DIR]
//   node scripts/bench-storm.mjs --jobs 40 --rate 4 ...  # the same
//
// Loopback only. Bounded: a job is killed after 4 minutes, and the storms run
// one after the other. The jobs share this machine's cores, so Node's start
// of 200 processes at once is part of the figures (the drain starts at the
// first spawn, not at the first request).
import { join } from 'node:path';

import { runAction, startEnvironment } from '../__tests__/fakes/index.mjs';
import { benchArgs, JOB_TIMEOUT_MS, mainOf, median, root, runIfEntry } from './bench-core.mjs';

/**
 * The storms of issue 10: 40 jobs at 4/s and 200 at 20/s, each with and
 * without Retry-After; and 200 jobs without a quota, the floor that starting
 * 200 processes at once costs this machine.
 */
export const STANDARD_STORMS = [
  { jobs: 200 },
  { jobs: 40, rate: 4, retryAfter: 1 },
  { jobs: 40, rate: 4 },
  { jobs: 200, rate: 20, retryAfter: 1 },
  { jobs: 200, rate: 20 },
];

/**
 * One storm on fresh fakes; without `rate`, no quota at all.
 * @param {{ jobs: number, rate?: number, retryAfter?: number }} storm
 */
export async function runStorm({ jobs, rate, retryAfter, main = mainOf(join(root, 'dist')) }) {
  const world = await startEnvironment();
  if (rate !== undefined) {
    const quota = { quota: { perSecond: rate }, ...(retryAfter !== undefined ? { retryAfter } : {}) };
    world.google.sts.injectFaults([quota]);
    world.google.iamcredentials.injectFaults([quota]);
  }
  const started = Date.now();
  try {
    const results = await Promise.all(
      Array.from({ length: jobs }, () =>
        runAction({
          script: main,
          inputs: {
            workload_identity_provider: world.workloadIdentityProvider,
            service_account: 'deployer@my-project.iam.gserviceaccount.com',
            token_format: 'access_token',
            ...world.endpointInputs,
          },
          env: world.env,
          timeoutMs: JOB_TIMEOUT_MS,
        }),
      ),
    );
    const drainMs = Date.now() - started;
    const times = results.map((r) => r.durationMs).sort((a, b) => a - b);
    const requests = [...world.google.sts.requests, ...world.google.iamcredentials.requests];
    const failures = results.filter((r) => r.code !== 0);
    const figures = {
      jobs,
      rate: rate ?? null,
      retryAfter: retryAfter ?? null,
      succeeded: jobs - failures.length,
      medianJobMs: median(times),
      longestJobMs: times.at(-1) ?? 0,
      drainMs,
      idealMs: rate === undefined ? null : (jobs / rate) * 1000,
      requests: requests.length,
      refused: requests.filter((r) => r.status === 429).length,
      firstError: failures[0]?.commands.find((c) => c.command === 'error')?.message,
    };
    await Promise.all(results.map((r) => r.cleanup()));
    return figures;
  } finally {
    await world.close();
  }
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** Runs the storms one by one and prints a table (and JSON with --json). */
export async function run(args = []) {
  const { option } = benchArgs(args);
  const main = mainOf(option('dist', join(root, 'dist')));
  const storms = option('jobs')
    ? [
        {
          jobs: Number(option('jobs')),
          rate: Number(option('rate') ?? '4'),
          ...(option('retry-after') !== undefined ? { retryAfter: Number(option('retry-after')) } : {}),
        },
      ]
    : STANDARD_STORMS;
  const all = [];
  console.log(
    '\n| jobs | quota | Retry-After | succeeded | median job | longest job | drain | ideal N/R | requests (429) |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const storm of storms) {
    const f = await runStorm({ ...storm, main });
    all.push(f);
    console.log(
      `| ${f.jobs} | ${f.rate === null ? 'none (floor)' : `${f.rate}/s`} | ${f.retryAfter === null ? 'none' : `${f.retryAfter} s`} | ` +
        `${f.succeeded}/${f.jobs} | ${seconds(f.medianJobMs)} | ${seconds(f.longestJobMs)} | ${seconds(f.drainMs)} | ` +
        `${f.idealMs === null ? '–' : seconds(f.idealMs)} | ` +
        `${f.requests} (${f.refused}) |`,
    );
    if (f.firstError) console.log(`  first failure: ${f.firstError}`);
    if (f.succeeded < f.jobs) process.exitCode = 1;
  }
  console.log(
    '\nEach job: GitHub OIDC (no quota), then Google STS and IAM Credentials, each with its own quota of R/s. ' +
      'requests: to STS and IAM Credentials together; ideal N/R: the drain if each quota were used to the full.',
  );
  if (args.includes('--json')) console.log(JSON.stringify(all, null, 2));
  return all;
}

await runIfEntry(import.meta.url, run);
