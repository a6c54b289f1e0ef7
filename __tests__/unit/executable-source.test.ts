/**
 * subject_token_source: executable, as the pipeline sees it: its inputs
 * (validated as Google requires, the command split as google-auth-library
 * splits it), the program run with the variables the client libraries set,
 * each failure with its own message (never the program's stdout), the
 * output-file cache, the credentials file gcloud writes, and what the
 * diagnostics show.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// google-auth-library's internal module (it has no exports map): the command splitter tools use.
import { PluggableAuthHandler as Handler } from 'google-auth-library/build/src/auth/pluggable-auth-handler.js';

import { type Config, readConfig, type WorkloadIdentityAuth } from '../../src/config.js';
import { externalAccountConfig } from '../../src/credentials-file.js';
import { describeFailure } from '../../src/diagnose.js';
import { EnvironmentError, ServiceError } from '../../src/errors.js';
import { STS_SERVICE } from '../../src/google/sts.js';
import { Http } from '../../src/http.js';
import type { Log } from '../../src/log.js';
import { stdout as runnerStdout } from '../../src/runner-commands.js';
import { splitCommand } from '../../src/sources/executable/command.js';
import { ExecutableSource } from '../../src/sources/executable/executable-source.js';
import { executable } from '../../src/sources/executable/index.js';
import { captureMasks } from '../fakes/aws.mjs';
import { generateKeyPair, signJwt } from '../fakes/index.mjs';
import { expectSameFields, gcloudFixture } from '../support/gcloud-fixtures.js';
import { createTokenProgram, isGone, type TokenProgram, tokenAnswer } from '../support/token-program.js';
import { GCLOUD_POOL, GCLOUD_PROVIDER as PROVIDER, SA } from '../support/fixtures.js';
import { memberOfSource, principalOfSource, sourceOptions } from '../support/source-options.js';
import { recordingLog } from '../support/unit.js';

/** parseCommand is private in its types, and exactly what tools run. */
const PluggableAuthHandler = Handler as unknown as { parseCommand(command: string): string[] };

const JWT = 'urn:ietf:params:oauth:token-type:jwt';
const ID_TOKEN = 'urn:ietf:params:oauth:token-type:id_token';
const SAML = 'urn:ietf:params:oauth:token-type:saml2';
const KEY = generateKeyPair();

let program: TokenProgram;
let masks: ReturnType<typeof captureMasks>;

beforeAll(() => {
  program = createTokenProgram();
});
afterAll(() => program.remove());
/** The executable source sends no request; its context has the HTTP layer all the same. */
const unusedHttp = new Http({ userAgent: 'test', requestTimeoutMs: 1000, log: recordingLog() });
afterAll(() => unusedHttp.dispose());
beforeEach(() => {
  masks = captureMasks(runnerStdout);
  writeFileSync(join(program.dir, 'plan.json.runs'), '');
});
afterEach(() => masks.stop());

function configFor(inputs: Record<string, string>): Config {
  return readConfig(
    (name) => ({ workload_identity_provider: PROVIDER, subject_token_source: 'executable', ...inputs })[name] ?? '',
  );
}

/** The inputs configFor gives readConfig. */
function executableInputs(inputs: Record<string, string>): Record<string, string> {
  return { workload_identity_provider: PROVIDER, subject_token_source: 'executable', ...inputs };
}

async function sourceFor(
  inputs: Record<string, string>,
  { env = {}, log = recordingLog(), timeoutMs }: { env?: NodeJS.ProcessEnv; log?: Log; timeoutMs?: number } = {},
): Promise<ExecutableSource> {
  const config = configFor({ executable_command: program.command, ...inputs });
  const auth = config.auth as WorkloadIdentityAuth;
  const options = sourceOptions(executable, executableInputs({ executable_command: program.command, ...inputs }));
  // Below Google's 5 s floor only here, so that the timeout test is quick.
  return new ExecutableSource(timeoutMs ? { ...options, timeoutMs } : options, {
    provider: auth.provider,
    env: { PATH: process.env['PATH'], ...env },
    http: unusedHttp,
    log,
    ...(config.serviceAccount ? { serviceAccount: config.serviceAccount } : {}),
  });
}

