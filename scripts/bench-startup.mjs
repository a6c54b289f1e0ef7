// `npm run bench`: what the auth step costs the runner, per scenario.
//
// Starts the project's fake servers on 127.0.0.1 (GitHub OIDC, Google STS /
// IAM Credentials / OAuth2, AWS instance metadata), then runs the bundled main
// and post steps under Node 24 the way the runner starts them
// (`node dist/main/index.js`, inputs in INPUT_*, file commands), N times after
// a warm-up. Scenarios run round-robin, together with a bare `node -e 0`, so
// that drift of the machine affects all of them alike. Wall time is measured
// from spawn to exit (stdio closed): what a job pays. The fakes run in this
// process, so each request includes their work.
//
// Then a few traced runs (a --require preload listening on
// diagnostics_channel, scripts/bench-trace.cjs) tell where the time goes:
// Node's start, loading the bundle, each HTTP request, the rest.
//
//   npm run bench                          # 30 runs after 3 warm-ups
//   npm run bench -- --runs 60 --warmup 5 [--traced 10]
//   npm run bench -- --no-build            # measure the dist/ as it is
//   npm run bench -- --dist /other/dist    # measure another build
//   npm run bench -- --compare /other/dist # and another build in the same round-robin
//   npm run bench -- --json                # machine-readable figures too
// The other modes (scripts/bench-core.mjs dispatches): --latency, --storm, --outage.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

import { createTestCertificates, startEnvironment } from '../__tests__/fakes/index.mjs';
import {
  AWS_ACCOUNT,
  AWS_PROVIDER,
  AWS_SERVICE_ACCOUNT,
  benchArgs,
  benchRunner,
  buildsToMeasure,
  KEY_SERVICE_ACCOUNT,
  machineLine,
  mainOf,
  median,
  nodeVersion,
  postOf,
  root,
  runIfEntry,
  scenarioRunner,
  table,
  tagged,
  trustingAws,
} from './bench-core.mjs';

const TRACE_PRELOAD = join(root, 'scripts', 'bench-trace.cjs');
const FLOOR = join(root, 'scripts', 'bench-floor.cjs');

/**
 * @typedef {import('./bench-core.mjs').Scenario & { todo?: string, floor?: string }} Scenario
 * `todo`: why the scenario cannot run here. `floor`: the floor scenario its "× floor" is relative to ('floor' unless said).
 */

