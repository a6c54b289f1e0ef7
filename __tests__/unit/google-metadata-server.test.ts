/**
 * The metadata server client (src/google/metadata-server.ts) in process, against nock: where the server is, and what
 * it is asked and answers. The inputs that choose this way in are in config-metadata-server.test.ts, its hints in
 * metadata-server-hints.test.ts, the ADC path in adc-file.test.ts.
 */

import nock from 'nock';

import { EnvironmentError } from '../../src/errors.js';
import { MetadataServer, metadataServerOrigin } from '../../src/google/metadata-server.js';
import { Http } from '../../src/http.js';
import { useNockAndCaptureMasks } from '../support/unit.js';

const masks = useNockAndCaptureMasks();
const log = { debug: () => undefined, info: () => undefined, warning: () => undefined };
const MACHINE = '123456789012-compute@developer.gserviceaccount.com';
const ORIGIN = 'http://metadata.google.internal';
const ACCOUNT = '/computeMetadata/v1/instance/service-accounts/default';
const FLAVOR = { 'Metadata-Flavor': 'Google' };

function http(): Http {
  return new Http({ userAgent: 'test', requestTimeoutMs: 2000, retryTimeoutMs: 2000, log, sleep: async () => {} });
}

describe('metadataServerOrigin: where the metadata server is, as Google’s libraries read it', () => {
  it.each<[string, NodeJS.ProcessEnv, string]>([
    ['the default name', {}, ORIGIN],
    ['GCE_METADATA_HOST', { GCE_METADATA_HOST: '127.0.0.1:8080' }, 'http://127.0.0.1:8080'],
    ['its older name GCE_METADATA_ROOT', { GCE_METADATA_ROOT: 'metadata.local' }, 'http://metadata.local'],
    [
      'GCE_METADATA_HOST before GCE_METADATA_ROOT',
      { GCE_METADATA_HOST: 'a.local', GCE_METADATA_ROOT: 'b.local' },
      'http://a.local',
    ],
    ['an http:// prefix, as gcp-metadata accepts', { GCE_METADATA_HOST: 'http://[::1]:9/' }, 'http://[::1]:9'],
  ])('%s', (_, env, origin) => {
    expect(metadataServerOrigin(env)).toBe(origin);
  });

  it('refuses a value with a path or another scheme, naming the variable', () => {
    for (const value of ['127.0.0.1:8080/computeMetadata', 'https://metadata.local']) {
      expect(() => metadataServerOrigin({ GCE_METADATA_ROOT: value })).toThrow(
        new EnvironmentError(
          `GCE_METADATA_ROOT must be the metadata server's HOST or HOST:PORT (as Google's libraries read it), got ` +
            `"${value}". Unset it to use metadata.google.internal.`,
        ),
      );
    }
  });
});

describe('MetadataServer', () => {
  it('sends Metadata-Flavor: Google and reads the e-mail, the project and a masked token', async () => {
    nock(ORIGIN, { reqheaders: FLAVOR })
      .get(`${ACCOUNT}/email`)
      .reply(200, MACHINE, FLAVOR)
      .get('/computeMetadata/v1/project/project-id')
      .reply(200, 'runner-project', FLAVOR)
      .get(`${ACCOUNT}/token`)
      .query({ scopes: 'https://www.googleapis.com/auth/a,https://www.googleapis.com/auth/b' })
      .reply(200, { access_token: 'ya29.machine', expires_in: 600, token_type: 'Bearer' }, FLAVOR);
    const server = new MetadataServer(http(), {});
    expect(await server.serviceAccountEmail()).toBe(MACHINE);
    expect(await server.projectId()).toBe('runner-project');
    const before = Date.now();
    const token = await server.accessToken(['https://www.googleapis.com/auth/a', 'https://www.googleapis.com/auth/b']);
    expect(token.token).toBe('ya29.machine');
    expect(token.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 600_000);
    expect(masks).toContain('ya29.machine');
  });

  it('asks for an ID token with the audience, and format=full for the e-mail; masks it', async () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2lnbmF0dXJl';
    nock(ORIGIN, { reqheaders: FLAVOR })
      .get(`${ACCOUNT}/identity`)
      .query({ audience: 'https://x.example', format: 'full' })
      .reply(200, jwt, FLAVOR);
    expect(await new MetadataServer(http(), {}).idToken('https://x.example', true)).toBe(jwt);
    expect(masks).toContain(jwt);
  });

  it("takes GKE's workload pool where a pod has no Google service account bound", async () => {
    nock(ORIGIN).get(`${ACCOUNT}/email`).reply(200, 'runner-project.svc.id.goog', FLAVOR);
    expect(await new MetadataServer(http(), {}).serviceAccountEmail()).toBe('runner-project.svc.id.goog');
  });

  it('refuses an answer without Metadata-Flavor: Google', async () => {
    nock(ORIGIN).get(`${ACCOUNT}/email`).reply(200, MACHINE);
    await expect(new MetadataServer(http(), {}).serviceAccountEmail()).rejects.toThrow(
      /^Something answered at http:\/\/metadata\.google\.internal \(\/computeMetadata\/v1\/instance\/service-accounts\/default\/email\), but without "Metadata-Flavor: Google"/,
    );
  });

  it('says when the machine has no service account (404)', async () => {
    nock(ORIGIN).get(`${ACCOUNT}/email`).reply(404, 'Not Found', FLAVOR);
    await expect(new MetadataServer(http(), {}).serviceAccountEmail()).rejects.toThrow(
      'The metadata server at http://metadata.google.internal knows no service account of this machine (HTTP 404)',
    );
  });

  it('off Google Cloud: silence ends the first contact after one attempt, saying what use_metadata_server is for', async () => {
    const scope = nock(ORIGIN).get(`${ACCOUNT}/email`).delay(1000).reply(200, MACHINE, FLAVOR);
    const started = Date.now();
    const err = await new MetadataServer(http(), {}, 100).serviceAccountEmail().catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(900);
    expect(scope.isDone()).toBe(true);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as Error).message).toBe(
      'No Google Cloud metadata server answers at http://metadata.google.internal (timeout: no answer within ' +
        '100 ms): this runner does not seem to run on Google Cloud. use_metadata_server: true is for self-hosted ' +
        "runners on Google Cloud (Compute Engine VMs, GKE pods with Workload Identity): it signs in as the machine's " +
        'own service account. Elsewhere, use workload_identity_provider (or credentials_json) instead.',
    );
  });

  it('on Google Cloud: a 503 on the first contact is retried', async () => {
    nock(ORIGIN)
      .get(`${ACCOUNT}/email`)
      .reply(503, 'unavailable', FLAVOR)
      .get(`${ACCOUNT}/email`)
      .reply(200, MACHINE, FLAVOR);
    expect(await new MetadataServer(http(), {}).serviceAccountEmail()).toBe(MACHINE);
  });
});
