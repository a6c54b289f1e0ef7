/**
 * The one failure message (src/diagnose.ts): the stage, the service's words,
 * the hints that follow from them, and the claims the source allows — for
 * any source, with no source's hints leaking into another's.
 */
import { readConfig } from '../../src/config.js';
import { describeFailure, type FailureContext } from '../../src/diagnose.js';
import { ConfigError, EnvironmentError, ServiceError } from '../../src/errors.js';
import { IAM_SERVICE } from '../../src/google/iam-credentials.js';
import { OAUTH2_SERVICE } from '../../src/google/oauth2.js';
import { STS_SERVICE } from '../../src/google/sts.js';
import type { SubjectSource } from '../../src/sources/subject-source.js';
import { SA } from '../support/fixtures.js';

const PROVIDER = 'projects/123456789012/locations/global/workloadIdentityPools/k8s-pool/providers/k8s-provider';

/** A source that is not GitHub: its own claims, member and hint. */
const otherSource: SubjectSource = {
  name: 'Kubernetes token',
  subjectTokenType: 'urn:ietf:params:oauth:token-type:jwt',
  diagnosticClaims: ['sub', 'iss'],
  credentialSource: async () => ({}),
  subjectToken: async () => ({ token: 't', claims: {} }),
  principal: () => 'principal://x',
  impersonationMember: (claims) => `principal://iam.googleapis.com/pool/subject/${String(claims?.['sub'])}`,
  hints: (err) => (err.service === STS_SERVICE ? ['Check the projected token audience.'] : []),
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
        '--member="principal://iam.googleapis.com/pool/subject/system:serviceaccount:ci:runner"',
    );
    expect(message).not.toContain('Token sent by');
  });

  it('explains a refused TLS certificate and an unreachable service apart', () => {
    const unreachable = (text: string) => new ServiceError(STS_SERVICE, undefined, text, 'POST https://sts/x', 4);
    expect(describeFailure(unreachable('ECONNREFUSED: connect refused'), context())).toMatch(
      /Hint: The service could not be reached\. Check the runner's network, HTTPS_PROXY\/NO_PROXY/,
    );
    expect(describeFailure(unreachable('SELF_SIGNED_CERT_IN_CHAIN: self-signed'), context())).toMatch(
      /Hint: The server's TLS certificate was not trusted\..*NODE_EXTRA_CA_CERTS/,
    );
  });

  it('lets a source explain why its own service could not be reached', () => {
    const ownService: SubjectSource = {
      ...otherSource,
      hints: (err) => (err.status === undefined ? ['Nothing listens at the token service: is this a pod?'] : []),
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
