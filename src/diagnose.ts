/**
 * Turns a failure into the one message the user reads: which stage failed,
 * what the service said, and what most likely fixes it. Only non-secret facts
 * go in: claims of the OIDC token, resource names, never a token.
 */
import type { Config } from './config.js';
import { ConfigError, EnvironmentError, messageOf, ServiceError } from './errors.js';
import { IAM_SERVICE } from './google/iam-credentials.js';
import { OAUTH2_SERVICE } from './google/oauth2.js';
import { STS_SERVICE } from './google/sts.js';
import type { JwtClaims } from './jwt.js';
import { DIAGNOSTIC_CLAIMS } from './sources/github-oidc.js';

export interface FailureContext {
  config?: Config;
  /** Claims of the subject token that Google STS saw, when there was one. */
  claims?: JwtClaims;
  /** The subject source's name ("GitHub OIDC", "AWS"). */
  sourceName?: string;
}

export function describeFailure(err: unknown, context: FailureContext): string {
  if (err instanceof ConfigError) return `Invalid input: ${err.message}`;
  if (err instanceof EnvironmentError) return err.message;
  if (!(err instanceof ServiceError)) return `Unexpected error: ${messageOf(err)}`;

  const hints = hintsFor(err, context);
  const lines = [`${stageName(err)} failed: ${err.message}`];
  if (hints.length > 0) lines.push(...hints.map((hint) => `Hint: ${hint}`));
  if (err.service === STS_SERVICE && context.claims && Object.keys(context.claims).length > 0) {
    lines.push(`Token sent by ${context.sourceName ?? 'the subject source'}: ${claimsLine(context.claims)}`);
  }
  return lines.join('\n');
}

function stageName(err: ServiceError): string {
  switch (err.service) {
    case STS_SERVICE:
      return 'Exchanging the subject token at Google STS';
    case IAM_SERVICE:
      return 'Creating a token for the service account (IAM Credentials)';
    case OAUTH2_SERVICE:
      return 'Domain-wide delegation (OAuth2)';
    default:
      return `${err.service}`;
  }
}

/** What the AWS source reports about the identity it signed for (never a secret). */
const AWS_DIAGNOSTIC_CLAIMS = ['aws_access_key', 'aws_credential_source', 'aws_role_arn', 'aws_region'] as const;

export function claimsLine(claims: JwtClaims): string {
  return [...DIAGNOSTIC_CLAIMS, ...AWS_DIAGNOSTIC_CLAIMS]
    .filter((name) => claims[name] !== undefined)
    .map((name) => `${name}=${JSON.stringify(claims[name])}`)
    .join(', ');
}

/** Node's error codes for a server certificate it refused (a retry cannot help). */
const CERTIFICATE_REJECTED =
  /\b(UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|CERT_UNTRUSTED|ERR_TLS_CERT_ALTNAME_INVALID)\b/;

