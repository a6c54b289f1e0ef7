/**
 * End-to-end, the bundled action: where the credentials file goes
 * (credentials_file_location), the lifetime it asks tools for, and two
 * authentications in one job, each with its own file and post step.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

import type { RunActionResult } from '../fakes/index.mjs';
import { errorsOf, expectTroubleshootingRow, ROOT, SA } from '../support/e2e.js';
import { useFakeWorld } from '../support/fake-world.js';

const CREDENTIALS_VARIABLES = [
  'GOOGLE_APPLICATION_CREDENTIALS',
  'CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE',
  'GOOGLE_GHA_CREDS_PATH',
];

let scratch: string;

beforeAll(async () => {
  scratch = await fs.mkdtemp(path.join(ROOT, 'node_modules', '.e2e-location-'));
});
afterAll(async () => {
  await fs.rm(scratch, { recursive: true, force: true });
});

const { world, runMain, runPost, expectNoLeaks } = useFakeWorld({
  actionDefaults: true,
  inputs: (world) => ({ workload_identity_provider: world.workloadIdentityProvider }),
});

function messages(result: RunActionResult, command: string): string[] {
  return result.commands.filter((c) => c.command === command).map((c) => c.message);
}

/** Plain log lines (not workflow commands) of a run. */
function logLines(result: RunActionResult): string[] {
  return result.stdout.split('\n').filter((line) => line !== '' && !line.startsWith('::'));
}

/** A new directory under the scratch directory. */
async function directory(name: string): Promise<string> {
  const dir = path.join(scratch, name);
  await fs.mkdir(dir);
  return dir;
}

