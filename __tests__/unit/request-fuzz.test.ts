/**
 * The request-shape invariant (issue 11): whatever the inputs hold, a run
 * either fails in the configuration stage with one clear error and makes no
 * request, or makes only requests whose method, host and path are one of the
 * shapes its configuration allows. No input value may pick another API
 * method, another host, or plain HTTP to a host that is not this machine.
 *
 * In-process for the bulk: `run()` from src/main.ts with nock answering every
 * host (and recording what was asked), over random and hostile values from
 * fast-check, seeded (FUZZ_SEED, FUZZ_RUNS override). This also holds the
 * config parser to its contract (was config-fuzz.test.ts): only ConfigErrors,
 * one line, short, never quoting credentials_json. A small sample of the
 * same inputs runs the bundled action against the fakes in
 * e2e/requests-sent.test.ts.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import fc from 'fast-check';
import nock from 'nock';

import { type Config, readConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';
import { run } from '../../src/main.js';
import { stdout as runnerStdout } from '../../src/runner-commands.js';
import { aws as awsSource } from '../../src/sources/aws/index.js';
import { githubOidc } from '../../src/sources/github-oidc.js';
import { GITHUB_PROVIDER, SA } from '../support/fixtures.js';

const KEY_MARKER = 'KEYMARK7X';
const OIDC_URL = 'https://token.actions.githubusercontent.com/token?api-version=2.0';
const AWS_KEY = {
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};

const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
  type: 'pkcs8',
  format: 'pem',
}) as string;
const KEY_JSON = JSON.stringify({
  type: 'service_account',
  project_id: 'key-project',
  private_key_id: 'abc123',
  private_key: privateKey,
  client_email: 'keyed@key-project.iam.gserviceaccount.com',
});

/** A subject token file for subject_token_source: file (a JWT-shaped token). */
const TOKEN_DIR = mkdtempSync(join(tmpdir(), 'request-shapes-token-'));
const TOKEN_FILE = join(TOKEN_DIR, 'token');
writeFileSync(TOKEN_FILE, `e30.${Buffer.from('{"sub":"system:serviceaccount:ci:runner"}').toString('base64url')}.sig`);
afterAll(() => rmSync(TOKEN_DIR, { recursive: true, force: true }));
const IMDS_TOKEN_URL = 'http://169.254.169.254/metadata/identity/oauth2/token';

/** Values each input documents, so that runs get past the first checks and reach the requests. */
const VALID: Record<string, string[]> = {
  workload_identity_provider: [GITHUB_PROVIDER],
  service_account: [
    SA,
    'keyed@key-project.iam.gserviceaccount.com',
    '123456789012-compute@developer.gserviceaccount.com',
    '112233445566778899001', // a unique ID
  ],
  audience: ['my-audience', 'https://iam.googleapis.com/x'],
  project_id: ['my-project'],
  token_format: ['', 'access_token', 'id_token'],
  delegates: [
    'one@p-123456.iam.gserviceaccount.com',
    'projects/-/serviceAccounts/two@p-123456.iam.gserviceaccount.com',
  ],
  universe: ['googleapis.com', 'example.goog'],
  access_token_scopes: ['https://www.googleapis.com/auth/cloud-platform, openid'],
  access_token_subject: ['alice@example.com'],
  id_token_audience: ['https://my-service-abc123-uc.a.run.app'],
  sts_endpoint: ['https://sts.example.p.googleapis.com/v1', 'http://127.0.0.1:8080/v1'],
  iamcredentials_endpoint: ['https://iamcredentials.example.p.googleapis.com/v1', 'http://localhost:8081/v1'],
  oauth2_endpoint: ['https://oauth2.example.p.googleapis.com', 'http://[::1]:8082'],
  subject_token_source: ['github', 'aws', 'file', 'url', 'azure'],
  subject_token_file: [TOKEN_FILE],
  subject_token_url: ['https://resigner.example.com/token', 'http://127.0.0.1:9000/t?runner=7'],
  subject_token_headers: ['Authorization: Bearer request-secret', 'X-Runner: 7\nX-Pool: ci'],
  subject_token_format: ['text', 'json'],
  subject_token_field: ['value'],
  subject_token_type: ['jwt', 'id_token'],
  azure_resource: ['api://gcp-wif-runner'],
  azure_client_id: ['11111111-2222-3333-4444-555555555555'],
  aws_region: ['eu-west-1', 'cn-north-1'],
  aws_role_arn: ['arn:aws:iam::123456789012:role/ci'],
  aws_role_session_name: ['ci-run'],
  aws_role_external_id: ['ext-1234'],
  aws_role_duration_seconds: ['900'],
  aws_profile: ['ci'],
  create_credentials_file: ['true', 'false'],
  verify_service_account: ['true', 'false'],
  export_environment_variables: ['false'],
  cleanup_credentials: ['false'],
  access_token_lifetime: ['3600s', '1h'],
  id_token_include_email: ['true'],
  request_reason: ['deploy'],
  retries: ['0', '3'],
  request_timeout: ['5s'],
  credentials_json: [KEY_JSON],
};

