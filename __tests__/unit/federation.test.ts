/**
 * Workload Identity Federation's stage 2 (src/identity/federation.ts) with a
 * stub subject source: the exchange request, and the one fresh subject token
 * when retries outlast the first.
 */
import nock from 'nock';

import { type Config, readConfig } from '../../src/config.js';
import { DiagnosedError } from '../../src/diagnose.js';
import { ServiceError } from '../../src/errors.js';
import { STS_SERVICE } from '../../src/google/sts.js';
import { Http } from '../../src/http.js';
import { federationSignIn, isExpiredSubjectToken } from '../../src/identity/federation.js';
import type { Log } from '../../src/log.js';
import type { SubjectSource } from '../../src/sources/subject-source.js';
import { useNockAndCaptureMasks } from '../support/unit.js';

const PROVIDER = 'projects/123456789012/locations/global/workloadIdentityPools/ci-pool/providers/ci-provider';
const STS = 'https://sts.googleapis.com';
/** The principal the stub's facts form from sub = s1 (google.subject). */
const PRINCIPAL_S1 = `principal://iam.googleapis.com/${PROVIDER.replace(/\/providers\/.*$/, '')}/subject/s1`;

const masks = useNockAndCaptureMasks();

function stubSource(tokens: string[]): SubjectSource & { asked: number } {
  const source = {
    asked: 0,
    facts: {
      name: 'Stub',
      diagnosticClaims: ['sub'],
      principal: { subject: ['sub'], placeholder: 'SUBJECT' },
      member: { subject: ['sub'], placeholder: 'SUBJECT' },
      hints: { attributeCondition: 'Compare the condition with the claims.' },
    },
    subjectTokenType: 'urn:ietf:params:oauth:token-type:jwt',
    credentialSource: async () => ({ file: '/dev/null' }),
    subjectToken: async () => ({ token: tokens[source.asked++] ?? 'none', claims: { sub: `s${source.asked}` } }),
  };
  return source;
}

async function signInWith(source: SubjectSource, log: Log, inputs: Record<string, string> = {}) {
  const config: Config = readConfig((name) => ({ workload_identity_provider: PROVIDER, ...inputs })[name] ?? '');
  if (config.auth.kind !== 'workload_identity') throw new Error('expected WIF');
  const auth = { ...config.auth, source: { kind: 'stub', start: async () => source } };
  const http = new Http({ userAgent: 'test', retries: 0, requestTimeoutMs: 2000, log });
  return { signIn: await federationSignIn(config, auth, {}, http, log), http };
}

const lines: string[] = [];
const log: Log = {
  debug: () => undefined,
  info: (m) => lines.push(m),
  warning: (m) => lines.push(`warning: ${m}`),
};
beforeEach(() => lines.splice(0));

describe('federationSignIn', () => {
  it('exchanges the subject token at STS for the provider audience, and names the principal', async () => {
    const bodies: unknown[] = [];
    nock(STS)
      .post('/v1/token', (body) => bodies.push(body) > 0)
      .reply(200, { access_token: 'federated-1', expires_in: 3600 });
    const { signIn, http } = await signInWith(stubSource(['subject-1']), log);
    const identity = await signIn.authenticate();
    http.dispose();
    expect(identity.authToken.token).toBe('federated-1');
    expect(identity.principal).toBe(PRINCIPAL_S1);
    expect(signIn.method).toBe('Workload Identity Federation from Stub (direct resource access)');
    expect(identity.diagnosis?.claims).toEqual({ sub: 's1' });
    expect(bodies).toEqual([
      {
        audience: `//iam.googleapis.com/${PROVIDER}`,
        grantType: 'urn:ietf:params:oauth:grant-type:token-exchange',
        requestedTokenType: 'urn:ietf:params:oauth:token-type:access_token',
        scope: 'https://www.googleapis.com/auth/cloud-platform',
        subjectTokenType: 'urn:ietf:params:oauth:token-type:jwt',
        subjectToken: 'subject-1',
      },
    ]);
  });

  it('gets one fresh subject token when STS says the first went stale, and says so', async () => {
    const sent: string[] = [];
    nock(STS)
      .post('/v1/token', (body: { subjectToken: string }) => sent.push(body.subjectToken) > 0)
      .reply(400, { error: 'invalid_grant', error_description: 'ID Token issued at 1700000000 is stale to sign-in.' })
      .post('/v1/token', (body: { subjectToken: string }) => sent.push(body.subjectToken) > 0)
      .reply(200, { access_token: 'federated-2', expires_in: 3600 });
    const source = stubSource(['old', 'fresh']);
    const { signIn, http } = await signInWith(source, log);
    const identity = await signIn.authenticate();
    http.dispose();
    expect(identity.authToken.token).toBe('federated-2');
    expect(sent).toEqual(['old', 'fresh']);
    expect(source.asked).toBe(2);
    expect(lines).toEqual([
      expect.stringMatching(
        /^Google STS says the subject token expired \(\d+ s after it was asked for\); getting a fresh one from Stub\.$/,
      ),
    ]);
  });

  it('asks for a fresh token only once, and reports the second refusal', async () => {
    nock(STS)
      .post('/v1/token')
      .times(2)
      .reply(400, { error: 'invalid_grant', error_description: 'ID Token issued at 1 is stale to sign-in.' });
    const source = stubSource(['a', 'b', 'c']);
    const { signIn, http } = await signInWith(source, log);
    await expect(signIn.authenticate()).rejects.toThrow(/answered HTTP 400.*stale to sign-in/);
    http.dispose();
    expect(source.asked).toBe(2);
  });

  it('does not ask again for other refusals', async () => {
    nock(STS)
      .post('/v1/token')
      .reply(400, { error: 'invalid_grant', error_description: 'The audience in ID Token [x] does not match.' });
    const source = stubSource(['a', 'b']);
    const { signIn, http } = await signInWith(source, log);
    await expect(signIn.authenticate()).rejects.toThrow(/does not match/);
    http.dispose();
    expect(source.asked).toBe(1);
  });
});

