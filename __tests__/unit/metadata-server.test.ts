/**
 * The metadata server way in, in process: the client (src/google/metadata-server.ts)
 * against nock, the inputs that choose it (src/config.ts), the connections it
 * opens early (src/connections.ts), its hints (src/identity/metadata-server-hints.ts)
 * and the ADC path of credentials_file_location: adc (src/adc-file.ts).
 */
import * as path from 'node:path';

import nock from 'nock';

import { gcloudConfigDirectory } from '../../src/adc-file.js';
import { type Config, readConfig } from '../../src/config.js';
import { originsFor } from '../../src/preconnect-plan.js';
import { ConfigError, EnvironmentError, ServiceError } from '../../src/errors.js';
import { IAM_SERVICE } from '../../src/google/iam-credentials.js';
import { MetadataServer, metadataServerOrigin } from '../../src/google/metadata-server.js';
import { Http } from '../../src/http.js';
import { machinePrincipal } from '../../src/identity/metadata-server.js';
import { machineAccountHints } from '../../src/identity/metadata-server-hints.js';
import { SA } from '../support/fixtures.js';
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

function config(inputs: Record<string, string>): Config {
  return readConfig((name) => ({ use_metadata_server: 'true', ...inputs })[name] ?? '');
}

function configError(inputs: Record<string, string>): string {
  try {
    config(inputs);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
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

describe('use_metadata_server inputs', () => {
  it('is a way in of its own: no file, the project left to the metadata server', () => {
    const c = config({ create_credentials_file: 'true', credentials_file_location: 'workspace', service_account: SA });
    expect(c.auth).toEqual({ kind: 'metadata_server' });
    expect(c.createCredentialsFile).toBe(false);
    // Not the service account's project (my-project): the machine's, from the metadata server.
    expect(c.projectId).toBeUndefined();
    expect(config({ project_id: 'chosen-project' }).projectId).toBe('chosen-project');
  });

  it('gives an ID token without service_account (the machine’s), but not domain-wide delegation', () => {
    expect(config({ token_format: 'id_token', id_token_audience: 'https://x.example' }).tokenFormat).toBe('id_token');
    expect(configError({ token_format: 'access_token', access_token_subject: 'user@example.com' })).toMatch(
      /^token_format "access_token" with access_token_subject needs "service_account"/,
    );
  });

  it.each([
    ['workload_identity_provider', 'projects/1/locations/global/workloadIdentityPools/p/providers/q'],
    ['credentials_json', '{}'],
  ])('refuses %s with it', (name, value) => {
    expect(configError({ [name]: value })).toBe(
      `"use_metadata_server" signs in as the runner machine's own service account; it cannot be combined with ` +
        `"${name}", which is another way in. Keep one of them.`,
    );
  });

  it("refuses a subject source's inputs, a credentials file location and a non-boolean", () => {
    expect(configError({ aws_region: 'us-east-1' })).toBe(
      '"aws_region" applies only to Workload Identity Federation (workload_identity_provider), not to use_metadata_server.',
    );
    expect(configError({ credentials_file_location: 'adc' })).toMatch(
      /^"credentials_file_location" is set, but use_metadata_server writes no credentials file/,
    );
    expect(configError({ use_metadata_server: 'yes' })).toBe('"use_metadata_server" must be true or false, got "yes".');
  });

  it('false (the default the runner passes) leaves the other ways in as they were', () => {
    expect(() => config({ use_metadata_server: 'false' })).toThrow(/^Neither "workload_identity_provider"/);
  });
});

describe('originsFor with the metadata server', () => {
  const IAM = 'https://iamcredentials.googleapis.com/v1';
  it.each<[string, Record<string, string>, string[]]>([
    ['the machine alone: nothing (the metadata server is the first request)', { token_format: 'access_token' }, []],
    ['a service account, no token: nothing', { service_account: SA }, []],
    [
      'access_token as a service account: IAM Credentials',
      { service_account: SA, token_format: 'access_token' },
      [IAM],
    ],
    [
      'id_token as a service account: IAM Credentials',
      { service_account: SA, token_format: 'id_token', id_token_audience: 'https://x.example' },
      [IAM],
    ],
    [
      'domain-wide delegation: IAM Credentials (signJwt), OAuth2',
      { service_account: SA, token_format: 'access_token', access_token_subject: 'user@example.com' },
      [IAM, 'https://oauth2.googleapis.com'],
    ],
  ])('%s', (_, inputs, origins) => {
    expect(originsFor(config(inputs), {})).toEqual(origins);
  });
});

describe('machineAccountHints', () => {
  const refused = (message: string, status = 403) =>
    new ServiceError(IAM_SERVICE, status, message, 'POST https://iamcredentials.googleapis.com/v1/…', 1);

  it('a 403: the Token Creator binding for the machine account, as a command', () => {
    const [hint] = machineAccountHints(
      refused("Permission 'iam.serviceAccounts.getAccessToken' denied"),
      SA,
      `serviceAccount:${MACHINE}`,
    );
    expect(hint).toContain(
      `gcloud iam service-accounts add-iam-policy-binding "${SA}" --member="serviceAccount:${MACHINE}" ` +
        '--role="roles/iam.serviceAccountTokenCreator"',
    );
  });

  it('insufficient scopes: the access-scopes command instead', () => {
    const hints = machineAccountHints(
      refused('Request had insufficient authentication scopes.'),
      SA,
      `serviceAccount:${MACHINE}`,
    );
    expect(hints).toHaveLength(1);
    expect(hints[0]).toContain(`--service-account="${MACHINE}" --scopes=cloud-platform`);
  });

  it('GKE without a bound service account: the pod principal to grant, with its parts to fill in', () => {
    const member = machinePrincipal('runner-project.svc.id.goog');
    expect(member).toBe(
      'principal://iam.googleapis.com/projects/PROJECT_NUMBER/locations/global/workloadIdentityPools/' +
        'runner-project.svc.id.goog/subject/ns/NAMESPACE/sa/KUBERNETES_SERVICE_ACCOUNT',
    );
    expect(machinePrincipal(MACHINE)).toBe(`serviceAccount:${MACHINE}`);
    const [hint] = machineAccountHints(refused('Permission denied'), SA, member);
    expect(hint).toMatch(/^The runner pod's federated identity \(Workload Identity Federation for GKE/);
    expect(hint).toContain(`--member="${member}" --role="roles/iam.serviceAccountTokenCreator"`);
  });

  it('nothing for other answers', () => {
    expect(machineAccountHints(refused('Not found', 404), SA, undefined)).toEqual([]);
  });
});

describe('gcloudConfigDirectory: where gcloud and google-auth-library look for ADC', () => {
  it.each<[string, NodeJS.ProcessEnv, NodeJS.Platform, path.PlatformPath, string]>([
    ['Linux: $HOME/.config/gcloud', { HOME: '/home/runner' }, 'linux', path.posix, '/home/runner/.config/gcloud'],
    ['macOS too', { HOME: '/Users/runner' }, 'darwin', path.posix, '/Users/runner/.config/gcloud'],
    [
      'CLOUDSDK_CONFIG before all',
      { HOME: '/home/runner', CLOUDSDK_CONFIG: '/opt/gcloud' },
      'linux',
      path.posix,
      '/opt/gcloud',
    ],
    [
      'Windows: %APPDATA%\\gcloud',
      { APPDATA: 'C:\\Users\\runner\\AppData\\Roaming' },
      'win32',
      path.win32,
      'C:\\Users\\runner\\AppData\\Roaming\\gcloud',
    ],
    [
      'Windows without APPDATA: %SystemDrive%\\gcloud, as gcloud',
      { SystemDrive: 'D:' },
      'win32',
      path.win32,
      'D:\\gcloud',
    ],
  ])('%s', (_, env, platform, paths, directory) => {
    expect(gcloudConfigDirectory(env, platform, paths)).toBe(directory);
  });

  it('refuses to guess without HOME', () => {
    expect(() => gcloudConfigDirectory({}, 'linux', path.posix)).toThrow(
      new EnvironmentError(
        "credentials_file_location: adc, but HOME is not set, so gcloud's configuration directory is unknown. Set " +
          'HOME or CLOUDSDK_CONFIG.',
      ),
    );
  });
});
