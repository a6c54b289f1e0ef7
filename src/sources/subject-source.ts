/**
 * The subject source contract. A subject source is where the token that
 * Google STS exchanges comes from: GitHub's OIDC token, a signed AWS
 * request, ... A source is defined in one call, `defineSource`, in two halves:
 *
 *  - the definition, loaded on every run and so kept small: the value of
 *    `subject_token_source` that selects it, the inputs only it reads, and
 *    `parse`, which validates them into typed options (ConfigError);
 *  - `load`, the run-time half, imported on first use (so a run of another
 *    source never loads it): builds the `SubjectSource` from the options.
 *
 * A `SubjectSource` implements only what no one else can know: its token
 * now, its `credential_source` for tools that exchange later, and the
 * variables tools need. The rest it describes as data (`SourceFacts`): its
 * name, the claims it may show, how its principal and member are formed,
 * and its hints, whose shared rules src/diagnose.ts owns.
 *
 * Adding a source is one new module plus one line in `sources/index.ts`.
 */
import type { InputReader } from '../inputs.js';
import type { ServiceError } from '../errors.js';
import type { Http } from '../http.js';
import type { JwtClaims } from '../jwt.js';
import type { Log } from '../log.js';
import type { ProviderName } from '../provider-name.js';

/** What a source's author writes: `defineSource({ kind, inputs, parse, load })`. */
export interface SourceSpec<Options> {
  /** The `subject_token_source` value that selects this source. */
  readonly kind: string;
  /** Inputs only this source reads; setting one while another source is selected is an error. */
  readonly inputs: readonly string[];
  /** Parses and validates this source's inputs; throws ConfigError. */
  parse(get: InputReader, provider: ProviderName): Options;
  /** The run-time half, loaded on first use: `async () => (await import('./x-source.js')).createXSource`. */
  load(): Promise<CreateSource<Options>>;
  /**
   * Origins the source will call after its first request, known from the
   * options alone: connections/preconnect opens them early (AWS: STS for
   * AssumeRole). Never throws; unknown means none.
   */
  laterOrigins?(options: Options, env: NodeJS.ProcessEnv): string[];
}

/** The one constructor shape of every source: its options, and what the run gives it. */
export type CreateSource<Options> = (options: Options, context: SourceContext) => SubjectSource;

/** A source as the list in sources/index.ts holds it; `parse` stays typed for its tests. */
export interface SourceDefinition<Options = unknown> {
  readonly kind: string;
  readonly inputs: readonly string[];
  parse(get: InputReader, provider: ProviderName): Options;
  /** The inputs parsed: a plan config.ts holds until the step runs it. */
  plan(get: InputReader, provider: ProviderName): SourcePlan;
}

/** A source with its validated inputs, ready to be started once the step runs. */
export interface SourcePlan {
  /** The source's `kind`, as its definition wrote it (which source config.ts selected). */
  readonly kind: string;
  start(context: SourceContext): Promise<SubjectSource>;
  laterOrigins?(env: NodeJS.ProcessEnv): string[];
}

export function defineSource<Options>(spec: SourceSpec<Options>): SourceDefinition<Options> {
  const { kind, inputs, parse, load, laterOrigins } = spec;
  return {
    kind,
    inputs,
    parse,
    plan(get, provider) {
      const options = parse(get, provider);
      return {
        kind,
        start: async (context) => (await load())(options, context),
        ...(laterOrigins ? { laterOrigins: (env: NodeJS.ProcessEnv) => laterOrigins(options, env) } : {}),
      };
    },
  };
}

/** What a source may use at run time. */
export interface SourceContext {
  provider: ProviderName;
  env: NodeJS.ProcessEnv;
  http: Http;
  log: Log;
  /** The service account the step impersonates (and the credentials file names), if any. */
  serviceAccount?: string;
  /** The clock (tests set it). */
  now?: () => Date;
}

