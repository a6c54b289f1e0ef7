/**
 * Inputs -> a typed, validated `Config`. Every input is read and checked
 * once, here or, for the inputs a subject source owns (audience, aws_*, ...),
 * by that source's definition, which this file calls. The documented form of
 * each value that reaches a URL, a host or a request body is checked in
 * forms.ts. Nothing below `main.ts` reads an input again.
 *
 * `readConfig` reads as the list of concerns, one small parser each: the way
 * in (a provider and its subject source, a key, or the metadata server) and
 * the project, here; the endpoints, the token request, how requests are made
 * and the credentials file, in config/.
 */

import { readCredentialsFileOptions } from './config/credentials-file-options.js';
import { readEndpoints } from './config/endpoints.js';
import { readRequestOptions } from './config/request-options.js';
import { readTokenRequest } from './config/token-request.js';
import { ConfigError } from './errors.js';
import { validateProjectId, validateServiceAccount, validateServiceAccountOrId } from './forms.js';
import { parseServiceAccountKey, type ServiceAccountKey } from './identity/service-account-key.js';
import { type InputReader, parseBoolean } from './inputs.js';
import { parseProviderName, type ProviderName } from './provider-name.js';
import { DEFAULT_SUBJECT_SOURCE, SUBJECT_SOURCES } from './sources/index.js';
import type { SourceDefinition, SourcePlan } from './sources/subject-source.js';

/** The scope asked for when access_token_scopes is empty (tokens.ts, the metadata server). */
export { DEFAULT_SCOPE } from './config/token-request.js';

/**
 * The inputs this file reads, each name written here once; a subject source
 * lists its own (`SourceDefinition.inputs`). Together they are the inputs of
 * action.yml: __tests__/repo/input-names.test.ts holds them to it. Each
 * parser of these (here and in config/) is given a `CommonInputReader`, so
 * the compiler refuses a name that is not listed.
 */
export const COMMON_INPUTS = [
  'workload_identity_provider',
  'credentials_json',
  'use_metadata_server',
  'service_account',
  'subject_token_source',
  'universe',
  'sts_endpoint',
  'iamcredentials_endpoint',
  'oauth2_endpoint',
  'token_format',
  'access_token_lifetime',
  'access_token_scopes',
  'access_token_subject',
  'delegates',
  'id_token_audience',
  'id_token_include_email',
  'verify_service_account',
  'retries',
  'retry_timeout',
  'request_timeout',
  'request_reason',
  'project_id',
  'credentials_file_location',
  'create_credentials_file',
  'export_environment_variables',
  'cleanup_credentials',
] as const;
export type CommonInput = (typeof COMMON_INPUTS)[number];
/** A reader of these inputs only: what the parsers of config/ are given. */
export type CommonInputReader = InputReader<CommonInput>;
type Read = CommonInputReader;

/** What token_format asks the step to output besides the credentials file: nothing, an access token or an ID token. */
export type OutputToken = '' | 'access_token' | 'id_token';

export interface Endpoints {
  universe: string;
  /** Base URLs without trailing slash, e.g. https://sts.googleapis.com/v1 */
  sts: string;
  iamcredentials: string;
  oauth2: string;
  /** https://www.<universe>: the base of the scope the STS token is asked for. */
  www: string;
  /** Origins of the endpoints above that the workflow set (an input or GHA_ENDPOINT_OVERRIDE_*), not the universe's. */
  userOrigins: string[];
}

export interface WorkloadIdentityAuth {
  kind: 'workload_identity';
  /** workload_identity_provider, parsed. */
  provider: ProviderName;
  /** Where the subject token comes from (input subject_token_source), with that source's own inputs parsed. */
  source: SourcePlan;
}

export interface ServiceAccountKeyAuth {
  kind: 'service_account_key';
  key: ServiceAccountKey;
}

/** use_metadata_server: the service account of the runner's machine on Google Cloud. */
export interface MetadataServerAuth {
  kind: 'metadata_server';
}

/**
 * Where the credentials file goes: the workspace (the default, visible to
 * Docker container actions), the runner's temporary directory (outside the
 * repository, wiped after the job), or a directory the workflow names.
 */
export type CredentialsFileLocation =
  | { kind: 'workspace' }
  | { kind: 'runner_temp' }
  | { kind: 'directory'; path: string }
  /** gcloud's Application Default Credentials path, where tools look without any variable (adc-file.ts). */
  | { kind: 'adc' };

