/**
 * A subject source produces the token Google STS exchanges for a federated
 * token, and describes itself for the credentials file so that tools can do
 * the same exchange later on their own. GitHub OIDC is one; AWS is another.
 * Adding a source means one new module plus a line in `sources/index.ts`.
 */
import type { JwtClaims } from '../jwt.js';

export interface SubjectToken {
  /** The token itself (secret: already masked when returned). */
  token: string;
  /** Non-secret facts about the identity, shown when Google rejects it. */
  claims: JwtClaims;
}

export interface SubjectSource {
  /** "GitHub OIDC", "AWS": names the stage in logs and errors. */
  readonly name: string;
  /** `subject_token_type` for STS and the credentials file. */
  readonly subjectTokenType: string;
  /** The `credential_source` object of an external_account credentials file. */
  credentialSource(): Promise<Record<string, unknown>>;
  /** A fresh subject token for the direct exchange. */
  subjectToken(): Promise<SubjectToken>;
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
}