export interface SubjectToken {
  /** The token itself (secret: already masked when returned). */
  token: string;
  /** Facts about the identity (JWT claims, or what the source reports); only `diagnosticClaims` are ever shown. */
  claims: JwtClaims;
}

/** What only the source can do. */
export interface SubjectSource {
  /** What the source is, as data: read by federation (its name) and diagnose.ts (the rest). */
  readonly facts: SourceFacts;
  /** `subject_token_type` for STS and the credentials file. */
  readonly subjectTokenType: string;
  /** A fresh subject token for the direct exchange. */
  subjectToken(): Promise<SubjectToken>;
  /** The `credential_source` object of an external_account credentials file. */
  credentialSource(): Promise<Record<string, unknown>>;
  /**
   * After `subjectToken`: variables later steps need so that tools reading
   * the credentials file can get a subject token themselves (e.g. AWS
   * credentials they could not find on their own). Values are already masked.
   */
  environmentForTools?(): SourceEnvironment | undefined;
}

/** A source described as data. */
export interface SourceFacts {
  /** "GitHub OIDC", "AWS": names the stage in logs and errors (and is the `service` of its own requests). */
  readonly name: string;
  /** The claims that may be shown, in order, when Google rejects the token (none of them secret). */
  readonly diagnosticClaims: readonly string[];
  /** How the principal Google sees is formed from the claims (for the summary). */
  readonly principal: PrincipalRule;
  /** The member to grant roles/iam.workloadIdentityUser on a service account (for the hint when it is missing). */
  readonly member: PrincipalRule;
  readonly hints: SourceHints;
}

/**
 * A principal formed from the claims, under the provider's usual mapping:
 *  - `subject`: google.subject is the first of `claims` present:
 *    principal://.../subject/<value>;
 *  - `attribute`: an attribute the usual mapping sets:
 *    principalSet://.../attribute.<attribute>/<value>.
 * `placeholder` stands in for a value the claims do not have (in a hint's
 * command); the summary then names the pool instead.
 */
export type PrincipalRule =
  | { readonly subject: readonly string[]; readonly placeholder: string }
  | {
      readonly attribute: string;
      readonly value: (claims: JwtClaims | undefined) => string | undefined;
      readonly placeholder: string;
    };

/** What a hint rule sees. `text` is the service's message, lower-cased. */
export interface HintContext {
  readonly err: ServiceError;
  readonly text: string;
  readonly claims: JwtClaims | undefined;
  readonly provider: ProviderName;
}

/** One hint of a source's own: when it applies, and what it says. */
export interface HintRule {
  readonly when: (ctx: HintContext) => boolean;
  readonly hint: (ctx: HintContext) => string;
}

/**
 * A source's hints as data. Google STS refusing the token: diagnose.ts
 * checks the shared rules (audience, attribute condition, expired token)
 * and asks the source only for its words, around its own `rules`; failures
 * of the services the source itself calls go to `service`.
 */
export interface SourceHints {
  /** The token's audience is not one the provider accepts: what was asked for, and how to change it. */
  readonly audience?: (ctx: HintContext) => string;
  /** Rules of this source only, for Google STS refusing its token (after the audience rule). */
  readonly rules?: readonly HintRule[];
  /** The provider's attribute condition refused the token: what to compare it with. */
  readonly attributeCondition: string;
  /** The token is expired or not yet valid (absent: the source's own rules say it). */
  readonly expired?: string;
  /** When no rule applied (and no other hint of diagnose.ts did): the usual causes for this kind of provider. */
  readonly usualCauses?: (ctx: HintContext) => string;
  /** Failures of the services the source itself calls (their `service` is the source's name). */
  readonly service?: readonly HintRule[];
}

export interface SourceEnvironment {
  variables: Record<string, string>;
  /** What was exported and why (and until when it works), for the log. */
  note: string;
  /** A shorter line for the job summary, when the user should see it there too. */
  summary?: string;
}
