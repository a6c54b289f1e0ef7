// @ts-check
/**
 * Entry point of the AWS fakes (shapes in aws-types.d.mts): an AwsWorld, the fake
 * AWS STS / instance metadata / container endpoints over it, the verifier
 * fake Google STS uses for AWS subject tokens, and small test helpers.
 */

import { startFakeAwsSts, startFakeEcs, startFakeImds } from './aws-servers.mjs';
import { createAwsWorld } from './aws-world.mjs';

export { startFakeAwsSts, startFakeEcs, startFakeImds } from './aws-servers.mjs';
export {
  AwsError,
  canonicalRequestOf,
  MAX_SKEW_MS,
  parseAuthorization,
  verifySignedRequest,
} from './aws-sigv4-verify.mjs';
export { accountOf, awsSubjectTokenVerifier, createAwsWorld, GET_CALLER_IDENTITY } from './aws-world.mjs';

/** @typedef {import('./aws-types.mjs').FakeAws} FakeAws */
/** @typedef {import('./aws-types.mjs').FakeAwsOptions} FakeAwsOptions */
/** @typedef {import('./aws-types.mjs').AwsWorld} AwsWorld */

/**
 * Start a world and the three fake endpoints. `env` holds the variables that
 * point the action at them (no real AWS address is ever contacted).
 * @param {FakeAwsOptions} [options]
 * @returns {Promise<FakeAws>}
 */
export async function startFakeAws(options = {}) {
  const world = options.world ?? createAwsWorld();
  const [sts, imds, ecs] = await Promise.all([
    startFakeAwsSts(world),
    startFakeImds(world, options.imds ?? {}),
    startFakeEcs(world, options.ecs ?? { roleArn: 'arn:aws:iam::111122223333:role/ecs-task' }),
  ]);
  return {
    world,
    sts,
    imds,
    ecs,
    env: {
      AWS_ENDPOINT_URL_STS: sts.origin,
      AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.origin,
    },
    ecsUrl: `${ecs.origin}/v2/credentials/task-0123`,
    async close() {
      await Promise.all([sts.close(), imds.close(), ecs.close()]);
    },
  };
}

/**
 * Records the secrets the action registers (`::add-mask::` lines) in this
 * process, and keeps those lines out of the test output. `stdout` is what the
 * action writes through: src/runner-commands.ts's `stdout` (fd 1, replaceable
 * for tests), or process.stdout for code that uses @actions/core.
 * @param {{ write(text: string): unknown }} stdout
 * @returns {{ values: string[], stop(): void }}
 */
export function captureMasks(stdout) {
  /** @type {string[]} */
  const values = [];
  const original = stdout.write;
  stdout.write = (/** @type {string} */ text) => {
    const m = /^::add-mask::(.*?)\r?\n?$/s.exec(String(text));
    if (m) {
      // Undo the command escaping of the runner protocol.
      values.push(/** @type {string} */ (m[1]).replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%'));
      return true;
    }
    return original.call(stdout, text);
  };
  return {
    values,
    stop() {
      stdout.write = original;
    },
  };
}