function token(claims: Record<string, unknown> = {}, lifetimeSeconds = 300): string {
  const now = Math.floor(Date.now() / 1000);
  return signJwt(
    {
      iss: 'https://kubernetes.example',
      sub: 'system:serviceaccount:ci:runner',
      aud: 'gcp',
      iat: now,
      exp: now + lifetimeSeconds,
      ...claims,
    },
    KEY.privateKey,
  );
}

async function failure(source: ExecutableSource): Promise<string> {
  const err: unknown = await source.subjectToken().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(EnvironmentError);
  return (err as Error).message;
}

describe('inputs', () => {
  const error = (inputs: Record<string, string>) => () => configFor(inputs);

  it('parses the command, timeout, output file and token type', () => {
    const auth = configFor({
      executable_command: '/opt/bin/get-token --audience "my pool" -v',
      executable_timeout: '1m',
      executable_output_file: '/tmp/cache.json',
      subject_token_type: 'id_token',
      service_account: SA,
    }).auth as WorkloadIdentityAuth;
    expect(auth.source.kind).toBe('executable');
    expect(
      sourceOptions(
        executable,
        executableInputs({
          executable_command: '/opt/bin/get-token --audience "my pool" -v',
          executable_timeout: '1m',
          executable_output_file: '/tmp/cache.json',
          subject_token_type: 'id_token',
          service_account: SA,
        }),
      ),
    ).toEqual({
      command: '/opt/bin/get-token --audience "my pool" -v',
      argv: ['/opt/bin/get-token', '--audience', 'my pool', '-v'],
      timeoutMs: 60_000,
      outputFile: '/tmp/cache.json',
      subjectTokenType: ID_TOKEN,
    });
    expect(sourceOptions(executable, executableInputs({ executable_command: '/opt/bin/x' }))).toEqual({
      command: '/opt/bin/x',
      argv: ['/opt/bin/x'],
      timeoutMs: 30_000,
      subjectTokenType: JWT,
    });
  });

  it('splits commands exactly as google-auth-library does', () => {
    for (const command of [
      '/opt/bin/get-token',
      '/opt/bin/get-token  --a  b',
      '/opt/bin/get-token "quoted arg" --x="a b" "c"d',
      '"/opt/my tools/get-token" --flag',
    ]) {
      expect([command, splitCommand(command)]).toEqual([command, PluggableAuthHandler.parseCommand(command)]);
    }
  });

  it('requires the command, with the program by its absolute path', () => {
    expect(error({})).toThrow(/"executable_command" is required with subject_token_source: executable/);
    expect(error({ executable_command: 'get-token --x' })).toThrow(
      /"executable_command" must start with the absolute path of the program.*got "get-token"/,
    );
    expect(error({ executable_command: './get-token' })).toThrow(/absolute path/);
    expect(error({ executable_command: '/opt/bin/x "unpaired' })).toThrow(/unpaired double quote/);
    expect(error({ executable_command: '/opt/bin/x\n/bin/rm' })).toThrow(/one line without control characters/);
  });

  it("keeps the timeout in Google's range of 5s to 120s", () => {
    for (const bad of ['4s', '121s', '3m', 'soon', '0']) {
      expect(error({ executable_command: '/x', executable_timeout: bad })).toThrow(
        `"executable_timeout" must be a duration from 5s to 120s (Google's limits) such as 30s or 2m, got "${bad}".`,
      );
    }
    expect(
      sourceOptions(executable, executableInputs({ executable_command: '/x', executable_timeout: '120' })),
    ).toMatchObject({
      timeoutMs: 120_000,
    });
  });

  it('wants an absolute output file and a known token type', () => {
    expect(error({ executable_command: '/x', executable_output_file: 'cache.json' })).toThrow(
      /"executable_output_file" must be an absolute path.*got "cache.json"/,
    );
    expect(error({ executable_command: '/x', subject_token_type: 'oidc' })).toThrow(
      /"subject_token_type" must be jwt, id_token or saml2/,
    );
  });

  it('is one of the listed sources', () => {
    expect(() =>
      readConfig((name) => ({ workload_identity_provider: PROVIDER, subject_token_source: 'x' })[name] ?? ''),
    ).toThrow(/must be one of .*"executable"/);
  });

  it('are stray with another source', () => {
    expect(() =>
      readConfig((name) => ({ workload_identity_provider: PROVIDER, executable_command: '/x' })[name] ?? ''),
    ).toThrow(
      '"executable_command" applies only with subject_token_source: executable, but subject_token_source is "github".',
    );
  });
});

