/**
 * Inputs -> a typed, validated `Config`. Every input is read and checked here,
 * once; every validation message the user can see lives in this file. Nothing
 * below `main.ts` reads an input again.
 */

import { parseDuration } from './duration.js';
import { ConfigError } from './errors.js';
import { parseServiceAccountKey, type ServiceAccountKey } from './sources/service-account-key.js';

export type TokenFormat = '' | 'access_token' | 'id_token';

/** Reads one input by its action.yml name; '' when unset (the runner's convention). */
export type InputReader = (name: string) => string;

export interface Endpoints {
  universe: string;
  /** Base URLs without trailing slash, e.g. https://sts.googleapis.com/v1 */
  sts: string;
  iamcredentials: string;
  oauth2: string;
}

export interface WorkloadIdentityAuth {
  kind: 'workload_identity';
  /** projects/<NUMBER>/locations/global/workloadIdentityPools/<POOL>/providers/<PROVIDER> */
  provider: string;
  /** //iam.<universe>/<provider>: the STS audience and the credentials file's `audience`. */
  stsAudience: string;
  /** Audience requested for the GitHub OIDC token. */
  oidcAudience: string;
  /** Where the subject token comes from (input subject_token_source). */
  source: SubjectTokenSource;
}

export type SubjectTokenSource = { kind: 'github' } | AwsSourceConfig;

/** subject_token_source: aws, with the aws_* inputs. */
export interface AwsSourceConfig {
  kind: 'aws';
  region?: string;
  profile?: string;
  /** A role to assume (AWS STS AssumeRole) before signing GetCallerIdentity. */
  role?: { arn: string; sessionName: string; externalId?: string; durationSeconds: number };
}

export const SUBJECT_TOKEN_SOURCES = ['github', 'aws'] as const;
/** AWS region names: us-east-1, us-gov-west-1, cn-north-1, ... */
export const AWS_REGION_FORM = /^[a-z]{2}(-[a-z]+)+-\d+$/;
/** Session name of roles we assume when the user names none; shows in CloudTrail and the assumed-role ARN. */
export const DEFAULT_AWS_ROLE_SESSION_NAME = 'GitHubActions';
const AWS_INPUTS = [
  'aws_region',
  'aws_profile',
  'aws_role_arn',
  'aws_role_session_name',
  'aws_role_external_id',
  'aws_role_duration_seconds',
] as const;

export interface ServiceAccountKeyAuth {
  kind: 'service_account_key';
  key: ServiceAccountKey;
}

