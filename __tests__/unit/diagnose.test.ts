/**
 * The one failure message (src/diagnose.ts): the stage, the service's words,
 * the hints that follow from them, and the claims the source allows — for
 * any source, with no source's hints leaking into another's.
 */
import { readConfig } from '../../src/config.js';
import { DiagnosedError, describeFailure, type FailureContext } from '../../src/diagnose.js';
import { ConfigError, EnvironmentError, ServiceError, StageError } from '../../src/errors.js';
import { IAM_SERVICE } from '../../src/google/iam-credentials.js';
import { OAUTH2_SERVICE } from '../../src/google/oauth2.js';
import { STS_SERVICE } from '../../src/google/sts.js';
import { Http } from '../../src/http.js';
import { GitHubOidcSource } from '../../src/sources/github-oidc.js';
import type { SourceFacts } from '../../src/sources/subject-source.js';
import { SA } from '../support/fixtures.js';
import { captureRunnerOutput } from '../support/runner-output.js';

const PROVIDER = 'projects/123456789012/locations/global/workloadIdentityPools/k8s-pool/providers/k8s-provider';

/** A source that is not GitHub: its own claims, member and hints. */
const otherSource: SourceFacts = {
  name: 'Kubernetes token',
  diagnosticClaims: ['sub', 'iss'],
  principal: { subject: ['sub'], placeholder: 'SUBJECT' },
  member: { subject: ['sub'], placeholder: 'SUBJECT' },
  hints: {
    audience: () => 'Check the projected token audience.',
    attributeCondition: "Compare the condition with the pod's claims.",
  },
};

function context(inputs: Record<string, string> = {}): FailureContext {
  return {
    config: readConfig(
      (name) => ({ workload_identity_provider: PROVIDER, service_account: SA, ...inputs })[name] ?? '',
    ),
    source: otherSource,
    claims: { sub: 'system:serviceaccount:ci:runner', iss: 'https://k8s.example', secret_looking: 'x' },
  };
}

const stsError = (message: string, reason = 'invalid_grant') =>
  new ServiceError(STS_SERVICE, 400, message, 'POST https://sts.googleapis.com/v1/token', 1, reason);

