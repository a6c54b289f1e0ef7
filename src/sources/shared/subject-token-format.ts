/**
 * How a subject token is written where a source reads it (a file, a URL's
 * answer): the whole text, or one field of a JSON object. Shared by the
 * `file` and `url` sources: the `subject_token_format` / `subject_token_field`
 * inputs, the `format` of their `credential_source`, and taking the token out
 * of what was read, with an error per way that can go wrong.
 */
import type { InputReader } from '../../inputs.js';
import { ConfigError, EnvironmentError } from '../../errors.js';

export const TOKEN_FORMAT_INPUTS = ['subject_token_format', 'subject_token_field'] as const;

export interface SubjectTokenFormat {
  type: 'text' | 'json';
  /** The JSON field that holds the token (json only). */
  field?: string;
  /**
   * subject_token_format was set: gcloud then writes `format: {type: "text"}`
   * too, where it leaves `format` out by default. Kept so the file matches.
   */
  explicit: boolean;
}

/** subject_token_format: text (default) or json; subject_token_field: required with json only. */
export function readTokenFormat(get: InputReader): SubjectTokenFormat {
  const type = get('subject_token_format');
  const field = get('subject_token_field');
  if (type !== '' && type !== 'text' && type !== 'json') {
    throw new ConfigError(`"subject_token_format" must be text or json, got "${type}".`);
  }
  if (type === 'json') {
    if (!field) {
      throw new ConfigError(
        '"subject_token_format: json" needs "subject_token_field": the name of the JSON field that holds the token ' +
          '(for example id_token, or value).',
      );
    }
    // eslint-disable-next-line no-control-regex -- control characters are what is refused
    if (/[\u0000-\u001f\u007f]/.test(field) || field.length > 256) {
      throw new ConfigError('"subject_token_field" must be a field name on one line, at most 256 characters.');
    }
    return { type: 'json', field, explicit: true };
  }
  if (field) {
    throw new ConfigError(
      '"subject_token_field" applies only with subject_token_format: json. Add subject_token_format: json, or ' +
        'remove subject_token_field.',
    );
  }
  return { type: 'text', explicit: type === 'text' };
}

/** The `format` member of a file or url credential_source, as gcloud's create-cred-config writes it. */
export function credentialSourceFormat(format: SubjectTokenFormat): { format?: Record<string, string> } {
  if (format.type === 'json') return { format: { type: 'json', subject_token_field_name: format.field ?? '' } };
  return format.explicit ? { format: { type: 'text' } } : {};
}

/**
 * The subject token in `content` (what was read from `where`, e.g. "The file
 * /var/run/secrets/tokens/gcp"). Throws an EnvironmentError that says what
 * to fix; never quotes the content, which may be a token.
 */
export function tokenFrom(content: string, format: SubjectTokenFormat, where: string): string {
  if (format.type === 'text') {
    // JWTs and base64 SAML responses have no whitespace: a trailing newline is the writer's, not the token's.
    const token = content.trim();
    if (token === '') throw new EnvironmentError(`${where} is empty: there is no subject token in it.`);
    if (token.startsWith('{')) {
      throw new EnvironmentError(
        `${where} holds a JSON object, not a bare token. Set subject_token_format: json and subject_token_field to ` +
          'the field that holds the token.',
      );
    }
    return token;
  }
  const field = format.field ?? '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    throw new EnvironmentError(
      content.trim() === ''
        ? `${where} is empty: there is no subject token in it.`
        : `${where} is not valid JSON (subject_token_format: json). If it holds the bare token, use ` +
            'subject_token_format: text.',
    );
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new EnvironmentError(`${where} is JSON but not an object, so it has no field "${field}".`);
  }
  const object = parsed as Record<string, unknown>;
  const value = object[field];
  if (value === undefined) {
    // Field names are not secret; their values may be.
    const names = Object.keys(object).slice(0, 20);
    throw new EnvironmentError(
      `${where} has no field "${field}" (subject_token_field). ` +
        (names.length > 0 ? `Its fields are: ${names.map((n) => `"${n}"`).join(', ')}.` : 'It is an empty object.'),
    );
  }
  if (typeof value !== 'string') {
    throw new EnvironmentError(`${where}: the field "${field}" is ${jsonType(value)}, not the token as a string.`);
  }
  const token = value.trim();
  if (token === '') throw new EnvironmentError(`${where}: the field "${field}" is empty: there is no subject token.`);
  return token;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
