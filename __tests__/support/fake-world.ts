/**
 * The fake world of an end-to-end suite, started and stopped in one place:
 * `useFakeWorld()` registers the beforeAll that starts the fakes
 * (startEnvironment) and the afterAll that closes them and removes every
 * run's temporary directories, and gives the suite `runMain` / `runPost`
 * with the suite's own default inputs and environment.
 *
 * Call it at the top of a file or describe block (then the world lives for
 * that block), after the beforeAll hooks whose results the options read (jest
 * runs beforeAll hooks in the order they are registered): a CA made with
 * createTestCertificates(), a fake AWS or Azure metadata service.
 */
import {
  type FakeEnvironment,
  type RunActionOptions,
  type RunActionResult,
  runAction,
  startEnvironment,
  type StartEnvironmentOptions,
} from '../fakes/index.mjs';
import { type AwsWorld, awsSubjectTokenVerifier } from '../fakes/aws.mjs';
import { expectNoLeaks, MAIN, POST, withDefaults } from './e2e.js';
import { AWS_ACCOUNT, AWS_PROVIDER, AWS_SERVICE_ACCOUNT } from './fixtures.js';

type Env = Record<string, string | undefined>;

export interface FakeWorldOptions {
  /** startEnvironment's options, read when the suite starts (so they may use what earlier hooks made). */
  environment?: () => StartEnvironmentOptions;
  /** Inputs of every main run, under the fakes' endpoint inputs and the test's own inputs. */
  inputs?: (world: FakeEnvironment) => Record<string, string>;
  /** The environment of every main run (default: the fakes' OIDC variables), under the test's own. */
  env?: (world: FakeEnvironment) => Env;
  /** Start from action.yml's defaults, as the runner passes inputs (default: false, only what is given). */
  actionDefaults?: boolean;
  /** runAction's timeoutMs for main runs (default: runAction's). */
  timeoutMs?: number;
}

/** What else a test may set for one run of main (`script`: another bundle than dist/main/index.js). */
export type RunMainOptions = Partial<
  Pick<RunActionOptions, 'workspace' | 'runnerTemp' | 'nodeArgs' | 'script' | 'timeoutMs'>
>;

export interface FakeWorld {
  /**
   * The started environment. A stand-in until beforeAll has run, so that a
   * suite can keep `const { world } = useFakeWorld()` at the top and use
   * `world.google…` in its tests; touching it before the suite starts throws.
   * Only property reads are forwarded (no spreading or `in`), which is all the
   * suites do with it.
   */
  readonly world: FakeEnvironment;
  /**
   * Runs dist/main with the suite's inputs and environment, then the test's
   * `inputs` and `env` (`undefined` removes a variable); the run's
   * directories are removed after the suite.
   */
  runMain(inputs: Record<string, string>, env?: Env, options?: RunMainOptions): Promise<RunActionResult>;
  /** Runs dist/post with the state of `main`, action.yml's defaults, then `inputs`. */
  runPost(main: RunActionResult, inputs?: Record<string, string>, env?: Env): Promise<RunActionResult>;
  /** Removes `result`'s directories after the suite, for runs a test starts with runAction itself. */
  track(result: RunActionResult): RunActionResult;
  /** No secret the fakes handed out (nor `extra`) in the run's output unless it was masked first. */
  expectNoLeaks(result: RunActionResult, extra?: string[]): void;
}

export function useFakeWorld(options: FakeWorldOptions = {}): FakeWorld {
  let started: FakeEnvironment | undefined;
  const runs: RunActionResult[] = [];

  beforeAll(async () => {
    started = await startEnvironment(options.environment?.());
  });
  afterAll(async () => {
    await started?.close();
    for (const run of runs) await run.cleanup();
  });

  const world = new Proxy({} as FakeEnvironment, {
    get(_target, property) {
      if (!started) throw new Error('the fake world is used before its beforeAll ran (use it inside a hook or test)');
      return Reflect.get(started, property);
    },
  });
  const track = (result: RunActionResult) => {
    runs.push(result);
    return result;
  };

  return {
    world,
    track,
    async runMain(inputs, env = {}, runOptions = {}) {
      const all = {
        ...options.inputs?.(world),
        ...world.endpointInputs,
        ...inputs,
      };
      return track(
        await runAction({
          script: MAIN,
          inputs: options.actionDefaults ? withDefaults(all) : all,
          env: { ...(options.env ? options.env(world) : world.env), ...env },
          ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
          ...runOptions,
        }),
      );
    },
    async runPost(main, inputs = {}, env) {
      return track(
        await runAction({ script: POST, inputs: withDefaults(inputs), stateFrom: main, ...(env ? { env } : {}) }),
      );
    },
    expectNoLeaks: (result, extra = []) => expectNoLeaks(world, result, extra),
  };
}

/**
 * startEnvironment's options for a Google that trusts the fake AWS account:
 * AWS_PROVIDER verifies signed GetCallerIdentity requests against `aws`,
 * and any identity of AWS_ACCOUNT may impersonate AWS_SERVICE_ACCOUNT (the
 * tests check *which* identity arrived).
 */
export function trustingAws(aws: AwsWorld): StartEnvironmentOptions {
  return {
    google: {
      providers: { [AWS_PROVIDER]: { type: 'aws', verifyAwsSubjectToken: awsSubjectTokenVerifier(aws) } },
      serviceAccounts: {
        [AWS_SERVICE_ACCOUNT]: { allow: (p) => p.type === 'federated' && p.claims['account'] === AWS_ACCOUNT },
      },
    },
  };
}