describe('the credentials file', () => {
  async function fileFor(inputs: Record<string, string>): Promise<Record<string, unknown>> {
    const config = configFor(inputs);
    const auth = config.auth as WorkloadIdentityAuth;
    const context = { provider: auth.provider, env: {}, log: recordingLog(), http: undefined as never };
    return externalAccountConfig(config, auth.provider, await auth.source.start(context));
  }

  it('is what gcloud create-cred-config --executable-command writes', async () => {
    expectSameFields(
      await fileFor({ executable_command: '/opt/bin/get-token --audience gcp' }),
      gcloudFixture('executable-direct.json'),
    );
  });

  it('with an output file, a timeout, an ID token type and impersonation, as gcloud writes them', async () => {
    const file = await fileFor({
      executable_command: '/opt/bin/get-token --audience gcp',
      executable_timeout: '60s',
      executable_output_file: '/tmp/cache.json',
      subject_token_type: 'id_token',
      service_account: SA,
    });
    expectSameFields(file, gcloudFixture('executable-cached-impersonated-id-token.json'));
  });
});

describe('running the program', () => {
  it('passes the variables the client libraries set, and returns the token masked with its claims', async () => {
    const jwt = token();
    program.plan({ stdout: tokenAnswer(jwt) });
    const log = recordingLog();
    const source = await sourceFor(
      { executable_output_file: join(program.dir, 'none.json'), service_account: SA },
      { env: { INPUT_SERVICE_ACCOUNT: SA, HOME: '/home/runner' }, log },
    );
    const subject = await source.subjectToken();
    expect(subject).toEqual({
      token: jwt,
      claims: expect.objectContaining({ sub: 'system:serviceaccount:ci:runner', iss: 'https://kubernetes.example' }),
    });
    expect(masks.values).toContain(jwt);
    const [run] = program.runs();
    expect(run?.env).toEqual({
      GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE: `//iam.googleapis.com/${PROVIDER}`,
      GOOGLE_EXTERNAL_ACCOUNT_TOKEN_TYPE: JWT,
      GOOGLE_EXTERNAL_ACCOUNT_INTERACTIVE: '0',
      GOOGLE_EXTERNAL_ACCOUNT_OUTPUT_FILE: join(program.dir, 'none.json'),
      GOOGLE_EXTERNAL_ACCOUNT_IMPERSONATED_EMAIL: SA,
    });
    expect(log.lines).toContainEqual(expect.stringMatching(/^info: Ran executable_command \(\/.*\) \(\d+ ms\)\.$/));
    expect(log.lines).toContainEqual(
      'debug: Executable: token claims: iss="https://kubernetes.example", sub="system:serviceaccount:ci:runner", ' +
        `aud="gcp", exp=${String(subject.claims['exp'])}`,
    );
    expect(log.lines.join('\n')).not.toContain(jwt);
  });

  it('runs a script through its #! line, with quoted arguments kept whole', async () => {
    program.plan({ stdout: tokenAnswer(token()) });
    const source = await sourceFor({
      executable_command: `${program.script} ${join(program.dir, 'plan.json')} "two words"`,
    });
    await source.subjectToken();
    expect(program.runs()[0]?.argv).toEqual([join(program.dir, 'plan.json'), 'two words']);
  });

  it('accepts id_token and SAML answers when subject_token_type says so', async () => {
    program.plan({ stdout: tokenAnswer(token(), 300, ID_TOKEN) });
    expect((await (await sourceFor({ subject_token_type: 'id_token' })).subjectToken()).claims['sub']).toBe(
      'system:serviceaccount:ci:runner',
    );
    const assertion = Buffer.from('<samlp:Response>...</samlp:Response>').toString('base64');
    program.plan({ stdout: JSON.stringify({ version: 1, success: true, token_type: SAML, saml_response: assertion }) });
    expect(await (await sourceFor({ subject_token_type: 'saml2' })).subjectToken()).toEqual({
      token: assertion,
      claims: {},
    });
    expect(masks.values).toContain(assertion);
  });

  it('warns when a successful program writes to stderr (google-auth-library would read it as part of the answer)', async () => {
    program.plan({ stdout: tokenAnswer(token()), stderr: 'fetching token...\n' });
    const log = recordingLog();
    await (await sourceFor({}, { log })).subjectToken();
    expect(log.lines).toContainEqual(
      expect.stringMatching(/^warning: executable_command .* succeeded but wrote to stderr/),
    );
  });
});

