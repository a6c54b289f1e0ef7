/**
 * Performance budgets that hold on any machine: bundle sizes, what a run
 * loads, and how many requests the happy path makes. Wall times vary between
 * machines, so they are measured by `npm run bench` and published in
 * docs/performance.md, not asserted here. Runs the committed dist/ (`npm run build`).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { type AwsWorld, createAwsWorld, type FakeAws, startFakeAws } from '../fakes/aws.mjs';
import { type RunActionResult, runAction } from '../fakes/index.mjs';
import { trustingAws, useFakeWorld } from '../support/fake-world.js';
import { AWS_ACCOUNT, AWS_PROVIDER, AWS_SERVICE_ACCOUNT } from '../support/fixtures.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const MAIN_DIR = path.join(root, 'dist', 'main');
const POST_DIR = path.join(root, 'dist', 'post');
const MAIN = path.join(MAIN_DIR, 'index.js');
const POST = path.join(POST_DIR, 'index.js');

const KB = 1024;
/** Every JS file of dist/main except the AWS chunk (licenses.txt is not code). */
const MAIN_BUDGET = 200 * KB;
const POST_BUDGET = 15 * KB;
/** The SigV4 algorithm name: present in the AWS signer, nowhere else. */
const AWS_MARKER = 'AWS4-HMAC-SHA256';

const jsFiles = (dir: string) =>
  readdirSync(dir)
    .filter((name) => name.endsWith('.js'))
    .sort();
const size = (file: string) => statSync(file).size;
const chunksWith = (marker: string) =>
  jsFiles(MAIN_DIR).filter(
    (name) => name !== 'index.js' && readFileSync(path.join(MAIN_DIR, name), 'utf8').includes(marker),
  );
const awsChunks = () => chunksWith(AWS_MARKER);
/** The variable the executable source exports for tools: named in its own chunk only. */
const executableChunks = () => chunksWith('GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES');
/**
 * Each source but GitHub OIDC is loaded only when a run selects it: a text
 * only its run-time half has marks its chunk.
 */
const LAZY_SOURCE_MARKERS = {
  aws: AWS_MARKER,
  executable: 'GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES',
  azure: 'Azure instance metadata',
  file: 'Reading the subject token from',
  url: 'Fetching the subject token from',
};
const lazyChunks = () => Object.values(LAZY_SOURCE_MARKERS).flatMap(chunksWith);

describe('bundle budgets', () => {
  it(`dist/main: the JavaScript of the GitHub path is at most ${MAIN_BUDGET / KB} KB`, () => {
    const lazy = lazyChunks();
    const githubPath = jsFiles(MAIN_DIR).filter((name) => !lazy.includes(name));
    const total = githubPath.reduce((sum, name) => sum + size(path.join(MAIN_DIR, name)), 0);
    expect({ files: githubPath, kb: Math.round(total / KB) }).toEqual({ files: ['index.js'], kb: expect.any(Number) });
    expect(total).toBeLessThanOrEqual(MAIN_BUDGET);
  });

  it(`dist/post: one file of at most ${POST_BUDGET / KB} KB`, () => {
    expect(jsFiles(POST_DIR)).toEqual(['index.js']);
    expect(size(POST)).toBeLessThanOrEqual(POST_BUDGET);
  });

  it.each(Object.entries(LAZY_SOURCE_MARKERS))(
    'the %s source runs from a lazily loaded chunk, not from index.js',
    (_, marker) => {
      expect(chunksWith(marker)).toHaveLength(1);
      expect(readFileSync(MAIN, 'utf8')).not.toContain(marker);
    },
  );

  it('the AWS credential chain and signer are one chunk of their own, not in index.js', () => {
    expect(awsChunks()).toHaveLength(1);
    expect(readFileSync(MAIN, 'utf8')).not.toContain(AWS_MARKER);
  });
});

/** Records every module a run loads (files and node: built-ins), through Node's module hooks. */
const RECORD_LOADS = `'use strict';
const { registerHooks } = require('node:module');
const { writeFileSync } = require('node:fs');
const loaded = [];
registerHooks({ load(url, context, nextLoad) { loaded.push(url); return nextLoad(url, context); } });
process.once('exit', () => writeFileSync(process.env.RECORD_LOADS_FILE, JSON.stringify(loaded)));
`;

