// Tests for the fake servers and the runner harness in __tests__/fakes/.
// Everything goes over real HTTP on 127.0.0.1, so these also prove the fakes
// behave like the services the action (and google-auth-library) talk to.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import {
  allowServiceAccount,
  createTestCertificates,
  DEFAULT_PROVIDER,
  decodeJwt,
  findLeakedSecrets,
  generateKeyPair,
  getKeyPair,
  parseFileCommands,
  parseWorkflowCommands,
  runAction,
  type ServiceAccountKeyJson,
  signJwt,
  startEnvironment,
  startFakeServer,
  type TestCertificates,
  verifyJwt,
} from '../fakes/index.mjs';
import { useFakeWorld } from '../support/fake-world.js';
import { AWS_ACCOUNT, AWS_PROVIDER, SA } from '../support/fixtures.js';

const OTHER_SA = 'builder@my-project.iam.gserviceaccount.com';

const { world: env } = useFakeWorld({
  environment: () => ({
    google: {
      providers: {
        [AWS_PROVIDER]: {
          type: 'aws',
          verifyAwsSubjectToken: (token) => {
            if (token !== 'signed-aws-request') throw new Error('The AWS request signature is invalid.');
            return { arn: `arn:aws:sts::${AWS_ACCOUNT}:assumed-role/ci/session`, account: AWS_ACCOUNT };
          },
        },
      },
      // builder@ may be impersonated by deployer@ only (used for key-based
      // callers and delegation chains).
      serviceAccounts: { [OTHER_SA]: { allow: allowServiceAccount(SA) } },
    },
  }),
});

interface HttpResult {
  status: number;
  headers: Headers;
  body: any;
}

async function call(url: string, init: RequestInit = {}): Promise<HttpResult> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep text
  }
  return { status: res.status, headers: res.headers, body };
}

function postJson(url: string, body: unknown, token?: string): Promise<HttpResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  return call(url, { method: 'POST', headers, body: JSON.stringify(body) });
}

