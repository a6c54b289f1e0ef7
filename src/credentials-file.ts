/**
 * The credentials file that gcloud, Terraform and the client libraries read
 * through GOOGLE_APPLICATION_CREDENTIALS: an external_account configuration
 * for WIF (the tools do the exchange themselves), or the key itself.
 *
 * It is written into the workspace (so it is visible to container actions,
 * which mount only the workspace), with a random name, mode 0600, and an
 * exclusive create that never follows or overwrites an existing path.
 *
 * On Windows a mode means almost nothing: Node maps it to the read-only
 * attribute alone, so 0600 leaves an ordinary writable file (stat reports
 * 0666) whose access is the ACL it inherits from the workspace directory.
 * The exclusive create holds there too (O_EXCL becomes CREATE_NEW, which
 * fails when the name exists); O_NOFOLLOW does not exist there and is left out.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fchmodSync, openSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

import type { Config, WorkloadIdentityAuth } from './config.js';
import { EnvironmentError } from './errors.js';
import type { SubjectSource } from './sources/subject-source.js';

export async function externalAccountConfig(
  config: Config,
  auth: WorkloadIdentityAuth,
  source: SubjectSource,
): Promise<Record<string, unknown>> {
  const { endpoints } = config;
  return {
    type: 'external_account',
    audience: auth.stsAudience,
    subject_token_type: source.subjectTokenType,
    token_url: `${endpoints.sts}/token`,
    credential_source: await source.credentialSource(),
    ...(config.serviceAccount
      ? {
          service_account_impersonation_url: `${endpoints.iamcredentials}/projects/-/serviceAccounts/${config.serviceAccount}:generateAccessToken`,
        }
      : {}),
    ...(endpoints.universe !== 'googleapis.com' ? { universe_domain: endpoints.universe } : {}),
  };
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
 *
 * Synchronous on purpose: it is one small local write, and `fs.promises`
 * alone costs ~2–3 ms to load on Node 24, on every run (issue 6).
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
        'Make sure the workspace exists and is writable, or set create_credentials_file: false.',
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
