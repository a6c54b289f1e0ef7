// `npm run bench -- --latency`: the main step over an emulated wide-area link.
//
// On loopback a run is mostly Node's start-up; on a real network it is round
// trips. This puts a delaying relay (__tests__/fakes/latency-relay.mjs: half a
// round trip each way per chunk, one more for each new connection's TCP
// handshake) in front of every fake, serves the fakes over HTTPS with a
// throw-away CA (trusted by the child through NODE_EXTRA_CA_CERTS), and runs
// the bundled main step under Node 24 the way the runner does, round-robin
// with a bare `node -e 0`. Each scenario is reported in ms and in round trips
// above the bare start-up, next to the ideal count: 3 round trips for the
// first HTTPS connection (TCP, TLS, request) and 1 for each later request
// whose connection could be opened while an earlier request was in flight.
//
//   npm run bench -- --latency                        # 40 ms round trip, 15 runs after 2 warm-ups
//   npm run bench -- --latency --rtt 100 --runs 9
//   npm run bench -- --latency --compare /other/dist  # another build in the same round-robin
//   npm run bench -- --latency --no-build --json
import { awsSubjectTokenVerifier, createAwsWorld } from '../__tests__/fakes/aws.mjs';
import { createTestCertificates, startConnectProxy, startEnvironment } from '../__tests__/fakes/index.mjs';
import { interpose } from '../__tests__/fakes/latency-relay.mjs';
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
  runIfEntry,
  scenarioRunner,
  table,
  tagged,
  trustingAws,
} from './bench-core.mjs';

const HOST_NAMES = {
  github: 'token.actions.githubusercontent.test',
  sts: 'sts.googleapis.test',
  iamcredentials: 'iamcredentials.googleapis.test',
  oauth2: 'oauth2.googleapis.test',
};
const named = (url, service) => url.replace('127.0.0.1', HOST_NAMES[service]);

/**
 * @typedef {import('./bench-core.mjs').Scenario & { ideal?: number }} Scenario
 * `ideal`: round trips above bare start-up that no client can beat.
 */