/** @param {string[]} args */
export async function run(args) {
  const { flag, option } = benchArgs(args);
  const RUNS = Number(option('runs', '30'));
  const WARMUP = Number(option('warmup', '3'));
  const TRACED = Number(option('traced', '10'));
  const builds = buildsToMeasure({ option });

  // -------------------------------------------------------------- the fakes
  /** The AWS fakes are optional: without them the AWS scenarios are skipped. */
  const awsFakes = await import('../__tests__/fakes/aws.mjs').catch(() => undefined);
  const awsWorld = awsFakes?.createAwsWorld();
  const aws =
    awsFakes && awsWorld
      ? await awsFakes.startFakeAws({
          world: awsWorld,
          imds: { roleName: 'runner-role', accountId: AWS_ACCOUNT, availabilityZone: 'eu-central-1a' },
        })
      : undefined;
  const world = await startEnvironment({
    google: awsFakes && awsWorld ? trustingAws(awsFakes.awsSubjectTokenVerifier, awsWorld) : {},
  });
  // The same GitHub and Google fakes over HTTPS, as every real run talks to
  // them: a throw-away CA, trusted by the child through NODE_EXTRA_CA_CERTS.
  const tlsCerts = await createTestCertificates();
  const tlsWorld = await startEnvironment({ tls: tlsCerts });
  const trustTestCa = { NODE_EXTRA_CA_CERTS: tlsCerts.caFile };
  world.google.addServiceAccount(KEY_SERVICE_ACCOUNT, {
    allow: (p) => p.type === 'serviceAccount' && p.email === KEY_SERVICE_ACCOUNT,
  });
  const key = world.google.createServiceAccountKey(KEY_SERVICE_ACCOUNT);
  const awsUser = awsWorld?.addUser(`arn:aws:iam::${AWS_ACCOUNT}:user/ci`);

  const servers = [
    world.github,
    world.google.sts,
    world.google.iamcredentials,
    world.google.oauth2,
    tlsWorld.github,
    tlsWorld.google.sts,
    tlsWorld.google.iamcredentials,
    ...(aws ? [aws.sts, aws.imds, aws.ecs] : []),
  ];

  // --------------------------------------------------------- the runner side
  const runner = benchRunner('gcp-auth-bench-', { inputs: world.endpointInputs });
  const github = { ...world.env };
  const noGithub = { ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined };
  const accessToken = { token_format: 'access_token' };

  /**
   * The scenarios for one build.
   * @param {string} dist
   * @returns {Scenario[]}
   */
  function scenariosFor(dist) {
    const MAIN = mainOf(dist);
    const awsTodo = 'TODO: AWS fakes (__tests__/fakes/aws.mjs) not available';
    return [
      {
        name: 'wif-direct',
        label: 'GitHub WIF, direct',
        args: [MAIN],
        env: runner.env({ workload_identity_provider: world.workloadIdentityProvider }, github),
        expect: 'auth_token',
      },
      {
        name: 'wif-access-token',
        label: 'GitHub WIF + access_token',
        args: [MAIN],
        env: runner.env(
          {
            workload_identity_provider: world.workloadIdentityProvider,
            service_account: world.serviceAccount,
            ...accessToken,
          },
          github,
        ),
        expect: 'access_token',
      },
      {
        // No token asked for: verify_service_account's one IAM Credentials call proves the impersonation.
        name: 'wif-sa-verify',
        label: 'GitHub WIF + service account, no token_format',
        args: [MAIN],
        env: runner.env(
          { workload_identity_provider: world.workloadIdentityProvider, service_account: world.serviceAccount },
          github,
        ),
        expect: 'auth_token',
      },
      {
        name: 'wif-sa-no-verify',
        label: 'the same with verify_service_account: false',
        args: [MAIN],
        env: runner.env(
          {
            workload_identity_provider: world.workloadIdentityProvider,
            service_account: world.serviceAccount,
            verify_service_account: 'false',
          },
          github,
        ),
        expect: 'auth_token',
      },
      {
        name: 'post',
        label: 'post step (removes the file)',
        args: [postOf(dist)],
        isPost: true,
        main: 'wif-access-token',
      },
      {
        name: 'key-access-token',
        label: 'service-account key + access_token',
        args: [MAIN],
        env: runner.env({ credentials_json: JSON.stringify(key), ...accessToken }, noGithub),
        expect: 'access_token',
      },
      aws && awsUser
        ? {
            name: 'aws-env',
            label: 'AWS env credentials + access_token',
            args: [MAIN],
            env: runner.env(
              {
                workload_identity_provider: AWS_PROVIDER,
                subject_token_source: 'aws',
                aws_region: 'eu-west-1',
                service_account: AWS_SERVICE_ACCOUNT,
                ...accessToken,
              },
              { ...noGithub, AWS_ACCESS_KEY_ID: awsUser.accessKeyId, AWS_SECRET_ACCESS_KEY: awsUser.secretAccessKey },
            ),
            expect: 'access_token',
          }
        : { name: 'aws-env', label: 'AWS env credentials + access_token', args: [], todo: awsTodo },
      aws
        ? {
            name: 'aws-imdsv2',
            label: 'AWS IMDSv2 (no region) + access_token',
            args: [MAIN],
            env: runner.env(
              {
                workload_identity_provider: AWS_PROVIDER,
                subject_token_source: 'aws',
                service_account: AWS_SERVICE_ACCOUNT,
                ...accessToken,
              },
              { ...noGithub, AWS_EC2_METADATA_DISABLED: undefined, AWS_EC2_METADATA_SERVICE_ENDPOINT: aws.imds.origin },
            ),
            expect: 'access_token',
          }
        : { name: 'aws-imdsv2', label: 'AWS IMDSv2 (no region) + access_token', args: [], todo: awsTodo },
    ];
  }

  /** scripts/bench-floor.cjs against the fakes of `w`. */
  const floorEnv = (w, extra = {}) => ({
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    FLOOR_OIDC_URL: w.env.ACTIONS_ID_TOKEN_REQUEST_URL,
    FLOOR_OIDC_TOKEN: w.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN,
    FLOOR_OIDC_AUDIENCE: `https://iam.googleapis.com/${w.workloadIdentityProvider}`,
    FLOOR_STS_AUDIENCE: `//iam.googleapis.com/${w.workloadIdentityProvider}`,
    FLOOR_STS_ENDPOINT: w.google.stsEndpoint,
    FLOOR_IAM_ENDPOINT: w.google.iamcredentialsEndpoint,
    FLOOR_SERVICE_ACCOUNT: w.serviceAccount,
    ...extra,
  });

  /** The WIF + access_token run over HTTPS, for one build. */
  const tlsScenarioFor = (dist) => ({
    name: 'wif-access-token-tls',
    label: 'GitHub WIF + access_token, over TLS',
    args: [mainOf(dist)],
    env: runner.env(
      {
        ...tlsWorld.endpointInputs,
        workload_identity_provider: tlsWorld.workloadIdentityProvider,
        service_account: tlsWorld.serviceAccount,
        ...accessToken,
      },
      { ...tlsWorld.env, ...trustTestCa },
    ),
    expect: 'access_token',
    floor: 'floor-tls',
  });

  /** @type {Scenario[]} */
  const scenarios = [
    { name: 'bare', label: 'bare `node -e 0`', args: ['-e', '0'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } },
    { name: 'floor', label: 'floor: Node + TLS stack + 3 requests', args: [FLOOR], env: floorEnv(world) },
    ...builds.flatMap((b) => tagged(scenariosFor(b.dist), b.tag)),
    {
      name: 'floor-tls',
      label: 'floor over TLS: Node + 3 HTTPS requests',
      args: [FLOOR],
      env: floorEnv(tlsWorld, trustTestCa),
      floor: 'floor-tls',
    },
    ...builds.flatMap((b) => tagged([tlsScenarioFor(b.dist)], b.tag)),
  ];
  const active = scenarios.filter((s) => !s.todo);
  const runScenario = scenarioRunner({
    runner,
    scenarios,
    counters: { requests: () => servers.reduce((n, s) => n + s.requestCount, 0) },
  });

  const ms = (x) => (x === undefined ? '-' : x.toFixed(1));
  const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

  // ------------------------------------------------------------------ timing
  try {
    const times = Object.fromEntries(active.map((s) => [s.name, []]));
    const requests = Object.fromEntries(active.map((s) => [s.name, new Set()]));
    console.log(`Running ${active.length} scenarios round-robin: ${WARMUP} warm-up + ${RUNS} timed runs each ...`);
    for (let i = 0; i < WARMUP + RUNS; i++) {
      for (const s of active) {
        const r = await runScenario(s);
        if (i >= WARMUP) {
          times[s.name].push(r.ms);
          requests[s.name].add(r.requests);
        }
      }
    }
    const bare = median(times['bare']);
    const floor = median(times['floor']);
    const ratio = (t, base) => `${(median(t) / base).toFixed(2)}×`;
    const floorOf = (s) => median(times[s.floor ?? 'floor']);

    // ------------------------------------------------ where the time goes
    const traces = Object.fromEntries(active.map((s) => [s.name, []]));
    for (let i = 0; i < TRACED; i++) {
      for (const s of active) {
        const traceFile = join(runner.scratch, `trace-${s.name}.json`);
        const r = await runScenario(s, ['--require', TRACE_PRELOAD], { BENCH_TRACE_FILE: traceFile });
        const t = JSON.parse(readFileSync(traceFile, 'utf8'));
        traces[s.name].push({ ...t, wall: r.ms, spawnGap: t.timeOrigin - r.startedEpoch });
      }
    }

    // ----------------------------------------------------------- report
    const sizes = builds.flatMap((b) => bundleSizes(b.dist, b.tag));
    const rows = scenarios.map((s) => {
      if (s.todo) return [s.label, 'TODO', '', '', '', '', '', s.todo];
      const t = times[s.name];
      const counts = [...requests[s.name]].join('/');
      return [
        s.label,
        ms(Math.min(...t)),
        ms(median(t)),
        ms(Math.max(...t)),
        ratio(t, bare),
        ratio(t, floorOf(s)),
        counts,
        '',
      ];
    });
    console.log(`\n${machineLine()}, ${RUNS} runs after ${WARMUP} warm-up, wall ms from spawn to exit.\n`);
    console.log(table(['scenario', 'min', 'median', 'max', '× bare', '× floor', 'HTTP requests/run', 'note'], rows));

    console.log(
      `\nWhere the time goes (median of ${TRACED} traced runs per scenario, ms; phases are medians, so they need not add up to wall):\n`,
    );
    const phaseRows = [];
    for (const s of active) {
      const list = traces[s.name];
      if (!list?.length) continue;
      const phase = (f) => median(list.map(f));
      const requestsPerRun = list[0].requests.length;
      const perRequest = [];
      for (let k = 0; k < requestsPerRun; k++) {
        const r = list[0].requests[k];
        perRequest.push(
          `${r.label} ${ms(phase((t) => (t.requests[k] ? t.requests[k].end - t.requests[k].created : NaN)))}`,
        );
      }
      const firstRequest = (t) => (t.requests[0] ? t.requests[0].created : t.exit);
      const lastEnd = (t) => (t.requests.length ? t.requests.at(-1).end : t.exit);
      phaseRows.push([
        s.label,
        ms(phase((t) => t.wall)),
        ms(phase((t) => t.spawnGap + t.preload)),
        ms(phase((t) => firstRequest(t) - t.preload)),
        perRequest.join(', ') || '-',
        ms(phase((t) => t.exit - lastEnd(t))),
        ms(phase((t) => t.wall - t.exit)),
      ]);
    }
    console.log(
      table(
        [
          'scenario',
          'wall',
          'Node start',
          'load + config',
          'each request (start to body read)',
          'after last request',
          'exit + reap',
        ],
        phaseRows,
      ),
    );
    console.log(
      '\nNode start: spawn to the first user code (a --require preload). load + config: parsing and running the bundle up to\n' +
        'its first request (reading inputs, writing the credentials file). after last request: outputs, summary, sockets closed.\n' +
        "exit + reap: from the child's `exit` event to the parent seeing the process end.",
    );

    console.log('\nBundles:\n');
    console.log(
      table(
        ['file', 'size'],
        sizes.map((f) => [f.file, kb(f.bytes)]),
      ),
    );

    if (flag('json')) {
      const out = {
        node: nodeVersion(),
        cpus: cpus().length,
        runs: RUNS,
        warmup: WARMUP,
        bareMedianMs: bare,
        floorMedianMs: floor,
        scenarios: Object.fromEntries(
          active.map((s) => [
            s.name,
            {
              minMs: Math.min(...times[s.name]),
              medianMs: median(times[s.name]),
              maxMs: Math.max(...times[s.name]),
              ratioToBare: median(times[s.name]) / bare,
              ratioToFloor: median(times[s.name]) / floorOf(s),
              requestsPerRun: [...requests[s.name]],
            },
          ]),
        ),
        todo: scenarios.filter((s) => s.todo).map((s) => s.name),
        bundles: sizes,
      };
      console.log(`\n${JSON.stringify(out, null, 2)}`);
    }
  } finally {
    await Promise.all([world.close(), tlsWorld.close(), aws?.close()]);
    await tlsCerts.cleanup();
    runner.cleanup();
  }
}

/** The size of each JS file of a build's main and post steps. */
function bundleSizes(dist, tag = '') {
  const out = [];
  for (const step of ['main', 'post']) {
    const dir = join(dist, step);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      if (!name.endsWith('.js')) continue;
      out.push({ file: `dist/${step}/${name}${tag}`, bytes: statSync(join(dir, name)).size });
    }
  }
  return out;
}

await runIfEntry(import.meta.url, run);