let awsWorld: AwsWorld;
let aws: FakeAws;
let scratch: string;
let recordings = 0;

beforeAll(async () => {
  awsWorld = createAwsWorld();
  aws = await startFakeAws({
    world: awsWorld,
    imds: { roleName: 'runner-role', accountId: AWS_ACCOUNT, availabilityZone: 'eu-central-1a' },
  });
  scratch = mkdtempSync(path.join(tmpdir(), 'perf-test-'));
  writeFileSync(path.join(scratch, 'record-loads.cjs'), RECORD_LOADS);
});
// The runs here choose their own script, inputs and environment; the helper starts, stops and cleans up.
const { world, track } = useFakeWorld({ environment: () => trustingAws(awsWorld) });
afterAll(async () => {
  await aws.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** Runs a step like the runner and returns what it loaded. */
async function runRecording(
  script: string,
  options: {
    inputs?: Record<string, string>;
    env?: Record<string, string | undefined>;
    stateFrom?: RunActionResult;
  } = {},
) {
  const file = path.join(scratch, `loads-${recordings++}.json`);
  const result = await runAction({
    script,
    inputs: options.inputs ?? {},
    env: { ...options.env, RECORD_LOADS_FILE: file },
    nodeArgs: ['--require', path.join(scratch, 'record-loads.cjs')],
    ...(options.stateFrom ? { stateFrom: options.stateFrom } : {}),
  });
  track(result);
  const loaded = JSON.parse(readFileSync(file, 'utf8')) as string[];
  return {
    result,
    files: loaded.filter((url) => url.startsWith('file:')),
    builtins: loaded.filter((url) => url.startsWith('node:')),
  };
}

const githubInputs = () => ({
  workload_identity_provider: world.workloadIdentityProvider,
  service_account: world.serviceAccount,
  token_format: 'access_token',
  ...world.endpointInputs,
});

describe('what a run loads', () => {
  it('the GitHub path loads dist/main/index.js and never the AWS chunk', async () => {
    const { result, files, builtins } = await runRecording(MAIN, { inputs: githubInputs(), env: world.env });
    expect(result.commands.filter((c) => c.command === 'error')).toEqual([]);
    expect(result.code).toBe(0);
    expect(files).toEqual([pathToFileURL(MAIN).href]);
    // Built-ins the happy path has no use for, each a cost on every run (docs/performance.md):
    // node:assert (the proxy tunnel's, loaded only with a proxy: shims/tunnel),
    // node:fs/promises (the credentials file is written synchronously), node:os.
    expect(builtins.filter((name) => /^node:(assert|fs\/promises|os|readline|child_process)$/.test(name))).toEqual([]);
  });

  it('the AWS path does load the AWS chunk (so the check above can see a chunk load)', async () => {
    const [chunk] = awsChunks();
    // Fake credentials: the run fails at Google STS (no AWS provider in this
    // fake), after the AWS source was loaded and had signed its request.
    const { files } = await runRecording(MAIN, {
      inputs: { ...githubInputs(), subject_token_source: 'aws', aws_region: 'eu-west-1', retries: '0' },
      env: {
        AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        AWS_EC2_METADATA_DISABLED: 'true',
        HOME: scratch,
      },
    });
    expect(files).toEqual([pathToFileURL(MAIN).href, pathToFileURL(path.join(MAIN_DIR, chunk ?? '')).href]);
  });

  it('the executable path loads its own chunk, and node:child_process only then', async () => {
    const [chunk] = executableChunks();
    // A program that does not exist: the run fails once the source is loaded and tries to start it.
    const { result, files, builtins } = await runRecording(MAIN, {
      inputs: { ...githubInputs(), subject_token_source: 'executable', executable_command: '/nonexistent/get-token' },
    });
    expect(result.commands.filter((c) => c.command === 'error').map((c) => c.message)).toEqual([
      expect.stringContaining('could not be started (ENOENT)'),
    ]);
    expect(files).toEqual([pathToFileURL(MAIN).href, pathToFileURL(path.join(MAIN_DIR, chunk ?? '')).href]);
    expect(builtins).toContain('node:child_process');
  });

  it('the post step loads its own file and no HTTP, TLS, crypto or process module', async () => {
    const main = await runAction({ script: MAIN, inputs: githubInputs(), env: world.env });
    track(main);
    expect(main.code).toBe(0);
    const { result, files, builtins } = await runRecording(POST, { stateFrom: main });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Removed credentials file');
    expect(files).toEqual([pathToFileURL(POST).href]);
    expect(builtins.filter((name) => /^node:(https?|net|tls|crypto|child_process)$/.test(name))).toEqual([]);
  });
});

describe('HTTP requests on the happy path: one per stage', () => {
  const servers = () => ({
    oidc: world.github,
    sts: world.google.sts,
    iamcredentials: world.google.iamcredentials,
    oauth2: world.google.oauth2,
  });
  async function countRequests(inputs: Record<string, string>, env: Record<string, string | undefined>) {
    const before = Object.fromEntries(Object.entries(servers()).map(([name, s]) => [name, s.requestCount]));
    const result = await runAction({ script: MAIN, inputs: { ...world.endpointInputs, ...inputs }, env });
    track(result);
    expect(result.commands.filter((c) => c.command === 'error')).toEqual([]);
    return Object.fromEntries(
      Object.entries(servers()).map(([name, s]) => [name, s.requestCount - (before[name] ?? 0)]),
    );
  }

  it('WIF + access_token: OIDC, STS, IAM Credentials — 3 requests', async () => {
    expect(await countRequests(githubInputs(), world.env)).toEqual({ oidc: 1, sts: 1, iamcredentials: 1, oauth2: 0 });
  });

  it('WIF, direct: OIDC and STS — 2 requests', async () => {
    expect(await countRequests({ workload_identity_provider: world.workloadIdentityProvider }, world.env)).toEqual({
      oidc: 1,
      sts: 1,
      iamcredentials: 0,
      oauth2: 0,
    });
  });

  it('WIF + service account, no token_format: OIDC, STS and the one IAM Credentials call that proves it — 3', async () => {
    const inputs = {
      workload_identity_provider: world.workloadIdentityProvider,
      service_account: world.serviceAccount,
    };
    expect(await countRequests(inputs, world.env)).toEqual({ oidc: 1, sts: 1, iamcredentials: 1, oauth2: 0 });
    // verify_service_account: false saves that request.
    expect(await countRequests({ ...inputs, verify_service_account: 'false' }, world.env)).toEqual({
      oidc: 1,
      sts: 1,
      iamcredentials: 0,
      oauth2: 0,
    });
  });

  it('AWS, EC2 instance metadata without aws_region: IMDSv2 token, zone, role, credentials — then STS and IAM', async () => {
    aws.imds.reset();
    const counts = await countRequests(
      {
        workload_identity_provider: AWS_PROVIDER,
        subject_token_source: 'aws',
        service_account: AWS_SERVICE_ACCOUNT,
        token_format: 'access_token',
      },
      { AWS_EC2_METADATA_SERVICE_ENDPOINT: aws.imds.origin, HOME: scratch },
    );
    expect(counts).toEqual({ oidc: 0, sts: 1, iamcredentials: 1, oauth2: 0 });
    expect(aws.imds.requests.map((r) => `${r.method} ${r.path.replace(/\/runner-role$/, '/ROLE')}`).sort()).toEqual([
      'GET /latest/meta-data/iam/security-credentials/',
      'GET /latest/meta-data/iam/security-credentials/ROLE',
      'GET /latest/meta-data/placement/availability-zone',
      'PUT /latest/api/token',
    ]);
  });

  it('AWS, EC2 instance metadata with aws_region: no zone request', async () => {
    aws.imds.reset();
    await countRequests(
      {
        workload_identity_provider: AWS_PROVIDER,
        subject_token_source: 'aws',
        aws_region: 'eu-west-1',
        service_account: AWS_SERVICE_ACCOUNT,
        token_format: 'access_token',
      },
      { AWS_EC2_METADATA_SERVICE_ENDPOINT: aws.imds.origin, HOME: scratch },
    );
    expect(aws.imds.requests.map((r) => r.path)).not.toContain('/latest/meta-data/placement/availability-zone');
    expect(aws.imds.requestCount).toBe(3);
  });

  it('service-account key without token_format: no request at all', async () => {
    const key = world.google.createServiceAccountKey('perf@key-project.iam.gserviceaccount.com');
    expect(
      await countRequests(
        { credentials_json: JSON.stringify(key) },
        { ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined },
      ),
    ).toEqual({ oidc: 0, sts: 0, iamcredentials: 0, oauth2: 0 });
  });
});
