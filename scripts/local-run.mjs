// `npm run local-run`: runs the real bundled action (dist/main, then
// dist/post) under Node 24 exactly as the GitHub runner would, against fake
// GitHub OIDC and fake Google servers on 127.0.0.1 — no Google Cloud project
// needed. Prints what a workflow would see: log, outputs, exported variables
// and the credentials file.
//
//   npm run local-run                      # WIF through a service account, access_token
//   npm run local-run -- --direct          # direct WIF (no service account)
//   npm run local-run -- --id-token        # ID token for a Cloud Run URL
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { runAction, startEnvironment } from '../__tests__/fakes/index.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const mode = process.argv.includes('--direct')
  ? 'direct'
  : process.argv.includes('--id-token')
    ? 'id_token'
    : 'access_token';

const world = await startEnvironment();
const inputs = {
  workload_identity_provider: world.workloadIdentityProvider,
  ...(mode === 'direct' ? {} : { service_account: world.serviceAccount, token_format: mode }),
  ...(mode === 'id_token'
    ? { id_token_audience: 'https://my-service-abc123-uc.a.run.app', id_token_include_email: 'true' }
    : {}),
  ...world.endpointInputs,
  create_credentials_file: 'true',
  export_environment_variables: 'true',
  cleanup_credentials: 'true',
};

// Bold headings on a terminal only: piped or redirected output gets no escape codes. NO_COLOR (any non-empty
// value, https://no-color.org) turns them off, FORCE_COLOR (other than 0 or false) on.
const colour = process.env.NO_COLOR
  ? false
  : process.env.FORCE_COLOR !== undefined
    ? !['0', 'false'].includes(process.env.FORCE_COLOR)
    : Boolean(process.stdout.isTTY);
const section = (title) => console.log(colour ? `\n\x1b[1m== ${title}\x1b[0m` : `\n== ${title}`);
const short = (name, value) =>
  /token$/.test(name) && value.length > 40
    ? `${value.slice(0, 24)}…${value.slice(-12)} (${value.length} chars)`
    : value;

// Every directory this run makes (the workspace, each step's runner files) is removed at the end: also on failure,
// on Ctrl-C, and when the reader of a pipe (`npm run local-run | head`) goes away early.
const runs = [];
let workspace;
let cleaned;
const cleanup = () =>
  (cleaned ??= (async () => {
    for (const run of runs) await run.cleanup();
    if (workspace) await rm(workspace, { recursive: true, force: true });
    await world.close();
  })());
process.stdout.on('error', (err) => {
  if (err.code !== 'EPIPE') throw err;
});
process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));
try {
  section(`Inputs (fake servers on 127.0.0.1, mode: ${mode})`);
  for (const [name, value] of Object.entries(inputs)) console.log(`  ${name}: ${value}`);

  // A workspace as actions/checkout leaves it (an empty one draws a warning).
  workspace = await mkdtemp(join(tmpdir(), 'local-run-'));
  await writeFile(join(workspace, 'README.md'), 'checked-out repository\n');
  const main = await runAction({ script: join(root, 'dist/main/index.js'), inputs, env: world.env, workspace });
  runs.push(main);
  section(`Main step log (exit ${main.code}, ${main.durationMs} ms)`);
  // The runner hides ::add-mask:: lines and masks their values; do the same.
  for (const line of main.stdout.split('\n')) {
    if (!line || line.startsWith('::add-mask::') || line.startsWith('::debug::')) continue;
    console.log(`  ${main.masks.reduce((text, secret) => text.split(secret).join('***'), line)}`);
  }
  section('Outputs (tokens shortened here; the runner masks them in logs)');
  for (const [name, value] of Object.entries(main.outputs)) console.log(`  ${name}: ${short(name, value)}`);
  section('Exported environment variables');
  for (const [name, value] of Object.entries(main.exportedEnv)) console.log(`  ${name}=${value}`);
  const file = main.outputs.credentials_file_path;
  if (file) {
    section(`Credentials file ${file}`);
    const text = await readFile(file, 'utf8');
    console.log(text.replace(/Bearer [^"]+/, 'Bearer ***').replace(/^/gm, '  '));
  }
  section('Requests the fakes received');
  for (const r of [...world.github.requests, ...world.google.requests].sort((a, b) => a.time - b.time)) {
    console.log(`  ${r.method} ${r.service ?? 'github'} ${r.path} -> ${r.status}`);
  }
  const post = await runAction({ script: join(root, 'dist/post/index.js'), inputs, stateFrom: main });
  runs.push(post);
  section(`Post step (exit ${post.code})`);
  console.log(
    `  ${post.stdout
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('::'))
      .join('\n  ')}`,
  );
  process.exitCode = main.code === 0 && post.code === 0 ? 0 : 1;
} finally {
  await cleanup();
}
