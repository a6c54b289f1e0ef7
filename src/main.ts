/**
 * The main step, top to bottom:
 *
 *   inputs -> Config -> sign-in (subject source | key | metadata server) -> credentials file -> identity -> tokens
 *   -> results
 *
 * Each stage is one call into a module that does one job; none of them is
 * asked here which way in the inputs chose (identity/ hides that). A failure
 * at any stage ends in one `::error::` line from `describeFailure`.
 */
import { readConfig } from './config.js';
import { credentialsDirectory, credentialsFileName, writeCredentialsFile } from './credentials-file.js';
import { describeFailure, type FailureContext } from './diagnose.js';
import { Http } from './http.js';
import { startSignIn } from './identity/index.js';
import { type Log, runnerLog } from './log.js';
import { originsFor } from './preconnect-plan.js';
import { Results } from './results.js';
import * as runner from './runner-commands.js';
import { mintTokens } from './tokens.js';
import { unpinnedRefWarning, userAgent } from './version.js';

/** No single step may hang a job: no new request starts after this. */
const STEP_DEADLINE_MS = 5 * 60_000;

/** Options for in-process tests; a real run uses none. */
export interface RunOptions {
  /**
   * false: open no connection early. Preconnect opens sockets itself, which
   * nock (answering an in-process test's requests) does not see: a test
   * would otherwise reach for the real hosts.
   */
  preconnect?: boolean;
}

/**
 * `env`: the step's environment, the one source of what the run reads: its
 * inputs (INPUT_*), the runner's variables, a source's own (AWS_*, ...), the
 * endpoint overrides. Two things are process-wide by nature and use
 * process.env whatever `env` is: the runner's file commands (GITHUB_OUTPUT,
 * GITHUB_ENV, ...: runner-files.ts) and @actions/http-client's proxy
 * variables (HTTPS_PROXY, NO_PROXY). The one write to an environment is
 * runner-files.ts's exportVariable, which sets the variable in process.env
 * (the same object as `env` in a real run) as @actions/core does.
 */
export async function run(
  env: NodeJS.ProcessEnv = process.env,
  log: Log = runnerLog,
  options: RunOptions = {},
): Promise<void> {
  let context: FailureContext = {};
  let http: Http | undefined;
  try {
    const config = readConfig((name) => runner.getInput(name, env), env);
    context.config = config;
    http = new Http({
      userAgent: userAgent(env),
      ...(config.requestReason ? { requestReason: config.requestReason } : {}),
      retries: config.retries,
      retryTimeoutMs: config.retryTimeoutMs,
      requestTimeoutMs: config.requestTimeoutMs,
      deadline: Date.now() + STEP_DEADLINE_MS,
      userOrigins: config.endpoints.userOrigins,
      log,
    });
    const results = new Results(config, log, env);
    const pinning = unpinnedRefWarning(env['GITHUB_ACTION_REF']);
    if (pinning) log.warning(pinning);
    // Where the credentials file goes (credentials_file_location), checked before any request.
    const directory = config.createCredentialsFile
      ? credentialsDirectory(config.credentialsFileLocation, env, log)
      : undefined;
    // The connections later stages need, opened while the first request runs.
    if (options.preconnect !== false) http.preconnect(originsFor(config, env));

    // 1. The way in, started: a subject source already asks for its token.
    const signIn = await startSignIn(config, env, http, log);
    context = { config, ...signIn.diagnosis };

    // 2. The credentials file comes before any exchange, so that a job with
    //    continue-on-error still has it when the exchange below fails.
    if (directory && signIn.credentialsFile) {
      results.credentialsFile(
        writeCredentialsFile(
          directory,
          await signIn.credentialsFile(),
          credentialsFileName(config.credentialsFileLocation),
        ),
      );
    }
    results.project(signIn.project);

    // 3. The subject credential exchanged (or the key used) for an identity.
    const identity = await signIn.authenticate();
    context = { config, ...identity.diagnosis };
    results.authToken(identity.authToken);
    results.sourceEnvironment(signIn.environmentForTools());
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
