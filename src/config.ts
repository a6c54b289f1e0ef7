/**
 * Inputs -> a typed, validated `Config`. Every input is read and checked
 * once, here or, for the inputs a subject source owns (audience, aws_*, ...),
 * by that source's definition, which this file calls. The documented form of
 * each value that reaches a URL, a host or a request body is checked in
 * forms.ts. Nothing below `main.ts` reads an input again.
 */

import { isAbsolute } from 'node:path';

import { parseDuration } from './duration.js';
import { ConfigError } from './errors.js';
import {
  validatePath,
  validateAudience,
  validateDelegate,
  validateEndpoint,
  validateProjectId,
  validateScope,
  validateServiceAccount,
  validateServiceAccountOrId,
  validateUniverse,
  validateWorkspaceUser,
} from './forms.js';
import { parseServiceAccountKey, type ServiceAccountKey } from './identity/service-account-key.js';
import { parseProviderName, type ProviderName } from './provider-name.js';
import { DEFAULT_SUBJECT_SOURCE, SUBJECT_SOURCES } from './sources/index.js';
import type { SourceDefinition, SourcePlan } from './sources/subject-source.js';

export type TokenFormat = '' | 'access_token' | 'id_token';

/** Reads one input by its action.yml name; '' when unset (the runner's convention). */
export type InputReader = (name: string) => string;

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
  tokenFormat: TokenFormat;
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

const DEFAULT_UNIVERSE = 'googleapis.com';
export const DEFAULT_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
/** action.yml's default for access_token_lifetime, and Google's. */
const DEFAULT_LIFETIME_SECONDS = 3600;
/** generateAccessToken refuses more than 12 h, and that only with an org policy exception. */
const MAX_ACCESS_TOKEN_LIFETIME = 12 * 3600;

/**
 * `env`: the step's environment, for GHA_ENDPOINT_OVERRIDE_* (the only
 * variables read here; tests pass their own).
 */
