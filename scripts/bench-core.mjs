// The core every benchmark uses, so that each bench file holds only its
// fakes, its scenarios and its report:
// - one dispatch (`runBench`): `npm run bench [-- --latency | --storm | --outage]`
//   picks a mode, builds dist/ unless told not to, and runs the mode's `run(args)`;
// - the runner side: a scratch workspace, an empty HOME, the file-command files,
//   action.yml's default inputs, and a step's environment built by the tests'
//   runAction helper (runnerEnvironment, __tests__/fakes/run-action.mjs), so that
//   the benchmarks and the tests start the action the same way;
// - one timed run of a scenario (spawn to exit with stdio closed), its checks,
//   and a post step fed the state of its main step;
// - the statistics and the table the reports print;
// - the AWS account and provider the benches' fake AWS and Google agree on.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import yaml from 'js-yaml';

import { DEFAULT_NODE_BINARY, parseFileCommands } from '../__tests__/fakes/index.mjs';
import { runnerEnvironment } from '../__tests__/fakes/run-action.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The Node the runner starts the action with (node24), from the repo's node_modules. */
export const NODE = DEFAULT_NODE_BINARY;
/** A job of the storm and outage benches is killed after this long. */
export const JOB_TIMEOUT_MS = 240_000;

// ---------------------------------------------------------------- dispatch

/** The modes besides the default start-up bench, each chosen by its `--flag`. */
const MODES = {
  latency: () => import('./bench-latency.mjs'),
  storm: () => import('./bench-storm.mjs'),
  outage: () => import('./bench-outage.mjs'),
};

/**
 * `npm run bench -- [--latency | --storm | --outage] [options]`: the one
 * dispatch. Builds dist/ (unless --no-build or --dist), then runs the mode.
 * @param {string[]} args
 */
export async function runBench(args) {
  const mode = Object.keys(MODES).find((name) => args.includes(`--${name}`));
  const { run } = await (mode ? MODES[mode]() : import('./bench-startup.mjs'));
  await runMode(args, run);
}

/**
 * `node scripts/bench-<mode>.mjs [options]`, the same as `npm run bench -- --<mode> [options]`.
 * @param {string} moduleUrl the bench's import.meta.url
 * @param {(args: string[]) => Promise<unknown>} run
 */
export async function runIfEntry(moduleUrl, run) {
  if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(moduleUrl)) {
    await runMode(process.argv.slice(2), run);
  }
}

async function runMode(args, run) {
  buildUnlessTold(args);
  try {
    await run(args);
  } catch (err) {
    process.exitCode = 1;
    throw err;
  }
  // Some fakes keep sockets of killed jobs for a while: the report is printed, so end here.
  process.exit();
}

/** Builds dist/ first, unless told not to (--no-build) or told to measure another build (--dist). */
export function buildUnlessTold(args) {
  if (args.includes('--no-build') || args.includes('--dist')) return;
  console.log('Building dist/ ...');
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
}

/** `--name` flags and `--name value` options of a benchmark's command line. */
export function benchArgs(args = process.argv.slice(2)) {
  const flag = (name) => args.includes(`--${name}`);
  const option = (name, fallback) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
  };
  return { args, flag, option };
}

/**
 * The builds a bench measures: dist/ (or --dist DIR), and --compare DIR in the
 * same rounds, whose scenario names and labels end in " [compare]".
 * @param {{ option: (name: string, fallback?: string) => string | undefined }} parsed benchArgs()
 * @returns {{ dist: string, tag: string }[]}
 */
export function buildsToMeasure({ option }) {
  const compare = option('compare', undefined);
  return [
    { dist: option('dist', join(root, 'dist')), tag: '' },
    ...(compare ? [{ dist: compare, tag: ' [compare]' }] : []),
  ];
}

/** The main step of a build (absolute: the steps run in a scratch workspace). */
export const mainOf = (dist) => resolve(dist, 'main', 'index.js');
/** The post step of a build. */
export const postOf = (dist) => resolve(dist, 'post', 'index.js');

/**
 * One build's scenarios with its tag on their names and labels (and on the main step a post step follows).
 * @template {{ name: string, label: string, main?: string }} S
 * @param {S[]} scenarios
 * @param {string} tag
 * @returns {S[]}
 */
