/**
 * src/log.ts: a secret is masked before any part of it can be printed
 * (issue 21). The runner masks whole values only, so text that is clipped
 * for display is redacted first: an echo cut at 600 characters must not show
 * a secret's beginning.
 */
import { generateKeyPairSync } from 'node:crypto';

import { ConfigError } from '../../src/errors.js';
import { parseErrorBody } from '../../src/http.js';
import { clipForDisplay, forgetSecretsForTests, maskSecret, redactSecrets } from '../../src/log.js';
import { findLeakedSecrets } from '../fakes/index.mjs';
import { captureRunnerOutput } from '../support/runner-output.js';

const output = captureRunnerOutput();
afterEach(() => forgetSecretsForTests());

/** A JWT of about the size of GitHub's OIDC token (846 characters seen in the report). */
function fakeJwt(length: number): string {
  const part = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 37) % 251)).toString('base64url');
  const header = part(27);
  const signature = part(256);
  return `${header}.${part(Math.floor(((length - header.length - signature.length - 2) * 3) / 4))}.${signature}`;
}

/** What the runner would show of `text` after every `::add-mask::` written so far. */
function leakedIn(text: string, secret: string): boolean {
  return findLeakedSecrets(`${output.text}${text}\n`, [secret]).length > 0;
}

describe('an echo clipped for display', () => {
  it("a GitHub OIDC token that STS echoes past the cut: no part of it is shown (the report's 560 of 846)", () => {
    const token = fakeJwt(846);
    maskSecret(token);
    const body = JSON.stringify({ error: 'invalid_grant', error_description: `The token ${token} is invalid.` });
    const { message } = parseErrorBody(body);
    expect(message.length).toBeLessThanOrEqual(601);
    expect(message).toBe('invalid_grant: The token *** is invalid.');
    // no run of 16 characters of the token survives, whole or cut
    for (let i = 0; i + 16 <= token.length; i += 8) expect(message).not.toContain(token.slice(i, i + 16));
    expect(leakedIn(message, token)).toBe(false);
  });

  it('a signed AWS request echoed inside an error, JSON-escaped, and cut in the middle: the signature is not shown', () => {
    const signature = 'a3f1c09e'.repeat(8);
    const request = JSON.stringify({
      url: 'https://sts.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15',
      method: 'POST',
      headers: [{ key: 'Authorization', value: `AWS4-HMAC-SHA256 Credential=ASIA/20261206, Signature=${signature}` }],
    });
    maskSecret(encodeURIComponent(request));
    maskSecret(request);
    const echoed = `${'x'.repeat(450)} subject token: ${JSON.stringify(request)} ${'z'.repeat(500)}`;
    const shown = clipForDisplay(echoed, 600);
    expect(shown.endsWith('…')).toBe(true);
    expect(shown).not.toContain(signature.slice(0, 16));
    expect(shown).not.toContain('a3f1c09ea3f1c09e');
  });

  it('a partial echo (the server cut the token itself) is redacted too, in runs of 16 or more characters', () => {
    const token = `ya29.${'A1b2C3d4E5f6G7h8'.repeat(8)}`;
    maskSecret(token);
    // (the 'ya29.' prefix is not opaque: every Google access token starts so)
    expect(redactSecrets(`saw ${token.slice(0, 60)}... and stopped`)).toBe('saw ya29.***... and stopped');
  });

  it('leaves ordinary text alone: short secrets only whole, and nothing but registered secrets', () => {
    maskSecret('true'); // a header value someone masked
    maskSecret('abc'); // the runner masks it, but it is too short to redact from text without shredding it
    expect(redactSecrets('it is true that abc is short')).toBe('it is *** that abc is short');
    expect(redactSecrets('nothing secret here at all, 0123456789abcdef0123')).toBe(
      'nothing secret here at all, 0123456789abcdef0123',
    );
  });

  it("a private key's lines are secrets on their own, as the runner masks them", () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    maskSecret(pem);
    const line = pem.split('\n')[5] ?? '';
    expect(redactSecrets(`bad key line: ${line.slice(10, 50)}`)).toBe('bad key line: ***');
  });

  it('an input error that quotes a long secret is redacted before the long word is cut', () => {
    const token = fakeJwt(400);
    maskSecret(token);
    const error = new ConfigError(`"x" must be short, got "${token}".`);
    expect(error.message).toBe('"x" must be short, got "***".');
  });

  it('a huge answer is clipped quickly, and what is shown still has no secret', () => {
    const token = fakeJwt(846);
    maskSecret(token);
    const started = Date.now();
    const shown = clipForDisplay(`${'y'.repeat(590)}${token}${'z'.repeat(8 * 1024 * 1024)}`, 600);
    expect(Date.now() - started).toBeLessThan(500);
    expect(shown).toBe(`${'y'.repeat(590)}***${'z'.repeat(7)}…`);
  });
});