export function readConfig(input: InputReader, env: NodeJS.ProcessEnv = {}): Config {
  const get = (name: string): string => input(name).trim();

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

  const universe = validateUniverse(get('universe') || DEFAULT_UNIVERSE, 'universe');
  const endpoints = readEndpoints(get, env, universe);

  let serviceAccount = get('service_account') || undefined;
  if (serviceAccount !== undefined) validateServiceAccountOrId(serviceAccount, 'service_account');

  let auth: Config['auth'];
  if (provider) {
    const providerName = parseProviderName(provider, universe);
    auth = { kind: 'workload_identity', provider: providerName, source: readSubjectSource(get, providerName) };
  } else if (useMetadataServer) {
    refuseSourceInputs(get, 'use_metadata_server');
    auth = { kind: 'metadata_server' };
  } else {
    refuseSourceInputs(get, 'credentials_json');
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
    auth = { kind: 'service_account_key', key };
    // With a key the key's own account is the identity; a different
    // service_account would silently be ignored, so say so instead. (The
    // key's client_id is the account's unique ID: the same account.)
    if (serviceAccount !== undefined && serviceAccount !== key.client_email && serviceAccount !== key['client_id']) {
      throw new ConfigError(
        `"service_account" (${serviceAccount}) differs from the account of the key in credentials_json ` +
          `(${key.client_email}). Remove service_account, or use a key of that account.`,
      );
    }
    serviceAccount = key.client_email;
  }

  const tokenFormat = get('token_format');
  if (tokenFormat !== '' && tokenFormat !== 'access_token' && tokenFormat !== 'id_token') {
    throw new ConfigError(`"token_format" must be empty, "access_token" or "id_token", got "${tokenFormat}".`);
  }
  const accessTokenSubject = get('access_token_subject') || undefined;
  if (accessTokenSubject !== undefined) validateWorkspaceUser(accessTokenSubject, 'access_token_subject');
  if (accessTokenSubject !== undefined && tokenFormat !== 'access_token') {
    throw new ConfigError(
      '"access_token_subject" applies only with token_format: access_token (domain-wide delegation mints an access ' +
        'token acting as that user). Set token_format: access_token, or remove access_token_subject.',
    );
  }
  // Without a service account, direct federation's own STS token is the
  // access token (identity/federation.ts); an ID token or domain-wide
  // delegation needs an account that Google signs for.
  // The metadata server gives the machine's own ID token.
  const ownIdToken = auth.kind === 'metadata_server' && tokenFormat === 'id_token';
  if (serviceAccount === undefined && !ownIdToken && (tokenFormat === 'id_token' || accessTokenSubject !== undefined)) {
    throw new ConfigError(
      tokenFormat === 'id_token'
        ? 'token_format "id_token" needs "service_account": Google issues ID tokens only for service accounts ' +
            '(IAM Credentials generateIdToken), and a federated identity has none of its own. Set service_account to ' +
            'an account the federated identity may impersonate (roles/iam.workloadIdentityUser on that account).'
        : 'token_format "access_token" with access_token_subject needs "service_account": domain-wide delegation ' +
            'is granted to a service account (e.g. my-sa@my-project.iam.gserviceaccount.com), which then acts as ' +
            'the Workspace user.',
    );
  }

  const lifetimeText = get('access_token_lifetime') || '3600s';
  const lifetimeSeconds = parseDuration(lifetimeText);
  if (lifetimeSeconds === undefined || lifetimeSeconds <= 0) {
    throw new ConfigError(
      `"access_token_lifetime" must be a duration such as 3600s, 3600, 1h, 30m or 1h30m, got "${lifetimeText}".`,
    );
  }
  if (lifetimeSeconds > MAX_ACCESS_TOKEN_LIFETIME) {
    throw new ConfigError(`"access_token_lifetime" may be at most 12h (43200s), got "${lifetimeText}".`);
  }

  const idTokenAudience = get('id_token_audience') || undefined;
  if (idTokenAudience !== undefined) validateAudience(idTokenAudience, 'id_token_audience');
  if (tokenFormat === 'id_token' && idTokenAudience === undefined) {
    throw new ConfigError(
      'token_format "id_token" needs "id_token_audience": the URL of the service that will receive the token ' +
        '(for Cloud Run, the service URL such as https://my-service-abc123-uc.a.run.app).',
    );
  }

  // Accept both "sa@p.iam.gserviceaccount.com" and the API's resource form
  // "projects/-/serviceAccounts/sa@p.iam.gserviceaccount.com"; keep emails.
  const delegates = parseList(get('delegates')).map((d) => validateDelegate(d, 'delegates'));

  const scopes = parseList(get('access_token_scopes')).map((s) => validateScope(s, 'access_token_scopes'));

  // Retries are bounded by time (retry_timeout); "retries" only caps their
  // count within it, and is unset by default so that the budget alone decides.
  const retriesText = get('retries');
  if (retriesText !== '' && (!/^\d+$/.test(retriesText) || Number(retriesText) > 100)) {
    throw new ConfigError(
      `"retries" must be a whole number from 0 to 100 (0: no retries), or empty for as many as retry_timeout allows; got "${retriesText}".`,
    );
  }
  const retryTimeoutText = get('retry_timeout') || '2m';
  const retryTimeoutSeconds = parseDuration(retryTimeoutText);
  if (retryTimeoutSeconds === undefined || retryTimeoutSeconds > 600) {
    throw new ConfigError(
      `"retry_timeout" must be a duration from 0s to 10m such as 2m or 90s, got "${retryTimeoutText}".`,
    );
  }
  const timeoutText = get('request_timeout') || '30s';
  const timeoutSeconds = parseDuration(timeoutText);
  if (timeoutSeconds === undefined || timeoutSeconds <= 0 || timeoutSeconds > 600) {
    throw new ConfigError(`"request_timeout" must be a duration from 1s to 10m such as 30s, got "${timeoutText}".`);
  }

  // Sent as an HTTP header: printable ASCII only, or Node refuses the request.
  const requestReason = get('request_reason');
  if (!/^[\x20-\x7e]{0,512}$/.test(requestReason)) {
    throw new ConfigError(
      '"request_reason" must be at most 512 printable ASCII characters on one line (it is sent as the ' +
        'X-Goog-Request-Reason header).',
    );
  }

  const { projectId, projectIdSource } = resolveProjectId(get('project_id'), auth, serviceAccount);
  const credentialsFileLocation = parseCredentialsFileLocation(get('credentials_file_location'));
  // The metadata server needs no file: tools ask it themselves (identity/metadata-server.ts).
  const createCredentialsFile =
    parseBoolean(get('create_credentials_file'), 'create_credentials_file', true) && auth.kind !== 'metadata_server';
  if (auth.kind === 'metadata_server' && credentialsFileLocation.kind !== 'workspace') {
    throw new ConfigError(
      '"credentials_file_location" is set, but use_metadata_server writes no credentials file: tools find the ' +
        'metadata server themselves. Remove credentials_file_location.',
    );
  }
  if (!createCredentialsFile && credentialsFileLocation.kind !== 'workspace') {
    throw new ConfigError(
      '"credentials_file_location" is set, but create_credentials_file is false, so no file is written. ' +
        'Remove one of them.',
    );
  }

  const verifyServiceAccount = parseBoolean(get('verify_service_account'), 'verify_service_account', true);

  return {
    auth,
    ...(serviceAccount !== undefined ? { serviceAccount } : {}),
    ...(projectId !== undefined ? { projectId, projectIdSource } : {}),
    checkImpersonation:
      verifyServiceAccount && auth.kind === 'workload_identity' && serviceAccount !== undefined && tokenFormat === '',
    createCredentialsFile,
    credentialsFileLocation,
    exportEnvironmentVariables: parseBoolean(get('export_environment_variables'), 'export_environment_variables', true),
    cleanupCredentials: parseBoolean(get('cleanup_credentials'), 'cleanup_credentials', true),
    tokenFormat,
    delegates,
    accessToken: {
      lifetimeSeconds,
      // Not "was the input set": the runner passes action.yml's default (3600s) when the workflow does not.
      lifetimeRequested: lifetimeSeconds !== DEFAULT_LIFETIME_SECONDS,
      scopes: scopes.length > 0 ? scopes : [DEFAULT_SCOPE],
      ...(accessTokenSubject !== undefined ? { subject: accessTokenSubject } : {}),
    },
    idToken: {
      ...(idTokenAudience !== undefined ? { audience: idTokenAudience } : {}),
      includeEmail: parseBoolean(get('id_token_include_email'), 'id_token_include_email', false),
    },
    endpoints,
    ...(requestReason ? { requestReason } : {}),
    retries: retriesText === '' ? undefined : Number(retriesText),
    retryTimeoutMs: retryTimeoutSeconds * 1000,
    requestTimeoutMs: timeoutSeconds * 1000,
  };
}

