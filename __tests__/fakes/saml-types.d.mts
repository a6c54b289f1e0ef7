/** Types of saml.mjs: a fake SAML 2.0 identity provider for fake Google STS. */
import type { KeyObject } from 'node:crypto';

import type { KeyPair } from './types.mjs';

export interface SamlIdpOptions {
  /** Default https://idp.example.test/saml/metadata */
  issuer?: string;
  keyPair?: KeyPair;
}
export interface MintSamlOptions {
  /** The NameID (Google maps it to google.subject by default). */
  subject: string;
  /** https://iam.googleapis.com/<provider name> is what the verifier accepts. */
  audience: string;
  lifetimeSeconds?: number;
  /** Another issuer than the IdP's own (for issuer-mismatch tests). */
  issuer?: string;
  /** Sign with another key (for bad-signature tests). */
  privateKey?: KeyObject;
  now?: number;
}
export interface SamlIdp {
  issuer: string;
  publicKey: KeyObject;
  /** Every response minted so far (for leak checks). */
  issued: string[];
  /** A signed SAML response, base64-encoded as identity providers post it. */
  mintResponse(options: MintSamlOptions): string;
  /** The `verifySamlAssertion` of a provider that trusts this IdP; returns { subject, issuer, audience }. */
  verifier(): (token: string, provider: { name: string }) => Record<string, string>;
}