describe('failures, each with its own message', () => {
  it('a program that cannot be started', async () => {
    const missing = await sourceFor({ executable_command: join(program.dir, 'no-such-program') });
    expect(await failure(missing)).toMatch(
      /^executable_command \(\/.*no-such-program\) could not be started \(ENOENT\): check that the file exists, is executable/,
    );
    writeFileSync(join(program.dir, 'not-executable'), '#!/bin/sh\n', { mode: 0o644 });
    const notExecutable = await sourceFor({ executable_command: join(program.dir, 'not-executable') });
    expect(await failure(notExecutable)).toMatch(/could not be started \(EACCES\).*chmod \+x/);
  });

  it('a non-zero exit: shows stderr, never stdout', async () => {
    const jwt = token();
    program.plan({ stdout: tokenAnswer(jwt), stderr: 'cannot reach the issuer\n\u001b[31mred\u001b[0m', exitCode: 3 });
    const message = await failure(await sourceFor({}));
    expect(message).toMatch(
      /^executable_command \(\/.*\) exited with code 3\. Its stderr:\n {2}cannot reach the issuer\n/,
    );
    expect(message).toContain('\\u001b[31mred');
    expect(message).not.toContain(jwt);
    expect(message).not.toContain('id_token');
  });

  it('clips a long stderr to its end', async () => {
    program.plan({ stderr: `${'x'.repeat(5000)}THE END`, exitCode: 1 });
    const message = await failure(await sourceFor({}));
    expect(message).toMatch(/Its stderr:\n {2}…x+THE END$/);
    expect(message.length).toBeLessThan(2200);
  });

  it('a timeout: the program is killed', async () => {
    program.plan({ stdout: tokenAnswer(token()), sleepMs: 20_000, stderr: 'waiting for the issuer' });
    const started = Date.now();
    const message = await failure(await sourceFor({}, { timeoutMs: 500 }));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(message).toMatch(
      /did not finish within 0\.5s and was stopped.*raise executable_timeout.*Its stderr:\n {2}waiting/s,
    );
    const pid = program.runs()[0]?.pid ?? 0;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  });

  it('malformed JSON, without quoting it', async () => {
    const jwt = token();
    program.plan({ stdout: `token: ${jwt}` });
    const message = await failure(await sourceFor({}));
    expect(message).toMatch(
      /^executable_command \(\/.*\) printed no valid JSON \(\d+ bytes that are not JSON\)\. It must print one JSON object/,
    );
    expect(message).not.toContain(jwt);
    program.plan({ stdout: '' });
    expect(await failure(await sourceFor({}))).toMatch(/printed no valid JSON \(nothing\)/);
  });

  it('success: false, with its code and message', async () => {
    program.plan({
      stdout: JSON.stringify({ version: 1, success: false, code: '401', message: 'The runner is not enrolled.' }),
    });
    expect(await failure(await sourceFor({}))).toMatch(
      /answered "success": false with code "401": "The runner is not enrolled\."$/,
    );
    program.plan({ stdout: JSON.stringify({ version: 1, success: false }) });
    expect(await failure(await sourceFor({}))).toMatch(/"success": false without a "code" and a "message"/);
  });

  it('an unsupported or missing version', async () => {
    program.plan({ stdout: JSON.stringify({ version: 2, success: true, token_type: JWT, id_token: token() }) });
    expect(await failure(await sourceFor({}))).toMatch(
      /printed an answer of version 2, which is not supported: Google's executable format has version 1 only/,
    );
    program.plan({ stdout: JSON.stringify({ success: true }) });
    expect(await failure(await sourceFor({}))).toMatch(/printed an answer without "version"/);
  });

  it('an expired answer', async () => {
    program.plan({ stdout: tokenAnswer(token(), -60) });
    expect(await failure(await sourceFor({}))).toMatch(
      /answered with a token that expired at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ: make it fetch a fresh one/,
    );
  });

  it('a token_type that is not subject_token_type', async () => {
    program.plan({ stdout: tokenAnswer(token(), 300, ID_TOKEN) });
    expect(await failure(await sourceFor({}))).toMatch(
      /answered "token_type": "urn:ietf:params:oauth:token-type:id_token", but subject_token_type is urn:ietf:params:oauth:token-type:jwt\. Set subject_token_type to id_token/,
    );
  });

  it('a successful answer without its token, or with an unknown token_type', async () => {
    program.plan({ stdout: JSON.stringify({ version: 1, success: true, token_type: JWT }) });
    expect(await failure(await sourceFor({}))).toMatch(/"success": true but no "id_token"/);
    program.plan({ stdout: JSON.stringify({ version: 1, success: true, token_type: 'bearer', id_token: 'x' }) });
    expect(await failure(await sourceFor({}))).toMatch(/"token_type": "bearer"; it must be one of/);
  });

  it('no expiration_time while an output file is configured', async () => {
    program.plan({ stdout: JSON.stringify({ version: 1, success: true, token_type: JWT, id_token: token() }) });
    expect(await failure(await sourceFor({ executable_output_file: join(program.dir, 'never.json') }))).toMatch(
      /answered without "expiration_time", which is required with executable_output_file/,
    );
  });
});