function hintsFor(err: ServiceError, { config, claims }: FailureContext): string[] {
  const text = err.serviceMessage.toLowerCase();
  const auth = config?.auth.kind === 'workload_identity' ? config.auth : undefined;
  const hints: string[] = [];
  const isAws = auth?.source.kind === 'aws';

  if (err.status === undefined) {
    hints.push(
      CERTIFICATE_REJECTED.test(err.serviceMessage)
        ? "The server's TLS certificate was not trusted. Behind a TLS-inspecting proxy, give this step the proxy's CA " +
            "with env NODE_EXTRA_CA_CERTS: /path/to/ca.pem, or NODE_OPTIONS: --use-system-ca to trust the runner's " +
            'certificate store. ERR_TLS_CERT_ALTNAME_INVALID means the certificate is for another host: check endpoint ' +
            'overrides (sts_endpoint, iamcredentials_endpoint, oauth2_endpoint). CERT_HAS_EXPIRED / CERT_NOT_YET_VALID: ' +
            "check the runner's clock."
        : "The service could not be reached. Check the runner's network, HTTPS_PROXY/NO_PROXY, and any endpoint overrides " +
            '(sts_endpoint, iamcredentials_endpoint, oauth2_endpoint).',
    );
    return hints;
  }

  if (err.service === STS_SERVICE && isAws) hints.push(...awsStsHints(text));
  if (err.service === STS_SERVICE) {
    if (text.includes('audience') && !isAws) {
      hints.push(
        `The token's audience does not match what the provider accepts. The token was requested for ` +
          `"${auth?.oidcAudience ?? '?'}" (input "audience"); the provider accepts by default ` +
          `"https://iam.googleapis.com/${auth?.provider ?? '<provider>'}", or its configured allowed audiences.`,
      );
    }
    if (text.includes('attribute condition') && !isAws) {
      hints.push(
        "The provider's attribute condition rejected this token. Compare the condition " +
          '(gcloud iam workload-identity-pools providers describe ...) with the claims shown below — ' +
          'e.g. assertion.repository_owner must match your organisation.',
      );
    }
    if (/stale|expired|exp\b|issued at/.test(text) && !isAws) {
      hints.push("The subject token is expired or not yet valid: check the runner's clock.");
    }
    if (text.includes('127')) hints.push('A mapped attribute exceeds 127 bytes: shorten it in the attribute mapping.');
    if (err.reason === 'invalid_target' || /invalid_target|pool or provider|does not exist|not found/.test(text)) {
      hints.push(
        `Google does not know the provider "${auth?.provider ?? '?'}" or it is disabled. Check the project NUMBER, ` +
          `the pool and provider IDs (${providersListCommand(auth?.provider)}), and that the pool is not deleted ` +
          'or disabled.',
      );
    }
  }

  if (err.service === IAM_SERVICE) {
    const sa = config?.serviceAccount ?? '<SERVICE_ACCOUNT>';
    if (err.status === 403 || text.includes('permission')) {
      if (auth) {
        // The principal set lives on the IAM host of the configured universe.
        const iamHost = new URL(auth.stsAudience.replace(/^\/\//, 'https://')).host;
        const member = isAws
          ? awsPrincipalSetFor(auth.provider, claims, iamHost)
          : principalSetFor(auth.provider, claims, iamHost);
        hints.push(
          `The federated identity may not impersonate ${sa}. Grant it with:\n` +
            `  gcloud iam service-accounts add-iam-policy-binding "${sa}" ` +
            `--role="roles/iam.workloadIdentityUser" --member="${member}"\n` +
            '  IAM changes can take up to 5 minutes to propagate. Google answers the same 403 when the service ' +
            'account does not exist: check its email too.',
        );
      } else {
        hints.push(
          `The key's account lacks the permission on ${sa}: it needs roles/iam.serviceAccountTokenCreator on itself ` +
            'to mint tokens through IAM Credentials.',
        );
      }
      if (err.status === 403 && config?.accessToken.subject) {
        hints.push(
          'signJwt (domain-wide delegation) needs roles/iam.serviceAccountTokenCreator on the service account.',
        );
      }
    }
    if (err.status === 404 || text.includes('not found')) {
      hints.push(`The service account ${sa} does not exist, or its project is wrong: check the email for typos.`);
    }
    if (err.status === 400 && text.includes('lifetime')) {
      hints.push(
        'Lifetimes over 1h need the constraints/iam.allowServiceAccountCredentialLifetimeExtension org policy.',
      );
    }
  }

  if (err.service === OAUTH2_SERVICE && err.status !== undefined && err.status < 500) {
    hints.push(
      "Domain-wide delegation is refused: the service account's client ID must be allowed in the Workspace admin " +
        'console for these scopes, and access_token_subject must be a user of that domain.',
    );
  }

  if (err.service === 'GitHub OIDC' && err.status !== undefined) {
    hints.push(
      'The runner would not issue an OIDC token. A 401/403 usually means the request token expired (a very long ' +
        'job) or the job lost its id-token permission; re-run the job, and check "permissions: id-token: write".',
    );
  }
  return hints;
}

/** The principalSet that names this repository in the pool. */
function principalSetFor(provider: string, claims: JwtClaims | undefined, iamHost: string): string {
  const pool = provider.replace(/\/providers\/[^/]+$/, '');
  const repository = typeof claims?.['repository'] === 'string' ? claims['repository'] : 'OWNER/REPO';
  return `principalSet://${iamHost}/${pool}/attribute.repository/${repository}`;
}

/**
 * Why Google STS rejects a signed GetCallerIdentity request. Google forwards
 * it to AWS and quotes AWS's error code; the provider's own checks (type,
 * account, condition) come first.
 */
function awsStsHints(text: string): string[] {
  const hints: string[] = [];
  const expired = /expired|skew|not yet valid/.test(text);
  // AWS reports an expired signature as SignatureDoesNotMatch too: then the key is not the problem.
  if (!expired && /signaturedoesnotmatch|invalidclienttokenid|security token included/.test(text)) {
    hints.push(
      'AWS rejected the signed request: the secret access key does not match the access key ID, the key was ' +
        'deleted or deactivated, or temporary credentials are used without their session token.',
    );
  }
  if (expired) {
    hints.push(
      "The signed request is outside AWS's 15-minute window, or the credentials expired: check the runner's clock " +
        '(NTP) and that temporary credentials are fresh.',
    );
  }
  if (/subject_token_type|token type|not of type|aws provider|does not accept/.test(text)) {
    hints.push(
      'The provider is not of type AWS: create it with "gcloud iam workload-identity-pools providers create-aws", ' +
        'or point workload_identity_provider at your AWS provider.',
    );
  }
  if (/aws account|account id|account [0-9]{12}|not authorized for account/.test(text)) {
    hints.push(
      'The AWS account ID configured on the provider (--account-id) is not the account of these credentials: ' +
        'compare it with "aws sts get-caller-identity".',
    );
  }
  if (text.includes('attribute condition')) {
    hints.push(
      "The provider's attribute condition rejected this AWS identity: compare the condition with the role shown " +
        'below (e.g. attribute.aws_role must be the assumed-role ARN).',
    );
  }
  if (hints.length === 0) {
    hints.push(
      'For an AWS provider the usual causes are: the provider is not of type AWS; its AWS account ID is not the ' +
        "account of these credentials; its attribute condition rejects this role; the runner's clock is off by more " +
        'than 15 minutes.',
    );
  }
  return hints;
}

/**
 * The principalSet naming this AWS role (attribute.aws_role, from the default
 * AWS mapping): arn:aws:iam::ACCOUNT:role/NAME becomes
 * arn:aws:sts::ACCOUNT:assumed-role/NAME, the ARN GetCallerIdentity reports.
 */
function awsPrincipalSetFor(provider: string, claims: JwtClaims | undefined, iamHost: string): string {
  const pool = provider.replace(/\/providers\/[^/]+$/, '');
  const roleArn = typeof claims?.['aws_role_arn'] === 'string' ? claims['aws_role_arn'] : '';
  const match = /^arn:([\w-]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
  const assumedRole = match
    ? `arn:${match[1]}:sts::${match[2]}:assumed-role/${match[3]}`
    : 'arn:aws:sts::ACCOUNT_ID:assumed-role/ROLE_NAME';
  return `principalSet://${iamHost}/${pool}/attribute.aws_role/${assumedRole}`;
}

/** The gcloud command that lists a pool's providers, filled in from the provider name when known. */
function providersListCommand(provider: string | undefined): string {
  const match = /^projects\/(\d+)\/locations\/global\/workloadIdentityPools\/([^/]+)\//.exec(provider ?? '');
  const [, project = 'PROJECT_NUMBER', pool = 'POOL'] = match ?? [];
  return `gcloud iam workload-identity-pools providers list --location=global --workload-identity-pool=${pool} --project=${project}`;
}