/** What issue 11 found and what else may sit in an expression's value. */
const HOSTILE = [
  ':signBlob?x=',
  ':generateIdToken',
  '?x=1',
  '#frag',
  '/../../x',
  '/',
  '..',
  '@evil.example',
  '%2F..%2F',
  '%40',
  '%',
  ':',
  '\r\nX-Evil: 1',
  '\n',
  ' ',
  '\t',
  'é',
  '😀',
  '\u202e',
  '\u0000',
  '\\',
  'http://evil.example/',
  '//evil.example/',
  'https://evil.example',
  '.evil.example',
  'x'.repeat(3000),
  '::set-output name=access_token::pwned',
  '%0A::error::x',
  '__proto__',
  '{"type":"service_account"}',
  '-1',
  '99999999999999999999',
];

const hostile = fc.constantFrom(...HOSTILE);
const INPUT_NAMES = Object.keys(VALID);

/** A documented value with hostile text after, before or inside it; hostile text alone; or anything at all. */
function corrupted(name: string): fc.Arbitrary<string> {
  const valid = fc.constantFrom(...(VALID[name] ?? ['']));
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc.tuple(valid, hostile, fc.nat()).map(([v, h, n]) => {
        const at = n % (v.length + 1);
        return [v + h, h + v, v.slice(0, at) + h + v.slice(at)][n % 3] ?? v;
      }),
    },
    { weight: 2, arbitrary: hostile },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  );
}

/** A coherent documented configuration: the way in, the source, the token asked for, and optional extras. */
const documented = fc
  .record({
    way: fc.constantFrom('github', 'github', 'github', 'aws', 'key', 'file', 'url', 'azure'),
    token: fc.constantFrom('', 'access_token', 'access_token', 'id_token'),
    pick: fc.array(fc.nat(), { minLength: INPUT_NAMES.length, maxLength: INPUT_NAMES.length }),
    extras: fc.uniqueArray(
      fc.constantFrom(
        'project_id',
        'delegates',
        'universe',
        'access_token_scopes',
        'access_token_subject',
        'sts_endpoint',
        'iamcredentials_endpoint',
        'oauth2_endpoint',
        'create_credentials_file',
        'request_reason',
        'audience',
        'access_token_lifetime',
        'id_token_include_email',
        'cleanup_credentials',
        'retries',
        'retry_timeout',
        'request_timeout',
        'aws_profile',
        'aws_role_duration_seconds',
        'aws_region',
        'aws_role_arn',
        'aws_role_session_name',
        'aws_role_external_id',
        'subject_token_headers',
        'subject_token_format',
        'subject_token_field',
        'subject_token_type',
        'azure_resource',
        'azure_client_id',
      ),
      { maxLength: 6 },
    ),
  })
  .map(({ way, token, pick, extras }) => {
    const choose = (name: string): string => {
      const values = VALID[name] ?? [''];
      return values[(pick[INPUT_NAMES.indexOf(name)] ?? 0) % values.length] ?? '';
    };
    const set: Record<string, string> = { export_environment_variables: 'false' };
    if (way === 'key') set['credentials_json'] = KEY_JSON;
    else set['workload_identity_provider'] = GITHUB_PROVIDER;
    if (way !== 'key' && way !== 'github') set['subject_token_source'] = way;
    if (way === 'file') set['subject_token_file'] = choose('subject_token_file');
    if (way === 'url') set['subject_token_url'] = choose('subject_token_url');
    if (token) {
      set['token_format'] = token;
      set['service_account'] = way === 'key' ? 'keyed@key-project.iam.gserviceaccount.com' : choose('service_account');
      if (token === 'id_token') set['id_token_audience'] = choose('id_token_audience');
    }
    for (const name of extras) {
      if (name === 'access_token_subject' && token !== 'access_token') continue;
      if (name.startsWith('aws_') && way !== 'aws') continue;
      if ((name === 'aws_role_session_name' || name === 'aws_role_external_id') && !extras.includes('aws_role_arn'))
        continue;
      if (name === 'audience' && way !== 'github') continue;
      if (name === 'subject_token_headers' && way !== 'url') continue;
      if (/^subject_token_(format|field|type)$/.test(name) && way !== 'file' && way !== 'url') continue;
      if (name === 'subject_token_field' && set['subject_token_format'] !== 'json') continue;
      if (name.startsWith('azure_') && way !== 'azure') continue;
      set[name] = choose(name);
    }
    return set;
  });