describe('the output file cache', () => {
  it('uses an answer that has not expired instead of running the program, and says so', async () => {
    const cache = join(program.dir, 'cache-valid.json');
    const jwt = token();
    writeFileSync(cache, tokenAnswer(jwt, 600), { mode: 0o600 });
    program.plan({ exitCode: 1, stderr: 'must not run' });
    const log = recordingLog();
    const subject = await (await sourceFor({ executable_output_file: cache }, { log })).subjectToken();
    expect(subject.token).toBe(jwt);
    expect(masks.values).toContain(jwt);
    expect(program.runs()).toEqual([]);
    expect(log.lines).toContainEqual(
      expect.stringMatching(
        /^info: Used the cached answer in .*cache-valid\.json \(executable_output_file, valid until \d{4}-.*Z\); executable_command .* was not run\.$/,
      ),
    );
  });

  it('runs the program when the cached answer expired, failed, or is not there yet; the program refreshes it', async () => {
    const cache = join(program.dir, 'cache-refresh.json');
    const fresh = token();
    program.plan({ stdout: tokenAnswer(fresh), writeOutputFile: true });
    const log = recordingLog();
    const source = await sourceFor({ executable_output_file: cache }, { log });

    expect((await source.subjectToken()).token).toBe(fresh);
    expect(log.lines).toContainEqual(
      expect.stringMatching(/^info: No cached answer in .*cache-refresh\.json .*: running/),
    );
    expect(program.runs()[0]?.env['GOOGLE_EXTERNAL_ACCOUNT_OUTPUT_FILE']).toBe(cache);

    writeFileSync(cache, tokenAnswer(token(), -10));
    expect((await source.subjectToken()).token).toBe(fresh);
    expect(log.lines).toContainEqual(expect.stringMatching(/cached answer in .* has expired: running/));

    writeFileSync(cache, JSON.stringify({ version: 1, success: false, code: '1', message: 'stale' }));
    expect((await source.subjectToken()).token).toBe(fresh);
    expect(log.lines).toContainEqual(expect.stringMatching(/cached answer in .* is a failure: running/));
    expect(program.runs()).toHaveLength(3);
    // The program wrote its answer there, so the next run uses it.
    expect(JSON.parse(readFileSync(cache, 'utf8')).id_token).toBe(fresh);
  });

  it('an output file that is not valid JSON is an error (as in the client libraries), without its content', async () => {
    const cache = join(program.dir, 'cache-broken.json');
    writeFileSync(cache, 'not json but maybe a token', { mode: 0o600 });
    expect(await failure(await sourceFor({ executable_output_file: cache }))).toMatch(
      /^executable_output_file .*cache-broken\.json holds no valid JSON \(26 bytes that are not JSON\)/,
    );
  });
});

