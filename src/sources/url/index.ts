/**
 * subject_token_source: url — a token fetched with a GET from a URL, with
 * optional headers: a token re-signer in front of GitHub Enterprise Server,
 * or a metadata service. The credentials file carries the same URL and
 * headers, so tools fetch a fresh token themselves; header values are
 * never logged, and those that may be secrets are masked (isSecretHeader;
 * the file is mode 0600, as for the GitHub source's request token).
 *
 * This is the definition half (see subject-source.ts); the source itself is
 * url-source.ts.
 */
import type { InputReader } from '../../inputs.js';
import { ConfigError } from '../../errors.js';
import { allowsPlainHttp } from '../../forms.js';
import { maskSecret } from '../../log.js';
import { readTokenFormat, type SubjectTokenFormat, TOKEN_FORMAT_INPUTS } from '../shared/subject-token-format.js';
import { readSubjectTokenType, SUBJECT_TOKEN_TYPE_INPUT } from '../shared/token-type.js';
import { defineSource } from '../subject-source.js';

export interface UrlSourceOptions {
  url: string;
  /** Header name -> value, in the order given (values may be secrets). */
  headers: Record<string, string>;
  format: SubjectTokenFormat;
  subjectTokenType: string;
}

/** RFC 9110 token characters: a header name cannot smuggle another header or a request line. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Headers that would change how the request is framed or where it goes, not what it asks. */
const REFUSED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'upgrade', 'te']);

export const tokenUrl = defineSource({
  kind: 'url',
  inputs: ['subject_token_url', 'subject_token_headers', ...TOKEN_FORMAT_INPUTS, SUBJECT_TOKEN_TYPE_INPUT],
  parse: readUrlInputs,
  // The fetching, the claims and the hints are loaded only when this source runs (one chunk with the file source's).
  load: async () => (await import('../shared/external-token-chunk.js')).createUrlSource,
});

/**
 * Before anything could print them (the debug log, an error, a later tool
 * echoing the credentials file): the header values that may be secrets, and
 * the URL's query values. Called by the source when it starts.
 */
export function maskUrlSecrets(options: UrlSourceOptions): void {
  for (const [name, value] of Object.entries(options.headers)) {
    if (isSecretHeader(name, value)) maskHeaderValue(value);
  }
  maskQueryValues(options.url);
}

function readUrlInputs(get: InputReader): UrlSourceOptions {
  const url = get('subject_token_url');
  if (!url) {
    throw new ConfigError(
      'subject_token_source: url needs "subject_token_url": the http(s) URL that answers a GET with the token.',
    );
  }
  let parsed: URL;
  try {
    // eslint-disable-next-line no-control-regex -- control characters and spaces are what is refused
    if (/[\u0000-\u0020\u007f]/.test(url)) throw new TypeError('whitespace');
    parsed = new URL(url);
  } catch {
    throw new ConfigError(
      '"subject_token_url" must be a full http(s) URL on one line, such as https://token-service.example.com/token.',
    );
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new ConfigError(`"subject_token_url" must be an http or https URL, not ${parsed.protocol}.`);
  }
  if (parsed.protocol === 'http:' && !allowsPlainHttp(parsed.hostname)) {
    // The headers (often a credential) and the token would cross the network in clear text.
    throw new ConfigError(
      `"subject_token_url" must be an https:// URL: plain http:// only to this machine (127.0.0.1, localhost) or ` +
        `an instance metadata address (169.254.169.254, [fd00:ec2::254]). Got "${parsed.origin}".`,
    );
  }
  if (parsed.username || parsed.password) {
    // Never echoed: the part before @ is a password.
    throw new ConfigError(
      '"subject_token_url" must not hold a user name or password: send credentials in subject_token_headers ' +
        '(for example "Authorization: Basic ..." from a secret).',
    );
  }
  return {
    url,
    headers: parseHeaders(get('subject_token_headers')),
    format: readTokenFormat(get),
    subjectTokenType: readSubjectTokenType(get),
  };
}

