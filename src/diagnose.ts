/**
 * Turns a failure into the one message the user reads: which stage failed,
 * what the service said, and what most likely fixes it. Only non-secret facts
 * go in: claims of the OIDC token, resource names, never a token.
 */
import type { Config } from './config.js';
import {
  ConfigError,
  EnvironmentError,
  isCertificateRejection,
  messageOf,
  ServiceError,
  StageError,
} from './errors.js';
import { IAM_SERVICE } from './google/iam-credentials.js';
import { OAUTH2_SERVICE } from './google/oauth2.js';
import { STS_SERVICE } from './google/sts.js';
import { claimsLine, type JwtClaims } from './jwt.js';
import { machineAccountHints } from './identity/metadata-server-hints.js';
import { principalOf, principalSetOf, type ProviderName, providersListCommand } from './provider-name.js';
import type { HintContext, PrincipalRule, SourceFacts } from './sources/subject-source.js';

/** What the stage that failed knew: returned by the sign-in (see identity/), never filled in behind its back. */
export interface Diagnosis {
  /** The subject source, once started: its claims, principals and hints, as data. */
  source?: SourceFacts;
  /** Claims of the subject token that Google STS saw, when there was one. */
  claims?: JwtClaims;
  /** The principal that calls IAM Credentials, when known before any exchange (the metadata server's account). */
  principal?: string;
}

export interface FailureContext extends Diagnosis {
  config?: Config;
}

/**
 * A failure of a later stage, with what that stage knew (the source, the
 * claims Google saw): thrown by the sign-in so that diagnosis gets its
 * context with the error rather than from a shared object.
 */
export class DiagnosedError extends Error {
  override readonly name = 'DiagnosedError';

  constructor(
    readonly failure: unknown,
    readonly diagnosis: Diagnosis,
  ) {
    super(messageOf(failure), { cause: failure });
  }
}

export function describeFailure(err: unknown, context: FailureContext): string {
  if (err instanceof DiagnosedError) return describeFailure(err.failure, { ...context, ...err.diagnosis });
  if (err instanceof ConfigError) return `Invalid input: ${err.message}`;
  if (err instanceof EnvironmentError) return err.message;
  if (err instanceof StageError) {
    const first = err.service === undefined ? err.message : `${stageName(err.service)} failed: ${err.message}`;
    return [first, ...err.hints.map((hint) => `Hint: ${hint}`)].join('\n');
  }
  if (!(err instanceof ServiceError)) return `Unexpected error: ${messageOf(err)}`;

  const hints = hintsFor(err, context);
  const lines = [`${stageName(err.service)} failed: ${err.message}`];
  if (hints.length > 0) lines.push(...hints.map((hint) => `Hint: ${hint}`));
  const { source, claims } = context;
  if (err.service === STS_SERVICE && source && claims) {
    const shown = claimsLine(claims, source.diagnosticClaims);
    if (shown) lines.push(`Token sent by ${source.name}: ${shown}`);
  }
  return lines.join('\n');
}

/** Where the workflow may have set each Google endpoint: its input, or the variable of the action we replace. */
const ENDPOINT_SETTINGS: Record<string, string> = {
  [STS_SERVICE]: 'sts_endpoint (or GHA_ENDPOINT_OVERRIDE_sts)',
  [IAM_SERVICE]: 'iamcredentials_endpoint (or GHA_ENDPOINT_OVERRIDE_iamcredentials)',
  [OAUTH2_SERVICE]: 'oauth2_endpoint (or GHA_ENDPOINT_OVERRIDE_oauth2)',
};

function stageName(service: string): string {
  switch (service) {
    case STS_SERVICE:
      return 'Exchanging the subject token at Google STS';
    case IAM_SERVICE:
      return 'Creating a token for the service account (IAM Credentials)';
    case OAUTH2_SERVICE:
      return 'Domain-wide delegation (OAuth2)';
    default:
      return service;
  }
}

