/**
 * Types of the Azure instance metadata fake (azure-imds.mjs), beside types.d.mts (see there).
 */
import type { KeyObject } from 'node:crypto';

import type { FakeServer, KeyPair, TlsOptions } from './types.mjs';

export interface AzureIdentity {
  name: string;
  /** The identity's client (application) ID: what azure_client_id names. */
  clientId: string;
  /** Its object (principal) ID: the token's sub and oid. */
  objectId: string;
  /** Its Azure resource ID: the token's xms_mirid. */
  resourceId: string;
}
export interface FakeAzureImdsOptions {
  tenantId?: string;
  /** The VM's system-assigned identity (one is made by default); null: none. */
  systemAssigned?: AzureIdentity | null;
  userAssigned?: AzureIdentity[];
  /** Application ID URIs Entra ID knows; others get AADSTS500011. More with addResource(). */
  resources?: string[];
  keyPair?: KeyPair;
  /** exp - iat, default 86400 (what IMDS hands out). */
  lifetimeSeconds?: number;
  now?: () => number;
  tls?: TlsOptions;
}
export interface FakeAzureImds extends FakeServer {
  tenantId: string;
  /** https://sts.windows.net/<tenant>/ */
  issuer: string;
  publicKey: KeyObject;
  systemAssigned: AzureIdentity | undefined;
  userAssigned: AzureIdentity[];
  /** Every token handed out so far (for leak checks). */
  issuedTokens: string[];
  /** AZURE_IMDS_TEST_ENDPOINT for the action's environment. */
  env: { AZURE_IMDS_TEST_ENDPOINT: string };
  addResource(resource: string): void;
}
