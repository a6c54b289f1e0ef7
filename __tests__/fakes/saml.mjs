// @ts-check
/**
 * A fake SAML 2.0 identity provider for fake Google STS (shapes in
 * saml-types.d.mts): it issues base64 SAML responses, and `verifier()` is the
 * `verifySamlAssertion` of a provider that trusts it.
 *
 * Simplified on purpose: the signature is RSA-SHA256 over the exact text of
 * the <saml:Assertion> element, not XML-DSig with canonicalisation. What the
 * action is tested for does not depend on that: it must pass the response on
 * untouched (no JWT decoding, no re-encoding), with subject_token_type saml2.
 */
import crypto from 'node:crypto';
import { getKeyPair } from './jwt.mjs';

/** @typedef {import('./saml-types.mjs').SamlIdpOptions} SamlIdpOptions */
/** @typedef {import('./saml-types.mjs').SamlIdp} SamlIdp */
/** @typedef {import('./saml-types.mjs').MintSamlOptions} MintSamlOptions */

const SAML_NS = 'urn:oasis:names:tc:SAML:2.0:assertion';

/**
 * @param {SamlIdpOptions} [options]
 * @returns {SamlIdp}
 */
export function createSamlIdp(options = {}) {
  const issuer = options.issuer ?? 'https://idp.example.test/saml/metadata';
  const keyPair = options.keyPair ?? getKeyPair('saml-idp');
  /** @type {string[]} */
  const issued = [];

  /** @param {MintSamlOptions} mint */
  function mintResponse(mint) {
    const now = mint.now ?? Date.now();
    const iso = (/** @type {number} */ ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const assertion =
      `<saml:Assertion xmlns:saml="${SAML_NS}" ID="_${crypto.randomUUID()}" Version="2.0" IssueInstant="${iso(now)}">` +
      `<saml:Issuer>${mint.issuer ?? issuer}</saml:Issuer>` +
      `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified">${mint.subject}</saml:NameID></saml:Subject>` +
      `<saml:Conditions NotBefore="${iso(now - 60_000)}" NotOnOrAfter="${iso(now + (mint.lifetimeSeconds ?? 300) * 1000)}">` +
      `<saml:AudienceRestriction><saml:Audience>${mint.audience}</saml:Audience></saml:AudienceRestriction>` +
      '</saml:Conditions></saml:Assertion>';
    const signature = crypto.sign('sha256', Buffer.from(assertion), mint.privateKey ?? keyPair.privateKey);
    const response =
      '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" Version="2.0">' +
      `${assertion}<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignatureValue>` +
      `${signature.toString('base64')}</ds:SignatureValue></ds:Signature></samlp:Response>`;
    const encoded = Buffer.from(response).toString('base64');
    issued.push(encoded);
    return encoded;
  }

  /**
   * @param {string} token
   * @param {{ name: string }} provider
   */
  function verify(token, provider) {
    /** @param {string} message */
    const refuse = (message) => Object.assign(new Error(message), { error: 'invalid_grant' });
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(token)) throw refuse('Unable to parse the SAML response: not base64.');
    const xml = Buffer.from(token, 'base64').toString('utf8');
    const assertion = /<saml:Assertion\b[\s\S]*?<\/saml:Assertion>/.exec(xml)?.[0];
    const signature = /<ds:SignatureValue>([^<]+)<\/ds:SignatureValue>/.exec(xml)?.[1];
    if (!assertion || !signature) throw refuse('Unable to parse the SAML response: no signed assertion.');
    if (!crypto.verify('sha256', Buffer.from(assertion), keyPair.publicKey, Buffer.from(signature, 'base64'))) {
      throw refuse('The SAML assertion signature is invalid.');
    }
    const field = (/** @type {RegExp} */ re) => re.exec(assertion)?.[1] ?? '';
    const assertedIssuer = field(/<saml:Issuer>([^<]*)</);
    if (assertedIssuer !== issuer) {
      throw refuse(`The issuer in the SAML assertion ${assertedIssuer} does not match the expected one: ${issuer}.`);
    }
    const audience = field(/<saml:Audience>([^<]*)</);
    const expected = `https://iam.googleapis.com/${provider.name}`;
    if (audience !== expected) {
      throw refuse(`The audience in the SAML assertion ${audience} does not match the expected audience ${expected}.`);
    }
    const notOnOrAfter = Date.parse(field(/NotOnOrAfter="([^"]+)"/));
    if (!(notOnOrAfter > Date.now())) throw refuse('The SAML assertion has expired.');
    return { subject: field(/<saml:NameID[^>]*>([^<]*)</), issuer: assertedIssuer, audience };
  }

  return { issuer, publicKey: keyPair.publicKey, issued, mintResponse, verifier: () => verify };
}
