/**
 * What the `file` and `url` sources share once they have the text: a token
 * that another issuer made (a Kubernetes projected service-account token, a
 * re-signer's JWT, an identity provider's SAML response), which this action
 * passes on as it is. This base class masks it, reads what it may show
 * (JWT claims, or the issuer and subject of a SAML assertion), names the
 * principal Google sees, and gives the hints for Google STS refusing it. None
 * of them assumes GitHub: the issuer may be anything.
 */
import { decodeJwtClaims, type JwtClaims } from '../../jwt.js';
import { type Log, maskSecret } from '../../log.js';
import type { HintRule, SourceContext, SourceFacts, SubjectSource, SubjectToken } from '../subject-source.js';
import { SUBJECT_TOKEN_TYPES } from './token-type.js';

/**
 * Claims shown when Google refuses the token; none is secret. `kubernetes.io`
 * names the namespace, service account and pod of a projected token; the
 * saml_* entries are read from a SAML assertion (see samlClaims).
 */
export const DIAGNOSTIC_CLAIMS = [
  'sub',
  'aud',
  'iss',
  'azp',
  'iat',
  'exp',
  'kubernetes.io',
  'saml_issuer',
  'saml_subject',
  'saml_audience',
] as const;

export abstract class ExternalTokenSource implements SubjectSource {
  readonly facts: SourceFacts;
  protected readonly log: Log;

  constructor(
    name: string,
    readonly subjectTokenType: string,
    context: SourceContext,
    /** Hints for failures of what the source itself reads (the token URL). */
    serviceHints: readonly HintRule[] = [],
  ) {
    this.log = context.log;
    this.facts = externalTokenFacts(name, subjectTokenType, serviceHints);
  }

  abstract credentialSource(): Promise<Record<string, unknown>>;

  /** The token as read, already trimmed and checked by tokenFrom(). */
  protected abstract readToken(): Promise<string>;

  async subjectToken(): Promise<SubjectToken> {
    const token = await this.readToken();
    maskSecret(token);
    const claims =
      this.subjectTokenType === SUBJECT_TOKEN_TYPES.saml2 ? samlClaims(token) : (decodeJwtClaims(token) ?? {});
    const shown = DIAGNOSTIC_CLAIMS.filter((name) => claims[name] !== undefined)
      .map((name) => `${name}=${JSON.stringify(claims[name])}`)
      .join(' ');
    this.log.debug(`${this.facts.name}: token claims: ${shown || '(none readable)'}`);
    return { token, claims };
  }
}

/** Principals and hints for a token of an issuer that may be anything, as data (diagnose.ts applies them). */
function externalTokenFacts(name: string, subjectTokenType: string, service: readonly HintRule[]): SourceFacts {
  // google.subject = assertion.sub (or the SAML NameID): the mapping providers for other issuers usually have;
  // the member is the principal of this very subject: no attribute mapping can be assumed for an unknown issuer.
  const subject = { subject: ['sub', 'saml_subject'], placeholder: 'SUBJECT' } as const;
  return {
    name,
    diagnosticClaims: DIAGNOSTIC_CLAIMS,
    principal: subject,
    member: subject,
    hints: {
      audience: ({ claims, provider }) =>
        `The token's audience${claims?.['aud'] !== undefined ? ` (${JSON.stringify(claims['aud'])})` : ''} is not one ` +
        `the provider accepts: by default "https://${provider.iamHost}/${provider.name}", else its ` +
        '--allowed-audiences. Have the issuer mint the token for that audience (for a Kubernetes projected token, ' +
        'the serviceAccountToken "audience").',
      rules: [
        {
          when: ({ text }) => /subject_token_type|parse|saml|malformed/.test(text),
          hint: () =>
            `Google could not read the token as ${subjectTokenType}. subject_token_type must match the provider: ` +
            'jwt (or id_token) for an OIDC provider, saml2 for a SAML provider (the base64 SAML response, as the ' +
            'identity provider returns it); check that subject_token_format/subject_token_field pick the token itself.',
        },
        {
          when: ({ text }) => text.includes('issuer'),
          hint: ({ claims }) =>
            `The token's issuer${claims?.['iss'] !== undefined ? ` (${JSON.stringify(claims['iss'])})` : ''} must be ` +
            "the provider's --issuer-uri exactly (for Kubernetes: kubectl get --raw /.well-known/openid-configuration).",
        },
        {
          when: ({ text }) => text.includes('signature') || text.includes('jwk'),
          hint: () =>
            "Google could not verify the token's signature: the issuer must publish its keys at a public " +
            'jwks_uri, or give them to the provider with --jwk-json-path (private clusters); update them after a ' +
            'key rotation.',
        },
      ],
      attributeCondition:
        "The provider's attribute condition rejected this token. Compare the condition " +
        '(gcloud iam workload-identity-pools providers describe ...) with the claims shown below.',
      expired:
        "The token is expired or not yet valid: check the runner's clock, and that whatever writes or serves the " +
        'token refreshes it (the action reads it once, when the step starts).',
      service,
    },
  };
}

/**
 * The issuer, subject (NameID) and audience of a base64 SAML response, for
 * diagnostics only: read with patterns rather than an XML parser, and never
 * trusted (Google verifies the signature). Empty when it is not SAML.
 */
export function samlClaims(token: string): JwtClaims {
  // Node decodes what it can and never throws: text that is not base64 simply matches nothing below.
  const xml = Buffer.from(token, 'base64').toString('utf8');
  const text = (element: string): string | undefined => {
    const match = new RegExp(`<(?:[\\w-]+:)?${element}\\b[^>]*>([^<]{1,512})</(?:[\\w-]+:)?${element}>`).exec(xml);
    return match?.[1]?.trim() || undefined;
  };
  const claims: JwtClaims = {};
  const issuer = text('Issuer');
  const subject = text('NameID');
  const audience = text('Audience');
  if (issuer) claims['saml_issuer'] = issuer;
  if (subject) claims['saml_subject'] = subject;
  if (audience) claims['saml_audience'] = audience;
  return claims;
}
