/**
 * EC2 instance metadata (IMDS): the instance role's credentials and the
 * instance's region, with IMDSv2 session tokens.
 *
 *   PUT /latest/api/token (x-aws-ec2-metadata-token-ttl-seconds) -> token
 *   GET /latest/meta-data/iam/security-credentials/        -> role name
 *   GET /latest/meta-data/iam/security-credentials/<role>  -> credentials JSON
 *   GET /latest/meta-data/placement/availability-zone      -> us-east-1a
 *
 * The first request is a probe: off EC2 nothing answers at 169.254.169.254,
 * so it gets a short timeout and silence (a timeout, a refused or unreachable
 * address) ends it at once (as the AWS SDKs do) instead of the step's 30 s x
 * retries. An HTTP answer, or a connection accepted and then reset, proves
 * IMDS is there, so a transient one (503, 429, a reset) is retried with the
 * normal policy: an IMDS outage on EC2 is ridden out. Later requests use the
 * normal policy.
 * Honours AWS_EC2_METADATA_SERVICE_ENDPOINT, AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE,
 * AWS_EC2_METADATA_DISABLED and AWS_EC2_METADATA_V1_DISABLED.
 */
import { EnvironmentError, ServiceError } from '../../errors.js';
import type { Http, HttpRequest, HttpResponse } from '../../http.js';
import { maskSecret } from '../../log.js';
import { type AwsCredentials, parseJsonCredentials } from './credentials.js';
import { awsFailure } from './errors.js';
import { endpointFromEnvironment } from './forms.js';
import { regionOfZone } from './region.js';

export const IMDS_SERVICE = 'EC2 instance metadata';
const TOKEN_PATH = '/latest/api/token';
const CREDENTIALS_PATH = '/latest/meta-data/iam/security-credentials';
const ZONE_PATH = '/latest/meta-data/placement/availability-zone';
const TOKEN_TTL_SECONDS = '21600';
/** Off EC2 nothing answers at 169.254.169.254: give up on the first contact quickly (the SDKs wait 1 s). */
const PROBE_TIMEOUT_MS = 1000;

export interface ImdsOptions {
  env: NodeJS.ProcessEnv;
  /** The step's HTTP layer (normal timeouts and retries). */
  http: Http;
  /** Time limit of the first contact (no retries); default 1 s. */
  probeTimeoutMs?: number;
}

/** A session with IMDS: its v2 token, or none when only IMDSv1 answers. */
interface Session {
  token?: string;
}

export class InstanceMetadata {
  readonly endpoint: string;
  readonly disabled: boolean;
  private session: Promise<Session | undefined> | undefined;
  /** Why instance metadata could not be used, once a probe failed; for the "no credentials" message. */
  unavailable: string | undefined;

  constructor(private readonly options: ImdsOptions) {
    const { env } = options;
    const mode = (env['AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE'] ?? '').toLowerCase();
    const configured = env['AWS_EC2_METADATA_SERVICE_ENDPOINT'];
    this.endpoint = (
      configured
        ? endpointFromEnvironment(configured, 'AWS_EC2_METADATA_SERVICE_ENDPOINT', 'http://169.254.169.254')
        : mode === 'ipv6'
          ? 'http://[fd00:ec2::254]'
          : 'http://169.254.169.254'
    ).replace(/\/+$/, '');
    this.disabled = /^true$/i.test(env['AWS_EC2_METADATA_DISABLED'] ?? '');
  }

  /** URLs of the `aws1` credential source, so client libraries ask the same service. */
  urls(): { region_url: string; url: string; imdsv2_session_token_url: string } {
    return {
      region_url: `${this.endpoint}${ZONE_PATH}`,
      url: `${this.endpoint}${CREDENTIALS_PATH}`,
      imdsv2_session_token_url: `${this.endpoint}${TOKEN_PATH}`,
    };
  }

  /** The instance's region (its availability zone minus the letter), or undefined off EC2. */
  async region(): Promise<string | undefined> {
    const session = await this.open();
    if (!session) return undefined;
    try {
      return regionOfZone(await this.get(session, ZONE_PATH));
    } catch (err) {
      throw awsFailure('Reading the region from EC2 instance metadata', err);
    }
  }

