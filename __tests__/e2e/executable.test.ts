/**
 * subject_token_source: executable, end to end: the bundled action
 * (dist/main, run `npm run build` first) under Node 24, as the runner starts
 * it, runs a token program (a small Node script in a temp dir, see
 * support/token-program.ts) that answers with a JWT of a second, "Kubernetes"
 * issuer, which the fake Google STS verifies with that issuer's own key.
 * Then google-auth-library reads the credentials file the action wrote, runs
 * the same program itself, and gets a token from the same fakes.
 */
import { promises as fs, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { GoogleAuth } from 'google-auth-library';

import { generateKeyPair, type RunActionResult, signJwt, verifyJwt } from '../fakes/index.mjs';
import { errorsOf, expectNoLeaks as expectNoLeaksIn } from '../support/e2e.js';
import { expectSameFields, fakeGoogleEndpoints, gcloudFixture } from '../support/gcloud-fixtures.js';
import { useFakeWorld } from '../support/fake-world.js';
import { GCLOUD_POOL, GCLOUD_PROVIDER, SA } from '../support/fixtures.js';
import { createTokenProgram, isGone, type TokenProgram, tokenAnswer } from '../support/token-program.js';

const ISSUER = 'https://kubernetes.default.svc.cluster.local';
const SUBJECT = 'system:serviceaccount:ci:runner';
const KUBERNETES = generateKeyPair();
const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';

let program: TokenProgram;
/** Every subject token the program handed out, for the leak checks. */
const minted: string[] = [];

const { world, runMain } = useFakeWorld({
  environment: () => ({
    google: {
      providers: {
        [GCLOUD_PROVIDER]: {
          type: 'oidc',
          issuer: ISSUER,
          issuerKeys: [KUBERNETES.publicKey],
          attributeCondition: (claims) => String(claims['sub']).startsWith('system:serviceaccount:ci:'),
          attributeMapping: (claims) => ({ 'google.subject': String(claims['sub']) }),
        },
      },
      serviceAccounts: {
        [SA]: { allow: (p) => p.type === 'federated' && p.provider === GCLOUD_PROVIDER && p.subject === SUBJECT },
      },
    },
  }),
  inputs: () => ({
    workload_identity_provider: GCLOUD_PROVIDER,
    subject_token_source: 'executable',
    executable_command: program.command,
    retries: '0',
  }),
  env: (world) => ({ ...world.env, GITHUB_ACTION_REF: 'v1' }),
  timeoutMs: 30_000,
});
beforeAll(() => {
  program = createTokenProgram();
});
afterAll(() => program.remove());

/** A service-account token of the cluster, as a projected token would be: for the provider's default audience. */
function kubernetesToken(claims: Record<string, unknown> = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const token = signJwt(
    {
      iss: ISSUER,
      sub: SUBJECT,
      aud: `https://iam.googleapis.com/${GCLOUD_PROVIDER}`,
      iat: now,
      exp: now + 600,
      'kubernetes.io': { namespace: 'ci' },
      ...claims,
    },
    KUBERNETES.privateKey,
  );
  minted.push(token);
  return token;
}

function expectSuccess(result: RunActionResult): void {
  if (result.code !== 0) throw new Error(`action failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
}

const expectNoLeaks = (result: RunActionResult) => expectNoLeaksIn(world, result, minted);

/** The job log as the runner shows it, but for the ::add-mask:: commands (which it never prints). */
function shownLog(result: RunActionResult): string {
  return (result.stdout + result.stderr)
    .split(/\r?\n/)
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
}

/** gcloud's file for the same source, with the fakes' endpoints and the test's program in place of gcloud's. */
function gcloudFile(name: string, replace: { command: string; outputFile?: string }): Record<string, unknown> {
  const file = gcloudFixture(name, fakeGoogleEndpoints(world)) as {
    credential_source: { executable: Record<string, unknown> };
  };
  file.credential_source.executable['command'] = replace.command;
  if (replace.outputFile !== undefined) file.credential_source.executable['output_file'] = replace.outputFile;
  return file;
}

async function credentialsFileOf(result: RunActionResult): Promise<Record<string, unknown>> {
  return JSON.parse(await fs.readFile(result.outputs['credentials_file_path'] ?? '', 'utf8')) as Record<
    string,
    unknown
  >;
}

describe('subject_token_source: executable, end to end', () => {
  it("direct: exchanges the program's token, writes gcloud's file, and lets tools run the program", async () => {
    const token = kubernetesToken();
    program.plan({ stdout: tokenAnswer(token) });
    const runsBefore = program.runs().length;
    const githubBefore = world.github.requestCount;
    const result = await runMain({});
    expectSuccess(result);

    const issued = world.google.lookupToken(result.outputs['auth_token'] ?? '');
    expect(issued).toMatchObject({ kind: 'federated', principal: { provider: GCLOUD_PROVIDER, subject: SUBJECT } });
    const exchange = world.google.sts.requests.at(-1)?.json as Record<string, string>;
    expect(exchange).toMatchObject({
      audience: `//iam.googleapis.com/${GCLOUD_PROVIDER}`,
      subjectToken: token,
      subjectTokenType: 'urn:ietf:params:oauth:token-type:jwt',
    });
    expect(world.github.requestCount).toBe(githubBefore);

    // The program ran once, with what google-auth-library gives it (and none of this step's inputs).
    const ran = program.runs().slice(runsBefore);
    expect(ran.map((r) => r.env)).toEqual([
      {
        GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE: `//iam.googleapis.com/${GCLOUD_PROVIDER}`,
        GOOGLE_EXTERNAL_ACCOUNT_TOKEN_TYPE: 'urn:ietf:params:oauth:token-type:jwt',
        GOOGLE_EXTERNAL_ACCOUNT_INTERACTIVE: '0',
      },
    ]);

    expectSameFields(
      await credentialsFileOf(result),
      gcloudFile('executable-direct.json', { command: program.command }),
    );
    expect(result.exportedEnv['GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES']).toBe('1');
    expect(result.stdout).toContain('Exported GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES=1: tools reading the');
    expect(result.masks).toContain(token);
    expect(result.summary).toContain(`principal://iam.googleapis.com/${GCLOUD_POOL}/subject/${SUBJECT}`);
    expectNoLeaks(result);
  });

  it('through a service account: an access token, the cache file, an ID token type, as gcloud writes them', async () => {
    const cache = join(program.dir, 'e2e-cache.json');
    const token = kubernetesToken();
    program.plan({ stdout: tokenAnswer(token, 600, ID_TOKEN_TYPE), writeOutputFile: true });
    const runsBefore = program.runs().length;
    const inputs = {
      service_account: SA,
      token_format: 'access_token',
      executable_timeout: '60s',
      executable_output_file: cache,
      subject_token_type: 'id_token',
    };
    const first = await runMain(inputs);
    expectSuccess(first);
    expect(world.google.lookupToken(first.outputs['access_token'] ?? '')).toMatchObject({
      kind: 'service_account',
      principal: { email: SA },
    });
    expect((world.google.sts.requests.at(-1)?.json as Record<string, string>)['subjectTokenType']).toBe(ID_TOKEN_TYPE);
    expect(
      program
        .runs()
        .slice(runsBefore)
        .map((r) => r.env),
    ).toEqual([
      expect.objectContaining({
        GOOGLE_EXTERNAL_ACCOUNT_TOKEN_TYPE: ID_TOKEN_TYPE,
        GOOGLE_EXTERNAL_ACCOUNT_OUTPUT_FILE: cache,
        GOOGLE_EXTERNAL_ACCOUNT_IMPERSONATED_EMAIL: SA,
      }),
    ]);
    expectSameFields(
      await credentialsFileOf(first),
      gcloudFile('executable-cached-impersonated-id-token.json', { command: program.command, outputFile: cache }),
    );

    // The program cached its answer: the next run uses it and does not run the program.
    program.plan({ exitCode: 1, stderr: 'must not run' });
    const second = await runMain(inputs);
    expectSuccess(second);
    expect(program.runs().slice(runsBefore)).toHaveLength(1);
    expect(second.stdout).toMatch(/Used the cached answer in .*e2e-cache\.json \(executable_output_file, valid until/);
    expect((world.google.sts.requests.at(-1)?.json as Record<string, string>)['subjectToken']).toBe(token);
    expect(second.masks).toContain(token);
    expectNoLeaks(first);
    expectNoLeaks(second);
  });

  it('mints an ID token', async () => {
    program.plan({ stdout: tokenAnswer(kubernetesToken()) });
    const result = await runMain({
      service_account: SA,
      token_format: 'id_token',
      id_token_audience: 'https://my-service.run.app',
    });
    expectSuccess(result);
    expect(verifyJwt(result.outputs['id_token'] ?? '', [world.google.idTokenPublicKey]).payload).toMatchObject({
      aud: 'https://my-service.run.app',
    });
  });

  it('acts as a Workspace user (domain-wide delegation)', async () => {
    program.plan({ stdout: tokenAnswer(kubernetesToken()) });
    const result = await runMain({
      service_account: SA,
      token_format: 'access_token',
      access_token_subject: 'alice@example.com',
    });
    expectSuccess(result);
    const sign = world.google.iamcredentials.requests.at(-1);
    expect(sign?.path).toBe(`/v1/projects/-/serviceAccounts/${SA}:signJwt`);
    expect(world.google.lookupToken(result.outputs['access_token'] ?? '')).toMatchObject({
      kind: 'oauth2',
      subject: 'alice@example.com',
    });
  });
});