function hintsFor(err: ServiceError, { config, source, claims, principal }: FailureContext): string[] {
  const text = err.serviceMessage.toLowerCase();
  const auth = config?.auth.kind === 'workload_identity' ? config.auth : undefined;
  const hints: string[] = [];
  const ctx = auth ? hintContext(err, auth.provider, claims) : undefined;

  if (err.status === undefined) {
    // A service the source itself calls (a token URL, instance metadata):
    // the source knows better than the generic endpoint advice.
    const own = source && ctx && err.service === source.name ? serviceHints(source, ctx) : [];
    if (own.length > 0) return own;
    // Only a Google service's own endpoint setting is worth checking (GitHub's URL is the runner's).
    return [unreachableHint(err, ENDPOINT_SETTINGS[err.service])];
  }

  // A provider Google does not know: the token was never looked at, so no
  // hint about it (its audience, its claims) applies, and the provider is
  // the one thing to fix.
  if (isUnknownProvider(err)) {
    return [
      `Google does not know the provider "${auth?.provider.name ?? '?'}" or it is disabled. Check the project NUMBER, ` +
        `the pool and provider IDs (${providersListCommand(auth?.provider)}), and that the pool is not deleted ` +
        'or disabled.',
    ];
  }

  // What only the subject source knows: why Google refused its token, and
  // failures of the services the source itself calls.
  if (source && ctx) hints.push(...hintsOfSource(source, ctx));
  if (err.service === STS_SERVICE && TOO_LONG_ATTRIBUTE.test(text)) {
    hints.push('A mapped attribute exceeds 127 bytes: shorten it in the attribute mapping.');
  }

  if (err.service === IAM_SERVICE) {
    const sa = config?.serviceAccount ?? '<SERVICE_ACCOUNT>';
    if (config?.auth.kind === 'metadata_server') hints.push(...machineAccountHints(err, sa, principal));
    if (err.status === 403) {
      if (auth && source) {
        hints.push(
          `The federated identity may not impersonate ${sa}. Grant it with:\n` +
            `  gcloud iam service-accounts add-iam-policy-binding "${sa}" ` +
            `--role="roles/iam.workloadIdentityUser" --member="${memberOf(source.member, auth.provider, claims)}"\n` +
            '  IAM changes can take up to 5 minutes to propagate. Google answers the same 403 when the service ' +
            'account does not exist: check its email too.',
        );
      } else if (config?.auth.kind === 'service_account_key') {
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
    if (err.status === 404) {
      hints.push(`The service account ${sa} does not exist, or its project is wrong: check the email for typos.`);
    }
    if (err.status === 400 && /\blifetime\b/.test(text)) {
      hints.push(
        'Lifetimes over 1h need the constraints/iam.allowServiceAccountCredentialLifetimeExtension org policy.',
      );
    }
    if (config?.checkImpersonation && err.status !== undefined && err.status < 500) {
      hints.push(
        `No token was asked for: this step tried to impersonate ${sa} as the tools reading the credentials file ` +
          'will, so that they do not fail later (verify_service_account: false skips this check).',
      );
    }
  }

  if (err.service === OAUTH2_SERVICE && err.status !== undefined && err.status < 500) {
    hints.push(
      "Domain-wide delegation is refused: the service account's client ID must be allowed in the Workspace admin " +
        'console for these scopes, and access_token_subject must be a user of that domain.',
    );
  }
  return hints;
}

/**
 * Google STS's answer for a pool or provider that does not exist or is
 * disabled: `invalid_target`, "The target service indicated by the "audience"
 * parameters is invalid. This might either be because the pool or provider is
 * disabled or deleted or because it doesn't exist." Matched by its reason
 * (the words "audience" and "not exist" alone also appear in other answers).
 */
export function isUnknownProvider(err: ServiceError): boolean {
  return err.service === STS_SERVICE && err.reason === 'invalid_target';
}

/** No answer came: a refused certificate, or nothing listening (with the endpoint setting to check, if any). */
function unreachableHint(err: ServiceError, setting: string | undefined): string {
  return isCertificateRejection(err.serviceMessage)
    ? "The server's TLS certificate was not trusted. Behind a TLS-inspecting proxy, give this step the proxy's CA " +
        "with env NODE_EXTRA_CA_CERTS: /path/to/ca.pem, or NODE_OPTIONS: --use-system-ca to trust the runner's " +
        'certificate store. ERR_TLS_CERT_ALTNAME_INVALID means the certificate is for another host' +
        (setting ? `: check ${setting}` : '') +
        ". CERT_HAS_EXPIRED / CERT_NOT_YET_VALID: check the runner's clock."
    : "The service could not be reached. Check the runner's network and HTTPS_PROXY/NO_PROXY" +
        (setting ? `, and ${setting} if the workflow sets it (a refused connection there is usually a typo)` : '') +
        '.';
}

/** Google STS: "... exceeds the 127 bytes limit" for a mapped attribute. */
const TOO_LONG_ATTRIBUTE = /exceeds the 127 bytes? limit/;
/**
 * Google STS's words for a token whose audience the provider does not take:
 * "The audience in ID Token [...] does not match the expected audience".
 * Other answers say "audience" about the provider's name (invalid_target,
 * invalid_request "Invalid value for "audience""), which no audience of the
 * token changes.
 */
const AUDIENCE_REFUSED = (ctx: HintContext): boolean =>
  /audience in id token|expected audience/.test(ctx.text) && ctx.err.reason !== 'invalid_target';
/** The provider's attribute condition refused the token. */
const CONDITION_REFUSED = (ctx: HintContext): boolean => ctx.text.includes('attribute condition');
/** A token past its lifetime, or not yet valid: "ID Token issued at N is stale to sign-in", "Token expired". */
const EXPIRED = /stale|expired|exp\b|issued at|not yet valid/;

/** Why Google STS refused a source's token: the shared rules here, in the source's words, around its own rules. */
function tokenHints(source: SourceFacts, ctx: HintContext): string[] {
  const { hints } = source;
  const found: string[] = [];
  if (hints.audience && AUDIENCE_REFUSED(ctx)) found.push(hints.audience(ctx));
  for (const rule of hints.rules ?? []) if (rule.when(ctx)) found.push(rule.hint(ctx));
  if (CONDITION_REFUSED(ctx)) found.push(hints.attributeCondition);
  if (hints.expired && EXPIRED.test(ctx.text)) found.push(hints.expired);
  return found;
}

/**
 * A source's hints for this failure: Google STS refusing its token (the
 * shared rules in its words, its own rules, else its usual causes), or a
 * failure of a service it calls itself.
 */
export function hintsOfSource(source: SourceFacts, ctx: HintContext): string[] {
  if (ctx.err.service === source.name) return serviceHints(source, ctx);
  if (ctx.err.service !== STS_SERVICE) return [];
  const found = tokenHints(source, ctx);
  const usual = source.hints.usualCauses;
  if (found.length === 0 && usual && !TOO_LONG_ATTRIBUTE.test(ctx.text)) found.push(usual(ctx));
  return found;
}

/** The context hint rules see, for `err`. */
export function hintContext(err: ServiceError, provider: ProviderName, claims?: JwtClaims): HintContext {
  return { err, text: err.serviceMessage.toLowerCase(), claims, provider };
}

/** Failures of a service the source itself calls. */
function serviceHints(source: SourceFacts, ctx: HintContext): string[] {
  return (source.hints.service ?? []).filter((rule) => rule.when(ctx)).map((rule) => rule.hint(ctx));
}

/** The principal Google sees for these claims, for the summary. */
export function principalFor(rule: PrincipalRule, provider: ProviderName, claims: JwtClaims | undefined): string {
  const value = valueOf(rule, claims);
  if (value === undefined) return `a principal of principalSet://${provider.iamHost}/${provider.poolName}`;
  return 'subject' in rule
    ? principalOf(provider, value)
    : `a principal of ${principalSetOf(provider, rule.attribute, value)}`;
}

/** The member to grant a role, with the rule's placeholder where the claims lack the value. */
export function memberOf(rule: PrincipalRule, provider: ProviderName, claims: JwtClaims | undefined): string {
  const value = valueOf(rule, claims) ?? rule.placeholder;
  return 'subject' in rule ? principalOf(provider, value) : principalSetOf(provider, rule.attribute, value);
}

function valueOf(rule: PrincipalRule, claims: JwtClaims | undefined): string | undefined {
  if (!('subject' in rule)) return rule.value(claims);
  const found = rule.subject.map((name) => claims?.[name]).find((v) => typeof v === 'string' && v !== '');
  return typeof found === 'string' ? found : undefined;
}
