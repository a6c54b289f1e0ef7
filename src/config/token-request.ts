/**
 * The token request: what token_format asks for, the access token's lifetime,
 * scopes and Workspace subject, the ID token's audience, delegation, and
 * whether impersonation is checked when no token is asked for.
 */
import type { CommonInputReader, Config, OutputToken } from '../config.js';
import { parseDuration } from '../duration.js';
import { ConfigError } from '../errors.js';
import { validateAudience, validateDelegate, validateScope, validateWorkspaceUser } from '../forms.js';
import { parseBoolean, parseList } from '../inputs.js';

export const DEFAULT_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
/** action.yml's default for access_token_lifetime, and Google's. */
const DEFAULT_LIFETIME_SECONDS = 3600;
/** generateAccessToken refuses more than 12 h, and that only with an org policy exception. */
const MAX_ACCESS_TOKEN_LIFETIME = 12 * 3600;

type TokenRequest = Pick<Config, 'tokenFormat' | 'accessToken' | 'idToken' | 'delegates' | 'checkImpersonation'>;

export function readTokenRequest(
  get: CommonInputReader,
  auth: Config['auth'],
  serviceAccount: string | undefined,
): TokenRequest {
  const tokenFormat = readOutputToken(get);
  const subject = readAccessTokenSubject(get, tokenFormat);
  // Without a service account, direct federation's own STS token is the
  // access token (identity/federation.ts); an ID token or domain-wide
  // delegation needs an account that Google signs for.
  // The metadata server gives the machine's own ID token.
  const ownIdToken = auth.kind === 'metadata_server' && tokenFormat === 'id_token';
  if (serviceAccount === undefined && !ownIdToken && (tokenFormat === 'id_token' || subject !== undefined)) {
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
  const lifetimeSeconds = readAccessTokenLifetime(get);
  const audience = readIdTokenAudience(get, tokenFormat);
  // Accept both "sa@p.iam.gserviceaccount.com" and the API's resource form
  // "projects/-/serviceAccounts/sa@p.iam.gserviceaccount.com"; keep emails.
  const delegates = parseList(get('delegates')).map((d) => validateDelegate(d, 'delegates'));
  const scopes = parseList(get('access_token_scopes')).map((s) => validateScope(s, 'access_token_scopes'));
  const includeEmail = parseBoolean(get('id_token_include_email'), 'id_token_include_email', false);
  const verifyServiceAccount = parseBoolean(get('verify_service_account'), 'verify_service_account', true);
  return {
    tokenFormat,
    delegates,
    accessToken: {
      lifetimeSeconds,
      // Not "was the input set": the runner passes action.yml's default (3600s) when the workflow does not.
      lifetimeRequested: lifetimeSeconds !== DEFAULT_LIFETIME_SECONDS,
      scopes: scopes.length > 0 ? scopes : [DEFAULT_SCOPE],
      ...(subject !== undefined ? { subject } : {}),
    },
    idToken: { ...(audience !== undefined ? { audience } : {}), includeEmail },
    checkImpersonation:
      verifyServiceAccount && auth.kind === 'workload_identity' && serviceAccount !== undefined && tokenFormat === '',
  };
}

function readOutputToken(get: CommonInputReader): OutputToken {
  const tokenFormat = get('token_format');
  if (tokenFormat !== '' && tokenFormat !== 'access_token' && tokenFormat !== 'id_token') {
    throw new ConfigError(`"token_format" must be empty, "access_token" or "id_token", got "${tokenFormat}".`);
  }
  return tokenFormat;
}

/** access_token_subject: the Workspace user of domain-wide delegation, with token_format: access_token only. */
function readAccessTokenSubject(get: CommonInputReader, tokenFormat: OutputToken): string | undefined {
  const subject = get('access_token_subject') || undefined;
  if (subject !== undefined) validateWorkspaceUser(subject, 'access_token_subject');
  if (subject !== undefined && tokenFormat !== 'access_token') {
    throw new ConfigError(
      '"access_token_subject" applies only with token_format: access_token (domain-wide delegation mints an access ' +
        'token acting as that user). Set token_format: access_token, or remove access_token_subject.',
    );
  }
  return subject;
}

/** access_token_lifetime in seconds: more than 0, at most 12 h. */
function readAccessTokenLifetime(get: CommonInputReader): number {
  const text = get('access_token_lifetime') || '3600s';
  const seconds = parseDuration(text);
  if (seconds === undefined || seconds <= 0) {
    throw new ConfigError(
      `"access_token_lifetime" must be a duration such as 3600s, 3600, 1h, 30m or 1h30m, got "${text}".`,
    );
  }
  if (seconds > MAX_ACCESS_TOKEN_LIFETIME) {
    throw new ConfigError(`"access_token_lifetime" may be at most 12h (43200s), got "${text}".`);
  }
  return seconds;
}

/** id_token_audience, which token_format: id_token needs. */
function readIdTokenAudience(get: CommonInputReader, tokenFormat: OutputToken): string | undefined {
  const audience = get('id_token_audience') || undefined;
  if (audience !== undefined) validateAudience(audience, 'id_token_audience');
  if (tokenFormat === 'id_token' && audience === undefined) {
    throw new ConfigError(
      'token_format "id_token" needs "id_token_audience": the URL of the service that will receive the token ' +
        '(for Cloud Run, the service URL such as https://my-service-abc123-uc.a.run.app).',
    );
  }
  return audience;
}
