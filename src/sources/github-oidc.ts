/**
 * GitHub OIDC: the runner hands a job with `permissions: id-token: write` a
 * URL and a request token; a GET on that URL with an `audience` parameter
 * returns a signed JWT describing the workflow run.
 */
import { EnvironmentError, isCertificateRejection, StageError } from '../errors.js';
import { validateAudience } from '../forms.js';
import { claimsLine, decodeJwtClaims } from '../jwt.js';
import { maskSecret } from '../log.js';
import {
  defineSource,
  type SourceContext,
  type SourceFacts,
  type SubjectSource,
  type SubjectToken,
} from './subject-source.js';

const SERVICE = 'GitHub OIDC';

/** The options of subject_token_source: github. */
export interface GitHubOidcOptions {
  /** Audience requested for the OIDC token (input `audience`). */
  audience: string;
}

export const githubOidc = defineSource<GitHubOidcOptions>({
  kind: 'github',
  inputs: ['audience'],
  parse: (get, provider) => {
    // A provider accepts this audience unless it lists other allowed audiences.
    // (The default names iam.googleapis.com in every universe, as the action we replace does.)
    const given = get('audience');
    return { audience: given ? validateAudience(given, 'audience') : `https://iam.googleapis.com/${provider.name}` };
  },
  // The GitHub path is every run's: nothing to load lazily.
  load: async () => (options, context) => new GitHubOidcSource(options, context),
});

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

/** Hints and principals, as data (diagnose.ts applies them). */
function factsFor(audience: string): SourceFacts {
  return {
    name: SERVICE,
    diagnosticClaims: DIAGNOSTIC_CLAIMS,
    // google.subject = assertion.sub, the mapping every GitHub provider has.
    principal: { subject: ['sub'], placeholder: 'SUBJECT' },
    // The repository's principalSet (attribute.repository, mapped by the usual GitHub provider setup).
    member: {
      attribute: 'repository',
      value: (claims) => (typeof claims?.['repository'] === 'string' ? claims['repository'] : undefined),
      placeholder: 'OWNER/REPO',
    },
    hints: {
      audience: ({ provider }) =>
        `The token's audience does not match what the provider accepts. The token was requested for ` +
        `"${audience}" (input "audience"); the provider accepts by default ` +
        `"https://iam.googleapis.com/${provider.name}", or its configured allowed audiences.`,
      attributeCondition:
        "The provider's attribute condition rejected this token. Compare the condition " +
        '(gcloud iam workload-identity-pools providers describe ...) with the claims shown below — ' +
        'e.g. assertion.repository_owner must match your organisation.',
      expired: "The subject token is expired or not yet valid: check the runner's clock.",
      service: [
        {
          // A refused certificate gets diagnose.ts's TLS hint; other network failures, this one.
          when: ({ err }) => err.status === undefined && !isCertificateRejection(err.serviceMessage),
          hint: () =>
            "The runner's OIDC token service (ACTIONS_ID_TOKEN_REQUEST_URL, which GitHub sets) could not be reached. " +
            "Check the runner's network and HTTPS_PROXY/NO_PROXY (a proxy must let this host through); on a " +
            'GitHub-hosted runner it is a passing GitHub problem: re-run the job.',
        },
        {
          when: ({ err }) => err.status !== undefined,
          hint: () =>
            'The runner would not issue an OIDC token. A 401/403 usually means the request token expired (a very long ' +
            'job) or the job lost its id-token permission; re-run the job, and check "permissions: id-token: write".',
        },
      ],
    },
  };
}

export class GitHubOidcSource implements SubjectSource {
  readonly subjectTokenType = 'urn:ietf:params:oauth:token-type:jwt';
  readonly facts: SourceFacts;
  private readonly tokenUrl: string;
  private readonly requestToken: string;

  constructor(
    { audience }: GitHubOidcOptions,
    private readonly context: SourceContext,
  ) {
    const { env } = context;
    this.facts = factsFor(audience);
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
    const answer = await this.context.http.requestJson<{ value?: unknown }>({
      service: SERVICE,
      method: 'GET',
      url: this.tokenUrl,
      headers: { Authorization: `Bearer ${this.requestToken}` },
      // GitHub answers 403 while a job waits for an environment's approval
      // or is otherwise not running yet; that passes. (A rule of this
      // service's answers, so it stays with the request: see CONTRIBUTING,
      // "Change the retry policy".)
      retryableAnswer: (status, body) => status === 403 && /pending|delayed|queued/i.test(body),
    });
    if (typeof answer.value !== 'string' || answer.value === '') {
      throw new StageError(`${SERVICE} answered without a token ("value" is missing).`, { service: SERVICE });
    }
    maskSecret(answer.value);
    const claims = decodeJwtClaims(answer.value) ?? {};
    this.context.log.debug(`${SERVICE}: token claims: ${claimsLine(claims, DIAGNOSTIC_CLAIMS)}`);
    return { token: answer.value, claims };
  }
}