  /** The instance role's credentials, or undefined off EC2 (or when disabled). */
  async credentials(): Promise<AwsCredentials | undefined> {
    const session = await this.open();
    if (!session) return undefined;
    let role: string | undefined;
    try {
      role = (await this.get(session, `${CREDENTIALS_PATH}/`)).split('\n')[0]?.trim();
    } catch (err) {
      if (err instanceof ServiceError && err.status === 404) role = undefined;
      else throw awsFailure('Listing the instance role in EC2 instance metadata', err);
    }
    if (!role) {
      throw new EnvironmentError(
        'This EC2 instance has no IAM role: attach an instance profile to it ' +
          '(aws ec2 associate-iam-instance-profile), or provide AWS credentials another way.',
      );
    }
    const source = `${IMDS_SERVICE} (instance role "${role}")`;
    try {
      return parseJsonCredentials(await this.get(session, `${CREDENTIALS_PATH}/${encodeURIComponent(role)}`), source);
    } catch (err) {
      throw awsFailure(`Reading credentials of the instance role "${role}"`, err);
    }
  }

  /** Opens the session once; undefined when disabled or no EC2 metadata service answers. */
  private open(): Promise<Session | undefined> {
    if (this.disabled) this.unavailable ??= 'disabled by AWS_EC2_METADATA_DISABLED';
    this.session ??= this.disabled ? Promise.resolve(undefined) : this.probe();
    return this.session;
  }

  /** The first contact: short attempts, and silence is final (see `probe`). */
  private probeRequest(request: Pick<HttpRequest, 'method' | 'url' | 'headers'>): Promise<HttpResponse> {
    return this.options.http.request({
      service: IMDS_SERVICE,
      probe: true,
      timeoutMs: this.options.probeTimeoutMs ?? PROBE_TIMEOUT_MS,
      ...request,
    });
  }

  private async probe(): Promise<Session | undefined> {
    try {
      const res = await this.probeRequest({
        method: 'PUT',
        url: `${this.endpoint}${TOKEN_PATH}`,
        headers: { 'x-aws-ec2-metadata-token-ttl-seconds': TOKEN_TTL_SECONDS },
      });
      const token = res.body.trim();
      maskSecret(token);
      return { token };
    } catch (err) {
      if (!(err instanceof ServiceError)) throw err;
      const timedOut = err.status === undefined && /^timeout/.test(err.serviceMessage);
      // 403/404/405: IMDSv2 is off or unsupported. A timeout: the PUT's answer
      // may have been dropped on the way (hop limit 1 and we run in a
      // container). The AWS SDKs fall back to IMDSv1 then; so do we.
      if (timedOut || [403, 404, 405].includes(err.status ?? 0)) return await this.fallBackToV1(err, timedOut);
      // Anything else (nothing listening, another cloud's metadata service
      // answering 400): not EC2. Remembered for the "no credentials" message.
      this.unavailable = err.message;
      return undefined;
    }
  }

  private async fallBackToV1(tokenError: ServiceError, tokenTimedOut: boolean): Promise<Session | undefined> {
    this.unavailable = tokenError.message;
    if (/^true$/i.test(this.options.env['AWS_EC2_METADATA_V1_DISABLED'] ?? '')) return undefined;
    try {
      await this.probeRequest({ method: 'GET', url: `${this.endpoint}/latest/meta-data/` });
      this.unavailable = undefined;
      return {};
    } catch (err) {
      // 401 on a v1 request is EC2 saying "IMDSv2 only": we are on EC2 but
      // could not get a token.
      if (err instanceof ServiceError && err.status === 401) {
        throw new EnvironmentError(
          'EC2 instance metadata requires IMDSv2, but no session token could be obtained ' +
            `(${tokenError.message}).` +
            (tokenTimedOut
              ? " In a container on EC2, raise the instance's metadata hop limit to 2: aws ec2 " +
                'modify-instance-metadata-options --instance-id ID --http-put-response-hop-limit 2.'
              : ''),
        );
      }
      return undefined;
    }
  }

  private async get(session: Session, path: string): Promise<string> {
    const res = await this.options.http.request({
      service: IMDS_SERVICE,
      method: 'GET',
      url: `${this.endpoint}${path}`,
      headers: session.token ? { 'x-aws-ec2-metadata-token': session.token } : {},
    });
    return res.body;
  }
}
