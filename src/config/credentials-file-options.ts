/** The credentials file: whether one is written, where, and whether its variables are exported and it is removed after. */
import { isAbsolute } from 'node:path';

import type { CommonInputReader, Config, CredentialsFileLocation } from '../config.js';
import { ConfigError } from '../errors.js';
import { validatePath } from '../forms.js';
import { parseBoolean } from '../inputs.js';

type CredentialsFileOptions = Pick<
  Config,
  'createCredentialsFile' | 'credentialsFileLocation' | 'exportEnvironmentVariables' | 'cleanupCredentials'
>;

export function readCredentialsFileOptions(get: CommonInputReader, auth: Config['auth']): CredentialsFileOptions {
  const credentialsFileLocation = parseCredentialsFileLocation(get('credentials_file_location'));
  // The metadata server needs no file: tools ask it themselves (identity/metadata-server.ts).
  const createCredentialsFile =
    parseBoolean(get('create_credentials_file'), 'create_credentials_file', true) && auth.kind !== 'metadata_server';
  if (auth.kind === 'metadata_server' && credentialsFileLocation.kind !== 'workspace') {
    throw new ConfigError(
      '"credentials_file_location" is set, but use_metadata_server writes no credentials file: tools find the ' +
        'metadata server themselves. Remove credentials_file_location.',
    );
  }
  if (!createCredentialsFile && credentialsFileLocation.kind !== 'workspace') {
    throw new ConfigError(
      '"credentials_file_location" is set, but create_credentials_file is false, so no file is written. ' +
        'Remove one of them.',
    );
  }
  return {
    createCredentialsFile,
    credentialsFileLocation,
    exportEnvironmentVariables: parseBoolean(get('export_environment_variables'), 'export_environment_variables', true),
    cleanupCredentials: parseBoolean(get('cleanup_credentials'), 'cleanup_credentials', true),
  };
}

/** `workspace` (or empty), `runner_temp`, `adc`, or an absolute directory path; the directory itself is checked when the file is written. */
function parseCredentialsFileLocation(value: string): CredentialsFileLocation {
  if (value === '' || value === 'workspace') return { kind: 'workspace' };
  if (value === 'runner_temp') return { kind: 'runner_temp' };
  if (value === 'adc') return { kind: 'adc' };
  validatePath(value, 'credentials_file_location');
  if (!isAbsolute(value)) {
    throw new ConfigError(
      `"credentials_file_location" must be workspace, runner_temp, adc or an absolute directory path ` +
        `(e.g. \${{ runner.temp }}/gcp), got "${value}".`,
    );
  }
  return { kind: 'directory', path: value };
}
