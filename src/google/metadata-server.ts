/**
 * The metadata server of a machine on Google Cloud (Compute Engine, GKE with
 * Workload Identity, ...): the tokens, e-mail and project of the service
 * account the machine runs as.
 *
 *   GET /computeMetadata/v1/instance/service-accounts/default/email    -> e-mail (text)
 *   GET /computeMetadata/v1/instance/service-accounts/default/token    -> {access_token, expires_in}
 *   GET /computeMetadata/v1/instance/service-accounts/default/identity -> ID token (text)
 *   GET /computeMetadata/v1/project/project-id                         -> project ID (text)
 *
 * Every request carries `Metadata-Flavor: Google`, and an answer counts only
 * when it carries the same header back: that is how Google's libraries tell
 * the metadata server from anything else that answers at the address (a
 * captive portal, another cloud's metadata service, a proxy's error page).
 *
 * The address: GCE_METADATA_HOST, then its older name GCE_METADATA_ROOT, then
 * metadata.google.internal, always over http:// — as google-auth (Python) and
 * gcloud read it. (gcp-metadata, the Node library, also reads
 * GCE_METADATA_HOST but defaults to 169.254.169.254.) The name rather than the
 * address by default: off Google Cloud the name does not resolve, which fails
 * at once, while 169.254.169.254 is another cloud's metadata service or a
 * black hole.
 *
 * The first request is a probe: off Google Cloud nothing answers, so silence
 * (a name that does not resolve, a refused connection, a timeout of a few
 * seconds) ends it at once with an error that says what use_metadata_server
 * is for. An HTTP answer proves the server is there, so a transient one (5xx,
 * 429, a reset) is retried under the normal policy, as are later requests.
 */
import { EnvironmentError, ServiceError } from '../errors.js';
import type { Http, HttpResponse } from '../http.js';
import { maskSecret } from '../log.js';
import { expiresIn, type Token } from './token.js';

export const METADATA_SERVICE = 'Google Cloud metadata server';
export const DEFAULT_METADATA_HOST = 'metadata.google.internal';
const BASE_PATH = '/computeMetadata/v1';
const FLAVOR_HEADER = 'Metadata-Flavor';
const FLAVOR = 'Google';
const ACCOUNT_PATH = `${BASE_PATH}/instance/service-accounts/default`;

/**
 * Time limit of the first contact. On Google Cloud the metadata server
 * answers in milliseconds; off it, an address that drops packets would
 * otherwise hold the step for request_timeout. google-auth waits 3 s too.
 */
export const PROBE_TIMEOUT_MS = 3000;