/**
 * One input set: a documented configuration with zero to three values
 * corrupted (so that most sets fail on one value, and many get far enough to
 * make requests), or rarely both or neither way in.
 */
const inputSets = fc
  .tuple(
    documented,
    fc.array(
      fc.constantFrom(...INPUT_NAMES).chain((name) => corrupted(name).map((v) => [name, v] as const)),
      { maxLength: 3 },
    ),
    fc.constantFrom('as is', 'as is', 'as is', 'as is', 'as is', 'as is', 'as is', 'as is', 'both', 'neither'),
    fc.nat(),
  )
  .map(([base, corruptions, way, markAt]) => {
    const set = { ...base };
    if (way === 'both') set['credentials_json'] = KEY_JSON;
    if (way === 'neither') delete set['workload_identity_provider'];
    for (const [name, value] of corruptions) set[name] = value;
    // A marker inside a corrupted key's text, anywhere: it must never reach a message.
    const key = set['credentials_json'];
    if (key !== undefined && key !== KEY_JSON) {
      const at = markAt % (key.length + 1);
      set['credentials_json'] = key.slice(0, at) + KEY_MARKER + key.slice(at);
    }
    return set;
  });

interface Recorded {
  method: string;
  url: URL;
}

/** Answers every request to every host, the way each service would, and records it. */
function answerEverything(recorded: Recorded[]): void {
  const claims = Buffer.from(JSON.stringify({ sub: 'repo:octo-org/octo-repo:ref:refs/heads/main' })).toString(
    'base64url',
  );
  for (const method of ['GET', 'POST', 'PUT']) {
    nock(/.*/)
      .persist()
      .intercept(() => true, method)
      .reply(function (path, body) {
        // nock keeps the scheme the client asked for in options.proto.
        const proto = (this.req as unknown as { options: { proto?: string } }).options.proto ?? 'unknown';
        const url = new URL(`${proto}://${this.req.headers['host']}${path}`);
        recorded.push({ method, url });
        if (typeof body === 'string' && body.includes('Action=AssumeRole')) {
          return [
            200,
            '<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId>' +
              '<SecretAccessKey>assumed-secret</SecretAccessKey><SessionToken>assumed-session</SessionToken>' +
              '<Expiration>2099-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>',
          ];
        }
        // One answer that every JSON client of the action reads its field from.
        return [
          200,
          {
            value: `e30.${claims}.sig`,
            access_token: 'ya29.federated-or-delegated',
            expires_in: 3600,
            accessToken: 'ya29.impersonated',
            expireTime: '2099-01-01T00:00:00Z',
            token: 'id-token',
            signedJwt: 'e30.e30.sig',
          },
        ];
      });
  }
}

/** The base URL the user asked for (override or universe default), without trailing slash. */
function base(inputs: Record<string, string>, name: string, fallback: string): string {
  const given = (inputs[name] ?? '').trim();
  return given ? new URL(given).href.replace(/\/+$/, '') : fallback;
}

/** Which allowed shape a request has, or why it has none. */
type Verdict = { shape: string } | { wrong: string };

/**
 * The shapes a configuration allows: method + scheme/host/path, from the
 * inputs as the user wrote them (not from the action's URL builders). IAM
 * Credentials paths end in one segment that decodes to the service account,
 * followed by the one method the token format calls for.
 */
