/**
 * What a token program wrote to stderr, made safe to print: no token it
 * produced may appear there unmasked, whether it succeeded or failed.
 *
 * Three layers, because a failing program may never have printed its token on
 * stdout: the tokens found in its answers (stdout, the output file) are
 * registered as secrets and cut out; then anything shaped like a JWT (three
 * base64url segments); then any long opaque word (base64-like, mixing upper
 * and lower case and digits) such as a SAML response or an access token.
 * Paths, URLs, hex digests and ordinary words are left as they are.
 */
import { maskSecret, redactSecrets } from '../../log.js';

/** What replaces a secret in the text (what the runner itself prints for a masked value). */
export const REDACTED = '***';

/** The fields of an executable's answer that hold a token. */
const TOKEN_FIELDS = ['id_token', 'saml_response'] as const;

/** Three base64url segments: a JWT ("ey..." header) or something shaped like one. */
const JWT_LIKE =
  /\bey[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*|[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g;
/** A candidate opaque token: a long run of base64/base64url characters. */
const LONG_WORD = /[A-Za-z0-9+/=_~.-]{40,}/g;

/** The tokens in an answer's JSON (stdout or the output file); none when it is not an answer. */
export function tokensInAnswer(text: string): string[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return [];
  }
  if (!json || typeof json !== 'object') return [];
  const answer = json as Record<string, unknown>;
  return TOKEN_FIELDS.map((field) => answer[field]).filter(
    (value): value is string => typeof value === 'string' && value.trim() !== '',
  );
}

/**
 * `text` without the known `tokens` (each masked first), JWT-shaped words, long opaque words, or any part of a
 * secret the step registered (log.ts redactSecrets).
 */
export function redactProgramOutput(text: string, tokens: readonly string[]): string {
  let safe = text;
  // Longest first, so that a token containing another is cut whole.
  for (const token of [...new Set(tokens)].sort((a, b) => b.length - a.length)) {
    maskSecret(token);
    safe = safe.split(token).join(REDACTED);
  }
  safe = safe.replace(JWT_LIKE, REDACTED).replace(LONG_WORD, (word) => (looksOpaque(word) ? REDACTED : word));
  // Last, what is left of any secret of the step (a token cut at the start of the kept stderr, say).
  return redactSecrets(safe);
}

/**
 * A long word that looks random rather than written: upper case, lower case
 * and digits all present, and a long stretch without the separators of paths
 * and host names.
 */
function looksOpaque(word: string): boolean {
  if (!/[A-Z]/.test(word) || !/[a-z]/.test(word) || !/\d/.test(word)) return false;
  return word.split(/[/.]/).some((part) => part.length >= 24);
}