export interface Config {
  auth: WorkloadIdentityAuth | ServiceAccountKeyAuth;
  /** The service account to impersonate (WIF) or the key's own account (key). */
  serviceAccount?: string;
  projectId?: string;
  /** Where `projectId` came from, for the log. */
  projectIdSource?: 'input' | 'service_account' | 'credentials_json';
  createCredentialsFile: boolean;
  exportEnvironmentVariables: boolean;
  cleanupCredentials: boolean;
  tokenFormat: TokenFormat;
  delegates: string[];
  accessToken: { lifetimeSeconds: number; scopes: string[]; subject?: string };
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
const DEFAULT_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
/** generateAccessToken refuses more than 12 h, and that only with an org policy exception. */
const MAX_ACCESS_TOKEN_LIFETIME = 12 * 3600;

const PROVIDER_FORM =
  'projects/<PROJECT_NUMBER>/locations/global/workloadIdentityPools/<POOL_ID>/providers/<PROVIDER_ID>';

export function readConfig(input: InputReader): Config {
  const get = (name: string): string => input(name).trim();

  const provider = get('workload_identity_provider');
  const credentialsJson = get('credentials_json');
  if (Boolean(provider) === Boolean(credentialsJson)) {
    throw new ConfigError(
      `${provider ? 'Both' : 'Neither'} "workload_identity_provider" ${provider ? 'and' : 'nor'} "credentials_json" ` +
        `${provider ? 'were given' : 'was given'}: set exactly one of them. ` +
        'Use workload_identity_provider for Workload Identity Federation (recommended), or credentials_json for a ' +
        'service-account key. If one of them comes from a secret, note that GitHub does not pass secrets to ' +
        'workflows triggered from forks or by Dependabot, so the secret is empty there.',
    );
  }

  const universe = get('universe') || DEFAULT_UNIVERSE;
  if (!/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(universe)) {
    throw new ConfigError(`"universe" must be a domain such as ${DEFAULT_UNIVERSE}, got "${universe}".`);
  }
  const endpoints: Endpoints = {
    universe,
    sts: endpointInput(get('sts_endpoint'), 'sts_endpoint') ?? `https://sts.${universe}/v1`,
    iamcredentials:
      endpointInput(get('iamcredentials_endpoint'), 'iamcredentials_endpoint') ??
      `https://iamcredentials.${universe}/v1`,
    oauth2: endpointInput(get('oauth2_endpoint'), 'oauth2_endpoint') ?? `https://oauth2.${universe}`,
  };

  let serviceAccount = get('service_account') || undefined;
  if (serviceAccount !== undefined) validateServiceAccount(serviceAccount, 'service_account');

  let auth: Config['auth'];
  if (provider) {
    validateProvider(provider);
    auth = {
      kind: 'workload_identity',
      provider,
      stsAudience: `//iam.${universe}/${provider}`,
      oidcAudience: get('audience') || `https://iam.googleapis.com/${provider}`,
      source: readSubjectTokenSource(get),
    };
  } else {
    // subject_token_source's default, "github", is what the runner passes when it is not set.
    const stray =
      AWS_INPUTS.find((name) => get(name) !== '') ??
      (/^(github)?$/.test(get('subject_token_source')) ? undefined : 'subject_token_source');
    if (stray) {
      throw new ConfigError(
        `"${stray}" applies only to Workload Identity Federation (workload_identity_provider), not to credentials_json.`,
      );
    }
    const key = parseServiceAccountKey(credentialsJson);
    auth = { kind: 'service_account_key', key };
    // With a key the key's own account is the identity; a different
    // service_account would silently be ignored, so say so instead.
    if (serviceAccount !== undefined && serviceAccount !== key.client_email) {
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
  if (accessTokenSubject !== undefined && !/^[^@\s]+@[^@\s]+$/.test(accessTokenSubject)) {
    throw new ConfigError(
      `"access_token_subject" must be the email of a Google Workspace user, got "${accessTokenSubject}".`,
    );
  }
  if (accessTokenSubject !== undefined && tokenFormat !== 'access_token') {
    throw new ConfigError(
      '"access_token_subject" applies only with token_format: access_token (domain-wide delegation mints an access ' +
        'token acting as that user). Set token_format: access_token, or remove access_token_subject.',
    );
  }
  if (tokenFormat !== '' && serviceAccount === undefined) {
    throw new ConfigError(
      `token_format "${tokenFormat}"${accessTokenSubject ? ' with access_token_subject' : ''} needs ` +
        '"service_account": the email of the service account whose token to create ' +
        '(e.g. my-sa@my-project.iam.gserviceaccount.com). Leave token_format empty to use the federated ' +
        'identity directly (outputs.auth_token).',
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
  if (tokenFormat === 'id_token' && idTokenAudience === undefined) {
    throw new ConfigError(
      'token_format "id_token" needs "id_token_audience": the URL of the service that will receive the token ' +
        '(for Cloud Run, the service URL such as https://my-service-abc123-uc.a.run.app).',
    );
  }

  // Accept both "sa@p.iam.gserviceaccount.com" and the API's resource form
  // "projects/-/serviceAccounts/sa@p.iam.gserviceaccount.com"; keep emails.
  const delegates = parseList(get('delegates')).map((d) => d.replace(/^projects\/-\/serviceAccounts\//, ''));
  for (const delegate of delegates) validateServiceAccount(delegate, 'delegates');

  const scopes = parseList(get('access_token_scopes'));

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

  return {
    auth,
    ...(serviceAccount !== undefined ? { serviceAccount } : {}),
    ...(projectId !== undefined ? { projectId, projectIdSource } : {}),
    createCredentialsFile: parseBoolean(get('create_credentials_file'), 'create_credentials_file', true),
    exportEnvironmentVariables: parseBoolean(get('export_environment_variables'), 'export_environment_variables', true),
    cleanupCredentials: parseBoolean(get('cleanup_credentials'), 'cleanup_credentials', true),
    tokenFormat,
    delegates,
    accessToken: {
      lifetimeSeconds,
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

/** subject_token_source and, for "aws", the aws_* inputs. */
function readSubjectTokenSource(get: InputReader): SubjectTokenSource {
  const kind = get('subject_token_source') || 'github';
  if (kind === 'github') {
    const stray = AWS_INPUTS.find((name) => get(name) !== '');
    if (stray) {
      throw new ConfigError(
        `"${stray}" is set, but subject_token_source is "github": the aws_* inputs apply only with ` +
          'subject_token_source: aws.',
      );
    }
    return { kind: 'github' };
  }
  if (kind !== 'aws') {
    throw new ConfigError(
      `"subject_token_source" must be one of ${SUBJECT_TOKEN_SOURCES.map((k) => `"${k}"`).join(', ')}, got "${kind}".`,
    );
  }
  if (get('audience')) {
    throw new ConfigError(
      '"audience" is the audience of the GitHub OIDC token; it does not apply to subject_token_source: aws.',
    );
  }
  const region = get('aws_region');
  if (region && !AWS_REGION_FORM.test(region)) {
    throw new ConfigError(`"aws_region" must be an AWS region such as us-east-1, got "${region}".`);
  }
  const profile = get('aws_profile');
  if (profile && !/^[^\s[\]]+$/.test(profile)) {
    throw new ConfigError(`"aws_profile" must be a profile name without spaces or brackets, got "${profile}".`);
  }
  const roleArn = get('aws_role_arn');
  const sessionName = get('aws_role_session_name');
  const externalId = get('aws_role_external_id');
  const durationText = get('aws_role_duration_seconds');
  if (!roleArn) {
    const orphan = (['aws_role_session_name', 'aws_role_external_id', 'aws_role_duration_seconds'] as const).find(
      (name) => get(name) !== '',
    );
    if (orphan) throw new ConfigError(`"${orphan}" needs "aws_role_arn": the role to assume.`);
  } else if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(roleArn)) {
    throw new ConfigError(
      `"aws_role_arn" must be an IAM role ARN such as arn:aws:iam::123456789012:role/my-role, got "${roleArn}".`,
    );
  }
  if (sessionName && !/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
    throw new ConfigError(
      `"aws_role_session_name" must be 2-64 letters, digits or + = , . @ _ -, got "${sessionName}".`,
    );
  }
  if (externalId && !/^[\w+=,.@:/-]{2,1224}$/.test(externalId)) {
    throw new ConfigError('"aws_role_external_id" must be 2-1224 letters, digits or + = , . @ : / _ -.');
  }
  const durationSeconds = durationText ? Number(durationText) : 3600;
  if (durationText && (!/^\d+$/.test(durationText) || durationSeconds < 900 || durationSeconds > 43200)) {
    throw new ConfigError(
      `"aws_role_duration_seconds" must be a whole number of seconds from 900 to 43200, got "${durationText}".`,
    );
  }
  return {
    kind: 'aws',
    ...(region ? { region } : {}),
    ...(profile ? { profile } : {}),
    ...(roleArn
      ? {
          role: {
            arn: roleArn,
            sessionName: sessionName || DEFAULT_AWS_ROLE_SESSION_NAME,
            ...(externalId ? { externalId } : {}),
            durationSeconds,
          },
        }
      : {}),
  };
}

/** Explains, case by case, what is wrong with a workload_identity_provider value. */
function validateProvider(value: string): void {
  const expected = `Expected the full provider name: ${PROVIDER_FORM}.`;
  const prefix = /^(https?:)?\/\/iam\.[^/]+\//i.exec(value)?.[0];
  if (prefix) {
    throw new ConfigError(
      `"workload_identity_provider" must not start with "${prefix}": give only the resource name, ` +
        `"${value.slice(prefix.length)}". ${expected}`,
    );
  }
  if (/^https?:\/\//i.test(value)) {
    throw new ConfigError(`"workload_identity_provider" must be a resource name, not a URL ("${value}"). ${expected}`);
  }
  const parts = value.split('/');
  if (parts[0] !== 'projects' || parts.length < 2) {
    throw new ConfigError(`"workload_identity_provider" "${value}" does not start with "projects/". ${expected}`);
  }
  const project = parts[1] ?? '';
  if (!/^\d+$/.test(project)) {
    throw new ConfigError(
      `"workload_identity_provider" must name the project by its NUMBER, not its ID "${project}". ` +
        `Find the number with: gcloud projects describe ${project} --format="value(projectNumber)". ${expected}`,
    );
  }
  if (parts[2] !== 'locations' || parts[3] !== 'global') {
    throw new ConfigError(
      `"workload_identity_provider" "${value}" must continue with "locations/global" (pools are global). ${expected}`,
    );
  }
  if (parts[4] !== 'workloadIdentityPools' || !parts[5]) {
    throw new ConfigError(
      `"workload_identity_provider" "${value}" must name a pool: .../workloadIdentityPools/<POOL_ID>/... ${expected}`,
    );
  }
  if (parts.length === 6 || (parts.length === 7 && parts[6] === 'providers')) {
    throw new ConfigError(
      `"workload_identity_provider" names the pool "${parts[5]}", not a provider in it: add /providers/<PROVIDER_ID>. ` +
        `List the pool's providers with: gcloud iam workload-identity-pools providers list ` +
        `--workload-identity-pool=${parts[5]} --location=global --project=${project}. ${expected}`,
    );
  }
  if (parts[6] !== 'providers' || !parts[7] || parts.length !== 8) {
    throw new ConfigError(`"workload_identity_provider" "${value}" is not of the expected form. ${expected}`);
  }
}

function validateServiceAccount(value: string, input: string): void {
  if (!/^[^@\s/]+@[^@\s/]+$/.test(value)) {
    throw new ConfigError(
      `"${input}" must be a service account email such as my-sa@my-project.iam.gserviceaccount.com, got "${value}".`,
    );
  }
}

function endpointInput(value: string, input: string): string | undefined {
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(
      `"${input}" must be a full URL such as https://sts.example.p.googleapis.com/v1, got "${value}".`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`"${input}" must be an http(s) URL, got "${value}".`);
  }
  if (url.search || url.hash) throw new ConfigError(`"${input}" must not have a query or fragment, got "${value}".`);
  return url.href.replace(/\/+$/, '');
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
    if (!/^[a-z][a-z0-9-]{4,28}[a-z0-9]$|^[a-z0-9.-]+:[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(input)) {
      throw new ConfigError(
        `"project_id" "${input}" is not a project ID (6-30 lowercase letters, digits and hyphens, starting with a letter).`,
      );
    }
    return { projectId: input, projectIdSource: 'input' };
  }
  // name@PROJECT.iam.gserviceaccount.com (the default universe's domain for
  // user-managed accounts) names its project.
  const fromEmail = /^[^@]+@([a-z][a-z0-9-]{4,28}[a-z0-9])\.iam\.gserviceaccount\.com$/.exec(serviceAccount ?? '')?.[1];
  if (fromEmail) return { projectId: fromEmail, projectIdSource: 'service_account' };
  if (auth.kind === 'service_account_key' && auth.key.project_id) {
    return { projectId: auth.key.project_id, projectIdSource: 'credentials_json' };
  }
  return {};
}
