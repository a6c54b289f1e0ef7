/** subject_token_source: url at run time: fetches the token (token-url.ts has its inputs). */
import { EnvironmentError, isCertificateRejection, ServiceError } from '../errors.js';
import type { Http } from '../http.js';
import type { Log } from '../log.js';
import type { ProviderName } from '../provider-name.js';
import { ExternalTokenSource } from './external-token.js';
import { credentialSourceFormat, tokenFrom } from './token-format.js';
import type { UrlSourceOptions } from './token-url.js';

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
        // The workflow named this URL: nothing listening there is most likely a typo, not an outage.
        userEndpoint: true,
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