describe('google-auth-library with the file the action wrote', () => {
  const saved = { ...process.env };
  afterAll(() => {
    process.env = saved;
  });

  it('runs the program itself (allowed by the exported variable) and gets a token from the fakes', async () => {
    program.plan({ stdout: tokenAnswer(kubernetesToken()) });
    const result = await runMain({ service_account: SA });
    expectSuccess(result);
    const credentials = await credentialsFileOf(result);

    const fresh = kubernetesToken({ jti: 'library' });
    program.plan({ stdout: tokenAnswer(fresh) });
    const runsBefore = program.runs().length;
    const stsBefore = world.google.sts.requests.length;
    const client = await new GoogleAuth({
      credentials,
      scopes: ['https://www.googleapis.com/auth/cloud-platform'],
    }).getClient();
    delete process.env['GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES'];
    await expect(client.getAccessToken()).rejects.toThrow(/GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES/);

    process.env['GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES'] =
      result.exportedEnv['GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES'];
    const { token } = await client.getAccessToken();
    expect(world.google.lookupToken(token ?? '')).toMatchObject({ kind: 'service_account', principal: { email: SA } });
    const exchange = world.google.sts.requests.slice(stsBefore);
    expect(
      exchange.map((r) => [r.form?.['subject_token'] === fresh, r.form?.['subject_token_type'], r.status]),
    ).toEqual([[true, 'urn:ietf:params:oauth:token-type:jwt', 200]]);
    // The library gave the program the variables the action gives it (besides the one it inherits from the job).
    const libraryRuns = program.runs().slice(runsBefore);
    expect(libraryRuns.map((r) => r.env['GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES'])).toEqual(['1']);
    expect(
      libraryRuns.map(({ env: { GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES: _allowed, ...given } }) => given),
    ).toEqual([
      {
        GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE: `//iam.googleapis.com/${GCLOUD_PROVIDER}`,
        GOOGLE_EXTERNAL_ACCOUNT_TOKEN_TYPE: 'urn:ietf:params:oauth:token-type:jwt',
        GOOGLE_EXTERNAL_ACCOUNT_INTERACTIVE: '0',
        GOOGLE_EXTERNAL_ACCOUNT_IMPERSONATED_EMAIL: SA,
      },
    ]);
  });
});

