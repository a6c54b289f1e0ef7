/**
 * The two ways in behind one interface, so that `main.ts` never asks which
 * mode it is in: Workload Identity Federation (a subject token exchanged at
 * Google STS, federation.ts) and a service-account key (a JWT the key signs
 * itself, service-account-key.ts). `identity/index.ts` picks one.
 */
import type { IamCredentials } from '../google/iam-credentials.js';
import type { Token } from '../google/token.js';
import type { JwtClaims } from '../jwt.js';
import type { SourceEnvironment } from '../sources/subject-source.js';

/** A way in, started but not yet authenticated. */
export interface SignIn {
  /** How this step signs in, for the log and the job summary. */
  readonly method: string;
  /** What the credentials file holds: an external_account configuration, or the key itself. */
  credentialsFile(): Promise<unknown>;
  /** Stage 2: the subject credential exchanged (or the key used) for an identity. */
  authenticate(): Promise<Identity>;
  /** After `authenticate`: what later steps need so that the credentials file works for tools (values masked). */
  environmentForTools(): SourceEnvironment | undefined;
}

/** What stage 2 yields. */
export interface Identity {
  /** The bearer token of this identity (outputs.auth_token). */
  readonly authToken: Token;
  /** The IAM principal Google sees, for the summary. */
  readonly principal: string;
  /**
   * The identity's own access token, when it has one to give as
   * outputs.access_token (direct federation: the STS token itself). Absent
   * when the access token must be minted for a service account.
   */
  readonly ownAccessToken?: OwnAccessToken;
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
}