export interface Config {
  auth: WorkloadIdentityAuth | ServiceAccountKeyAuth | MetadataServerAuth;
  /** The service account to impersonate (WIF, metadata server) or the key's own account (key). */
  serviceAccount?: string;
  projectId?: string;
  /** Where `projectId` came from, for the log. */
  projectIdSource?: 'input' | 'service_account' | 'credentials_json' | 'metadata_server';
  /**
   * Federation impersonating a service account, with no token asked for: one
   * generateAccessToken call proves the impersonation works (input
   * verify_service_account), as a token_format would.
   */
  checkImpersonation: boolean;
  createCredentialsFile: boolean;
  credentialsFileLocation: CredentialsFileLocation;
  exportEnvironmentVariables: boolean;
  cleanupCredentials: boolean;
  tokenFormat: OutputToken;
  delegates: string[];
  accessToken: {
    lifetimeSeconds: number;
    /** True when access_token_lifetime is not the default 1 h: then the credentials file asks tools for it too. */
    lifetimeRequested: boolean;
    scopes: string[];
    subject?: string;
  };
  idToken: { audience?: string; includeEmail: boolean };
  endpoints: Endpoints;
  requestReason?: string;
  /** At most this many retries of one request; undefined (the default): as many as `retryTimeoutMs` allows. */
  retries: number | undefined;
  /** Retry budget of one request: no attempt starts later than this after its first. */
  retryTimeoutMs: number;
  requestTimeoutMs: number;
}

/**
 * `env`: the step's environment, for GHA_ENDPOINT_OVERRIDE_* (the only
 * variables read here; tests pass their own).
 */
export function readConfig(input: InputReader, env: NodeJS.ProcessEnv = {}): Config {
  const get: InputReader = (name) => input(name).trim();
  const wayIn = chooseWayIn(get);
  const endpoints = readEndpoints(get, env);
  const { auth, serviceAccount } = readIdentity(get, wayIn, endpoints.universe);
  return {
    auth,
    ...(serviceAccount !== undefined ? { serviceAccount } : {}),
    ...readTokenRequest(get, auth, serviceAccount),
    ...readRequestOptions(get),
    ...readProjectId(get, auth, serviceAccount),
    ...readCredentialsFileOptions(get, auth),
    endpoints,
  };
}

// --- The way in: a provider (and its subject source), a key, or the metadata server -----------------------------

type WayIn =
  | { kind: 'workload_identity'; provider: string }
  | { kind: 'service_account_key'; credentialsJson: string }
  | { kind: 'metadata_server' };

/** Exactly one of workload_identity_provider, credentials_json and use_metadata_server. */
function chooseWayIn(get: Read): WayIn {
  const provider = get('workload_identity_provider');
  const credentialsJson = get('credentials_json');
  const useMetadataServer = parseBoolean(get('use_metadata_server'), 'use_metadata_server', false);
  if (useMetadataServer && (provider || credentialsJson)) {
    throw new ConfigError(
      `"use_metadata_server" signs in as the runner machine's own service account; it cannot be combined with ` +
        `"${provider ? 'workload_identity_provider' : 'credentials_json'}", which is another way in. Keep one of them.`,
    );
  }
  if (!useMetadataServer && Boolean(provider) === Boolean(credentialsJson)) {
    const choose =
      'Use workload_identity_provider for Workload Identity Federation (recommended), or credentials_json for a ' +
      'service-account key (or use_metadata_server: true on a self-hosted runner on Google Cloud).';
    throw new ConfigError(
      provider
        ? `Both "workload_identity_provider" and "credentials_json" were given: set exactly one of them. ${choose}`
        : `Neither "workload_identity_provider" nor "credentials_json" was given: set exactly one of them. ${choose} ` +
            'If one of them comes from a secret, note that GitHub does not pass secrets to workflows triggered ' +
            'from forks or by Dependabot, so the secret is empty there.',
    );
  }
  if (provider) return { kind: 'workload_identity', provider };
  return useMetadataServer ? { kind: 'metadata_server' } : { kind: 'service_account_key', credentialsJson };
}

/** The way in, parsed (the provider with its subject source, or the key), and service_account checked against it. */
function readIdentity(
  get: InputReader,
  wayIn: WayIn,
  universe: string,
): { auth: Config['auth']; serviceAccount: string | undefined } {
  const serviceAccount = get('service_account') || undefined;
  if (serviceAccount !== undefined) validateServiceAccountOrId(serviceAccount, 'service_account');
  switch (wayIn.kind) {
    case 'workload_identity': {
      const provider = parseProviderName(wayIn.provider, universe);
      return {
        auth: { kind: 'workload_identity', provider, source: readSubjectSource(get, provider) },
        serviceAccount,
      };
    }
    case 'metadata_server':
      refuseSourceInputs(get, 'use_metadata_server');
      return { auth: { kind: 'metadata_server' }, serviceAccount };
    case 'service_account_key':
      refuseSourceInputs(get, 'credentials_json');
      return readKey(wayIn.credentialsJson, serviceAccount);
  }
}