function shapeOf(config: Config, inputs: Record<string, string>, env: NodeJS.ProcessEnv) {
  const universe = config.endpoints.universe;
  const sts = `${base(inputs, 'sts_endpoint', `https://sts.${universe}/v1`)}/token`;
  const iam = `${base(inputs, 'iamcredentials_endpoint', `https://iamcredentials.${universe}/v1`)}/projects/-/serviceAccounts/`;
  const oauth2 = `${base(inputs, 'oauth2_endpoint', `https://oauth2.${universe}`)}/token`;
  const iamMethod =
    config.tokenFormat === 'access_token'
      ? config.accessToken.subject
        ? 'signJwt'
        : 'generateAccessToken'
      : config.tokenFormat === 'id_token'
        ? 'generateIdToken'
        : // No token asked for: federation proves the impersonation once, unless verify_service_account is false.
          config.auth.kind === 'workload_identity' &&
            config.serviceAccount !== undefined &&
            !/^false$/i.test((inputs['verify_service_account'] ?? '').trim())
          ? 'generateAccessToken'
          : undefined;
  const auth = config.auth.kind === 'workload_identity' ? config.auth : undefined;
  const get = (name: string): string => (inputs[name] ?? '').trim();
  const aws = auth?.source.kind === 'aws' ? awsSource.parse(get, auth.provider) : undefined;
  const awsRegion = aws ? (aws.region ?? env['AWS_REGION']) : undefined;
  const awsSts = awsRegion && `https://sts.${awsRegion}.amazonaws.com${awsRegion.startsWith('cn-') ? '.cn' : ''}/`;
  const tokenUrl = auth?.source.kind === 'url' ? new URL((inputs['subject_token_url'] ?? '').trim()) : undefined;
  const azure = auth?.source.kind === 'azure';

  return ({ method, url }: Recorded): Verdict => {
    const where = `${url.origin}${url.pathname}`;
    // Instance metadata is plain HTTP on a link-local address, by design.
    if (method === 'GET' && azure && where === IMDS_TOKEN_URL) {
      const query = [...url.searchParams.keys()].sort().join(',');
      const resource = url.searchParams.get('resource');
      const expected = (inputs['azure_resource'] ?? '').trim() || `https://iam.googleapis.com/${GITHUB_PROVIDER}`;
      return resource === expected && /^api-version(,client_id)?,resource$/.test(query)
        ? { shape: 'Azure IMDS' }
        : { wrong: `IMDS query ${url.search}` };
    }
    if (url.protocol !== 'https:' && !/^(127\.|\[::1\]$|localhost$)/.test(url.hostname)) {
      return { wrong: `plain HTTP to ${url.host}` };
    }
    // The token URL exactly as the workflow wrote it (scheme, host, path and query), nothing added.
    if (method === 'GET' && tokenUrl) {
      return url.href === tokenUrl.href.replace(/#.*$/, '') ? { shape: 'Token URL' } : { wrong: `GET ${url.href}` };
    }
    if (method === 'GET' && auth?.source.kind === 'github' && where === OIDC_URL.split('?')[0]) {
      const { audience } = githubOidc.parse(get, auth.provider);
      const query = `?${new URLSearchParams({ 'api-version': '2.0', audience })}`;
      return url.search === query ? { shape: 'GitHub OIDC' } : { wrong: `OIDC query ${url.search}` };
    }
    if (method !== 'POST') return { wrong: `${method} ${where}` };
    if (url.search || url.hash) return { wrong: `query or fragment on ${where}` };
    if (auth && where === sts) return { shape: 'STS token' };
    if (where === oauth2 && config.accessToken.subject) return { shape: 'OAuth2 token' };
    if (awsSts && where === awsSts && aws?.role) return { shape: 'AWS AssumeRole' };
    if (iamMethod && where.startsWith(iam)) {
      const rest = where.slice(iam.length);
      if (rest.includes('/') || !rest.endsWith(`:${iamMethod}`)) return { wrong: `IAM ${rest}` };
      const account = decodeURIComponent(rest.slice(0, -iamMethod.length - 1));
      return account === config.serviceAccount ? { shape: `IAM ${iamMethod}` } : { wrong: `IAM for ${account}` };
    }
    return { wrong: `${method} ${where}` };
  };
}

describe('in-process: random and hostile inputs', () => {
  let dir: string;
  const savedEnv = { ...process.env };
  let output: string[] = [];
  const realWrite = runnerStdout.write;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'request-shapes-'));
    nock.disableNetConnect();
    runnerStdout.write = (text: string) => void output.push(text);
  });
  afterAll(() => {
    runnerStdout.write = realWrite;
    nock.cleanAll();
    nock.enableNetConnect();
    process.exitCode = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  /** The environment of one step, inputs included; the runner's files in process.env (runner-files.ts); nothing from the test runner. */
  function stepEnvironment(inputs: Record<string, string>): NodeJS.ProcessEnv {
    for (const name of Object.keys(process.env)) {
      if (/^(INPUT_|STATE_|GITHUB_|HTTPS?_PROXY|https?_proxy|NO_PROXY|no_proxy|AWS_|GOOGLE_|CLOUDSDK_)/.test(name)) {
        delete process.env[name];
      }
    }
    for (const file of ['GITHUB_OUTPUT', 'GITHUB_ENV', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY']) {
      process.env[file] = join(dir, file);
      writeFileSync(join(dir, file), '');
    }
    return {
      ...Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value])),
      GITHUB_WORKSPACE: dir,
      ACTIONS_ID_TOKEN_REQUEST_URL: OIDC_URL,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token',
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      HOME: dir,
      ...AWS_KEY,
    };
  }

  it('fails at configuration with one error and no request, or makes only allowed requests', async () => {
    const seed = Number(process.env['FUZZ_SEED'] ?? 20261201);
    const numRuns = Number(process.env['FUZZ_RUNS'] ?? 400);
    const tally = { rejected: 0, accepted: 0, requests: 0 };
    const shapes = new Set<string>();
    const started = Date.now();

    await fc.assert(
      fc.asyncProperty(inputSets, async (inputs) => {
        const recorded: Recorded[] = [];
        nock.cleanAll();
        answerEverything(recorded);
        output = [];
        const env = stepEnvironment(inputs);

        let config: Config | undefined;
        let configError: unknown;
        try {
          config = readConfig((name) => (inputs[name] ?? '').trim());
        } catch (err) {
          configError = err;
        }
        output = []; // the masks readConfig registered; run() registers them again
        try {
          await run(env, undefined, { preconnect: false }); // nock answers; no real socket to any host
        } finally {
          process.exitCode = undefined;
          for (const name of Object.keys(process.env)) if (!(name in savedEnv)) delete process.env[name];
          Object.assign(process.env, savedEnv);
        }
        const lines = output.join('').split('\n');
        const errors = lines.filter((line) => line.startsWith('::error::'));
        const shown = lines.filter((line) => !line.startsWith('::add-mask::')).join('\n');
        expect(shown).not.toContain(KEY_MARKER);

        if (!config) {
          tally.rejected++;
          if (!(configError instanceof ConfigError)) throw new Error(`not a ConfigError: ${String(configError)}`);
          expect(configError.message).not.toMatch(/[\r\n]/);
          expect(configError.message.length).toBeLessThanOrEqual(1200);
          expect(recorded).toEqual([]);
          expect(errors).toEqual([expect.stringMatching(/^::error::Invalid input: /)]);
          return;
        }
        tally.accepted++;
        tally.requests += recorded.length;
        const verdicts = recorded.map(shapeOf(config, inputs, env));
        expect(verdicts.filter((v) => 'wrong' in v)).toEqual([]);
        for (const v of verdicts) if ('shape' in v) shapes.add(v.shape);
        expect(errors.length).toBeLessThanOrEqual(1);
      }),
      { seed, numRuns, interruptAfterTimeLimit: 10_000, markInterruptAsFailure: false },
    );

    // Both sides were exercised, and real requests were checked, in bounded time.
    expect(tally.rejected).toBeGreaterThan(numRuns * 0.2);
    expect(tally.accepted).toBeGreaterThan(numRuns * 0.05);
    expect(tally.requests).toBeGreaterThan(tally.accepted);
    expect([...shapes].sort()).toEqual([
      'AWS AssumeRole',
      'Azure IMDS',
      'GitHub OIDC',
      'IAM generateAccessToken',
      'IAM generateIdToken',
      'IAM signJwt',
      'OAuth2 token',
      'STS token',
      'Token URL',
    ]);
    expect(Date.now() - started).toBeLessThan(25_000);
  }, 30_000);
});
