// The runner side the benchmarks share: a scratch directory with a checked-out
// workspace, an empty HOME and the file-command files, action.yml's default
// inputs, and a step's environment built by the tests' runAction helper
// (runnerEnvironment, __tests__/fakes/run-action.mjs), so that the benchmarks
// and the tests start the action the same way.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import yaml from 'js-yaml';

import { runnerEnvironment } from '../__tests__/fakes/run-action.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** action.yml's defaults: the runner passes every input that has one as INPUT_* too. */
export const DEFAULT_INPUTS = Object.fromEntries(
  Object.entries(yaml.load(readFileSync(join(root, 'action.yml'), 'utf8')).inputs)
    .filter(([, spec]) => spec.default !== undefined && spec.default !== '')
    .map(([name, spec]) => [name, String(spec.default)]),
);

/**
 * A scratch runner: `workspace` (checked out: an empty one draws a warning),
 * `home` (empty: no ~/.aws files), the file-command files, and `env()` for a
 * step's environment with these inputs (after action.yml's defaults) and
 * extra variables (after the bench's pins: that HOME, no instance metadata).
 * @param {string} prefix name prefix of the scratch directory
 */
export function benchRunner(prefix) {
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
      inputs: { ...DEFAULT_INPUTS, ...inputs },
      env: { HOME: home, AWS_EC2_METADATA_DISABLED: 'true', ...extra },
    });
  return { scratch, workspace, home, fileCommands, env };
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

/** Builds dist/ first, unless told not to (--no-build) or told to measure another build (--dist). */
export function buildUnlessTold(args) {
  if (args.includes('--no-build') || args.includes('--dist')) return;
  console.log('Building dist/ ...');
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
}

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
