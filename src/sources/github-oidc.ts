/**
 * GitHub OIDC: the runner hands a job with `permissions: id-token: write` a
 * URL and a request token; a GET on that URL with an `audience` parameter
 * returns a signed JWT describing the workflow run.
 */
import type { InputReader } from '../inputs.js';
import { EnvironmentError, isCertificateRejection, type ServiceError } from '../errors.js';
import { validateAudience } from '../forms.js';
import type { Http } from '../http.js';
import { claimsLine, decodeJwtClaims, type JwtClaims } from '../jwt.js';
import { type Log, maskSecret } from '../log.js';
import { principalSetOf, type ProviderName, subjectPrincipal } from '../provider-name.js';
import type { SourceDefinition, SourcePlan, SubjectSource, SubjectToken } from './subject-source.js';

const SERVICE = 'GitHub OIDC';

export interface GitHubOidcOptions {
  /** Audience requested for the OIDC token (input `audience`). */
  audience: string;
}

export const githubOidc: SourceDefinition = {
  kind: 'github',
  inputs: ['audience'],
  readInputs(get: InputReader, provider: ProviderName): SourcePlan<GitHubOidcOptions> {
    // A provider accepts this audience unless it lists other allowed audiences.
    // (The default names iam.googleapis.com in every universe, as the action we replace does.)
    const given = get('audience');
    const options = {
      audience: given ? validateAudience(given, 'audience') : `https://iam.googleapis.com/${provider.name}`,
    };
    return {
      kind: 'github',
      options,
      start: async ({ env, provider, http, log }) => new GitHubOidcSource(env, options.audience, provider, http, log),
    };
  },
};

/** Claims worth showing when permissions go wrong; none of them is secret. */
const DIAGNOSTIC_CLAIMS = [
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
  readonly diagnosticClaims = DIAGNOSTIC_CLAIMS;
  private readonly tokenUrl: string;
  private readonly requestToken: string;

  constructor(
    env: NodeJS.ProcessEnv,
    private readonly audience: string,
    private readonly provider: ProviderName,
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
          '(if: ${{ !github.event.pull_request.head.repo.fork }}) rather than running untrusted code ' +
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
    this.log.debug(`${SERVICE}: token claims: ${claimsLine(claims, DIAGNOSTIC_CLAIMS)}`);
    return { token: answer.value, claims };
  }

  /** google.subject = assertion.sub, the mapping every GitHub provider has. */
  principal(claims: JwtClaims): string {
    return subjectPrincipal(this.provider, claims['sub']);
  }

  /** The repository's principalSet (attribute.repository, mapped by the usual GitHub provider setup). */
  impersonationMember(claims: JwtClaims | undefined): string {
    const repository = typeof claims?.['repository'] === 'string' ? claims['repository'] : 'OWNER/REPO';
    return principalSetOf(this.provider, 'repository', repository);
  }

  hints(err: ServiceError): string[] {
    const text = err.serviceMessage.toLowerCase();
    const hints: string[] = [];
    // A refused certificate gets diagnose.ts's TLS hint; other network failures, this one.
    if (err.service === SERVICE && err.status === undefined && !isCertificateRejection(err.serviceMessage)) {
      return [
        "The runner's OIDC token service (ACTIONS_ID_TOKEN_REQUEST_URL, which GitHub sets) could not be reached. " +
          "Check the runner's network and HTTPS_PROXY/NO_PROXY (a proxy must let this host through); on a " +
          'GitHub-hosted runner it is a passing GitHub problem: re-run the job.',
      ];
    }
    if (err.service === SERVICE && err.status !== undefined) {
      hints.push(
        'The runner would not issue an OIDC token. A 401/403 usually means the request token expired (a very long ' +
          'job) or the job lost its id-token permission; re-run the job, and check "permissions: id-token: write".',
      );
      return hints;
    }
    // "The audience in ID Token [...] does not match the expected audience": the token's aud. (Other answers
    // say "audience" about the provider's name, which the audience input does not change.)
    if (/audience in id token|expected audience/.test(text)) {
      hints.push(
        `The token's audience does not match what the provider accepts. The token was requested for ` +
          `"${this.audience}" (input "audience"); the provider accepts by default ` +
          `"https://iam.googleapis.com/${this.provider.name}", or its configured allowed audiences.`,
      );
    }
    if (text.includes('attribute condition')) {
      hints.push(
        "The provider's attribute condition rejected this token. Compare the condition " +
          '(gcloud iam workload-identity-pools providers describe ...) with the claims shown below — ' +
          'e.g. assertion.repository_owner must match your organisation.',
      );
    }
    if (/stale|expired|exp\b|issued at/.test(text)) {
      hints.push("The subject token is expired or not yet valid: check the runner's clock.");
    }
    return hints;
  }
}
