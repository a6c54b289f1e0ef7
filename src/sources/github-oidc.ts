/**
 * GitHub OIDC: the runner hands a job with `permissions: id-token: write` a
 * URL and a request token; a GET on that URL with an `audience` parameter
 * returns a signed JWT describing the workflow run.
 */
import { EnvironmentError } from '../errors.js';
import type { Http } from '../http.js';
import { decodeJwtClaims } from '../jwt.js';
import { type Log, maskSecret } from '../log.js';
import type { SubjectSource, SubjectToken } from './subject-source.js';

const SERVICE = 'GitHub OIDC';

/** Claims worth showing when permissions go wrong; none of them is secret. */
export const DIAGNOSTIC_CLAIMS = [
  'sub',
  'aud',
  'iss',
  'repository',
  'repository_owner',
  'repository_id',
  'ref',
  'environment',
  'workflow_ref',
  'job_workflow_ref',
  'actor',
  'event_name',
] as const;

/**
 * The runner's token URL with `audience` set as a query parameter (encoded by
 * URLSearchParams, replacing any audience already there), so the audience can
 * change neither the host nor the path. The tools read the same URL from the
 * credentials file.
 */
export function oidcTokenUrl(requestUrl: string, audience: string): string {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    throw new EnvironmentError(
      'ACTIONS_ID_TOKEN_REQUEST_URL is not a URL; this step must run on a GitHub Actions runner.',
    );
  }
  url.hash = '';
  url.searchParams.set('audience', audience);
  return url.href;
}

export class GitHubOidcSource implements SubjectSource {
  readonly name = SERVICE;
  readonly subjectTokenType = 'urn:ietf:params:oauth:token-type:jwt';
  private readonly tokenUrl: string;
  private readonly requestToken: string;

  constructor(
    env: NodeJS.ProcessEnv,
    audience: string,
    private readonly http: Http,
    private readonly log: Log,
  ) {
    const requestUrl = env['ACTIONS_ID_TOKEN_REQUEST_URL'];
    const requestToken = env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'];
    if (!requestUrl || !requestToken) {
      throw new EnvironmentError(
        'GitHub did not give this job an OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL / ACTIONS_ID_TOKEN_REQUEST_TOKEN ' +
          'are not set). Add "permissions: { contents: read, id-token: write }" to the job or workflow. ' +
          'Workflows run for pull requests from forks never get an OIDC token: skip this step for forks ' +
          '(if: github.event.pull_request.head.repo.full_name == github.repository) rather than running untrusted code ' +
          'with credentials.',
      );
    }
    maskSecret(requestToken);
    this.tokenUrl = oidcTokenUrl(requestUrl, audience);
    this.requestToken = requestToken;
  }

  /** Tools fetch the token themselves from the same URL with the same header. */
  async credentialSource(): Promise<Record<string, unknown>> {
    return {
      url: this.tokenUrl,
      headers: { Authorization: `Bearer ${this.requestToken}` },
      format: { type: 'json', subject_token_field_name: 'value' },
    };
  }

  async subjectToken(): Promise<SubjectToken> {
    const answer = await this.http.requestJson<{ value?: unknown }>({
      service: SERVICE,
      method: 'GET',
      url: this.tokenUrl,
      headers: { Authorization: `Bearer ${this.requestToken}` },
      // GitHub answers 403 while a job waits for an environment's approval
      // or is otherwise not running yet; that passes.
      retryableAnswer: (status, body) => status === 403 && /pending|delayed|queued/i.test(body),
    });
    if (typeof answer.value !== 'string' || answer.value === '') {
      throw new EnvironmentError(`${SERVICE} answered without a token ("value" is missing).`);
    }
    maskSecret(answer.value);
    const claims = decodeJwtClaims(answer.value) ?? {};
    const shown = DIAGNOSTIC_CLAIMS.filter((name) => claims[name] !== undefined)
      .map((name) => `${name}=${JSON.stringify(claims[name])}`)
      .join(' ');
    this.log.debug(`${SERVICE}: token claims: ${shown}`);
    return { token: answer.value, claims };
  }
}