describe('what it tells', () => {
  it('exports GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES=1 for tools, and says why', async () => {
    expect((await sourceFor({})).environmentForTools()).toEqual({
      variables: { GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES: '1' },
      note: expect.stringMatching(
        /^Exported GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES=1: tools reading the credentials file run executable_command/,
      ),
    });
  });

  it('names the principal from sub, and the member to grant', async () => {
    const source = await sourceFor({});
    const pool = GCLOUD_POOL;
    expect(principalOfSource(source, PROVIDER, { sub: 'system:serviceaccount:ci:runner' })).toBe(
      `principal://iam.googleapis.com/${pool}/subject/system:serviceaccount:ci:runner`,
    );
    expect(principalOfSource(source, PROVIDER, {})).toBe(`a principal of principalSet://iam.googleapis.com/${pool}`);
    expect(memberOfSource(source, PROVIDER, undefined)).toBe(`principal://iam.googleapis.com/${pool}/subject/SUBJECT`);
  });

  it('explains STS rejections with its own hints and claims, and no GitHub hint', async () => {
    const source = await sourceFor({});
    const claims = {
      iss: 'https://kubernetes.example',
      sub: 'system:serviceaccount:ci:runner',
      aud: 'gcp',
      repository: 'x',
    };
    const config = configFor({ executable_command: '/x' });
    const err = new ServiceError(
      STS_SERVICE,
      400,
      'invalid_grant: The audience in ID Token [gcp] does not match the expected audience.',
      'POST https://sts.googleapis.com/v1/token',
      1,
      'invalid_grant',
    );
    const message = describeFailure(err, { config, source: source.facts, claims });
    expect(message).toContain(
      `Hint: The token's audience "gcp" is not one the provider accepts: by default "https://iam.googleapis.com/${PROVIDER}"`,
    );
    expect(message).toContain(
      'Token sent by Executable: iss="https://kubernetes.example", sub="system:serviceaccount:ci:runner", aud="gcp"',
    );
    expect(message).not.toMatch(/repository|id-token|GitHub|audience" input/);

    const issuer = describeFailure(
      new ServiceError(STS_SERVICE, 400, 'The issuer in ID Token x does not match the expected ones: y.', 'POST x', 1),
      { config, source: source.facts, claims },
    );
    expect(issuer).toContain("Hint: The provider's issuer URI must be the token's iss claim exactly");
  });
});

describe('bounds: a program never hangs the step, and its tokens never show', () => {
  const onPosix = process.platform === 'win32' ? it.skip : it;
  const leftovers: number[] = [];
  afterEach(() => {
    // Nothing left behind, whatever the outcome.
    for (const pid of leftovers.splice(0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  });

  /** A /bin/sh program of the test's own, by its absolute path. */
  function shellProgram(name: string, body: string): string {
    const file = join(program.dir, name);
    writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    return file;
  }

  function grandchildOf(pidFile: string): number {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    leftovers.push(pid);
    return pid;
  }

  onPosix(
    'at the timeout, ends the whole group: a grandchild holding stdout open does not keep it waiting',
    async () => {
      const pidFile = join(program.dir, 'grandchild-timeout.pid');
      const command = shellProgram('spawns-and-hangs.sh', `sleep 60 &\necho $! > ${pidFile}\nsleep 60`);
      const started = Date.now();
      const message = await failure(await sourceFor({ executable_command: command }, { timeoutMs: 500 }));
      // 0.5 s, at most 1 s to end the group, and room for a loaded machine; the grandchild would run 60 s.
      expect(Date.now() - started).toBeLessThan(5000);
      expect(message).toMatch(/did not finish within 0\.5s and was stopped/);
      expect(isGone(grandchildOf(pidFile))).toBe(true);
    },
  );

  onPosix('after the program exits, a grandchild still holding its pipes is not waited for', async () => {
    const pidFile = join(program.dir, 'grandchild-exit.pid');
    const jwt = token();
    const answerFile = join(program.dir, 'answer-exit.json');
    writeFileSync(answerFile, tokenAnswer(jwt));
    const command = shellProgram('spawns-and-exits.sh', `sleep 60 &\necho $! > ${pidFile}\ncat ${answerFile}`);
    const started = Date.now();
    const subject = await (await sourceFor({ executable_command: command })).subjectToken();
    expect(subject.token).toBe(jwt);
    // The grandchild would hold the pipes for 60 s.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(isGone(grandchildOf(pidFile))).toBe(true);

    // The same when it fails.
    const failing = shellProgram('spawns-and-fails.sh', `sleep 60 &\necho $! > ${pidFile}\necho no >&2\nexit 3`);
    const again = Date.now();
    expect(await failure(await sourceFor({ executable_command: failing }))).toMatch(
      /exited with code 3\. Its stderr:\n {2}no$/,
    );
    expect(Date.now() - again).toBeLessThan(10_000);
    expect(isGone(grandchildOf(pidFile))).toBe(true);
  });

  it('a failing program that echoes its token on stderr: the token is masked and cut out', async () => {
    const jwt = token();
    program.plan({ stdout: tokenAnswer(jwt), stderr: `got ${jwt}\nthen failed\n`, exitCode: 2 });
    const message = await failure(await sourceFor({}));
    expect(message).toMatch(/exited with code 2\. Its stderr:\n {2}got \*\*\*\n {2}then failed$/);
    expect(masks.values).toContain(jwt);
  });

  it('a timed-out program: the same', async () => {
    const jwt = token();
    program.plan({ stdout: tokenAnswer(jwt), stderr: `token=${jwt} waiting`, sleepMs: 20_000 });
    const message = await failure(await sourceFor({}, { timeoutMs: 500 }));
    expect(message).toMatch(/was stopped\..*Its stderr:\n {2}token=\*\*\* waiting$/s);
    expect(message).not.toContain(jwt);
  });

  it('a token it never printed on stdout: JWT-shaped and long opaque words are cut; paths, URLs and digests stay', async () => {
    const jwt = token({ sub: 'other' });
    const opaque = Buffer.from(Array.from({ length: 48 }, (_, i) => (i * 37 + 11) % 256)).toString('base64');
    const kept =
      'GET https://issuer.example.com/.well-known/openid-configuration from /home/runner/work/repo/repo/bin/get-token ' +
      'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 ya29 session_id=abc123';
    program.plan({ stdout: 'not json', stderr: `${jwt}\nbearer ${opaque}\n${kept}\n`, exitCode: 1 });
    const message = await failure(await sourceFor({}));
    expect(message).not.toContain(jwt);
    expect(message).not.toContain(opaque);
    expect(message).toContain(`Its stderr:\n  ***\n  bearer ***\n  ${kept}`);
  });

  it('a token in the output file (none on stdout), echoed on stderr of a failing run: cut out and masked', async () => {
    const jwt = token({ sub: 'cached' });
    const cache = join(program.dir, 'cache-then-fail.json');
    const command = shellProgram(
      'writes-cache-then-fails.sh',
      `printf '%s' '${tokenAnswer(jwt)}' > "$GOOGLE_EXTERNAL_ACCOUNT_OUTPUT_FILE"\n` +
        `chmod 600 "$GOOGLE_EXTERNAL_ACCOUNT_OUTPUT_FILE"\necho "cached ${jwt.slice(0, 30)} ${jwt}" >&2\nexit 1`,
    );
    const message = await failure(await sourceFor({ executable_command: command, executable_output_file: cache }));
    expect(message).toMatch(/exited with code 1\. Its stderr:\n {2}cached \S+ \*\*\*$/);
    expect(message).not.toContain(jwt);
    expect(masks.values).toContain(jwt);
  });

  it('a successful program that echoes its token on stderr: the debug line holds it cut out', async () => {
    const jwt = token();
    program.plan({ stdout: tokenAnswer(jwt), stderr: `issued ${jwt}\n` });
    const log = recordingLog();
    await (await sourceFor({}, { log })).subjectToken();
    expect(log.lines).toContainEqual('debug: Executable: stderr:\n  issued ***');
    expect(log.lines.join('\n')).not.toContain(jwt);
  });

  it('a success: false message is cut the same way', async () => {
    const jwt = token();
    program.plan({ stdout: JSON.stringify({ version: 1, success: false, code: 'E', message: `bad ${jwt}` }) });
    const message = await failure(await sourceFor({}));
    expect(message).toMatch(/answered "success": false with code "E": "bad \*\*\*"$/);
  });

  it('no stderr, or only blanks: no "wrote to stderr" warning, and a failure says it wrote nothing', async () => {
    for (const stderr of ['', ' \n\t\n']) {
      program.plan({ stdout: tokenAnswer(token()), stderr });
      const log = recordingLog();
      await (await sourceFor({}, { log })).subjectToken();
      expect(log.lines.filter((line) => /stderr/.test(line))).toEqual([]);

      program.plan({ stderr, exitCode: 4 });
      const message = await failure(await sourceFor({}));
      expect(message).toMatch(/exited with code 4\. It wrote nothing to stderr\.$/);
      expect(message).not.toContain('Its stderr');
    }
  });
});

describe('bounds: the output file is read only if it can be trusted, and only so much', () => {
  const onPosix = process.platform === 'win32' ? it.skip : it;
  const asRoot = process.getuid?.() === 0;

  function cacheFile(name: string, mode = 0o600): string {
    const file = join(program.dir, name);
    writeFileSync(file, tokenAnswer(token(), 600), { mode });
    chmodSync(file, mode);
    return file;
  }

  beforeEach(() => program.plan({ exitCode: 1, stderr: 'must not run' }));

  onPosix('a symbolic link: refused, with how to fix it', async () => {
    const link = join(program.dir, 'cache-link.json');
    symlinkSync(cacheFile('cache-target.json'), link);
    expect(await failure(await sourceFor({ executable_output_file: link }))).toBe(
      `executable_output_file ${link} is a symbolic link: the cached answer must be a regular file of the runner's ` +
        `user. Remove the link (rm ${link}); executable_command (${process.execPath}) then writes the file itself.`,
    );
    expect(program.runs()).toEqual([]);
  });

  onPosix('writable by its group or by others: refused, with chmod 600', async () => {
    for (const [mode, whom] of [
      [0o660, 'its group'],
      [0o606, 'other users'],
    ] as const) {
      const file = cacheFile(`cache-${mode.toString(8)}.json`, mode);
      expect(await failure(await sourceFor({ executable_output_file: file }))).toBe(
        `executable_output_file ${file} is writable by ${whom} (mode 0${mode.toString(8)}): another user could ` +
          `choose the token it holds. Run chmod 600 ${file} (and have executable_command (${process.execPath}) ` +
          'create it with mode 0600).',
      );
    }
    // Readable by others is not a risk to the token's choice: 0644 is used.
    const readable = cacheFile('cache-644.json', 0o644);
    expect((await (await sourceFor({ executable_output_file: readable })).subjectToken()).token).toBeTruthy();
    expect(program.runs()).toEqual([]);
  });

  (asRoot ? it : it.skip)('owned by another user: refused (run as root, which can give a file away)', async () => {
    const file = cacheFile('cache-nobody.json');
    chownSync(file, 65534, 65534);
    expect(await failure(await sourceFor({ executable_output_file: file }))).toMatch(
      new RegExp(
        `^executable_output_file ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is owned by uid 65534, not by the ` +
          "runner's user \\(uid 0\\): another user could choose the token it holds\\. Remove it",
      ),
    );
  });

  onPosix('a FIFO: refused at once, never waited on', async () => {
    const fifo = join(program.dir, 'cache-fifo');
    execFileSync('mkfifo', [fifo]);
    expect(await failure(await sourceFor({ executable_output_file: fifo }))).toMatch(
      /cache-fifo is not a regular file \(a FIFO, socket or device\): it must be a regular file, or not exist yet\./,
    );
  });

  it('over 1 MiB: refused before reading, with its size and the limit', async () => {
    const big = join(program.dir, 'cache-big.json');
    writeFileSync(big, ' '.repeat(3 * 1024 * 1024), { mode: 0o600 });
    expect(await failure(await sourceFor({ executable_output_file: big }))).toMatch(
      /cache-big\.json is 3145728 bytes, over the limit of 1 MiB for an answer: remove it, and check that/,
    );
  });
});
