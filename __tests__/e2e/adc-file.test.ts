/**
 * credentials_file_location: adc, end to end: the bundled action writes the
 * credentials file at gcloud's Application Default Credentials path under a
 * temporary HOME (or CLOUDSDK_CONFIG), and tools that are given no credentials
 * variable at all — google-auth-library, and gcloud's
 * `auth application-default print-access-token` — find it there and use it.
 * A file already there is never replaced; the post step removes ours.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { GoogleAuth } from 'google-auth-library';
import type { RunActionResult } from '../fakes/index.mjs';
import { errorsOf, expectTroubleshootingRow } from '../support/e2e.js';
import { useFakeWorld } from '../support/fake-world.js';
import { gcloudInstalled, runGcloud } from '../support/gcloud.js';
import { SA } from '../support/fixtures.js';
import { CREDENTIALS_FILE_MODE } from '../support/platform.js';

const ADC = 'application_default_credentials.json';
const POSIX = process.platform !== 'win32';

const { world, runMain, runPost, expectNoLeaks } = useFakeWorld({
  inputs: (w) => ({
    workload_identity_provider: w.workloadIdentityProvider,
    credentials_file_location: 'adc',
    service_account: SA,
  }),
  actionDefaults: true,
});

let home: string;
beforeEach(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'adc-home-'));
});
afterEach(async () => {
  await fs.rm(home, { recursive: true, force: true });
});

/** The run's environment: HOME (and APPDATA on Windows) at the test's directory, no CLOUDSDK_CONFIG. */
function homeEnv(): Record<string, string | undefined> {
  return { HOME: home, APPDATA: path.join(home, 'AppData'), CLOUDSDK_CONFIG: undefined };
}

/** Where gcloud and google-auth-library look, for this test's HOME. */
function adcPath(): string {
  return POSIX ? path.join(home, '.config', 'gcloud', ADC) : path.join(home, 'AppData', 'gcloud', ADC);
}

function expectSuccess(result: RunActionResult): void {
  if (result.code !== 0) throw new Error(`action failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
  expect(errorsOf(result)).toEqual([]);
}

describe('the file at the ADC path', () => {
  it('is written there (directory 0700, file 0600), output, exported, and flagged for the post step', async () => {
    const result = await runMain({}, homeEnv());
    expectSuccess(result);
    const file = adcPath();
    expect(result.outputs['credentials_file_path']).toBe(file);
    expect(result.exportedEnv['GOOGLE_APPLICATION_CREDENTIALS']).toBe(file);
    expect(result.state).toMatchObject({ credentials_file_path: file, credentials_file_adc: 'true' });
    const content = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
    expect(content).toMatchObject({ type: 'external_account', token_url: `${world.google.stsEndpoint}/token` });
    expect((await fs.stat(file)).mode & 0o777).toBe(CREDENTIALS_FILE_MODE);
    if (POSIX) expect((await fs.stat(path.dirname(file))).mode & 0o777).toBe(0o700);
    expectNoLeaks(result);
  });

  it('follows CLOUDSDK_CONFIG, as gcloud and google-auth-library do', async () => {
    const config = path.join(home, 'gcloud-config');
    const result = await runMain({}, { ...homeEnv(), CLOUDSDK_CONFIG: config });
    expectSuccess(result);
    expect(result.outputs['credentials_file_path']).toBe(path.join(config, ADC));
  });

  it('google-auth-library finds and uses it with no credentials variable set', async () => {
    const result = await runMain({}, homeEnv());
    expectSuccess(result);
    const saved = { ...process.env };
    try {
      for (const name of [
        'GOOGLE_APPLICATION_CREDENTIALS',
        'CLOUDSDK_CONFIG',
        'CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE',
      ]) {
        delete process.env[name];
      }
      process.env['HOME'] = home;
      process.env['APPDATA'] = path.join(home, 'AppData');
      // The project a later step has (else the library asks Cloud Resource Manager for it).
      process.env['GOOGLE_CLOUD_PROJECT'] = result.exportedEnv['GOOGLE_CLOUD_PROJECT'];
      const auth = new GoogleAuth({ scopes: ['https://www.googleapis.com/auth/cloud-platform'] });
      const client = await auth.getClient();
      const { token } = await client.getAccessToken();
      expect(world.google.lookupToken(token ?? '')?.principal).toMatchObject({ type: 'serviceAccount', email: SA });
    } finally {
      process.env = saved;
    }
  });

  it('gcloud auth application-default print-access-token finds and uses it', async () => {
    if (!(await gcloudInstalled())) {
      console.warn('skipped: gcloud is not installed on this machine');
      return;
    }
    const result = await runMain({}, homeEnv());
    expectSuccess(result);
    // No GOOGLE_APPLICATION_CREDENTIALS nor any other credentials variable: HOME, and the project a later step has
    // (else gcloud asks Cloud Resource Manager for it).
    const printed = await runGcloud(['auth', 'application-default', 'print-access-token'], {
      HOME: home,
      CLOUDSDK_CORE_PROJECT: result.exportedEnv['CLOUDSDK_CORE_PROJECT'] ?? '',
      GOOGLE_CLOUD_PROJECT: result.exportedEnv['GOOGLE_CLOUD_PROJECT'] ?? '',
      CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK: '1',
      // Not on Google Cloud: no looking for a metadata server (a DNS query for metadata.google.internal).
      CLOUDSDK_CORE_CHECK_GCE_METADATA: 'false',
    });
    expect(printed.stderr).not.toContain('ERROR');
    expect(printed.code).toBe(0);
    expect(world.google.lookupToken(printed.stdout.trim())?.principal).toMatchObject({ email: SA });
  }, 60_000);

  it('is refused, untouched, when a file is already there, before any request', async () => {
    const file = adcPath();
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, '{"type":"authorized_user"}\n');
    const before = world.github.requestCount;
    const result = await runMain({}, homeEnv());
    expect(result.code).not.toBe(0);
    const [error] = errorsOf(result);
    expect(error).toBe(
      `credentials_file_location: adc, but ${file} already exists (Application Default Credentials from ` +
        '"gcloud auth application-default login", the machine image, or an earlier step). This action never ' +
        'replaces it: remove it in an earlier step if it is stale, or use another credentials_file_location.',
    );
    expectTroubleshootingRow(error ?? '', 'credentials_file_location: adc, but … already exists');
    expect(await fs.readFile(file, 'utf8')).toBe('{"type":"authorized_user"}\n');
    expect(world.github.requestCount).toBe(before);
  });

  it('is removed by the post step', async () => {
    const main = await runMain({}, homeEnv());
    expectSuccess(main);
    const post = await runPost(main);
    expect(post.code).toBe(0);
    await expect(fs.access(adcPath())).rejects.toThrow();
    // The directory stays: it is gcloud's configuration directory.
    await fs.access(path.dirname(adcPath()));
  });
});
