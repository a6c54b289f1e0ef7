// `npm run smoke`: the bundled action (dist/main, then dist/post) on this
// machine's OS, run the way the GitHub runner runs it, against the project's
// fake GitHub OIDC and Google servers on 127.0.0.1 — the check the test
// workflow runs on windows-latest and macos-latest, where `npm test` does not
// run. It needs no npm install: only dist/, the fakes and Node 24.
//
// Per way in, it checks what a workflow relies on and what differs per OS:
// the outputs, the credentials file (its path in the workspace, its contents,
// mode 0600 but on Windows), lines ending in os.EOL on stdout and in the file
// commands, no token in the log unless masked first, and the post step
// removing the file.
//
//   node scripts/smoke.mjs            # with the Node running this script (24 on CI)
//   node scripts/smoke.mjs --node /path/to/node
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { EOL, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  allowServiceAccount,
  findLeakedSecrets,
  RUNNER_OS,
  runAction,
  startEnvironment,
} from '../__tests__/fakes/index.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const nodeFlag = process.argv.indexOf('--node');
const nodeBinary = nodeFlag >= 0 ? resolve(process.argv[nodeFlag + 1] ?? '') : process.execPath;
const KEY_ACCOUNT = 'keyed@key-project.iam.gserviceaccount.com';
const noGithub = { ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined };

const world = await startEnvironment();
world.google.addServiceAccount(KEY_ACCOUNT, { allow: allowServiceAccount(KEY_ACCOUNT) });
const key = world.google.createServiceAccountKey(KEY_ACCOUNT);

const scenarios = [
  {
    name: 'GitHub WIF through a service account, access_token',
    inputs: { workload_identity_provider: world.workloadIdentityProvider, service_account: world.serviceAccount },
    env: world.env,
    tokens: ['auth_token', 'access_token'],
  },
  {
    name: 'GitHub WIF, direct',
    inputs: { workload_identity_provider: world.workloadIdentityProvider, token_format: '' },
    env: world.env,
    tokens: ['auth_token'],
  },
  {
    name: 'GitHub WIF through a service account, id_token',
    inputs: {
      workload_identity_provider: world.workloadIdentityProvider,
      service_account: world.serviceAccount,
      token_format: 'id_token',
      id_token_audience: 'https://my-service-abc123-uc.a.run.app',
    },
    env: world.env,
    tokens: ['auth_token', 'id_token'],
  },
  {
    name: 'service-account key, access_token',
    inputs: { credentials_json: JSON.stringify(key) },
    env: noGithub,
    tokens: ['auth_token', 'access_token'],
    file: key,
  },
];

/** Every line of `text` ends in os.EOL (and none in a bare "\n" where "\r\n" is expected). */
function assertLineEndings(text, what) {
  assert.ok(text.endsWith(EOL), `${what} does not end in ${JSON.stringify(EOL)}`);
  const lines = text.split('\n').slice(0, -1);
  const wrong = lines.filter((line) => line.endsWith('\r') !== (EOL === '\r\n'));
  assert.deepEqual(wrong, [], `${what}: lines not ending in ${JSON.stringify(EOL)}`);
}

let failed = 0;
const nodeVersion = execFileSync(nodeBinary, ['--version']).toString().trim();
console.log(`Smoke test of dist/ on ${RUNNER_OS} (${process.platform}), Node ${nodeVersion} at ${nodeBinary}`);
try {
  for (const s of scenarios) {
    // A workspace as actions/checkout leaves it (an empty one draws a warning).
    const workspace = mkdtempSync(join(tmpdir(), 'smoke-'));
    writeFileSync(join(workspace, 'README.md'), 'checked out\n');
    let main;
    let post;
    try {
      main = await runAction({
        script: join(root, 'dist', 'main', 'index.js'),
        inputs: {
          token_format: 'access_token',
          create_credentials_file: 'true',
          export_environment_variables: 'true',
          cleanup_credentials: 'true',
          ...world.endpointInputs,
          ...s.inputs,
        },
        env: s.env,
        workspace,
        nodeBinary,
      });
      const errors = main.commands.filter((c) => c.command === 'error').map((c) => c.message);
      assert.deepEqual({ code: main.code, errors }, { code: 0, errors: [] }, `main step failed:\n${main.stderr}`);
      for (const name of s.tokens) assert.ok(main.outputs[name], `no ${name} output`);
      for (const name of s.tokens) assert.ok(main.masks.includes(main.outputs[name]), `${name} was not masked`);
      const secrets = [...s.tokens.map((n) => main.outputs[n]), world.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN];
      assert.deepEqual(findLeakedSecrets(main.stdout + main.stderr, secrets, main.masks), [], 'a token leaked');

      const file = main.outputs['credentials_file_path'] ?? '';
      assert.equal(dirname(file), main.workspace, 'the credentials file is not in the workspace');
      assert.match(file.slice(main.workspace.length + 1), /^gha-creds-[0-9a-f]{16}\.json$/);
      assert.equal(main.exportedEnv['GOOGLE_APPLICATION_CREDENTIALS'], file);
      // 0600; on Windows a mode is only the read-only attribute, and Node reports 0666 for a writable file.
      const mode = statSync(file).mode & 0o777;
      const expectedMode = process.platform === 'win32' ? 0o666 : 0o600;
      assert.ok(
        mode === expectedMode,
        `credentials file mode ${mode.toString(8)}, expected ${expectedMode.toString(8)}`,
      );
      const contents = JSON.parse(readFileSync(file, 'utf8'));
      if (s.file) assert.deepEqual(contents, s.file);
      else assert.equal(contents.type, 'external_account');

      assertLineEndings(main.stdout, 'stdout');
      assertLineEndings(readFileSync(main.files.output, 'utf8'), 'GITHUB_OUTPUT');
      assertLineEndings(readFileSync(main.files.env, 'utf8'), 'GITHUB_ENV');

      post = await runAction({ script: join(root, 'dist', 'post', 'index.js'), stateFrom: main, nodeBinary });
      assert.equal(post.code, 0, `post step failed:\n${post.stdout}${post.stderr}`);
      assert.ok(post.stdout.includes(`Removed credentials file ${file}`), `post step:\n${post.stdout}`);
      assert.equal(existsSync(file), false, 'the post step left the credentials file');
      console.log(`ok   ${s.name} (${main.durationMs} + ${post.durationMs} ms)`);
    } catch (err) {
      failed++;
      console.log(`FAIL ${s.name}: ${err instanceof Error ? err.message : String(err)}`);
      // The log of a failed run, without its command lines (tokens are only fakes', but stay out of the log).
      const log = (main?.stdout ?? '').split(/\r?\n/).filter((line) => line && !line.startsWith('::'));
      if (log.length > 0) console.log(`     ${log.join('\n     ')}`);
    } finally {
      await post?.cleanup();
      await main?.cleanup();
      rmSync(workspace, { recursive: true, force: true });
    }
  }
} finally {
  await world.close();
}
if (failed > 0) {
  console.log(`${failed} of ${scenarios.length} smoke scenario(s) failed.`);
  process.exitCode = 1;
} else {
  console.log(`All ${scenarios.length} smoke scenarios passed.`);
}