export const tagged = (scenarios, tag) =>
  scenarios.map((s) => ({ ...s, name: s.name + tag, label: s.label + tag, ...(s.main ? { main: s.main + tag } : {}) }));

// ---------------------------------------------------------- the runner side

/** action.yml's defaults: the runner passes every input that has one as INPUT_* too. */
export const DEFAULT_INPUTS = Object.fromEntries(
  Object.entries(yaml.load(readFileSync(join(root, 'action.yml'), 'utf8')).inputs)
    .filter(([, spec]) => spec.default !== undefined && spec.default !== '')
    .map(([name, spec]) => [name, String(spec.default)]),
);

/**
 * A scratch runner: `workspace` (checked out: an empty one draws a warning),
 * `home` (empty: no ~/.aws files), the file-command files, and `env()` for a
 * step's environment: action.yml's defaults, then `base.inputs` (the fakes'
 * endpoints), then the step's inputs; the bench's pins (that HOME, no
 * instance metadata), then `base.env`, then the step's extra variables.
 * @param {string} prefix name prefix of the scratch directory
 * @param {{ inputs?: Record<string, string>, env?: Record<string, string | undefined> }} [base]
 */
export function benchRunner(prefix, base = {}) {
  const scratch = mkdtempSync(join(tmpdir(), prefix));
  const workspace = join(scratch, 'workspace');
  const home = join(scratch, 'home');
  const files = join(scratch, 'files');
  for (const dir of [workspace, home, files]) mkdirSync(dir);
  writeFileSync(join(workspace, 'README.md'), 'checked out\n');
  const fileCommands = {
    GITHUB_OUTPUT: join(files, 'output'),
    GITHUB_ENV: join(files, 'env'),
    GITHUB_STATE: join(files, 'state'),
    GITHUB_STEP_SUMMARY: join(files, 'summary'),
    GITHUB_PATH: join(files, 'path'),
  };
  /**
   * @param {Record<string, string>} inputs
   * @param {Record<string, string | undefined>} [extra]
   * @param {{ state: Record<string, string>, exportedEnv: Record<string, string> }} [stateFrom] a main step's, for a post step
   */
  const env = (inputs, extra = {}, stateFrom = undefined) =>
    runnerEnvironment({
      workspace,
      runnerTemp: scratch,
      files: {
        output: fileCommands.GITHUB_OUTPUT,
        env: fileCommands.GITHUB_ENV,
        state: fileCommands.GITHUB_STATE,
        summary: fileCommands.GITHUB_STEP_SUMMARY,
        path: fileCommands.GITHUB_PATH,
      },
      ...(stateFrom ? { stateFrom } : {}),
      inputs: { ...DEFAULT_INPUTS, ...base.inputs, ...inputs },
      env: { HOME: home, AWS_EC2_METADATA_DISABLED: 'true', ...base.env, ...extra },
    });
  const cleanup = () => rmSync(scratch, { recursive: true, force: true });
  return { scratch, workspace, home, fileCommands, env, cleanup };
}

// ------------------------------------------------------------ one timed run

/**
 * @typedef {{ name: string, label: string, args: string[], env?: Record<string, string>,
 *   expect?: string, isPost?: boolean, main?: string }} Scenario
 * `expect`: an output the run must set. `isPost`: a post step, run with the
 * state its main step (`main`, a scenario's name) saved.
 */

/**
 * Spawns Node and resolves with the wall time from spawn to exit with stdio closed.
 * @param {string[]} nodeArgs
 * @param {Record<string, string>} env
 * @param {string} cwd
 */
export function timedSpawn(nodeArgs, env, cwd) {
  return new Promise((resolvePromise, reject) => {
    const out = [];
    const started = process.hrtime.bigint();
    const startedEpoch = performance.timeOrigin + performance.now();
    const child = spawn(NODE, nodeArgs, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => out.push(c));
    child.once('error', reject);
    child.once('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      resolvePromise({ ms, code, startedEpoch, output: Buffer.concat(out).toString('utf8') });
    });
  });
}

/**
 * Runs scenarios in `runner`'s workspace: each run starts with empty
 * file-command files, must exit 0 and set its `expect` output; a main step
 * that a post step follows keeps its credentials file and hands its state to
 * that post step, which must remove the file; any other run's file is removed.
 * `counters` (e.g. requests the fakes saw) are reported per run as differences.
 * @param {{ runner: ReturnType<typeof benchRunner>, scenarios: Scenario[],
 *   counters?: Record<string, () => number> }} options
 */