function postForm(url: string, form: Record<string, string>): Promise<HttpResult> {
  return call(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
}

const providerAudience = () => `//iam.googleapis.com/${DEFAULT_PROVIDER}`;
const defaultJwtAudience = () => `https://iam.googleapis.com/${DEFAULT_PROVIDER}`;

function stsJson(subjectToken: string, audience = providerAudience()): Promise<HttpResult> {
  return postJson(`${env.google.stsEndpoint}/token`, {
    grantType: 'urn:ietf:params:oauth:grant-type:token-exchange',
    audience,
    scope: 'https://www.googleapis.com/auth/cloud-platform',
    requestedTokenType: 'urn:ietf:params:oauth:token-type:access_token',
    subjectToken,
    subjectTokenType: 'urn:ietf:params:oauth:token-type:jwt',
  });
}

async function federatedToken(claims: Record<string, unknown> = {}): Promise<string> {
  const res = await stsJson(env.github.mintToken({ audience: defaultJwtAudience(), claims }));
  expect(res.status).toBe(200);
  return res.body.access_token as string;
}

const saUrl = (email: string, method: string) =>
  `${env.google.iamcredentialsEndpoint}/projects/-/serviceAccounts/${email}:${method}`;

describe('fake GitHub OIDC', () => {
  it('requires the request bearer token, like the runner service', async () => {
    expect((await call(`${env.github.requestUrl}&audience=x`)).status).toBe(401);
    const wrong = await call(`${env.github.requestUrl}&audience=x`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.message).toContain('not authorized');
  });

  it('mints an RS256 JWT with GitHub claims and the requested audience', async () => {
    const aud = defaultJwtAudience();
    const res = await call(`${env.github.requestUrl}&audience=${encodeURIComponent(aud)}`, {
      headers: { authorization: `Bearer ${env.github.requestToken}` },
    });
    expect(res.status).toBe(200);
    const { header, payload } = verifyJwt(res.body.value, env.github.publicKey);
    expect(header).toMatchObject({ alg: 'RS256', typ: 'JWT', kid: env.github.kid });
    expect(payload).toMatchObject({
      iss: 'https://token.actions.githubusercontent.com',
      aud,
      sub: 'repo:octo-org/octo-repo:ref:refs/heads/main',
      repository: 'octo-org/octo-repo',
      repository_owner: 'octo-org',
      ref_type: 'branch',
      runner_environment: 'github-hosted',
    });
    expect(payload.exp - payload.iat).toBe(300);
    expect(typeof payload.jti).toBe('string');
    expect(payload).not.toHaveProperty('environment');
  });

  it('defaults aud to the owner URL and derives sub from an environment', async () => {
    const res = await call(env.github.requestUrl, { headers: { authorization: `Bearer ${env.github.requestToken}` } });
    expect(decodeJwt(res.body.value).payload.aud).toBe('https://github.com/octo-org');
    const token = env.github.mintToken({ claims: { repository: 'acme/app', environment: 'prod' } });
    expect(decodeJwt(token).payload).toMatchObject({
      sub: 'repo:acme/app:environment:prod',
      repository_owner: 'acme',
      environment: 'prod',
    });
  });

  it('serves its JWKS', async () => {
    const res = await call(env.github.jwksUrl);
    expect(res.body.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', kid: env.github.kid });
  });
});

describe('fake STS', () => {
  it('exchanges a GitHub token sent as JSON (camelCase)', async () => {
    const res = await stsJson(env.github.mintToken({ audience: defaultJwtAudience() }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      token_type: 'Bearer',
      expires_in: 3600,
    });
    expect(res.body.access_token).toMatch(/^ya29\.fed-/);
    const issued = env.google.lookupToken(res.body.access_token);
    expect(issued?.principal).toMatchObject({
      type: 'federated',
      provider: DEFAULT_PROVIDER,
      subject: 'repo:octo-org/octo-repo:ref:refs/heads/main',
    });
  });

  it('exchanges a token sent form-encoded (snake_case), as google-auth-library does', async () => {
    const res = await postForm(`${env.google.stsEndpoint}/token`, {
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      audience: providerAudience(),
      scope: 'https://www.googleapis.com/auth/cloud-platform',
      requested_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      subject_token: env.github.mintToken({ audience: providerAudience() }),
      subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
    });
    expect(res.status).toBe(200);
    expect(res.body.access_token).toMatch(/^ya29\.fed-/);
  });

  it('rejects a token with the wrong audience', async () => {
    const res = await stsJson(env.github.mintToken({ audience: 'https://github.com/octo-org' }));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
    expect(res.body.error_description).toBe(
      `The audience in ID Token [https://github.com/octo-org] does not match the expected audience ${defaultJwtAudience()}.`,
    );
  });

  it('applies the attribute condition', async () => {
    const res = await stsJson(
      env.github.mintToken({ audience: defaultJwtAudience(), claims: { repository: 'evil-org/repo' } }),
    );
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'unauthorized_client',
      error_description: 'The given credential is rejected by the attribute condition.',
    });
  });

  it('rejects expired tokens and bad signatures', async () => {
    const iat = Math.floor(Date.now() / 1000) - 3600;
    const expired = await stsJson(env.github.mintToken({ audience: defaultJwtAudience(), iat }));
    expect(expired.status).toBe(400);
    expect(expired.body.error_description).toBe(`ID Token issued at ${iat} is stale to sign-in.`);

    const forged = await stsJson(
      env.github.mintToken({ audience: defaultJwtAudience(), privateKey: getKeyPair('attacker').privateKey }),
    );
    expect(forged.status).toBe(400);
    expect(forged.body.error).toBe('invalid_grant');
    expect(forged.body.error_description).toMatch(/signature/i);
  });

  it('rejects unknown providers and malformed audiences', async () => {
    const token = env.github.mintToken({ audience: defaultJwtAudience() });
    const unknown = await stsJson(token, providerAudience().replace('github-provider', 'nope'));
    expect(unknown.body.error).toBe('invalid_target');
    const malformed = await stsJson(token, 'projects/123/providers/x');
    expect(malformed.body.error).toBe('invalid_request');
    expect(malformed.body.error_description).toMatch(/^Invalid value for "audience"/);
  });

  it('delegates AWS subject tokens to the verifier callback', async () => {
    const body = (subjectToken: string) => ({
      grantType: 'urn:ietf:params:oauth:grant-type:token-exchange',
      audience: `//iam.googleapis.com/${AWS_PROVIDER}`,
      scope: 'https://www.googleapis.com/auth/cloud-platform',
      requestedTokenType: 'urn:ietf:params:oauth:token-type:access_token',
      subjectToken,
      subjectTokenType: 'urn:ietf:params:aws:token-type:aws4_request',
    });
    const ok = await postJson(`${env.google.stsEndpoint}/token`, body('signed-aws-request'));
    expect(ok.status).toBe(200);
    expect(env.google.lookupToken(ok.body.access_token)?.principal).toMatchObject({
      subject: `arn:aws:sts::${AWS_ACCOUNT}:assumed-role/ci/session`,
    });
    const bad = await postJson(`${env.google.stsEndpoint}/token`, body('tampered'));
    expect(bad.body).toEqual({ error: 'invalid_grant', error_description: 'The AWS request signature is invalid.' });
    // The GitHub provider has no AWS verifier.
    const noVerifier = await postJson(`${env.google.stsEndpoint}/token`, {
      ...body('signed-aws-request'),
      audience: providerAudience(),
    });
    expect(noVerifier.body.error).toBe('invalid_request');
  });
});

