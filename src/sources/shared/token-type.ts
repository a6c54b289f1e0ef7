/**
 * The `subject_token_type` input, shared by the sources whose token Google
 * cannot tell from the source itself (a file, a URL, a helper program): the
 * short names users write, and the token type URNs Google STS takes.
 */
import type { InputReader } from '../../inputs.js';
import { ConfigError } from '../../errors.js';

export const SUBJECT_TOKEN_TYPES = {
  jwt: 'urn:ietf:params:oauth:token-type:jwt',
  id_token: 'urn:ietf:params:oauth:token-type:id_token',
  saml2: 'urn:ietf:params:oauth:token-type:saml2',
} as const;

/** The input name, for the `inputs` list of the sources that read it. */
export const SUBJECT_TOKEN_TYPE_INPUT = 'subject_token_type';

/** subject_token_type: jwt (default), id_token or saml2, or one of their full URNs. */
export function readSubjectTokenType(get: InputReader): string {
  const value = get(SUBJECT_TOKEN_TYPE_INPUT) || 'jwt';
  const byName = SUBJECT_TOKEN_TYPES[value as keyof typeof SUBJECT_TOKEN_TYPES];
  if (byName) return byName;
  if ((Object.values(SUBJECT_TOKEN_TYPES) as string[]).includes(value)) return value;
  throw new ConfigError(
    `"${SUBJECT_TOKEN_TYPE_INPUT}" must be jwt, id_token or saml2 (or the full URN, such as ` +
      `${SUBJECT_TOKEN_TYPES.jwt}), got "${value}".`,
  );
}