export function scenarioRunner({ runner, scenarios, counters = {} }) {
  const { workspace, fileCommands } = runner;
  /** Each post step's environment: the state its main run saved, as the runner hands it over. */
  const postEnv = new Map();
  const readCounters = () => Object.fromEntries(Object.entries(counters).map(([name, read]) => [name, read()]));

  /**
   * @param {Scenario} s
   * @param {string[]} [extraArgs] Node options before the script
   * @param {Record<string, string>} [extraEnv]
   */
  return async function runScenario(s, extraArgs = [], extraEnv = {}) {
    for (const file of Object.values(fileCommands)) writeFileSync(file, '');
    const env = s.isPost ? postEnv.get(s.main) : s.env;
    if (!env) throw new Error(`${s.name}: no environment (a post step runs after its main step)`);
    const before = readCounters();
    const result = await timedSpawn([...extraArgs, ...s.args], { ...env, ...extraEnv }, workspace);
    const after = readCounters();
    const counts = Object.fromEntries(Object.keys(counters).map((name) => [name, after[name] - before[name]]));
    const fail = (why) => {
      console.error(`\n${s.label}: ${why}\n${result.output}`);
      process.exitCode = 1;
      throw new Error(`${s.name} failed`);
    };
    if (result.code !== 0) fail(`exit ${result.code}`);
    if (s.expect && !parseFileCommands(readFileSync(fileCommands.GITHUB_OUTPUT, 'utf8'))[s.expect]) {
      fail(`no ${s.expect} output`);
    }
    if (scenarios.some((p) => p.main === s.name)) {
      // The post step after this run removes the file this run created.
      const state = parseFileCommands(readFileSync(fileCommands.GITHUB_STATE, 'utf8'));
      const exportedEnv = parseFileCommands(readFileSync(fileCommands.GITHUB_ENV, 'utf8'));
      postEnv.set(s.name, runner.env({}, {}, { state, exportedEnv }));
    } else if (s.isPost) {
      if (!result.output.includes('Removed credentials file')) fail('the file was not removed');
    } else {
      for (const name of readdirSync(workspace)) if (name.startsWith('gha-creds-')) rmSync(join(workspace, name));
    }
    return { ...result, ...counts };
  };
}

// -------------------------------------------------------------- statistics

/** The median: the middle value, or the mean of the two middle values. */
export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  if (s.length === 0) return 0;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** A Markdown table, columns padded to their widest cell. */
export function table(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** "Node v24.x, 2 × <CPU model>" for a report's first line. */
export function machineLine() {
  const cpu = cpus();
  return `Node ${nodeVersion()}, ${cpu.length} × ${cpu[0]?.model ?? 'CPU'}`;
}

/** The version of the Node the benches start the action with. */
export const nodeVersion = () => execFileSync(NODE, ['--version']).toString().trim();

// ------------------------------------------------------ the benches' fake AWS

/** The AWS account, provider and service account of the benchmarks' fake AWS, and the key's service account. */
export const AWS_ACCOUNT = '111122223333';
export const AWS_PROVIDER =
  'projects/123456789012/locations/global/workloadIdentityPools/aws-pool/providers/aws-provider';
export const AWS_SERVICE_ACCOUNT = 'aws-deployer@my-project.iam.gserviceaccount.com';
export const KEY_SERVICE_ACCOUNT = 'keyed@key-project.iam.gserviceaccount.com';

/**
 * startEnvironment's Google options: AWS_PROVIDER verifies signed
 * GetCallerIdentity requests against `awsWorld`, and any identity of
 * AWS_ACCOUNT may impersonate AWS_SERVICE_ACCOUNT.
 * @param {(world: unknown) => unknown} verifier the fakes' awsSubjectTokenVerifier
 * @param {unknown} awsWorld
 */
export function trustingAws(verifier, awsWorld) {
  return {
    providers: { [AWS_PROVIDER]: { type: 'aws', verifyAwsSubjectToken: verifier(awsWorld) } },
    serviceAccounts: {
      [AWS_SERVICE_ACCOUNT]: { allow: (p) => p.type === 'federated' && p.claims['account'] === AWS_ACCOUNT },
    },
  };
}