describe('failures', () => {
  it('a failing program: its stderr, never its stdout; the credentials file is still written', async () => {
    const token = kubernetesToken();
    program.plan({ stdout: tokenAnswer(token), stderr: 'error: the cluster API is unreachable', exitCode: 2 });
    const result = await runMain({});
    expect(result.code).toBe(1);
    expect(errorsOf(result)).toEqual([
      expect.stringMatching(
        /^executable_command \(\/\S+\) exited with code 2\. Its stderr:\n {2}error: the cluster API is unreachable$/,
      ),
    ]);
    expect(shownLog(result)).not.toContain(token);
    await expect(fs.stat(result.outputs['credentials_file_path'] ?? '')).resolves.toBeDefined();
  });

  it('success: false, malformed JSON, a token type mismatch: each its own message', async () => {
    program.plan({ stdout: JSON.stringify({ version: 1, success: false, code: 'ENROLL', message: 'not enrolled' }) });
    expect(errorsOf(await runMain({}))).toEqual([
      expect.stringMatching(/answered "success": false with code "ENROLL": "not enrolled"$/),
    ]);
    const token = kubernetesToken();
    program.plan({ stdout: `{"id_token": "${token}"` });
    const malformed = await runMain({});
    expect(errorsOf(malformed)).toEqual([
      expect.stringMatching(/printed no valid JSON \(\d+ bytes that are not JSON\)/),
    ]);
    expect(malformed.stdout + malformed.stderr).not.toContain(token);
    program.plan({ stdout: tokenAnswer(kubernetesToken(), 300, ID_TOKEN_TYPE) });
    expect(errorsOf(await runMain({}))).toEqual([
      expect.stringMatching(
        /but subject_token_type is urn:ietf:params:oauth:token-type:jwt\. Set subject_token_type to id_token/,
      ),
    ]);
  });

  it('a command without an absolute path is an input error, and nothing runs', async () => {
    const runsBefore = program.runs().length;
    const result = await runMain({ executable_command: 'node get-token.mjs' });
    expect(errorsOf(result)).toEqual([
      expect.stringMatching(/^Invalid input: "executable_command" must start with the absolute path of the program/),
    ]);
    expect(program.runs()).toHaveLength(runsBefore);
  });

  it("an STS rejection shows the token's claims and this source's hints, no GitHub hint", async () => {
    program.plan({ stdout: tokenAnswer(kubernetesToken({ aud: 'wrong-audience' })) });
    const result = await runMain({});
    const [error] = errorsOf(result);
    expect(error).toMatch(/^Exchanging the subject token at Google STS failed: Google STS answered HTTP 400/);
    expect(error).toContain(`Hint: The token's audience "wrong-audience" is not one the provider accepts`);
    expect(error).toContain(`Token sent by Executable: iss="${ISSUER}", sub="${SUBJECT}", aud="wrong-audience", exp=`);
    expect(error).not.toMatch(/GitHub|id-token|repository|input "audience"/);
    expectNoLeaks(result);
  });
});

