/**
 * The main step, top to bottom:
 *
 *   inputs -> Config -> sign-in (subject source | key) -> credentials file -> identity -> tokens -> results
 *
 * Each stage is one call into a module that does one job; none of them is
 * asked here which way in the inputs chose (identity/ hides that). A failure
 * at any stage ends in one `::error::` line from `describeFailure`.
 */
import { readConfig } from './config.js';
import { isEmptyDirectory, writeCredentialsFile } from './credentials-file.js';
import { describeFailure, type FailureContext } from './diagnose.js';
import { EnvironmentError } from './errors.js';
import { Http } from './http.js';
import { startSignIn } from './identity/index.js';
import { type Log, runnerLog } from './log.js';
import { Results } from './results.js';
import * as runner from './runner-commands.js';
import { mintTokens } from './tokens.js';
import { unpinnedRefWarning, userAgent } from './version.js';

/** No single step may hang a job: no new request starts after this. */
const STEP_DEADLINE_MS = 5 * 60_000;

export async function run(env: NodeJS.ProcessEnv = process.env, log: Log = runnerLog): Promise<void> {
  const context: FailureContext = {};
  let http: Http | undefined;
  try {
    const config = readConfig((name) => runner.getInput(name));
    context.config = config;
    http = new Http({
      userAgent: userAgent(env),
      ...(config.requestReason ? { requestReason: config.requestReason } : {}),
      retries: config.retries,
      requestTimeoutMs: config.requestTimeoutMs,
      deadline: Date.now() + STEP_DEADLINE_MS,
      log,
    });
    const results = new Results(config, log);
    const pinning = unpinnedRefWarning(env['GITHUB_ACTION_REF']);
    if (pinning) log.warning(pinning);

    // 1. The way in, started: a subject source already asks for its token.
    const signIn = await startSignIn(config, env, http, log, context);

    // 2. The credentials file comes before any exchange, so that a job with
    //    continue-on-error still has it when the exchange below fails.
    if (config.createCredentialsFile) {
      const workspace = credentialsDirectory(env, log);
      results.credentialsFile(writeCredentialsFile(workspace, await signIn.credentialsFile()));
    }
    results.project();

    // 3. The subject credential exchanged (or the key used) for an identity.
    const identity = await signIn.authenticate();
    results.authToken(identity.authToken);
    if (config.createCredentialsFile) results.sourceEnvironment(signIn.environmentForTools());
    results.describe('Authenticated with', signIn.method);
    results.describe('Principal', identity.principal);

    // 4. The tokens asked for.
    await mintTokens(config, identity, http, results, log);

    await results.writeSummary();
    log.info(`Authenticated to Google Cloud (${signIn.method}).`);
  } catch (err) {
    runner.setFailed(describeFailure(err, context));
  } finally {
    http?.dispose();
  }
}

/** The workspace, where container actions can read the file too. */
function credentialsDirectory(env: NodeJS.ProcessEnv, log: Log): string {
  const workspace = env['GITHUB_WORKSPACE'];
  if (!workspace) {
    throw new EnvironmentError(
      'GITHUB_WORKSPACE is not set, so there is nowhere to write the credentials file. ' +
        'Set create_credentials_file: false, or run in a GitHub Actions job.',
    );
  }
  if (isEmptyDirectory(workspace)) {
    log.warning(
      'The workspace is empty. If actions/checkout runs after this step it will delete the credentials file: ' +
        'run actions/checkout before this action.',
    );
  }
  return workspace;
}
