/**
 * The main step, top to bottom:
 *
 *   inputs -> Config -> credentials file -> subject credential -> Google exchange -> tokens -> results
 *
 * Each stage is one call into a module that does one job. A failure at any
 * stage ends in one `::error::` line from `describeFailure`.
 */
import { type Config, readConfig } from './config.js';
import { originsFor } from './connections.js';
import { externalAccountConfig, isEmptyDirectory, writeCredentialsFile } from './credentials-file.js';
import { describeFailure, type FailureContext } from './diagnose.js';
import { EnvironmentError } from './errors.js';
import { IamCredentials } from './google/iam-credentials.js';
import { delegationClaims, exchangeJwtBearer, MAX_ASSERTION_LIFETIME_SECONDS } from './google/oauth2.js';
import { exchangeToken } from './google/sts.js';
import type { Token } from './google/token.js';
import { Http } from './http.js';
import { type Log, runnerLog } from './log.js';
import { Results } from './results.js';
import * as runner from './runner-commands.js';
import { selectSubjectSource } from './sources/index.js';
import { selfSignedToken, signWithKey } from './sources/service-account-key.js';
import type { SubjectSource, SubjectToken } from './sources/subject-source.js';
import { unpinnedRefWarning, userAgent } from './version.js';

/** No single step may hang a job: no new request starts after this. */
const STEP_DEADLINE_MS = 5 * 60_000;

/** What stage 2 yields: a bearer token for IAM Credentials and a way to sign JWTs as the service account. */
interface Identity {
  authToken: Token;
  iam: IamCredentials;
  signJwt(serviceAccount: string, claims: Record<string, unknown>): Promise<string>;
}

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
    http.preconnect(originsFor(config, env));
    const results = new Results(config, log);
    const pinning = unpinnedRefWarning(env['GITHUB_ACTION_REF']);
    if (pinning) log.warning(pinning);
    const source =
      config.auth.kind === 'workload_identity' ? await selectSubjectSource(config.auth, env, http, log) : undefined;
    if (source) context.sourceName = source.name;
    // The subject token is asked for now, so that writing the credentials
    // file overlaps the round trip; a failure surfaces only when it is awaited
    // in stage 2, after the file exists.
    const subject = source ? settleLater(source.subjectToken()) : undefined;

    // 1. The credentials file comes first, so that a job with
    //    continue-on-error still has it when the exchange below fails.
    if (config.createCredentialsFile) {
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
      const contents =
        config.auth.kind === 'workload_identity' && source
          ? await externalAccountConfig(config, config.auth, source)
          : config.auth.kind === 'service_account_key'
            ? config.auth.key
            : undefined;
      results.credentialsFile(writeCredentialsFile(workspace, contents));
    }
    results.project();

    // 2. The subject credential, exchanged for the identity's auth token.
    const identity = await authenticate(config, source, subject, http, context);
    results.authToken(identity.authToken);
    if (config.createCredentialsFile) results.sourceEnvironment(source?.environmentForTools?.());
    results.describe('Authenticated with', describeMethod(config, source?.name));
    results.describe('Principal', describePrincipal(config, context));

    // 3. The tokens asked for.
    await mintTokens(config, identity, http, results, log);

    await results.writeSummary();
    log.info(`Authenticated to Google Cloud (${describeMethod(config, source?.name)}).`);
  } catch (err) {
    runner.setFailed(describeFailure(err, context));
  } finally {
    http?.dispose();
  }
}

async function authenticate(
  config: Config,
  source: SubjectSource | undefined,
  subjectToken: Promise<SubjectToken> | undefined,
  http: Http,
  context: FailureContext,
): Promise<Identity> {
  const { endpoints } = config;
  if (config.auth.kind === 'service_account_key') {
    const key = config.auth.key;
    // Google accepts a JWT signed by the key as a bearer token for the
    // service named in its audience: no exchange needed.
    const authToken = selfSignedToken(key, `${new URL(endpoints.iamcredentials).origin}/`);
    runner.setSecret(authToken.token);
    return {
      authToken,
      iam: new IamCredentials(http, endpoints.iamcredentials, authToken.token),
      signJwt: async (_serviceAccount, claims) => signWithKey(key, claims),
    };
  }
  if (!source || !subjectToken) throw new EnvironmentError('No subject source for Workload Identity Federation.');
  const subject = await subjectToken;
  context.claims = subject.claims;
  const authToken = await exchangeToken(http, {
    stsEndpoint: endpoints.sts,
    audience: config.auth.stsAudience,
    universe: endpoints.universe,
    subjectToken: subject.token,
    subjectTokenType: source.subjectTokenType,
  });
  const iam = new IamCredentials(http, endpoints.iamcredentials, authToken.token);
  return {
    authToken,
    iam,
    signJwt: (serviceAccount, claims) => iam.signJwt(serviceAccount, claims, config.delegates),
  };
}

async function mintTokens(config: Config, identity: Identity, http: Http, results: Results, log: Log): Promise<void> {
  const sa = config.serviceAccount;
  if (config.tokenFormat === 'access_token' && sa) {
    const { scopes, lifetimeSeconds, subject } = config.accessToken;
    if (subject) {
      // Domain-wide delegation: a JWT signed as the service account, naming
      // the Workspace user, exchanged at OAuth2.
      if (lifetimeSeconds > MAX_ASSERTION_LIFETIME_SECONDS) {
        log.warning(
          `access_token_lifetime is ${lifetimeSeconds}s, but tokens for access_token_subject last at most 1h; using 1h.`,
        );
      }
      const claims = delegationClaims(config.endpoints.oauth2, sa, subject, scopes, lifetimeSeconds);
      const assertion = await identity.signJwt(sa, claims);
      results.accessToken(await exchangeJwtBearer(http, config.endpoints.oauth2, assertion));
    } else {
      results.accessToken(
        await identity.iam.generateAccessToken(sa, { scopes, lifetimeSeconds, delegates: config.delegates }),
      );
    }
  }
  if (config.tokenFormat === 'id_token' && sa && config.idToken.audience) {
    results.idToken(
      await identity.iam.generateIdToken(sa, {
        audience: config.idToken.audience,
        includeEmail: config.idToken.includeEmail,
        delegates: config.delegates,
      }),
    );
  }
}

function describeMethod(config: Config, sourceName: string | undefined): string {
  if (config.auth.kind === 'service_account_key') return `service-account key of ${config.serviceAccount}`;
  const via = config.serviceAccount ? ` as ${config.serviceAccount}` : ' (direct resource access)';
  return `Workload Identity Federation from ${sourceName ?? 'a subject source'}${via}`;
}

/** The IAM principal Google sees, for the summary (assuming google.subject maps the token's subject). */
function describePrincipal(config: Config, context: FailureContext): string {
  if (config.auth.kind === 'service_account_key') return `serviceAccount:${config.serviceAccount}`;
  const subject = context.claims?.['sub'] ?? context.claims?.['arn'];
  const pool = config.auth.provider.replace(/\/providers\/[^/]+$/, '');
  return typeof subject === 'string'
    ? `principal://iam.googleapis.com/${pool}/subject/${subject}`
    : `a principal of principalSet://iam.googleapis.com/${pool}`;
}

/**
 * A promise that is awaited later: marks its rejection as handled for now
 * (Node would otherwise report it as unhandled while other work runs) and
 * still rejects where it is awaited.
 */
function settleLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