describe('describeFailure', () => {
  it('prefixes input errors and passes environment errors through', () => {
    expect(describeFailure(new ConfigError('"x" is wrong.'), {})).toBe('Invalid input: "x" is wrong.');
    expect(describeFailure(new EnvironmentError('No workspace.'), {})).toBe('No workspace.');
    expect(describeFailure(new Error('boom'), {})).toBe('Unexpected error: boom');
  });

  it('prints a StageError with its hints, and names the stage of a Google answer it cannot use', () => {
    const refused = new StageError('AssumeRole of arn:aws:iam::1:role/r failed: AWS STS answered HTTP 403', {
      hints: ["The role's trust policy does not let this identity assume it."],
    });
    expect(describeFailure(refused, {})).toBe(
      'AssumeRole of arn:aws:iam::1:role/r failed: AWS STS answered HTTP 403\n' +
        "Hint: The role's trust policy does not let this identity assume it.",
    );
    const noToken = new StageError('Google STS answered without an access_token.', { service: STS_SERVICE });
    expect(describeFailure(noToken, context())).toBe(
      'Exchanging the subject token at Google STS failed: Google STS answered without an access_token.',
    );
  });

  it('takes what the failed stage knew from a DiagnosedError, not from a shared object', () => {
    const refused = stsError('The given credential is rejected by the attribute condition.');
    const { config } = context();
    const wrapped = new DiagnosedError(refused, { source: otherSource, claims: { sub: 'system:serviceaccount:ci:x' } });
    expect(describeFailure(wrapped, { ...(config ? { config } : {}) })).toBe(
      'Exchanging the subject token at Google STS failed: Google STS answered HTTP 400 ' +
        '(POST https://sts.googleapis.com/v1/token): The given credential is rejected by the attribute condition.\n' +
        "Hint: Compare the condition with the pod's claims.\n" +
        'Token sent by Kubernetes token: sub="system:serviceaccount:ci:x"',
    );
  });

  it("shows the source's hint and only the claims it allows, and no GitHub hint for another source", () => {
    const message = describeFailure(
      stsError('The audience in ID Token [x] does not match the expected audience. attribute condition'),
      context(),
    );
    expect(message).toBe(
      'Exchanging the subject token at Google STS failed: Google STS answered HTTP 400 ' +
        '(POST https://sts.googleapis.com/v1/token): The audience in ID Token [x] does not match the expected ' +
        'audience. attribute condition\n' +
        'Hint: Check the projected token audience.\n' +
        "Hint: Compare the condition with the pod's claims.\n" +
        'Token sent by Kubernetes token: sub="system:serviceaccount:ci:runner", iss="https://k8s.example"',
    );
    expect(message).not.toMatch(/repository_owner|input "audience"|id-token: write/);
  });

  it('names the provider and the gcloud command when Google does not know it', () => {
    const message = describeFailure(stsError('The pool or provider does not exist.', 'invalid_target'), context());
    expect(message).toContain(
      `Hint: Google does not know the provider "${PROVIDER}" or it is disabled. Check the project NUMBER, the pool and ` +
        'provider IDs (gcloud iam workload-identity-pools providers list --location=global ' +
        '--workload-identity-pool=k8s-pool --project=123456789012)',
    );
  });

  it('asks the source for the member to grant when impersonation is refused', () => {
    const denied = new ServiceError(IAM_SERVICE, 403, 'Permission denied', 'POST https://iamcredentials/x', 1);
    const message = describeFailure(denied, context());
    expect(message).toContain(
      `gcloud iam service-accounts add-iam-policy-binding "${SA}" --role="roles/iam.workloadIdentityUser" ` +
        '--member="principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/' +
        'k8s-pool/subject/system:serviceaccount:ci:runner"',
    );
    expect(message).not.toContain('Token sent by');
  });

  it('explains a refused TLS certificate and an unreachable service apart', () => {
    const unreachable = (text: string) => new ServiceError(STS_SERVICE, undefined, text, 'POST https://sts/x', 4);
    expect(describeFailure(unreachable('ECONNREFUSED: connect refused'), context())).toMatch(
      /Hint: The service could not be reached\. Check the runner's network and HTTPS_PROXY\/NO_PROXY, and sts_endpoint \(or GHA_ENDPOINT_OVERRIDE_sts\) if the workflow sets it/,
    );
    expect(describeFailure(unreachable('SELF_SIGNED_CERT_IN_CHAIN: self-signed'), context())).toMatch(
      /Hint: The server's TLS certificate was not trusted\..*NODE_EXTRA_CA_CERTS/,
    );
  });

  it('lets a source explain why its own service could not be reached', () => {
    const ownService: SourceFacts = {
      ...otherSource,
      hints: {
        ...otherSource.hints,
        service: [
          {
            when: ({ err }) => err.status === undefined,
            hint: () => 'Nothing listens at the token service: is this a pod?',
          },
        ],
      },
    };
    const unreachable = new ServiceError('Kubernetes token', undefined, 'ECONNREFUSED: refused', 'GET http://x/t', 3);
    expect(describeFailure(unreachable, { ...context(), source: ownService })).toBe(
      'Kubernetes token failed: Kubernetes token could not be reached (GET http://x/t, 3 attempts): ' +
        'ECONNREFUSED: refused\nHint: Nothing listens at the token service: is this a pod?',
    );
  });

  it('gives the key path its own IAM hint, and domain-wide delegation its own', () => {
    const keyContext: FailureContext = {
      config: context({ token_format: 'access_token', access_token_subject: 'user@example.com' }).config,
    };
    // No source started: no federated-identity hint, but the delegation one.
    const denied = new ServiceError(IAM_SERVICE, 403, 'Permission denied', 'POST https://iamcredentials/x', 1);
    expect(describeFailure(denied, keyContext)).toContain('signJwt (domain-wide delegation) needs');
    const oauth2 = new ServiceError(OAUTH2_SERVICE, 401, 'unauthorized_client', 'POST https://oauth2/token', 1);
    expect(describeFailure(oauth2, keyContext)).toMatch(
      /^Domain-wide delegation \(OAuth2\) failed: .*\nHint: Domain-wide/s,
    );
  });
});

