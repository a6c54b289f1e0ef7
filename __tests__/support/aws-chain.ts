/**
 * The fake AWS world of the credential-chain suites (unit/aws-env, aws-web-identity, aws-shared-config, aws-ecs,
 * aws-imds): fake AWS STS, instance metadata and container endpoints on 127.0.0.1 (AssumeRole signatures are checked
 * by the fakes' independent verifier), nock for the fixed link-local addresses, and a temporary HOME per test. No
 * request leaves the machine: nock refuses every host but 127.0.0.1. `useAwsChainFakes()` registers the hooks; `aws`,
 * `dir` and `masks` are live bindings, set by them.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import nock from 'nock';

import { describeFailure } from '../../src/diagnose.js';
import { EnvironmentError, StageError } from '../../src/errors.js';
import { Http } from '../../src/http.js';
import type { Log } from '../../src/log.js';
import type { StsContext } from '../../src/sources/aws/assume-role.js';
import { type ChainContext, findCredentials } from '../../src/sources/aws/chain.js';
import { InstanceMetadata } from '../../src/sources/aws/imds.js';
import { loadSharedConfig } from '../../src/sources/aws/shared-config.js';
import { captureMasks, type FakeAws, startFakeAws } from '../fakes/aws.mjs';
import { stdout as runnerStdout } from '../../src/runner-commands.js';
import { AWS_ACCOUNT as ACCOUNT } from './fixtures.js';

export const silent: Log = { debug: () => {}, info: () => {}, warning: () => {} };
export const DEPLOY_ROLE = `arn:aws:iam::${ACCOUNT}:role/deploy`;

export let aws: FakeAws;
export let dir: string;
export let masks: ReturnType<typeof captureMasks>;
const https: Http[] = [];

export function http(timeoutMs = 2000): Http {
  const h = new Http({ userAgent: 'test', retries: 0, requestTimeoutMs: timeoutMs, log: silent });
  https.push(h);
  return h;
}

/** Starts the fakes for the suite and gives each test a fresh HOME and mask capture. */
export function useAwsChainFakes(): void {
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    aws = await startFakeAws({ imds: { roleName: 'runner-role', accountId: ACCOUNT } });
    aws.world.addRole(DEPLOY_ROLE, { externalId: 'ext-1', webIdentityTokens: ['eyJ.web.identity'] });
  });
  afterAll(async () => {
    await aws.close();
    nock.enableNetConnect();
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aws-chain-'));
    masks = captureMasks(runnerStdout);
  });
  afterEach(async () => {
    masks.stop();
    for (const h of https.splice(0)) h.dispose();
    nock.cleanAll();
    await rm(dir, { recursive: true, force: true });
  });
}

/** An environment that can reach only the fakes: no real ~/.aws, no real instance metadata. */
export function baseEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    HOME: dir,
    AWS_ENDPOINT_URL_STS: aws.sts.origin,
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

export async function chain(
  env: NodeJS.ProcessEnv,
  profileInput?: string,
): Promise<ReturnType<typeof findCredentials>> {
  const h = http();
  const sts: StsContext = { http: h, env, region: 'eu-west-1', now: () => new Date() };
  const imds = new InstanceMetadata({ env, http: h, probeTimeoutMs: 500 });
  const profile: ChainContext['profile'] = profileInput
    ? { name: profileInput, namedBy: 'the aws_profile input' }
    : env['AWS_PROFILE']
      ? { name: env['AWS_PROFILE'], namedBy: 'AWS_PROFILE' }
      : { name: 'default' };
  return findCredentials({ env, http: h, sts, imds, shared: await loadSharedConfig(env), profile });
}

/** The failure as the step prints it: a local problem (EnvironmentError), or AWS's refusal with its hint (StageError). */
export async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(err instanceof EnvironmentError || err instanceof StageError).toBe(true);
    return describeFailure(err, {});
  }
  throw new Error('expected an EnvironmentError or a StageError');
}

export async function writeConfig(config: string, credentials = ''): Promise<NodeJS.ProcessEnv> {
  await writeFile(join(dir, 'config'), config);
  await writeFile(join(dir, 'credentials'), credentials);
  return { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') };
}
