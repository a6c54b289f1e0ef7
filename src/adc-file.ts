/**
 * credentials_file_location: adc — the credentials file at gcloud's
 * Application Default Credentials path, where gcloud, Terraform and the client
 * libraries look when no variable names a file (container steps that mount
 * $HOME, tools that ignore GOOGLE_APPLICATION_CREDENTIALS).
 *
 * The path, as gcloud and google-auth-library compute it:
 *   CLOUDSDK_CONFIG if set, else $HOME/.config/gcloud (Linux, macOS) or
 *   %APPDATA%\gcloud (Windows; gcloud falls back to %SystemDrive%\gcloud),
 *   then application_default_credentials.json.
 *
 * A file already there is the machine's own ADC (gcloud auth
 * application-default login, an image that ships one): it is never replaced.
 */
import { existsSync, lstatSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';

import { EnvironmentError } from './errors.js';
import { ADC_FILE_NAME } from './post-state.js';

export { ADC_FILE_NAME };

/** gcloud's configuration directory. `platform`/`paths` are the runner's OS, or another in tests. */
export function gcloudConfigDirectory(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
  paths: path.PlatformPath = path,
): string {
  if (env['CLOUDSDK_CONFIG']) return env['CLOUDSDK_CONFIG'];
  if (platform === 'win32') {
    return env['APPDATA']
      ? paths.join(env['APPDATA'], 'gcloud')
      : paths.join(`${env['SystemDrive'] ?? 'C:'}${paths.sep}`, 'gcloud');
  }
  // HOME only (no node:os, which every run would then load): runners always set it.
  if (!env['HOME']) {
    throw new EnvironmentError(
      "credentials_file_location: adc, but HOME is not set, so gcloud's configuration directory is unknown. Set " +
        'HOME or CLOUDSDK_CONFIG.',
    );
  }
  return paths.join(env['HOME'], '.config', 'gcloud');
}

/**
 * The directory of the ADC file, created (0700, as gcloud creates it) when
 * missing; refused when the file is already there. Called before any request,
 * so that the step fails at once.
 */
export function adcDirectory(env: NodeJS.ProcessEnv): string {
  const directory = gcloudConfigDirectory(env);
  const file = path.join(directory, ADC_FILE_NAME);
  if (existsSync(file) || isLink(file)) {
    throw new EnvironmentError(
      `credentials_file_location: adc, but ${file} already exists (Application Default Credentials from ` +
        '"gcloud auth application-default login", the machine image, or an earlier step). This action never ' +
        'replaces it: remove it in an earlier step if it is stale, or use another credentials_file_location.',
    );
  }
  try {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new EnvironmentError(
      `credentials_file_location: adc, but gcloud's configuration directory ${directory} could not be created ` +
        `(${code ?? 'error'}). Set HOME (or CLOUDSDK_CONFIG) to a directory this step may write to.`,
    );
  }
  return directory;
}

/** A dangling symbolic link is not "existing" to existsSync, but the exclusive create would still refuse it. */
function isLink(file: string): boolean {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}