describe('isExpiredSubjectToken', () => {
  const sts = (status: number, message: string, service = STS_SERVICE) =>
    new ServiceError(service, status, message, 'POST https://sts.googleapis.com/v1/token', 1);
  it.each([
    [sts(400, 'ID Token issued at 1 is stale to sign-in.'), true],
    [sts(400, 'Received invalid AWS response of type ExpiredToken: Request has expired.'), true],
    [sts(400, 'Invalid ID Token signature.'), false],
    [sts(503, 'expired backend'), false],
    [sts(400, 'stale', 'IAM Credentials'), false],
  ])('%s -> %s', (err, expected) => {
    expect(isExpiredSubjectToken(err)).toBe(expected);
  });

  describe('with a service account and no token_format: the impersonation is proven once', () => {
    const SA = 'deployer@my-project.iam.gserviceaccount.com';
    const IAM = 'https://iamcredentials.googleapis.com';
    const path = `/v1/projects/-/serviceAccounts/${SA}:generateAccessToken`;

    it('one generateAccessToken call, as tools will make it; its token is masked and given to no one', async () => {
      nock(STS).post('/v1/token').reply(200, { access_token: 'federated-1', expires_in: 3600 });
      const bodies: unknown[] = [];
      nock(IAM)
        .post(path, (body) => bodies.push(body) > 0)
        .matchHeader('authorization', 'Bearer federated-1')
        .reply(200, { accessToken: 'ya29.proof-only', expireTime: '2099-01-01T00:00:00Z' });
      const { signIn, http } = await signInWith(stubSource(['subject-1']), log, { service_account: SA });
      const identity = await signIn.authenticate();
      http.dispose();
      expect(bodies).toEqual([{ scope: ['https://www.googleapis.com/auth/cloud-platform'], lifetime: '3600s' }]);
      expect(masks).toContain('ya29.proof-only');
      expect(JSON.stringify(identity)).not.toContain('ya29.proof-only');
      expect(identity.ownAccessToken).toBeUndefined();
      expect(lines).toContain(`Checked that ${PRINCIPAL_S1} may impersonate ${SA} (verify_service_account).`);
    });

    it.each([
      [404, 'NOT_FOUND', `Not found; Gaia id not found for email ${SA}`],
      [
        403,
        'PERMISSION_DENIED',
        "Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist).",
      ],
    ])('fails the step on IAM Credentials %i', async (status, reason, message) => {
      nock(STS).post('/v1/token').reply(200, { access_token: 'federated-1', expires_in: 3600 });
      nock(IAM)
        .post(path)
        .reply(status, { error: { code: status, message, status: reason } });
      const { signIn, http } = await signInWith(stubSource(['subject-1']), log, { service_account: SA });
      const err = await signIn.authenticate().then(
        () => undefined,
        (e: unknown) => e,
      );
      http.dispose();
      // Wrapped with what diagnosis needs (the source, the claims Google saw).
      expect(err).toBeInstanceOf(DiagnosedError);
      expect(err instanceof DiagnosedError && err.failure).toBeInstanceOf(ServiceError);
      expect(err).toMatchObject({
        failure: { service: 'IAM Credentials', status },
        diagnosis: { claims: { sub: 's1' } },
      });
    });

    it('no call with verify_service_account: false', async () => {
      nock(STS).post('/v1/token').reply(200, { access_token: 'federated-1', expires_in: 3600 });
      const { signIn, http } = await signInWith(stubSource(['subject-1']), log, {
        service_account: SA,
        verify_service_account: 'false',
      });
      await signIn.authenticate(); // nock refuses any request it was not told of
      http.dispose();
      expect(lines.join('\n')).not.toContain('Checked that');
    });
  });
});