/** `workspace` (or empty), `runner_temp`, `adc`, or an absolute directory path; the directory itself is checked when the file is written. */
function parseCredentialsFileLocation(value: string): CredentialsFileLocation {
  if (value === '' || value === 'workspace') return { kind: 'workspace' };
  if (value === 'runner_temp') return { kind: 'runner_temp' };
  if (value === 'adc') return { kind: 'adc' };
  validatePath(value, 'credentials_file_location');
  if (!isAbsolute(value)) {
    throw new ConfigError(
      `"credentials_file_location" must be workspace, runner_temp, adc or an absolute directory path ` +
        `(e.g. \${{ runner.temp }}/gcp), got "${value}".`,
    );
  }
  return { kind: 'directory', path: value };
}

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

/**
 * Each Google endpoint: its input (sts_endpoint, ...), else the variable
 * GHA_ENDPOINT_OVERRIDE_<name> that the action we replace honours (same
 * names, same full-URL values, e.g. GHA_ENDPOINT_OVERRIDE_sts:
 * https://sts.example.p.googleapis.com/v1), else the universe's. An input
 * wins: it is the more specific setting, made for this step. Both are held to
 * the same form (https, or http to loopback).
 */
function readEndpoints(get: InputReader, env: NodeJS.ProcessEnv, universe: string): Endpoints {
  const userOrigins: string[] = [];
  const endpoint = (name: 'sts' | 'iamcredentials' | 'oauth2' | 'www', input: string | undefined, fallback: string) => {
    const variable = `GHA_ENDPOINT_OVERRIDE_${name}`;
    const given = input ? get(input) : '';
    const value = given
      ? validateEndpoint(given, input ?? name)
      : env[variable]?.trim()
        ? validateEndpoint(env[variable].trim(), variable)
        : undefined;
    if (value === undefined) return fallback;
    userOrigins.push(new URL(value).origin);
    return value;
  };
  return {
    universe,
    sts: endpoint('sts', 'sts_endpoint', `https://sts.${universe}/v1`),
    iamcredentials: endpoint('iamcredentials', 'iamcredentials_endpoint', `https://iamcredentials.${universe}/v1`),
    oauth2: endpoint('oauth2', 'oauth2_endpoint', `https://oauth2.${universe}`),
    // No input for it, as in the action we replace.
    www: endpoint('www', undefined, `https://www.${universe}`),
    userOrigins,
  };
}

/** Comma- and/or newline-separated list; blanks dropped. */
export function parseList(value: string): string[] {
  return value
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

function parseBoolean(value: string, input: string, fallback: boolean): boolean {
  if (value === '') return fallback;
  if (/^true$/i.test(value)) return true;
  if (/^false$/i.test(value)) return false;
  throw new ConfigError(`"${input}" must be true or false, got "${value}".`);
}

function resolveProjectId(
  input: string,
  auth: Config['auth'],
  serviceAccount: string | undefined,
): { projectId?: string; projectIdSource?: Config['projectIdSource'] } {
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