/** The metadata server's origin (http://HOST[:PORT]) from the environment, as Google's libraries read it. */
export function metadataServerOrigin(env: NodeJS.ProcessEnv): string {
  const variable = env['GCE_METADATA_HOST'] ? 'GCE_METADATA_HOST' : env['GCE_METADATA_ROOT'] ? 'GCE_METADATA_ROOT' : '';
  const value = variable ? (env[variable] ?? '').trim() : DEFAULT_METADATA_HOST;
  // HOST[:PORT], as the libraries expect it; an http:// prefix is tolerated (gcp-metadata accepts one).
  const host = value.replace(/^http:\/\//i, '').replace(/\/+$/, '');
  if (!/^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?$/i.test(host)) {
    throw new EnvironmentError(
      `${variable} must be the metadata server's HOST or HOST:PORT (as Google's libraries read it), got ` +
        `"${value}". Unset it to use ${DEFAULT_METADATA_HOST}.`,
    );
  }
  return `http://${host}`;
}

export class MetadataServer {
  readonly origin: string;

  constructor(
    private readonly http: Http,
    env: NodeJS.ProcessEnv,
    private readonly probeTimeoutMs = PROBE_TIMEOUT_MS,
  ) {
    this.origin = metadataServerOrigin(env);
  }

  /**
   * The e-mail of the machine's service account, or on GKE, for a pod whose
   * Kubernetes service account is bound to no Google one (Workload Identity
   * Federation for GKE's direct access), the workload pool: PROJECT.svc.id.goog.
   * The first contact, so a probe: off Google Cloud it fails within seconds,
   * with an error that says so.
   */
  async serviceAccountEmail(): Promise<string> {
    let answer: HttpResponse;
    try {
      answer = await this.get(`${ACCOUNT_PATH}/email`, undefined, true);
    } catch (err) {
      if (err instanceof ServiceError && err.status === undefined) throw this.notOnGoogleCloud(err);
      if (err instanceof ServiceError && err.status === 404) {
        throw new EnvironmentError(
          `The metadata server at ${this.origin} knows no service account of this machine (HTTP 404): the VM has ` +
            'none attached, or the GKE pod runs under a Kubernetes service account without Workload Identity. ' +
            'Attach one (docs/setup-gce.md), or sign in another way.',
        );
      }
      throw err;
    }
    const email = answer.body.trim();
    if (!/^[\w.@-]{1,254}$/.test(email)) {
      throw new EnvironmentError(`The metadata server at ${this.origin} answered no service account e-mail.`);
    }
    return email;
  }

  /** The machine's access token; `scopes` ask for others than the machine's (GKE and Cloud Run honour them). */
  async accessToken(scopes?: string[]): Promise<Token> {
    const query = scopes && scopes.length > 0 ? { scopes: scopes.join(',') } : undefined;
    const answer = await this.get(`${ACCOUNT_PATH}/token`, query);
    let body: { access_token?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(answer.body) as typeof body;
    } catch {
      throw new EnvironmentError(`The metadata server at ${this.origin} answered a token request with no JSON.`);
    }
    if (typeof body.access_token !== 'string' || body.access_token === '') {
      throw new EnvironmentError(`The metadata server at ${this.origin} answered without "access_token".`);
    }
    maskSecret(body.access_token);
    return { token: body.access_token, expiresAt: expiresIn(body.expires_in) };
  }

  /** An ID token of the machine's account for `audience` (`format=full` adds the e-mail claims). */
  async idToken(audience: string, includeEmail: boolean): Promise<string> {
    const answer = await this.get(`${ACCOUNT_PATH}/identity`, {
      audience,
      ...(includeEmail ? { format: 'full' } : {}),
    });
    const token = answer.body.trim();
    if (token.split('.').length !== 3) {
      throw new EnvironmentError(`The metadata server at ${this.origin} answered no ID token.`);
    }
    maskSecret(token);
    return token;
  }

  /** The project the machine belongs to. */
  async projectId(): Promise<string> {
    return (await this.get(`${BASE_PATH}/project/project-id`)).body.trim();
  }

  private async get(path: string, query?: Record<string, string>, probe = false): Promise<HttpResponse> {
    const url = new URL(path, this.origin);
    for (const [name, value] of Object.entries(query ?? {})) url.searchParams.set(name, value);
    const answer = await this.http.request({
      service: METADATA_SERVICE,
      method: 'GET',
      url: url.href,
      headers: { [FLAVOR_HEADER]: FLAVOR, Accept: '*/*' },
      ...(probe ? { probe: true, timeoutMs: this.probeTimeoutMs } : {}),
    });
    const flavor = answer.headers[FLAVOR_HEADER.toLowerCase()];
    if ((Array.isArray(flavor) ? flavor[0] : flavor) !== FLAVOR) {
      throw new EnvironmentError(
        `Something answered at ${this.origin} (${url.pathname}), but without "${FLAVOR_HEADER}: ${FLAVOR}": it is ` +
          "not Google Cloud's metadata server. " +
          USE_METADATA_SERVER_IS_FOR,
      );
    }
    return answer;
  }

  private notOnGoogleCloud(err: ServiceError): EnvironmentError {
    return new EnvironmentError(
      `No Google Cloud metadata server answers at ${this.origin} (${err.serviceMessage}): this runner does not ` +
        `seem to run on Google Cloud. ${USE_METADATA_SERVER_IS_FOR}`,
    );
  }
}

const USE_METADATA_SERVER_IS_FOR =
  'use_metadata_server: true is for self-hosted runners on Google Cloud (Compute Engine VMs, GKE pods with ' +
  "Workload Identity): it signs in as the machine's own service account. Elsewhere, use " +
  'workload_identity_provider (or credentials_json) instead.';
