/** subject_token_source: url at run time: fetches the token (index.ts has its inputs). */
import { isCertificateRejection, ServiceError, StageError } from '../../errors.js';
import type { Http } from '../../http.js';
import { ExternalTokenSource } from '../shared/external-token.js';
import { credentialSourceFormat, tokenFrom } from '../shared/subject-token-format.js';
import type { HintRule, SourceContext } from '../subject-source.js';
import { maskUrlSecrets, type UrlSourceOptions } from './index.js';

const SERVICE = 'Token URL';

export function createUrlSource(options: UrlSourceOptions, context: SourceContext): UrlSource {
  maskUrlSecrets(options);
  return new UrlSource(options, context);
}

export class UrlSource extends ExternalTokenSource {
  private readonly http: Http;

  constructor(
    private readonly options: UrlSourceOptions,
    context: SourceContext,
  ) {
    super(SERVICE, options.subjectTokenType, context, URL_HINTS);
    this.http = context.http;
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
        service: SERVICE,
        method: 'GET',
        url,
        headers: { Accept: format.type === 'json' ? 'application/json' : 'text/plain, */*', ...headers },
        // The workflow named this URL: nothing listening there is most likely a typo, not an outage.
        userEndpoint: true,
      }));
    } catch (err) {
      // diagnose.ts answers "no answer" with hints about Google's endpoints; this one is about the token URL.
      if (err instanceof ServiceError && err.status === undefined) {
        throw new StageError(err.message, { hints: [unreachableHint(err.serviceMessage, shown)], cause: err });
      }
      throw err;
    }
    return tokenFrom(body, format, `The answer of ${shown}`);
  }
}

/** What an answer of subject_token_url most likely means (its unreachable hint goes with the StageError above). */
const URL_HINTS: readonly HintRule[] = [
  { when: ({ err }) => err.status !== undefined, hint: ({ err }) => answerHint(err.status ?? 0) },
];

function answerHint(status: number): string {
  if (status === 401 || status === 403) {
    return (
      `subject_token_url refused the request (HTTP ${status}): check the credential in subject_token_headers ` +
      '(wrong, expired, or not the header the service expects) and that this identity may get a token there.'
    );
  }
  if (status >= 300 && status < 400) {
    return (
      `subject_token_url answered with a redirect (HTTP ${status}): give the final URL. Redirects are not ` +
      'followed, so that the headers never go to another host.'
    );
  }
  if (status === 404 || status === 405) {
    return `subject_token_url answered HTTP ${status}: check the path of the URL (it is fetched with GET).`;
  }
  return `subject_token_url answered HTTP ${status}: see the service's message above.`;
}

/** Nothing answered at the token URL, or its certificate was refused: a CA to add, not a host to fix. */
function unreachableHint(networkError: string, shown: string): string {
  if (isCertificateRejection(networkError)) {
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