/** Google STS's own words (as users of the action we replace quote them), matched exactly. */
describe('hints that fire only on the answers they are about', () => {
  captureRunnerOutput(); // the GitHub source masks its request token
  const quiet = { debug: () => undefined, info: () => undefined, warning: () => undefined };
  let http: Http;
  beforeEach(() => {
    http = new Http({ userAgent: 'test', requestTimeoutMs: 1000, log: quiet });
  });
  afterEach(() => http.dispose());

  const github = (): FailureContext => {
    const config = readConfig((name) => ({ workload_identity_provider: PROVIDER })[name] ?? '');
    const auth = config.auth.kind === 'workload_identity' ? config.auth : undefined;
    const env = { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://runner.example/token', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'rt' };
    const source = new GitHubOidcSource(
      { audience: 'https://iam.googleapis.com/x' },
      { env, provider: auth!.provider, http, log: quiet },
    );
    return { config, source: source.facts, claims: { sub: 'repo:o/r:ref:refs/heads/main' } };
  };
  const hintsOf = (message: string): string[] =>
    message
      .split('\n')
      .filter((line) => line.startsWith('Hint: '))
      .map((line) => line.slice('Hint: '.length));

  it("an unreachable GitHub OIDC endpoint: the runner's service, not sts_endpoint or iamcredentials_endpoint", () => {
    const unreachable = new ServiceError(
      'GitHub OIDC',
      undefined,
      'ECONNREFUSED: connect ECONNREFUSED 10.1.0.4:443',
      'GET https://pipelines.actions.example/token',
      6,
    );
    const message = describeFailure(unreachable, github());
    expect(hintsOf(message)).toEqual([
      expect.stringMatching(/^The runner's OIDC token service \(ACTIONS_ID_TOKEN_REQUEST_URL, which GitHub sets\)/),
    ]);
    expect(message).not.toMatch(/sts_endpoint|iamcredentials_endpoint|oauth2_endpoint/);
    // The same failure without a source that knows better: still no Google endpoint setting.
    expect(describeFailure(unreachable, { config: github().config })).not.toMatch(/_endpoint|GHA_ENDPOINT/);
  });

  it('a provider that does not exist (invalid_target): only the provider hint, not the audience input', () => {
    const answer =
      'invalid_target: The target service indicated by the "audience" parameters is invalid. This might either be ' +
      "because the pool or provider is disabled or deleted or because it doesn't exist.";
    const hints = hintsOf(describeFailure(stsError(answer, 'invalid_target'), github()));
    expect(hints).toEqual([expect.stringMatching(/^Google does not know the provider "projects\/123456789012\//)]);
    expect(hints.join('\n')).not.toContain('input "audience"');
  });

  it("a token audience mismatch: the audience input's hint, and no provider hint", () => {
    const answer =
      'invalid_grant: The audience in ID Token [https://github.com/o] does not match the expected audience ' +
      `https://iam.googleapis.com/${PROVIDER}.`;
    const hints = hintsOf(describeFailure(stsError(answer), github()));
    expect(hints).toEqual([expect.stringContaining('(input "audience")')]);
  });

  it('"audience" about the provider\'s name (invalid_request) is not a token audience problem', () => {
    const answer =
      'invalid_request: Invalid value for "audience". This value should be the full resource name of the Identity ' +
      'Provider. See https://cloud.google.com/iam/docs/reference/sts/rest/v1/TopLevel/token for the list of possible formats.';
    expect(hintsOf(describeFailure(stsError(answer, 'invalid_request'), github()))).toEqual([]);
  });

  it('the 127-byte hint fires on the limit, not on a number that holds 127', () => {
    const tooLong = 'invalid_argument: The size of mapped attribute google.subject exceeds the 127 bytes limit.';
    expect(hintsOf(describeFailure(stsError(tooLong, 'invalid_argument'), github()))).toEqual([
      'A mapped attribute exceeds 127 bytes: shorten it in the attribute mapping.',
    ]);
    const stale = 'invalid_grant: ID Token issued at 1712700127 is stale to sign-in.';
    expect(hintsOf(describeFailure(stsError(stale), github()))).toEqual([
      "The subject token is expired or not yet valid: check the runner's clock.",
    ]);
  });

  it('IAM Credentials: a 400 that mentions a permission or "not found" gets no 403/404 hint', () => {
    const bad = new ServiceError(
      IAM_SERVICE,
      400,
      'Request contains an invalid argument: the scope was not found in the permission list.',
      'POST https://iamcredentials/x',
      1,
    );
    expect(hintsOf(describeFailure(bad, github()))).toEqual([]);
  });
});