describe('bounds: the program cannot hang the step, and its token never shows', () => {
  const onPosix = process.platform === 'win32' ? it.skip : it;

  onPosix(
    'at executable_timeout, a grandchild holding stdout open is ended with it, and the step ends at once',
    async () => {
      const pidFile = join(program.dir, 'e2e-grandchild.pid');
      const script = join(program.dir, 'e2e-spawns-and-hangs.sh');
      await fs.writeFile(script, `#!/bin/sh\nsleep 60 &\necho $! > ${pidFile}\nsleep 60\n`, { mode: 0o755 });
      const started = Date.now();
      const result = await runMain({ executable_command: script, executable_timeout: '5s' });
      const elapsed = Date.now() - started;
      const grandchild = Number(readFileSync(pidFile, 'utf8').trim());
      try {
        expect(result.code).toBe(1);
        expect(errorsOf(result)).toEqual([expect.stringMatching(/did not finish within 5s and was stopped/)]);
        // 5 s of timeout, at most 1 s to end the group, the action's start and finish, and room for a loaded machine;
        // the grandchild would hold the pipes for 60 s.
        expect(elapsed).toBeLessThan(15_000);
        expect(isGone(grandchild)).toBe(true);
      } finally {
        try {
          process.kill(grandchild, 'SIGKILL');
        } catch {
          // gone, as it should be
        }
      }
    },
  );

  it('a program echoing its token on stderr: the job log never holds it, on success (debug) or failure', async () => {
    const shown = kubernetesToken();
    program.plan({ stdout: tokenAnswer(shown), stderr: `fetched ${shown}\n` });
    const ok = await runMain({}, { RUNNER_DEBUG: '1' });
    expectSuccess(ok);
    expect(shownLog(ok)).not.toContain(shown);
    expect(ok.commands.filter((c) => c.command === 'debug').map((c) => c.message)).toContainEqual(
      'Executable: stderr:\n  fetched ***',
    );
    expectNoLeaks(ok);

    const failed = kubernetesToken();
    program.plan({ stdout: tokenAnswer(failed), stderr: `got ${failed} but the cluster said no\n`, exitCode: 1 });
    const bad = await runMain({});
    expect(errorsOf(bad)).toEqual([
      expect.stringMatching(/exited with code 1\. Its stderr:\n {2}got \*\*\* but the cluster said no$/),
    ]);
    expect(shownLog(bad)).not.toContain(failed);
    expectNoLeaks(bad);

    // Never printed on stdout at all: cut out for its shape.
    const unseen = kubernetesToken({ sub: 'system:serviceaccount:ci:unseen' });
    program.plan({ stdout: 'oops', stderr: `token: ${unseen}\n` });
    const malformed = await runMain({});
    expect(malformed.code).toBe(1);
    expect(shownLog(malformed)).not.toContain(unseen);
  });

  it('a successful program with nothing on stderr: no warning about stderr', async () => {
    program.plan({ stdout: tokenAnswer(kubernetesToken()) });
    const ok = await runMain({});
    expectSuccess(ok);
    expect(ok.commands.filter((c) => c.command === 'warning' && /stderr/.test(c.message))).toEqual([]);
  });
});

