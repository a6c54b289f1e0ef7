/**
 * The credentials file that gcloud, Terraform and the client libraries read
 * through GOOGLE_APPLICATION_CREDENTIALS: an external_account configuration
 * for WIF (the tools do the exchange themselves), or the key itself.
 *
 * It is written where credentials_file_location says: the workspace by
 * default (Docker container actions mount only the workspace), RUNNER_TEMP,
 * or a directory the workflow names; always with a random name, mode 0600,
 * and an exclusive create that never follows or overwrites an existing path.
 *
 * On Windows a mode means almost nothing: Node maps it to the read-only
 * attribute alone, so 0600 leaves an ordinary writable file (stat reports
 * 0666) whose access is the ACL it inherits from the workspace directory.
 * The exclusive create holds there too (O_EXCL becomes CREATE_NEW, which
 * fails when the name exists); O_NOFOLLOW does not exist there and is left out.
 */
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
  fchmodSync,
  lstatSync,
  openSync,
  readdirSync,
  readlinkSync,
  writeFileSync,
} from 'node:fs';
import * as path from 'node:path';

import { ADC_FILE_NAME, adcDirectory } from './adc-file.js';
import type { Config, CredentialsFileLocation } from './config.js';
import { ConfigError, EnvironmentError } from './errors.js';
import { serviceAccountMethodUrl } from './google/iam-credentials.js';
import { stsIntrospectUrl, stsTokenUrl } from './google/sts.js';
import type { Log } from './log.js';
import type { ProviderName } from './provider-name.js';
import type { SubjectSource } from './sources/subject-source.js';

/** The external_account configuration with which tools repeat the exchange themselves. */
export async function externalAccountConfig(
  config: Config,
  provider: ProviderName,
  source: SubjectSource,
): Promise<Record<string, unknown>> {
  const { endpoints } = config;
  const sa = config.serviceAccount;
  return {
    type: 'external_account',
    audience: provider.stsAudience,
    subject_token_type: source.subjectTokenType,
    token_url: stsTokenUrl(endpoints.sts),
    credential_source: await source.credentialSource(),
    ...(sa
      ? {
          service_account_impersonation_url: serviceAccountMethodUrl(
            endpoints.iamcredentials,
            sa,
            'generateAccessToken',
          ),
          // Tools that exchange later ask IAM Credentials for this lifetime
          // too; left out at the default, as gcloud does.
          ...(config.accessToken.lifetimeRequested
            ? { service_account_impersonation: { token_lifetime_seconds: config.accessToken.lifetimeSeconds } }
            : {}),
        }
      : // Without impersonation, tools introspect the federated token here (gcloud writes it too).
        { token_info_url: stsIntrospectUrl(endpoints.sts) }),
    universe_domain: endpoints.universe,
  };
}

/**
 * The directory that `location` names, checked before any request is made,
 * so that a wrong directory fails the step at once.
 */
export function credentialsDirectory(location: CredentialsFileLocation, env: NodeJS.ProcessEnv, log: Log): string {
  switch (location.kind) {
    case 'workspace': {
      const workspace = runnerDirectory(env, 'GITHUB_WORKSPACE', 'workspace');
      if (isEmptyDirectory(workspace)) {
        log.warning(
          'The workspace is empty. If actions/checkout runs after this step it will delete the credentials file: ' +
            'run actions/checkout before this action, or set credentials_file_location: runner_temp.',
        );
      }
      return workspace;
    }
    case 'runner_temp':
      return runnerDirectory(env, 'RUNNER_TEMP', 'runner_temp');
    case 'directory':
      return checkedDirectory(location.path);
    case 'adc':
      return adcDirectory(env);
  }
}

/** The file's name where the location fixes it (gcloud's ADC file); undefined: a random gha-creds-<hex>.json. */
export function credentialsFileName(location: CredentialsFileLocation): string | undefined {
  return location.kind === 'adc' ? ADC_FILE_NAME : undefined;
}

function runnerDirectory(env: NodeJS.ProcessEnv, variable: string, location: string): string {
  const directory = env[variable];
  if (!directory) {
    throw new EnvironmentError(
      `${variable} is not set, so there is nowhere to write the credentials file (credentials_file_location: ` +
        `${location}). Run in a GitHub Actions job, name a directory in credentials_file_location, or set ` +
        'create_credentials_file: false.',
    );
  }
  return directory;
}

/**
 * A directory the workflow named: it must exist, be a directory of its own
 * (not a symbolic link, which could lead the credentials elsewhere) and be
 * writable by this step.
 */
function checkedDirectory(directory: string): string {
  const refuse = (why: string, fix: string) =>
    new ConfigError(`"credentials_file_location" names ${directory}, which ${why}. ${fix}`);
  let stat;
  try {
    stat = lstatSync(directory);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw refuse('does not exist', `Create it in an earlier step (mkdir -p "${directory}"), or use runner_temp.`);
    }
    throw refuse(`cannot be read (${code ?? 'error'})`, 'Name a directory this step can use, or use runner_temp.');
  }
  if (stat.isSymbolicLink()) {
    throw refuse(
      `is a symbolic link (to ${readlinkSync(directory)}), which could send the credentials somewhere else`,
      'Name the real directory instead.',
    );
  }
  if (!stat.isDirectory()) throw refuse('is not a directory', 'Name a directory, not a file.');
  try {
    accessSync(directory, constants.W_OK | constants.X_OK);
  } catch {
    throw refuse(
      'this step may not write to',
      'Give the runner user write access (chmod/chown in an earlier step), or use runner_temp.',
    );
  }
  return directory;
}

/**
 * The absolute path of `name` in `directory`, in the separators of the
 * runner's OS: GITHUB_WORKSPACE is `D:\a\repo\repo` on Windows runners, and
 * the path is handed on as an output and to later steps as it is. `paths` is
 * node:path, or path.win32 / path.posix in tests of another OS.
 */
export function credentialsFilePath(directory: string, name: string, paths: path.PlatformPath = path): string {
  return paths.resolve(directory, name);
}

/**
 * Creates `gha-creds-<16 hex>.json` (or `name`) in `directory`; returns its absolute path.
 * The post step removes only files of that name (post-state.ts CREDENTIALS_FILE_NAME).
 *
 * Synchronous on purpose: it is one small local write, and `fs.promises`
 * alone is slow to load on Node 24, on every run (issue 6; the figure is in
 * docs/performance.md).
 */
export function writeCredentialsFile(
  directory: string,
  contents: unknown,
  name = `gha-creds-${randomBytes(8).toString('hex')}.json`,
): string {
  const file = credentialsFilePath(directory, name);
  let fd: number;
  try {
    // O_EXCL: fail if anything (file or symlink) is already there; O_NOFOLLOW
    // for good measure on systems that would otherwise follow a final link.
    fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o600);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new EnvironmentError(
      `Could not create the credentials file in ${directory} (${code ?? 'error'}). ` +
        'Make sure the directory exists and is writable, or set create_credentials_file: false.',
    );
  }
  try {
    fchmodSync(fd, 0o600); // in case a umask widened it (on Windows: clears the read-only attribute, nothing more)
    writeFileSync(fd, `${JSON.stringify(contents, null, 2)}\n`);
  } finally {
    closeSync(fd);
  }
  return file;
}

/** True when the directory has no entries: a checkout is probably missing. */
export function isEmptyDirectory(directory: string): boolean {
  try {
    return readdirSync(directory).length === 0;
  } catch {
    return false;
  }
}
