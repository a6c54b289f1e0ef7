/**
 * A subject source is where the token that Google STS exchanges comes from:
 * GitHub's OIDC token, a signed AWS request, ... Each source is one module
 * that owns everything about itself, in two halves:
 *
 *  - a `SourceDefinition`, loaded on every run and so kept small: the value of
 *    `subject_token_source` that selects it, the inputs only it reads, and how
 *    to parse and validate them (with its own error messages);
 *  - a `SubjectSource`, built at run time from the parsed inputs (a source may
 *    load its code lazily, as AWS does): the subject token now, the
 *    `credential_source` for tools that exchange later, the claims it can
 *    show, the principal Google sees, its hints when Google refuses it, and
 *    what it exports for tools.
 *
 * Adding a source is one new module plus one line in `sources/index.ts`.
 */
import type { InputReader } from '../inputs.js';
import type { ServiceError } from '../errors.js';
import type { Http } from '../http.js';
import type { JwtClaims } from '../jwt.js';
import type { Log } from '../log.js';
import type { ProviderName } from '../provider-name.js';

export interface SourceDefinition {
  /** The `subject_token_source` value that selects this source. */
  readonly kind: string;
  /** Inputs only this source reads; setting one while another source is selected is an error. */
  readonly inputs: readonly string[];
  /** Parses and validates this source's inputs; throws ConfigError. */
  readInputs(get: InputReader, provider: ProviderName): SourcePlan;
}

/** A source with its validated inputs, ready to be started once the step runs. */
export interface SourcePlan<Options = unknown> {
  readonly kind: string;
  /** The parsed inputs (for tests and the debug log; the source itself closes over them). */
  readonly options: Options;
  start(context: SourceContext): Promise<SubjectSource>;
  /**
   * Origins the source will call after its first request, known from the
   * inputs alone: connections/preconnect opens them early (AWS: STS for
   * AssumeRole). Never throws; unknown means none.
   */
  laterOrigins?(env: NodeJS.ProcessEnv): string[];
}

/** What a source may use at run time. */
export interface SourceContext {
  provider: ProviderName;
  env: NodeJS.ProcessEnv;
  http: Http;
  log: Log;
  /** The service account the step impersonates (and the credentials file names), if any. */
  serviceAccount?: string;
}

export interface SubjectToken {
  /** The token itself (secret: already masked when returned). */
  token: string;
  /** Facts about the identity (JWT claims, or what the source reports); only `diagnosticClaims` are ever shown. */
  claims: JwtClaims;
}

export interface SubjectSource {
  /** "GitHub OIDC", "AWS": names the stage in logs and errors. */
  readonly name: string;
  /** `subject_token_type` for STS and the credentials file. */
  readonly subjectTokenType: string;
  /** The claims that may be shown, in order, when Google rejects the token (none of them secret). */
  readonly diagnosticClaims: readonly string[];
  /** The `credential_source` object of an external_account credentials file. */
  credentialSource(): Promise<Record<string, unknown>>;
  /** A fresh subject token for the direct exchange. */
  subjectToken(): Promise<SubjectToken>;
  /** The principal Google sees for these claims, under the provider's usual attribute mapping; for the summary. */
  principal(claims: JwtClaims): string;
  /** The member to grant roles/iam.workloadIdentityUser on a service account, for the hint when that is missing. */
  impersonationMember(claims: JwtClaims | undefined): string;
  /**
   * Hints of this source's own: for Google STS rejecting its token, and for
   * failures of the services the source itself calls.
   */
  hints(err: ServiceError, claims: JwtClaims | undefined): string[];
  /**
   * After `subjectToken`: variables later steps need so that tools reading
   * the credentials file can get a subject token themselves (e.g. AWS
   * credentials they could not find on their own). Values are already masked.
   */
  environmentForTools?(): SourceEnvironment | undefined;
}

export interface SourceEnvironment {
  variables: Record<string, string>;
  /** What was exported and why (and until when it works), for the log. */
  note: string;
  /** A shorter line for the job summary, when the user should see it there too. */
  summary?: string;
}