/** credentials_json: the key, whose own account is the identity. */
function readKey(
  credentialsJson: string,
  serviceAccount: string | undefined,
): { auth: ServiceAccountKeyAuth; serviceAccount: string } {
  const key = parseServiceAccountKey(credentialsJson);
  // The key's account becomes part of IAM Credentials URLs. Not quoted: the key is a secret.
  try {
    validateServiceAccount(key.client_email, 'client_email');
  } catch {
    throw new ConfigError(
      'The "client_email" of the key in credentials_json is not a service account email such as ' +
        'my-sa@my-project.iam.gserviceaccount.com. Use the key file exactly as Google Cloud created it.',
    );
  }
  // With a key the key's own account is the identity; a different
  // service_account would silently be ignored, so say so instead. (The
  // key's client_id is the account's unique ID: the same account.)
  if (serviceAccount !== undefined && serviceAccount !== key.client_email && serviceAccount !== key['client_id']) {
    throw new ConfigError(
      `"service_account" (${serviceAccount}) differs from the account of the key in credentials_json ` +
        `(${key.client_email}). Remove service_account, or use a key of that account.`,
    );
  }
  return { auth: { kind: 'service_account_key', key }, serviceAccount: key.client_email };
}

// --- The project ------------------------------------------------------------------------------------------------

/** project_id, else the project the service account's email or the key names; the metadata server says its own. */
function readProjectId(
  get: Read,
  auth: Config['auth'],
  serviceAccount: string | undefined,
): Pick<Config, 'projectId' | 'projectIdSource'> {
  const input = get('project_id');
  if (input) {
    return { projectId: validateProjectId(input, 'project_id'), projectIdSource: 'input' };
  }
  // The metadata server says which project the machine is in (identity/metadata-server.ts).
  if (auth.kind === 'metadata_server') return {};
  // name@PROJECT.iam.gserviceaccount.com (the default universe's domain for
  // user-managed accounts) names its project.
  const fromEmail = /^[^@]+@([a-z][a-z0-9-]{4,28}[a-z0-9])\.iam\.gserviceaccount\.com$/.exec(serviceAccount ?? '')?.[1];
  if (fromEmail) return { projectId: fromEmail, projectIdSource: 'service_account' };
  if (auth.kind === 'service_account_key' && auth.key.project_id) {
    return { projectId: auth.key.project_id, projectIdSource: 'credentials_json' };
  }
  return {};
}

// --- The subject source of a provider ----------------------------------------------------------------------------

/** subject_token_source picks a source; the source parses its own inputs. */
function readSubjectSource(get: InputReader, provider: ProviderName): SourcePlan {
  const kind = get('subject_token_source') || DEFAULT_SUBJECT_SOURCE;
  const definition = SUBJECT_SOURCES.find((d) => d.kind === kind);
  if (!definition) {
    throw new ConfigError(
      `"subject_token_source" must be one of ${SUBJECT_SOURCES.map((d) => `"${d.kind}"`).join(', ')}, got "${kind}".`,
    );
  }
  // Sources may share an input (subject_token_type, say): only the inputs
  // the selected source does not read are stray.
  const stray = SUBJECT_SOURCES.flatMap((d) => d.inputs).find(
    (name) => get(name) !== '' && !definition.inputs.includes(name),
  );
  if (stray) {
    const owners = SUBJECT_SOURCES.filter((d) => d.inputs.includes(stray)).map((d) => d.kind);
    throw new ConfigError(
      `"${stray}" applies only with subject_token_source: ${owners.join(', ').replace(/, ([^,]+)$/, ' or $1')}, ` +
        `but subject_token_source is "${kind}".`,
    );
  }
  return definition.plan(get, provider);
}

/**
 * Without workload_identity_provider no subject source is used: its inputs
 * are refused, naming the way in that was chosen (`chosen`). The default
 * source's inputs are not stray: the runner passes its default.
 */
function refuseSourceInputs(get: InputReader, chosen: string): void {
  const stray =
    strayInput(
      get,
      SUBJECT_SOURCES.filter((d) => d.kind !== DEFAULT_SUBJECT_SOURCE),
    ) ?? (['', DEFAULT_SUBJECT_SOURCE].includes(get('subject_token_source')) ? undefined : 'subject_token_source');
  if (stray) {
    throw new ConfigError(
      `"${stray}" applies only to Workload Identity Federation (workload_identity_provider), not to ${chosen}.`,
    );
  }
}

/** The first input of these sources that is set, if any. */
function strayInput(get: InputReader, sources: readonly SourceDefinition[]): string | undefined {
  return sources.flatMap((d) => d.inputs).find((name) => get(name) !== '');
}