describe('credentials_file_location', () => {
  it.each([
    ['workspace', (run: RunActionResult) => run.workspace],
    ['runner_temp', (run: RunActionResult) => run.runnerTemp],
    ['an absolute directory', () => path.join(scratch, 'named')],
  ])('%s: the file goes there, mode 0600, is exported, and the post step removes it', async (location, where) => {
    const named = path.join(scratch, 'named');
    if (location === 'an absolute directory') await fs.mkdir(named);
    const value = location === 'an absolute directory' ? named : location;
    const main = await runMain({ credentials_file_location: value, project_id: 'my-project' });
    expect(errorsOf(main)).toEqual([]);
    expect(main.code).toBe(0);

    const file = main.outputs['credentials_file_path'] ?? '';
    expect(path.dirname(file)).toBe(where(main));
    expect(path.basename(file)).toMatch(/^gha-creds-[0-9a-f]{16}\.json$/);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await fs.readFile(file, 'utf8'))).toMatchObject({ type: 'external_account' });
    for (const name of CREDENTIALS_VARIABLES) expect(main.exportedEnv[name]).toBe(file);
    expect(main.state).toEqual({ credentials_file_path: file, cleanup_credentials: 'true' });
    expect(logLines(main)).toContain(`Created credentials file ${file}`);
    // The runner's empty workspace draws the checkout warning only when the file goes there.
    expect(messages(main, 'warning')).toEqual(
      location === 'workspace' ? [expect.stringMatching(/^The workspace is empty\./)] : [],
    );
    if (location !== 'workspace') expect(await fs.readdir(main.workspace)).toEqual([]);

    const post = await runPost(main);
    expect(post.code).toBe(0);
    expect(logLines(post)).toEqual([`Removed credentials file ${file}`]);
    await expect(fs.stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
    expectNoLeaks(main);
  });

  describe('refuses a directory it should not write to, before any request', () => {
    async function refused(value: string): Promise<string> {
      const before = world.github.requestCount + world.google.requestCount;
      const main = await runMain({ credentials_file_location: value });
      expect(main.code).toBe(1);
      expect(main.outputs['credentials_file_path']).toBeUndefined();
      expect(main.exportedEnv).toEqual({});
      expect(world.github.requestCount + world.google.requestCount).toBe(before);
      const errors = errorsOf(main);
      expect(errors).toHaveLength(1);
      return errors[0] ?? '';
    }

    it('one that does not exist', async () => {
      const missing = path.join(scratch, 'missing');
      const error = await refused(missing);
      expectTroubleshootingRow(error, '"credentials_file_location" names …, which does not exist');
      expect(error).toBe(
        `Invalid input: "credentials_file_location" names ${missing}, which does not exist. ` +
          `Create it in an earlier step (mkdir -p "${missing}"), or use runner_temp.`,
      );
    });

    it('a file', async () => {
      const file = path.join(scratch, 'a-file');
      await fs.writeFile(file, '');
      const error = await refused(file);
      expectTroubleshootingRow(error, '"credentials_file_location" names …, which is not a directory');
      expect(error).toBe(
        `Invalid input: "credentials_file_location" names ${file}, which is not a directory. ` +
          'Name a directory, not a file.',
      );
    });

    it('a symbolic link to a directory elsewhere', async () => {
      const target = await directory('link-target');
      const link = path.join(scratch, 'link');
      await fs.symlink(target, link);
      const error = await refused(link);
      expectTroubleshootingRow(error, '"credentials_file_location" names …, which is a symbolic link');
      expect(error).toBe(
        `Invalid input: "credentials_file_location" names ${link}, which is a symbolic link (to ${target}), ` +
          'which could send the credentials somewhere else. Name the real directory instead.',
      );
      expect(await fs.readdir(target)).toEqual([]);
    });

    // Root may write anywhere, so the check cannot fail for it.
    (process.getuid?.() === 0 ? it.skip : it)('one this step may not write to', async () => {
      const readOnly = await directory('read-only');
      await fs.chmod(readOnly, 0o500);
      const error = await refused(readOnly);
      expectTroubleshootingRow(error, 'which this step may not write to');
      expect(error).toBe(
        `Invalid input: "credentials_file_location" names ${readOnly}, which this step may not write to. ` +
          'Give the runner user write access (chmod/chown in an earlier step), or use runner_temp.',
      );
    });

    it('a relative path', async () => {
      const error = await refused('creds');
      expectTroubleshootingRow(
        error,
        '"credentials_file_location" must be workspace, runner_temp, adc or an absolute directory path',
      );
      expect(error).toBe(
        'Invalid input: "credentials_file_location" must be workspace, runner_temp, adc or an absolute directory path ' +
          '(e.g. ${{ runner.temp }}/gcp), got "creds".',
      );
    });

    it('runner_temp when RUNNER_TEMP is not set', async () => {
      const before = world.github.requestCount;
      const main = await runMain({ credentials_file_location: 'runner_temp' }, { RUNNER_TEMP: undefined });
      expect(main.code).toBe(1);
      expect(errorsOf(main)).toEqual([
        'RUNNER_TEMP is not set, so there is nowhere to write the credentials file (credentials_file_location: ' +
          'runner_temp). Run in a GitHub Actions job, name a directory in credentials_file_location, or set ' +
          'create_credentials_file: false.',
      ]);
      expect(world.github.requestCount).toBe(before);
      expectTroubleshootingRow(errorsOf(main)[0] ?? '', 'RUNNER_TEMP is not set');
    });

    it('a location together with create_credentials_file: false', async () => {
      const main = await runMain({ credentials_file_location: 'runner_temp', create_credentials_file: 'false' });
      expect(errorsOf(main)).toEqual([
        'Invalid input: "credentials_file_location" is set, but create_credentials_file is false, so no file is ' +
          'written. Remove one of them.',
      ]);
      expectTroubleshootingRow(
        errorsOf(main)[0] ?? '',
        '"credentials_file_location" is set, but create_credentials_file is false',
      );
    });
  });
});

