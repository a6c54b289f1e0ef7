// Outages at the real defaults: one endpoint answers every request with a
// failure for a fixed window (the fakes' `forMs` fault, counted from the first
// request it meets), then recovers. A few jobs, each the bundled action as the
// runner starts it with action.yml's defaults (retry_timeout 2m, no retry
// count), run through it. Reported per endpoint and failure: how many jobs
// succeed (the target is all), how long after the window's end the slowest job
// finished (the target is about 15 s), and the requests each job sent to the
// failing endpoint meanwhile (the target is about a dozen).
//
//   npm run bench -- --outage                         # every endpoint, 60 s each (about 6 minutes)
//   node scripts/bench-outage.mjs --seconds 20 --jobs 3 --only sts [--failure reset] [--dist DIR]
//
// Loopback only, bounded: a job is killed after 4 minutes, endpoints run one
// after the other.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import yaml from 'js-yaml';

import { runAction, startEnvironment } from '../__tests__/fakes/index.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_MAIN = join(root, 'dist', 'main', 'index.js');
const JOB_TIMEOUT_MS = 240_000;
const SA = 'deployer@my-project.iam.gserviceaccount.com';

/** action.yml's defaults, as the runner passes them. */
const DEFAULTS = Object.fromEntries(
  Object.entries(yaml.load(readFileSync(join(root, 'action.yml'), 'utf8')).inputs).map(([name, input]) => [
    name,
    input.default === undefined ? '' : String(input.default),
  ]),
);

/** The endpoints of the GitHub → Google path, each with the inputs that make a job call it. */
const ENDPOINTS = {
  github: { name: 'GitHub OIDC', server: (w) => w.github, inputs: {} },
  sts: { name: 'Google STS', server: (w) => w.google.sts, inputs: {} },
  iamcredentials: {
    name: 'IAM Credentials',
    server: (w) => w.google.iamcredentials,
    inputs: { service_account: SA, token_format: 'access_token' },
  },
  oauth2: {
    name: 'OAuth2 (domain-wide delegation)',
    server: (w) => w.google.oauth2,
    inputs: { service_account: SA, token_format: 'access_token', access_token_subject: 'alice@example.com' },
  },
};

const FAILURES = {
  503: { status: 503 },
  reset: { reset: true },
};

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
};

/** One endpoint down for `seconds`, `jobs` jobs started together at its start. */
export async function runOutage({ endpoint, failure, seconds, jobs, main = DEFAULT_MAIN }) {
  const spec = ENDPOINTS[endpoint];
  const world = await startEnvironment();
  const server = spec.server(world);
  server.injectFaults([{ ...FAILURES[failure], forMs: seconds * 1000 }]);
  const started = Date.now();
  try {
    const results = await Promise.all(
      Array.from({ length: jobs }, () =>
        runAction({
          script: main,
          inputs: {
            ...DEFAULTS,
            workload_identity_provider: world.workloadIdentityProvider,
            ...world.endpointInputs,
            ...spec.inputs,
          },
          env: world.env,
          timeoutMs: JOB_TIMEOUT_MS,
        }).then((result) => Object.assign(result, { endedAt: Date.now() })),
      ),
    );
    const outageEnd = started + seconds * 1000;
    const ends = results.map((r) => r.endedAt);
    const perJob = server.requests.length / jobs;
    const figures = {
      endpoint: spec.name,
      failure,
      seconds,
      jobs,
      succeeded: results.filter((r) => r.code === 0).length,
      afterEndMedianMs: median(ends.map((t) => t - outageEnd)),
      afterEndMaxMs: Math.max(...ends.map((t) => t - outageEnd)),
      requestsPerJob: perJob,
      firstError: results.find((r) => r.code !== 0)?.commands.find((c) => c.command === 'error')?.message,
    };
    await Promise.all(results.map((r) => r.cleanup()));
    return figures;
  } finally {
    await world.close();
  }
}

const s = (ms) => `${(ms / 1000).toFixed(1)} s`;

export async function runOutages(args = []) {
  const option = (name) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const seconds = Number(option('seconds') ?? '60');
  const jobs = Number(option('jobs') ?? '4');
  const only = option('only');
  const endpoints = only ? only.split(',') : Object.keys(ENDPOINTS);
  const failures = option('failure') ? [option('failure')] : ['503', 'reset'];
  // --dist DIR: another build's dist/ (to compare, or to keep measuring while dist/ is rebuilt).
  const main = option('dist') ? join(option('dist'), 'main', 'index.js') : DEFAULT_MAIN;
  console.log(`\nOutage of ${seconds} s, ${jobs} jobs per row, action.yml's defaults (retry_timeout 2m).\n`);
  console.log(
    '| endpoint | failure | succeeded | finished after the outage (median / slowest) | requests to it per job |',
  );
  console.log('| --- | --- | --- | --- | --- |');
  const all = [];
  for (const endpoint of endpoints) {
    for (const failure of failures) {
      const f = await runOutage({ endpoint, failure, seconds, jobs, main });
      all.push(f);
      console.log(
        `| ${f.endpoint} | ${failure === 'reset' ? 'connection reset' : `HTTP ${failure}`} | ${f.succeeded}/${f.jobs} | ` +
          `${s(f.afterEndMedianMs)} / ${s(f.afterEndMaxMs)} | ${f.requestsPerJob.toFixed(1)} |` +
          (f.firstError ? ` ${f.firstError.split('\n')[0]}` : ''),
      );
    }
  }
  if (args.includes('--json')) console.log(JSON.stringify(all, null, 2));
  return all;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runOutages(process.argv.slice(2));
}