/** @param {string[]} args */
export async function run(args) {
  const { flag, option } = benchArgs(args);
  const RTT = Number(option('rtt', '40'));
  const RUNS = Number(option('runs', '15'));
  const WARMUP = Number(option('warmup', '2'));
  const builds = buildsToMeasure({ option });

  // -------------------------------------------------------------- the fakes
  const certs = await createTestCertificates();
  const awsWorld = createAwsWorld();
  const awsTrust = trustingAws(awsSubjectTokenVerifier, awsWorld);
  const world = await startEnvironment({
    tls: certs,
    google: {
      ...awsTrust,
      serviceAccounts: {
        ...awsTrust.serviceAccounts,
        [KEY_SERVICE_ACCOUNT]: { allow: (p) => p.type === 'serviceAccount' && p.email === KEY_SERVICE_ACCOUNT },
      },
    },
  });
  const key = world.google.createServiceAccountKey(KEY_SERVICE_ACCOUNT);
  const awsUser = awsWorld.addUser(`arn:aws:iam::${AWS_ACCOUNT}:user/ci`);
  const fakes = [world.github, world.google.sts, world.google.iamcredentials, world.google.oauth2];
  // The relays take the fakes' ports, so every URL, audience and token the
  // fakes hand out stays as it is.
  const relays = await Promise.all(fakes.map((fake) => interpose(fake, { rttMs: RTT })));
  // A forward proxy next to the runner (no delay to it), the services far behind it.
  const proxy = await startConnectProxy();

  // --------------------------------------------------------- the runner side
  /** Every step over TLS, with the fakes' endpoints. */
  const runner = benchRunner('gcp-auth-bench-latency-', {
    inputs: world.endpointInputs,
    env: { NODE_EXTRA_CA_CERTS: certs.caFile },
  });
  const accessToken = { token_format: 'access_token' };

  /** @returns {Scenario[]} */
  const scenariosFor = (dist) =>
    [
      {
        name: 'wif-access-token',
        label: 'GitHub WIF + SA + access_token',
        env: runner.env(
          {
            workload_identity_provider: world.workloadIdentityProvider,
            service_account: world.serviceAccount,
            ...accessToken,
          },
          world.env,
        ),
        expect: 'access_token',
        ideal: 5,
      },
      {
        // @actions/http-client never proxies 127.0.0.1: the services go by names the test certificate covers.
        name: 'wif-access-token-proxy',
        label: 'GitHub WIF + SA + access_token, HTTPS_PROXY',
        env: runner.env(
          {
            workload_identity_provider: world.workloadIdentityProvider,
            service_account: world.serviceAccount,
            ...accessToken,
            ...Object.fromEntries(
              Object.entries(world.endpointInputs).map(([k, url]) => [k, named(url, k.replace(/_endpoint$/, ''))]),
            ),
          },
          {
            ...world.env,
            ACTIONS_ID_TOKEN_REQUEST_URL: named(world.env.ACTIONS_ID_TOKEN_REQUEST_URL, 'github'),
            HTTPS_PROXY: proxy.url,
          },
        ),
        expect: 'access_token',
        ideal: 5,
      },
      {
        name: 'wif-direct',
        label: 'GitHub WIF, direct',
        env: runner.env({ workload_identity_provider: world.workloadIdentityProvider }, world.env),
        expect: 'auth_token',
        ideal: 4,
      },
      {
        name: 'key-access-token',
        label: 'service-account key + access_token',
        env: runner.env({ credentials_json: JSON.stringify(key), ...accessToken }),
        expect: 'access_token',
        ideal: 3,
      },
      {
        name: 'aws-env',
        label: 'AWS env credentials + SA + access_token',
        env: runner.env(
          {
            workload_identity_provider: AWS_PROVIDER,
            subject_token_source: 'aws',
            aws_region: 'eu-west-1',
            service_account: AWS_SERVICE_ACCOUNT,
            ...accessToken,
          },
          { AWS_ACCESS_KEY_ID: awsUser.accessKeyId, AWS_SECRET_ACCESS_KEY: awsUser.secretAccessKey },
        ),
        expect: 'access_token',
        ideal: 4,
      },
    ].map((s) => ({ ...s, args: [mainOf(dist)] }));

  /** @type {Scenario[]} */
  const scenarios = [
    { name: 'bare', label: 'bare `node -e 0`', args: ['-e', '0'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } },
    ...builds.flatMap((b) => tagged(scenariosFor(b.dist), b.tag)),
  ];
  const runScenario = scenarioRunner({
    runner,
    scenarios,
    counters: {
      requests: () => fakes.reduce((n, s) => n + s.requestCount, 0),
      connections: () => relays.reduce((n, r) => n + r.connectionCount, 0),
    },
  });

  // ------------------------------------------------------------------ timing
  try {
    const times = Object.fromEntries(scenarios.map((s) => [s.name, []]));
    const counts = Object.fromEntries(scenarios.map((s) => [s.name, new Set()]));
    console.log(
      `Round trip ${RTT} ms. ${scenarios.length} scenarios round-robin: ${WARMUP} warm-up + ${RUNS} timed runs each ...`,
    );
    for (let i = 0; i < WARMUP + RUNS; i++) {
      for (const s of scenarios) {
        const r = await runScenario(s);
        if (i < WARMUP) continue;
        times[s.name].push(r.ms);
        if (s.name !== 'bare') counts[s.name].add(`${r.requests}/${r.connections}`);
      }
    }
    const bare = median(times['bare']);
    const trips = (s) => (median(times[s.name]) - bare) / RTT;
    const rows = scenarios.map((s) => [
      s.label,
      median(times[s.name]).toFixed(0),
      s.name === 'bare' ? '-' : trips(s).toFixed(1),
      s.ideal ?? '-',
      s.ideal === undefined ? '-' : (trips(s) - s.ideal).toFixed(1),
      [...counts[s.name]].join(', ') || '-',
    ]);
    console.log(
      `\n${machineLine()}, HTTPS through a relay with a ${RTT} ms round trip, median of ${RUNS} runs after ${WARMUP} warm-up, ` +
        'wall ms from spawn to exit.\n',
    );
    console.log(
      table(
        ['scenario', 'median ms', 'round trips above bare', 'ideal', 'above ideal', 'requests/connections per run'],
        rows,
      ),
    );
    if (flag('json')) {
      const out = {
        rttMs: RTT,
        runs: RUNS,
        bareMedianMs: bare,
        scenarios: Object.fromEntries(
          scenarios
            .filter((s) => s.name !== 'bare')
            .map((s) => [s.name, { medianMs: median(times[s.name]), roundTrips: trips(s), ideal: s.ideal }]),
        ),
      };
      console.log(`\n${JSON.stringify(out, null, 2)}`);
    }
  } finally {
    await Promise.all([...relays.map((r) => r.close()), proxy.close()]);
    await world.close();
    await certs.cleanup();
    runner.cleanup();
  }
}

await runIfEntry(import.meta.url, run);