describe('fake IAM Credentials', () => {
  it('generates an access token honouring lifetime', async () => {
    const fed = await federatedToken();
    const before = Date.now();
    const res = await postJson(
      saUrl(env.serviceAccount, 'generateAccessToken'),
      {
        scope: ['https://www.googleapis.com/auth/cloud-platform'],
        lifetime: '600s',
      },
      fed,
    );
    expect(res.status).toBe(200);
    expect(res.body.accessToken).toMatch(/^ya29\.sa-/);
    expect(res.body.expireTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const expiresIn = (Date.parse(res.body.expireTime) - before) / 1000;
    expect(expiresIn).toBeGreaterThan(595);
    expect(expiresIn).toBeLessThanOrEqual(601);
  });

  it('generates an ID token signed by fake Google', async () => {
    const fed = await federatedToken();
    const res = await postJson(
      saUrl(env.serviceAccount, 'generateIdToken'),
      { audience: 'https://my-service.example', includeEmail: true },
      fed,
    );
    expect(res.status).toBe(200);
    const { payload } = verifyJwt(res.body.token, env.google.idTokenPublicKey);
    expect(payload).toMatchObject({
      iss: 'https://accounts.google.com',
      aud: 'https://my-service.example',
      email: env.serviceAccount,
      email_verified: true,
    });
  });

  it('signs a JWT with the service account key', async () => {
    const fed = await federatedToken();
    const claims = { iss: env.serviceAccount, aud: 'https://example.test', exp: Math.floor(Date.now() / 1000) + 300 };
    const res = await postJson(saUrl(env.serviceAccount, 'signJwt'), { payload: JSON.stringify(claims) }, fed);
    expect(res.status).toBe(200);
    const { header, payload } = verifyJwt(res.body.signedJwt, env.google.serviceAccountPublicKey(env.serviceAccount));
    expect(header.kid).toBe(res.body.keyId);
    expect(payload).toEqual(claims);
  });

  it('answers 403 / 404 / 401 like Google', async () => {
    // Passes the provider condition (owner octo-org) but not the SA binding.
    const otherRepo = await federatedToken({ repository: 'octo-org/other-repo' });
    const denied = await postJson(saUrl(env.serviceAccount, 'generateIdToken'), { audience: 'x' }, otherRepo);
    expect(denied.status).toBe(403);
    expect(denied.body.error).toMatchObject({
      code: 403,
      status: 'PERMISSION_DENIED',
      message: "Permission 'iam.serviceAccounts.getOpenIdToken' denied on resource (or it may not exist).",
      details: [{ reason: 'IAM_PERMISSION_DENIED', metadata: { permission: 'iam.serviceAccounts.getOpenIdToken' } }],
    });

    const fed = await federatedToken();
    const missing = await postJson(
      saUrl('ghost@my-project.iam.gserviceaccount.com', 'generateAccessToken'),
      { scope: ['s'] },
      fed,
    );
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe(
      'Not found; Gaia id not found for email ghost@my-project.iam.gserviceaccount.com',
    );

    const noAuth = await postJson(saUrl(env.serviceAccount, 'generateAccessToken'), { scope: ['s'] });
    expect(noAuth.status).toBe(401);
    expect(noAuth.body.error.status).toBe('UNAUTHENTICATED');
    const badAuth = await postJson(saUrl(env.serviceAccount, 'generateAccessToken'), { scope: ['s'] }, 'ya29.made-up');
    expect(badAuth.status).toBe(401);
  });

  it('accepts a self-signed JWT from a trusted key and checks delegation chains', async () => {
    const key = env.google.createServiceAccountKey(env.serviceAccount);
    const now = Math.floor(Date.now() / 1000);
    const selfSigned = signJwt(
      {
        iss: key.client_email,
        sub: key.client_email,
        aud: 'https://iamcredentials.googleapis.com/',
        iat: now,
        exp: now + 3600,
      },
      key.private_key,
      { kid: key.private_key_id },
    );
    const res = await postJson(
      saUrl(OTHER_SA, 'generateAccessToken'),
      { scope: ['https://www.googleapis.com/auth/cloud-platform'] },
      selfSigned,
    );
    expect(res.status).toBe(200);

    // federated -> deployer -> builder works; federated -> builder directly does not.
    const fed = await federatedToken();
    const chained = await postJson(
      saUrl(OTHER_SA, 'generateAccessToken'),
      {
        scope: ['https://www.googleapis.com/auth/cloud-platform'],
        delegates: [`projects/-/serviceAccounts/${env.serviceAccount}`],
      },
      fed,
    );
    expect(chained.status).toBe(200);
    const direct = await postJson(saUrl(OTHER_SA, 'generateAccessToken'), { scope: ['s'] }, fed);
    expect(direct.status).toBe(403);
  });
});

describe('fake OAuth2', () => {
  let key: ServiceAccountKeyJson;
  beforeAll(() => {
    key = env.google.createServiceAccountKey('dwd@my-project.iam.gserviceaccount.com');
  });

  function assertion(claims: Record<string, unknown> = {}, privateKey: string = key.private_key): string {
    const now = Math.floor(Date.now() / 1000);
    return signJwt(
      {
        iss: key.client_email,
        aud: `${env.google.oauth2Endpoint}/token`,
        scope: 'https://www.googleapis.com/auth/admin.directory.user',
        iat: now,
        exp: now + 3600,
        ...claims,
      },
      privateKey,
      { kid: key.private_key_id },
    );
  }

  function grant(jwt: string): Promise<HttpResult> {
    return postForm(`${env.google.oauth2Endpoint}/token`, {
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: jwt,
    });
  }

  it('points generated keys at the fake token endpoint', () => {
    expect(key).toMatchObject({
      type: 'service_account',
      token_uri: `${env.google.oauth2Endpoint}/token`,
      universe_domain: 'googleapis.com',
    });
    expect(key.private_key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('grants a token for a jwt-bearer assertion and records the DWD subject', async () => {
    const res = await grant(assertion({ sub: 'admin@example.com' }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer' });
    expect(res.body.access_token).toMatch(/^ya29\.dwd-/);
    expect(env.google.lookupToken(res.body.access_token)).toMatchObject({
      subject: 'admin@example.com',
      principal: { type: 'user', email: 'admin@example.com', serviceAccount: key.client_email },
    });
  });

  it('rejects bad signatures, audiences and lifetimes', async () => {
    const forged = await grant(
      assertion({}, generateKeyPair().privateKey.export({ type: 'pkcs8', format: 'pem' }) as string),
    );
    expect(forged.body).toEqual({ error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
    const wrongAud = await grant(assertion({ aud: 'https://oauth2.googleapis.com/token' }));
    expect(wrongAud.body.error_description).toMatch(/^Invalid JWT: Failed audience check/);
    const now = Math.floor(Date.now() / 1000);
    const tooLong = await grant(assertion({ iat: now, exp: now + 7200 }));
    expect(tooLong.body.error_description).toMatch(/short-lived token/);
  });
});

describe('fault injection', () => {
  it('answers 503 / 429 from the queue, then recovers', async () => {
    const sts = env.google.sts;
    const before = sts.requestCount;
    sts.injectFaults([{ status: 503 }, { status: 429, retryAfter: 1 }]);
    const first = await stsJson(env.github.mintToken({ audience: defaultJwtAudience() }));
    expect(first.status).toBe(503);
    expect(first.body.error.status).toBe('UNAVAILABLE');
    const second = await stsJson(env.github.mintToken({ audience: defaultJwtAudience() }));
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('1');
    const third = await stsJson(env.github.mintToken({ audience: defaultJwtAudience() }));
    expect(third.status).toBe(200);
    expect(sts.requestCount - before).toBe(3);
  });

  it('resets and hangs connections, and close() does not wait for hung sockets', async () => {
    const server = await startFakeServer({ name: 'probe', handler: () => ({ status: 200, body: 'ok' }) });
    server.injectFaults([
      { reset: true },
      { hangMs: 200 },
      { status: 403, body: { custom: true } },
      { hangMs: 60_000 },
    ]);

    await expect(fetch(server.origin)).rejects.toThrow();
    const t0 = Date.now();
    await expect(fetch(server.origin)).rejects.toThrow();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
    const custom = await call(server.origin);
    expect(custom).toMatchObject({ status: 403, body: { custom: true } });

    const hung = fetch(server.origin).catch((e: unknown) => e);
    while (server.requestCount < 4) await new Promise((r) => setTimeout(r, 10));
    const t1 = Date.now();
    await server.close();
    expect(Date.now() - t1).toBeLessThan(1000);
    // undici's TypeError comes from another realm than jest's, so no toBeInstanceOf.
    expect(String(await hung)).toMatch(/fetch failed/);
    expect(server.requestCount).toBe(4);
    expect(server.requests.map((r) => r.fault)).toEqual([
      { reset: true },
      { hangMs: 200 },
      { status: 403, body: { custom: true } },
      { hangMs: 60_000 },
    ]);
  });

  it('an outage window answers every request for its time, from the first request it meets, then recovers', async () => {
    const server = await startFakeServer({ name: 'window', handler: () => ({ status: 200, body: 'ok' }) });
    try {
      server.injectFaults([{ status: 503, forMs: 300 }, { status: 500 }]);
      await new Promise((r) => setTimeout(r, 400)); // the window has not started yet: no request met it
      const t0 = Date.now();
      const during: number[] = [];
      while (Date.now() - t0 < 250) during.push((await call(server.origin)).status);
      expect(during.length).toBeGreaterThan(2);
      expect(new Set(during)).toEqual(new Set([503]));
      await new Promise((r) => setTimeout(r, 350 - (Date.now() - t0)));
      // Over: the next queued fault answers once, then the service itself.
      expect((await call(server.origin)).status).toBe(500);
      expect((await call(server.origin)).status).toBe(200);
      expect(server.pendingFaults()).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('a quota admits a burst, then its rate, answering 429 beyond it until cleared', async () => {
    const server = await startFakeServer({ name: 'quota', handler: () => ({ status: 200, body: 'ok' }) });
    try {
      server.injectFaults([{ quota: { perSecond: 10, burst: 3 }, retryAfter: 1 }]);
      const burst = await Promise.all(Array.from({ length: 5 }, () => call(server.origin)));
      expect(burst.map((r) => r.status).sort()).toEqual([200, 200, 200, 429, 429]);
      const refused = burst.find((r) => r.status === 429);
      expect(refused?.headers.get('retry-after')).toBe('1');
      expect(refused?.body).toMatchObject({ error: { code: 429, status: 'RESOURCE_EXHAUSTED' } });
      await new Promise((r) => setTimeout(r, 120)); // 10/s: one token back
      expect((await call(server.origin)).status).toBe(200);
      expect((await call(server.origin)).status).toBe(429);
      expect(server.pendingFaults()).toBe(1); // a quota stays
      server.clearFaults();
      expect((await call(server.origin)).status).toBe(200);

      server.injectFaults([{ quota: { perSecond: 1, burst: 1 } }]);
      await call(server.origin);
      const plain = await call(server.origin);
      expect(plain.status).toBe(429);
      expect(plain.headers.get('retry-after')).toBeNull();
    } finally {
      await server.close();
    }
  });
});

describe('TLS', () => {
  let certs: TestCertificates;
  beforeAll(async () => {
    certs = await createTestCertificates();
  });
  afterAll(async () => {
    await certs.cleanup();
  });

  /** GET over node:https (fetch cannot take a CA); resolves the status, or the error code. */
  function httpsGet(url: string, ca?: string): Promise<number | string> {
    return new Promise((resolve) => {
      const req = httpsRequest(url, { ca, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? String(err)));
      req.end();
    });
  }

  it('makes an EC P-256 server certificate, signed by a CA, for loopback and the *.test names', async () => {
    const cert = new X509Certificate(certs.cert);
    const ca = new X509Certificate(certs.ca);
    expect(ca.ca).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.checkPrivateKey(createPrivateKey(certs.key))).toBe(true);
    expect(createPrivateKey(certs.key).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    for (const host of [
      'localhost',
      'sts.googleapis.test',
      'iamcredentials.googleapis.test',
      'oauth2.googleapis.test',
      'token.actions.githubusercontent.test',
    ]) {
      expect(cert.checkHost(host)).toBeDefined();
    }
    expect(cert.checkHost('example.com')).toBeUndefined();
    expect(await readFile(certs.caFile, 'utf8')).toBe(certs.ca);
  });

  it('cleanup() removes the files', async () => {
    const other = await createTestCertificates();
    expect(existsSync(other.caFile)).toBe(true);
    await other.cleanup();
    expect(existsSync(other.caFile)).toBe(false);
  });

  it('serves HTTPS with `tls`, records the transport, and counts refused handshakes', async () => {
    const handler = () => ({ status: 200, body: 'ok' });
    const secure = await startFakeServer({ name: 'secure', handler, tls: certs });
    const plain = await startFakeServer({ name: 'plain', handler });
    try {
      expect(secure.origin).toBe(`https://127.0.0.1:${secure.port}`);
      expect(secure.tls).toBe(true);
      expect(plain.tls).toBe(false);
      expect(await httpsGet(`${secure.origin}/x`, certs.ca)).toBe(200);
      expect((await call(`${plain.origin}/x`)).status).toBe(200);
      expect(secure.requests.map((r) => r.tls)).toEqual([true]);
      expect(plain.requests.map((r) => r.tls)).toEqual([false]);

      // A client without the CA hangs up during the handshake: a connection, no request.
      expect(await httpsGet(`${secure.origin}/x`)).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
      expect(secure.requestCount).toBe(1);
      expect(secure.connectionCount).toBe(2);
    } finally {
      await Promise.all([secure.close(), plain.close()]);
    }
  });

  it('startEnvironment({ tls }) puts every fake on https://', async () => {
    const world = await startEnvironment({ tls: certs });
    try {
      const origins = [
        world.env.ACTIONS_ID_TOKEN_REQUEST_URL,
        ...Object.values(world.endpointInputs),
        world.google.createServiceAccountKey(OTHER_SA).token_uri,
      ];
      expect(origins.map((url) => new URL(url).protocol)).toEqual(Array(origins.length).fill('https:'));
      expect(await httpsGet(world.github.jwksUrl, certs.ca)).toBe(200);
      expect(world.github.requests.map((r) => r.tls)).toEqual([true]);
    } finally {
      await world.close();
    }
  });
});

describe('runAction harness', () => {
  let dir: string;
  let script: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fakes-test-'));
    script = join(dir, 'action.mjs');
    const coreUrl = pathToFileURL(join(process.cwd(), 'node_modules/@actions/core/lib/core.js')).href;
    // A throwaway "action": reads inputs, masks a secret (after leaking
    // another one), writes outputs with @actions/core and by hand, saves
    // state, and in the post step reports what it got back.
    await writeFile(
      script,
      `import * as core from ${JSON.stringify(coreUrl)};
import { appendFileSync } from 'node:fs';
if (process.env.STATE_phase === 'main') {
  core.info('post sees ' + core.getState('phase') + ' ' + process.env.EXPORTED_VAR);
  process.exit(0);
}
console.log('leaked ' + core.getInput('early secret'));
core.setSecret(core.getInput('token'));
console.log('token is ' + core.getInput('token'));
core.setOutput('greeting', 'hello\\nworld');
appendFileSync(process.env.GITHUB_OUTPUT, 'plain=value=with=equals\\n');
core.setOutput('hyphen', core.getInput('with-hyphen'));
core.exportVariable('EXPORTED_VAR', 'exported');
core.saveState('phase', 'main');
core.summary.addRaw('# summary').write();
core.error('multi\\nline', { file: 'src/a,b.ts', startLine: 3 });
console.log('inherited=' + (process.env.JEST_WORKER_ID ?? 'none') + ' cwd=' + process.cwd());
process.exitCode = 2;
`,
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs main and post like the runner', async () => {
    const main = await runAction({
      script,
      inputs: { token: 'tok-SECRET-123', 'early secret': 'early-SECRET-456', 'with-hyphen': 'h' },
      env: { EXTRA: '1' },
    });
    try {
      expect(main.code).toBe(2);
      expect(main.env['INPUT_EARLY_SECRET']).toBe('early-SECRET-456');
      expect(main.env['INPUT_WITH-HYPHEN']).toBe('h');
      expect(main.outputs).toEqual({ greeting: 'hello\nworld', plain: 'value=with=equals', hyphen: 'h' });
      expect(main.exportedEnv).toEqual({ EXPORTED_VAR: 'exported' });
      expect(main.state).toEqual({ phase: 'main' });
      expect(main.summary).toContain('# summary');
      expect(main.masks).toEqual(['tok-SECRET-123']);
      expect(main.stdout).toContain(`inherited=none cwd=${main.workspace}`);
      const error = main.commands.find((c) => c.command === 'error');
      expect(error).toMatchObject({ message: 'multi\nline', properties: { file: 'src/a,b.ts', line: '3' } });
      expect(findLeakedSecrets(main.stdout, ['tok-SECRET-123', 'early-SECRET-456'])).toEqual(['early-SECRET-456']);

      const post = await runAction({ script, stateFrom: main });
      try {
        expect(post.code).toBe(0);
        expect(post.stdout).toContain('post sees main exported');
        expect(post.workspace).toBe(main.workspace);
      } finally {
        await post.cleanup();
      }
    } finally {
      await main.cleanup();
    }
  });

  it('parses file commands and workflow commands', () => {
    expect(parseFileCommands('a=1\nb<<EOF\nx\n\ny\nEOF\n')).toEqual({ a: '1', b: 'x\n\ny' });
    expect(() => parseFileCommands('b<<EOF\nx\n')).toThrow(/missing delimiter/);
    const cmds = parseWorkflowCommands(
      '::warning title=T%3A1::50%25 done\n::stop-commands::tok\n::error::ignored\n::tok::\n::notice::n',
    );
    expect(cmds.map((c) => [c.command, c.message, c.properties])).toEqual([
      ['warning', '50% done', { title: 'T:1' }],
      ['stop-commands', 'tok', {}],
      ['notice', 'n', {}],
    ]);
    // The runner's line rules: CR alone ends a line, white space (U+0085 too, as in .NET) may lead a command,
    // the legacy ##[name] form counts anywhere in a line, and unknown names are text.
    const runnerRules = parseWorkflowCommands(
      'a\r::notice::cr\n \u0085\t::debug::ws\nsome text ##[add-mask]legacy\n::unknown::x\n::notice ::spaced',
    );
    expect(runnerRules.map((c) => [c.command, c.message])).toEqual([
      ['notice', 'cr'],
      ['debug', 'ws'],
      ['add-mask', 'legacy'],
      ['notice', 'spaced'],
    ]);
    expect(findLeakedSecrets('::add-mask::s3cr%0Aet\nprinted s3cr\net', ['s3cr\net'])).toEqual([]);
    // While stop-commands is in force the runner registers no mask: the secret printed after it shows.
    expect(
      findLeakedSecrets('log\r::stop-commands::T\n::add-mask::s3cret-value\nprinted s3cret-value', ['s3cret-value']),
    ).toEqual(['s3cret-value']);
  });
});
