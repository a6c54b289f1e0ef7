/**
 * subject_token_source: url — a token fetched with a GET from a URL, with
 * optional headers: a token re-signer in front of GitHub Enterprise Server,
 * or a metadata service. The credentials file carries the same URL and
 * headers, so tools fetch a fresh token themselves; header values may be
 * secrets, so they are masked and never logged (the file is mode 0600, as
 * for the GitHub source's request token).
 */
import type { InputReader } from '../config.js';
import { ConfigError, EnvironmentError, ServiceError } from '../errors.js';
import type { Http } from '../http.js';
import { type Log, maskSecret } from '../log.js';
import type { ProviderName } from '../provider-name.js';
import { ExternalTokenSource } from './external-token.js';
import type { SourceDefinition, SourcePlan } from './subject-source.js';
import {
  credentialSourceFormat,
  readTokenFormat,
  TOKEN_FORMAT_INPUTS,
  type TokenFormat,
  tokenFrom,
} from './token-format.js';
import { readSubjectTokenType, SUBJECT_TOKEN_TYPE_INPUT } from './token-type.js';

export interface UrlSourceOptions {
  url: string;
  /** Header name -> value, in the order given (values may be secrets). */
  headers: Record<string, string>;
  format: TokenFormat;
  subjectTokenType: string;
}

/** RFC 9110 token characters: a header name cannot smuggle another header or a request line. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Headers that would change how the request is framed or where it goes, not what it asks. */
const REFUSED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'upgrade', 'te']);

export const tokenUrl: SourceDefinition = {
  kind: 'url',
  inputs: ['subject_token_url', 'subject_token_headers', ...TOKEN_FORMAT_INPUTS, SUBJECT_TOKEN_TYPE_INPUT],
  readInputs(get: InputReader): SourcePlan<UrlSourceOptions> {
    const options = readUrlInputs(get);
    return {
      kind: 'url',
      options,
      start: async ({ provider, http, log }) => {
        // Before anything could print them: the debug log, an error, a later tool echoing the credentials file.
        for (const value of Object.values(options.headers)) maskHeaderValue(value);
        return new UrlSource(options, provider, http, log);
      },
    };
  },
};

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

/** The whole value, and the credential after an auth scheme ("Bearer <token>"), which tools may print alone. */
function maskHeaderValue(value: string): void {
  maskSecret(value);
  const credential = /^[\w-]+\s+(\S.*)$/.exec(value)?.[1];
  if (credential) maskSecret(credential);
}

export class UrlSource extends ExternalTokenSource {
  readonly name = 'Token URL';

  constructor(
    private readonly options: UrlSourceOptions,
    provider: ProviderName,
    private readonly http: Http,
    log: Log,
  ) {
    super(options.subjectTokenType, provider, log);
  }

  async credentialSource(): Promise<Record<string, unknown>> {
    const { url, headers, format } = this.options;
    return {
      url,
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
      ...credentialSourceFormat(format),
    };
  }

  protected async readToken(): Promise<string> {
    const { url, headers, format } = this.options;
    const shown = safeUrl(url);
    this.log.info(
      `Fetching the subject token from ${shown}` +
        (Object.keys(headers).length > 0 ? ` with the header(s) ${Object.keys(headers).join(', ')}.` : '.'),
    );
    let body: string;
    try {
      ({ body } = await this.http.request({
        service: this.name,
        method: 'GET',
        url,
        headers: { Accept: format.type === 'json' ? 'application/json' : 'text/plain, */*', ...headers },
      }));
    } catch (err) {
      // diagnose.ts answers "no answer" with hints about Google's endpoints; this one is about the token URL.
      if (err instanceof ServiceError && err.status === undefined) {
        throw new EnvironmentError(`${err.message}\nHint: ${unreachableHint(err.serviceMessage, shown)}`);
      }
      throw err;
    }
    return tokenFrom(body, format, `The answer of ${shown}`);
  }

  protected override sourceHints(err: ServiceError): string[] {
    if (err.service !== this.name || err.status === undefined) return [];
    if (err.status === 401 || err.status === 403) {
      return [
        `subject_token_url refused the request (HTTP ${err.status}): check the credential in subject_token_headers ` +
          '(wrong, expired, or not the header the service expects) and that this identity may get a token there.',
      ];
    }
    if (err.status >= 300 && err.status < 400) {
      return [
        `subject_token_url answered with a redirect (HTTP ${err.status}): give the final URL. Redirects are not ` +
          'followed, so that the headers never go to another host.',
      ];
    }
    if (err.status === 404 || err.status === 405) {
      return [`subject_token_url answered HTTP ${err.status}: check the path of the URL (it is fetched with GET).`];
    }
    return [`subject_token_url answered HTTP ${err.status}: see the service's message above.`];
  }
}

/** Node's codes for a server certificate it refused: a CA to add, not a host to fix. */
const CERTIFICATE_REJECTED = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;

function unreachableHint(networkError: string, shown: string): string {
  if (CERTIFICATE_REJECTED.test(networkError)) {
    return (
      `The TLS certificate of subject_token_url (${shown}) was not trusted. For a service with an internal CA, ` +
      'give this step the CA: env NODE_EXTRA_CA_CERTS: /path/to/ca.pem (or NODE_OPTIONS: --use-system-ca); ' +
      'ERR_TLS_CERT_ALTNAME_INVALID means the certificate names another host.'
    );
  }
  return (
    `Nothing answered at subject_token_url (${shown}). Check its host, port and scheme, that the service runs ` +
    'and the runner can reach it; a proxy in HTTPS_PROXY/HTTP_PROXY is used unless NO_PROXY lists the host.'
  );
}

/** Origin and path only: a query string may carry a credential. */
function safeUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}${parsed.search ? '?…' : ''}`;
}
