/**
 * The credentials file that gcloud, Terraform and the client libraries read
 * through GOOGLE_APPLICATION_CREDENTIALS: an external_account configuration
 * for WIF (the tools do the exchange themselves), or the key itself.
 *
 * It is written into the workspace (so it is visible to container actions,
 * which mount only the workspace), with a random name, mode 0600, and an
 * exclusive create that never follows or overwrites an existing path.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fchmodSync, openSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

import type { Config } from './config.js';
import { EnvironmentError } from './errors.js';
import { serviceAccountMethodUrl } from './google/iam-credentials.js';
import { stsIntrospectUrl, stsTokenUrl } from './google/sts.js';
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
  const file = path.resolve(directory, name);
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
    fchmodSync(fd, 0o600); // in case a umask or ACL widened it
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
