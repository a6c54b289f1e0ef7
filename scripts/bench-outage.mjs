// Outages at the real defaults: one endpoint answers every request with a
// failure for a fixed window (the fakes' `forMs` fault, counted from the first
// request it meets), then recovers. A few jobs, each the bundled action as the
// runner starts it with action.yml's defaults (retry_timeout 2m, no retry
// count), run through it. Reported per endpoint and failure: how many jobs
// succeed (the target is all), how long after the window's end the slowest job
// finished (the target is about 15 s), and the requests each job sent to the
// failing endpoint meanwhile (the target is about a dozen).
//
//   npm run bench -- --outage                         # every endpoint, 60 s each, both failures (about 17 minutes)
//   npm run bench -- --outage --seconds 20 --jobs 3 --only sts [--failure reset] [--no-build | --dist DIR]
//   node scripts/bench-outage.mjs --seconds 20 ...     # the same
//
// Loopback only, bounded: a job is killed after 4 minutes, endpoints run one
// after the other.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { awsSubjectTokenVerifier, createAwsWorld, startFakeAws } from '../__tests__/fakes/aws.mjs';
import { runAction, startEnvironment } from '../__tests__/fakes/index.mjs';
import {
  AWS_ACCOUNT,
  AWS_PROVIDER,
  AWS_SERVICE_ACCOUNT as AWS_SA,
  benchArgs,
  DEFAULT_INPUTS,
  JOB_TIMEOUT_MS,
  mainOf,
  median,
  root,
  runIfEntry,
  trustingAws,
} from './bench-core.mjs';

const DEFAULT_MAIN = mainOf(join(root, 'dist'));
const SA = 'deployer@my-project.iam.gserviceaccount.com';
const AWS_ROLE = `arn:aws:iam::${AWS_ACCOUNT}:role/deploy`;

/**
 * The endpoints, each with the inputs (and, for AWS, the environment) that
 * make a job call it. The AWS rows sign in from AWS: `aws-sts` assumes a role
 * with environment credentials (AssumeRole at AWS STS), `imds` takes the EC2
 * instance role's credentials from instance metadata, `ecs` the task role's
 * from the container credentials endpoint.
 */
const AWS_INPUTS = { workload_identity_provider: AWS_PROVIDER, subject_token_source: 'aws', service_account: AWS_SA };
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
  'aws-sts': {
    name: 'AWS STS (AssumeRole)',
    server: (_w, aws) => aws.sts,
    inputs: { ...AWS_INPUTS, aws_role_arn: AWS_ROLE, aws_region: 'eu-west-1' },
    env: (aws) => {
      const user = aws.world.addUser(`arn:aws:iam::${AWS_ACCOUNT}:user/ci`);
      return {
        AWS_ACCESS_KEY_ID: user.accessKeyId,
        AWS_SECRET_ACCESS_KEY: user.secretAccessKey,
        AWS_ENDPOINT_URL_STS: aws.sts.origin,
        AWS_EC2_METADATA_DISABLED: 'true',
      };
    },
  },
  imds: {
    name: 'EC2 instance metadata',
    server: (_w, aws) => aws.imds,
    inputs: { ...AWS_INPUTS, token_format: 'access_token' },
    env: (aws) => ({ AWS_EC2_METADATA_SERVICE_ENDPOINT: aws.imds.origin, AWS_ENDPOINT_URL_STS: aws.sts.origin }),
  },
  ecs: {
    name: 'ECS container credentials',
    server: (_w, aws) => aws.ecs,
    inputs: { ...AWS_INPUTS, token_format: 'access_token', aws_region: 'eu-west-1' },
    env: (aws) => ({
      AWS_CONTAINER_CREDENTIALS_FULL_URI: aws.ecsUrl,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: 'ecs-auth-token',
      AWS_ENDPOINT_URL_STS: aws.sts.origin,
      AWS_EC2_METADATA_DISABLED: 'true',
    }),
  },
};

/** A fake AWS and a Google that trusts its account, for the AWS rows. */
async function startAws() {
  const world = createAwsWorld();
  world.addRole(AWS_ROLE);
  const aws = await startFakeAws({
    world,
    imds: { roleName: 'runner-role', accountId: AWS_ACCOUNT, availabilityZone: 'eu-central-1a' },
    ecs: { roleArn: `arn:aws:iam::${AWS_ACCOUNT}:role/ecs-task`, authorizationToken: 'ecs-auth-token' },
  });
  return Object.assign(aws, { home: mkdtempSync(join(tmpdir(), 'bench-outage-home-')) });
}

const FAILURES = {
  503: { status: 503 },
  reset: { reset: true },
};

/** One endpoint down for `seconds`, `jobs` jobs started together at its start. */
export async function runOutage({ endpoint, failure, seconds, jobs, main = DEFAULT_MAIN }) {
  const spec = ENDPOINTS[endpoint];
  const aws = spec.env ? await startAws() : undefined;
  const world = await startEnvironment(aws ? { google: trustingAws(awsSubjectTokenVerifier, aws.world) } : {});
  const server = spec.server(world, aws);
  const env = aws
    ? {
        ...world.env,
        ACTIONS_ID_TOKEN_REQUEST_URL: undefined,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined,
        AWS_EC2_METADATA_DISABLED: undefined,
        HOME: aws.home, // empty: no ~/.aws files
        ...spec.env(aws),
      }
    : world.env;
  server.injectFaults([{ ...FAILURES[failure], forMs: seconds * 1000 }]);
  const started = Date.now();
  try {
    const results = await Promise.all(
      Array.from({ length: jobs }, () =>
        runAction({
          script: main,
          inputs: {
            ...DEFAULT_INPUTS,
            workload_identity_provider: world.workloadIdentityProvider,
            ...world.endpointInputs,
            ...spec.inputs,
          },
          env,
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
    await aws?.close();
    if (aws) rmSync(aws.home, { recursive: true, force: true });
  }
}

const s = (ms) => `${(ms / 1000).toFixed(1)} s`;

export async function run(args = []) {
  const { option } = benchArgs(args);
  const seconds = Number(option('seconds') ?? '60');
  const jobs = Number(option('jobs') ?? '4');
  const only = option('only');
  const endpoints = only ? only.split(',') : Object.keys(ENDPOINTS);
  const failures = option('failure') ? [option('failure')] : ['503', 'reset'];
  // --dist DIR: another build's dist/ (to compare, or to keep measuring while dist/ is rebuilt).
  const main = option('dist') ? mainOf(option('dist')) : DEFAULT_MAIN;
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

await runIfEntry(import.meta.url, run);