/** One `Name: value` per line; errors name the line, never its value. */
export function parseHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  const seen = new Set<string>();
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.replace(/\r$/, '').trim();
    if (line === '') return;
    const where = `"subject_token_headers" line ${index + 1}`;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new ConfigError(`${where} must be "Name: value", such as "Authorization: Bearer ...".`);
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (!HEADER_NAME.test(name)) {
      throw new ConfigError(`${where}: a header name is letters, digits and - (such as X-Api-Key).`);
    }
    if (REFUSED_HEADERS.has(name.toLowerCase())) {
      throw new ConfigError(`${where}: "${name}" is set by the HTTP client and cannot be sent from here.`);
    }
    if (seen.has(name.toLowerCase())) throw new ConfigError(`${where}: "${name}" is given twice.`);
    // eslint-disable-next-line no-control-regex -- control characters (a CR, a NUL) are what is refused
    if (value === '' || /[\u0000-\u0008\u000a-\u001f\u007f]/.test(value)) {
      throw new ConfigError(`${where}: the value of "${name}" must be non-empty and without control characters.`);
    }
    seen.add(name.toLowerCase());
    headers[name] = value;
  });
  return headers;
}

/**
 * A query string may carry a credential (`?sig=...`, `?code=...`): the action's
 * own messages show the URL without it, but a server that echoes its URL (in
 * an error page, say) would print it. Every value long enough to be one is
 * registered as a secret, raw and decoded; short ones ("json") and dates or
 * versions ("2018-02-01") would only mask ordinary words for the rest of the job.
 */
function maskQueryValues(url: string): void {
  const search = new URL(url).search;
  const secretValues = search
    .slice(1)
    .split('&')
    .map((pair) => pair.slice(pair.indexOf('=') + 1))
    .filter((value) => value.length >= MIN_SECRET_QUERY_VALUE && !/^[0-9.:-]+$/.test(value));
  if (secretValues.length > 0) maskSecret(search.slice(1)); // the whole query, as a server may echo it
  for (const value of secretValues) {
    maskSecret(value);
    let decoded = value;
    try {
      decoded = decodeURIComponent(value.replace(/\+/g, ' '));
    } catch {
      // not valid percent-encoding: the raw value is what a server would echo
    }
    if (decoded !== value) maskSecret(decoded);
  }
}
const MIN_SECRET_QUERY_VALUE = 8;

/** Header names that carry a credential whatever their value looks like. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-api-key']);
const CREDENTIAL_WORDS = /token|secret|key|auth|signature|password|passwd|credential|session|cookie/i;
/** A credential-looking word: 16 or more characters without a space (an API key, a JWT, a base64 blob). */
const OPAQUE_WORD = /^\S{16,}$/;

/**
 * Whether a header value may be a secret, and so masked. Masking is not
 * free: the runner then hides that text everywhere in the job's log, so
 * masking "Metadata: true" would blank out every "true" of every later step.
 * A value is a secret when its header's name says it carries a credential
 * (Authorization, Cookie, X-Api-Key, or any name containing token, secret,
 * key, auth, signature, password, credential, session), or when the value,
 * or the part after an auth scheme such as "Bearer", is one opaque word of 16
 * characters or more. Everything else (short flags, versions, content types)
 * is sent and written to the credentials file as is, and is never logged.
 */
export function isSecretHeader(name: string, value: string): boolean {
  if (CREDENTIAL_HEADERS.has(name.toLowerCase()) || CREDENTIAL_WORDS.test(name)) return true;
  return value.split(/\s+/).some((word) => OPAQUE_WORD.test(word));
}

/** The whole value, and the credential after an auth scheme ("Bearer <token>"), which tools may print alone. */
function maskHeaderValue(value: string): void {
  maskSecret(value);
  const credential = /^[\w-]+\s+(\S.*)$/.exec(value)?.[1];
  if (credential) maskSecret(credential);
}