describe('access_token_lifetime in the credentials file', () => {
  it('asks tools for the lifetime that was set', async () => {
    const main = await runMain({ service_account: SA, access_token_lifetime: '30m' });
    expect(errorsOf(main)).toEqual([]);
    const file = JSON.parse(await fs.readFile(main.outputs['credentials_file_path'] ?? '', 'utf8'));
    expect(file.service_account_impersonation).toEqual({ token_lifetime_seconds: 1800 });
    expect(file.token_info_url).toBeUndefined();
  });

  it('leaves the field out at the default that the runner passes (3600s)', async () => {
    const main = await runMain({ service_account: SA });
    expect(errorsOf(main)).toEqual([]);
    const file = JSON.parse(await fs.readFile(main.outputs['credentials_file_path'] ?? '', 'utf8'));
    expect(Object.keys(file)).not.toContain('service_account_impersonation');
    expect(file.universe_domain).toBe('googleapis.com');
  });
});

describe('two authentications in one job', () => {
  it('the second step wins the variables, says so, and each post step removes only its own file', async () => {
    const workspace = await directory('two-steps-workspace');
    await fs.writeFile(path.join(workspace, 'README.md'), 'checked out\n');
    const runnerTemp = await directory('two-steps-temp');

    // - id: prod (through a service account, project from its email)
    const first = await runMain({ service_account: SA, token_format: 'access_token' }, {}, { workspace, runnerTemp });
    expect(errorsOf(first)).toEqual([]);
    // - id: staging (direct, another project), with what the runner exported after the first step
    const second = await runMain(
      { project_id: 'staging-project', credentials_file_location: 'runner_temp' },
      first.exportedEnv,
      { workspace, runnerTemp },
    );
    expect(errorsOf(second)).toEqual([]);

    const firstFile = first.outputs['credentials_file_path'] ?? '';
    const secondFile = second.outputs['credentials_file_path'] ?? '';
    expect(path.dirname(firstFile)).toBe(workspace);
    expect(path.dirname(secondFile)).toBe(runnerTemp);
    // Each step's outputs are its own.
    expect(first.outputs['project_id']).toBe('my-project');
    expect(second.outputs['project_id']).toBe('staging-project');
    expect(first.outputs['access_token']).toBeDefined();
    expect(second.outputs['access_token']).toBeUndefined();
    expect(first.outputs['auth_token']).not.toBe(second.outputs['auth_token']);
    expect(JSON.parse(await fs.readFile(firstFile, 'utf8')).service_account_impersonation_url).toContain(SA);
    expect(JSON.parse(await fs.readFile(secondFile, 'utf8')).service_account_impersonation_url).toBeUndefined();

    // The second step's variables win, and it says that it replaced the first one's.
    for (const name of CREDENTIALS_VARIABLES) expect(second.exportedEnv[name]).toBe(secondFile);
    expect(second.exportedEnv['GOOGLE_CLOUD_PROJECT']).toBe('staging-project');
    expect(logLines(second).filter((line) => line.startsWith('Replacing'))).toEqual([
      `Replacing GOOGLE_APPLICATION_CREDENTIALS=${firstFile} (set by an earlier step or the workflow): later ` +
        `steps use ${secondFile}. An earlier auth step's outputs and file stay valid until its own post step.`,
    ]);
    expect(logLines(first).filter((line) => line.startsWith('Replacing'))).toEqual([]);
    expectTroubleshootingRow(
      logLines(second).find((line) => line.startsWith('Replacing')) ?? '',
      'Replacing GOOGLE_APPLICATION_CREDENTIALS=… (set by an earlier step or the workflow)',
    );

    // Post steps run in reverse order, each from its own saved state, with the job's variables.
    const jobEnv = { ...first.exportedEnv, ...second.exportedEnv };
    const secondPost = await runPost(second, {}, jobEnv);
    expect(logLines(secondPost)).toEqual([`Removed credentials file ${secondFile}`]);
    await expect(fs.stat(secondFile)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(fs.stat(firstFile)).resolves.toBeDefined();
    const firstPost = await runPost(first, {}, jobEnv);
    expect(logLines(firstPost)).toEqual([`Removed credentials file ${firstFile}`]);
    await expect(fs.stat(firstFile)).rejects.toMatchObject({ code: 'ENOENT' });
    expect([secondPost.code, firstPost.code]).toEqual([0, 0]);
    expectNoLeaks(first);
    expectNoLeaks(second);
  });
});
