/**
 * Types of the Google Cloud metadata server fake (gce-metadata.mjs), beside types.d.mts (see there).
 */
import type { FakeGoogle, FakeServer } from './types.mjs';

export interface FakeMetadataServerOptions {
  /** The fake Google whose IAM Credentials must accept the machine's tokens. */
  google: FakeGoogle;
  /** The machine's service account (default MACHINE_SERVICE_ACCOUNT, a Compute Engine default account). */
  serviceAccount?: string;
  /** Default runner-project. */
  projectId?: string;
  /** All digits, as gcloud expects (default 123456789012). */
  numericProjectId?: string;
  /** The VM's access scopes (default cloud-platform); setScopes() changes them. */
  scopes?: string[];
  /** expires_in of machine tokens (default 3599). */
  lifetimeSeconds?: number;
  /** Answer without Metadata-Flavor: Google (something that is not the metadata server). */
  omitFlavorHeader?: boolean;
}
export interface FakeMetadataServer extends FakeServer {
  serviceAccount: string;
  projectId: string;
  numericProjectId: string;
  /** Every ID token handed out (for leak checks). */
  issuedIdTokens: string[];
  /** 127.0.0.1:PORT: the value of GCE_METADATA_HOST / GCE_METADATA_ROOT. */
  host: string;
  /** GCE_METADATA_HOST for the action's environment. */
  env: { GCE_METADATA_HOST: string };
  setScopes(scopes: string[]): void;
  omitFlavor(omit: boolean): void;
}