describe('debug logging', () => {
  it('RUNNER_DEBUG=1 shows the claims and requests but no secret, on success and failure', async () => {
    program.plan({ stdout: tokenAnswer(kubernetesToken()), stderr: 'debug: fetched a token\n' });
    const ok = await runMain({ service_account: SA, token_format: 'access_token' }, { RUNNER_DEBUG: '1' });
    expectSuccess(ok);
    const debug = ok.commands
      .filter((c) => c.command === 'debug')
      .map((c) => c.message)
      .join('\n');
    expect(debug).toContain(`Executable: token claims: iss="${ISSUER}", sub="${SUBJECT}"`);
    expect(debug).toContain('Executable: stderr:\n  debug: fetched a token');
    expect(debug).toMatch(/Google STS: POST http:\/\/127\.0\.0\.1:\d+\/v1\/token -> 200/);
    expect(ok.commands.filter((c) => c.command === 'warning').map((c) => c.message)).toContainEqual(
      expect.stringContaining('succeeded but wrote to stderr'),
    );
    expectNoLeaks(ok);

    program.plan({ stdout: tokenAnswer(kubernetesToken({ sub: 'system:serviceaccount:other:x' })) });
    const bad = await runMain({ service_account: SA, token_format: 'access_token' }, { RUNNER_DEBUG: '1' });
    expect(bad.code).toBe(1);
    expect(errorsOf(bad)).toEqual([expect.stringMatching(/rejected by the attribute condition/)]);
    expectNoLeaks(bad);
  });
});
