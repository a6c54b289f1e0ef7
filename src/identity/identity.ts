/**
 * The three ways in behind one interface, so that `main.ts` never asks which
 * mode it is in: Workload Identity Federation (a subject token exchanged at
 * Google STS, federation.ts), a service-account key (a JWT the key signs
 * itself, service-account-key.ts) and the metadata server of a runner on
 * Google Cloud (the machine's own token, metadata-server.ts).
 * `identity/index.ts` picks one.
 */
import type { Diagnosis } from '../diagnose.js';
import type { IamCredentials } from '../google/iam-credentials.js';
import type { Token } from '../google/token.js';
import type { JwtClaims } from '../jwt.js';
import type { SourceEnvironment } from '../sources/subject-source.js';

/** A way in, started but not yet authenticated. */
export interface SignIn {
  /** How this step signs in, for the log and the job summary. */
  readonly method: string;
  /**
   * What the credentials file holds: an external_account configuration, or
   * the key itself. Absent when this way in needs none (the metadata server:
   * tools ask it themselves; config.ts then plans no file).
   */
  credentialsFile?(): Promise<unknown>;
  /**
   * The project this way in found out itself (the metadata server's), used
   * when project_id is not set. Known before `authenticate`, so that the
   * project is exported even if a later stage fails.
   */
  readonly project?: string;
  /** What diagnose.ts needs if a stage fails before `authenticate` returns (the source, the machine's account). */
  readonly diagnosis?: Diagnosis;
  /**
   * Stage 2: the subject credential exchanged (or the key used) for an
   * identity. A failure that needs what this stage learned (the claims
   * Google saw) is thrown as a DiagnosedError that carries it.
   */
  authenticate(): Promise<Identity>;
  /**
   * After `authenticate`: what later steps need so that tools use this
   * sign-in (for the credentials file, or the metadata server's
   * impersonation variables; values masked).
   */
  environmentForTools(): SourceEnvironment | undefined;
}

/** What stage 2 yields. */
export interface Identity {
  /** The bearer token of this identity (outputs.auth_token). */
  readonly authToken: Token;
  /** The IAM principal Google sees, for the summary. */
  readonly principal: string;
  /** What diagnose.ts needs if a later stage (the tokens) fails: the source and the claims Google saw. */
  readonly diagnosis?: Diagnosis;
  /**
   * The identity's own access token, when it has one to give as
   * outputs.access_token (direct federation: the STS token itself). Absent
   * when the access token must be minted for a service account.
   */
  readonly ownAccessToken?: OwnAccessToken;
  /**
   * An ID token of the identity itself, when it can have one without a
   * service account to impersonate (the machine's, from the metadata server).
   * Federated identities have none: Google issues their ID tokens only
   * through IAM Credentials, as a service account.
   */
  ownIdToken?(audience: string, includeEmail: boolean): Promise<string>;
  /** IAM Credentials, called as this identity. */
  readonly iam: IamCredentials;
  /** Signs a JWT as `serviceAccount` (domain-wide delegation). */
  signJwt(serviceAccount: string, claims: JwtClaims): Promise<string>;
}

/** An access token an identity holds itself, and what its user must know about it. */
export interface OwnAccessToken {
  readonly token: Token;
  /** Whose token it is and where it may be refused: for the log, the job summary and the README. */
  readonly caveat: string;
  /** The warning to give when access_token_lifetime or access_token_scopes ask for what this token cannot follow. */
  ignoredInputs(requested: { lifetime: boolean; scopes: boolean }): string | undefined;
}
