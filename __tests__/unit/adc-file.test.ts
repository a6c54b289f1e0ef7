/**
 * Where gcloud and google-auth-library look for Application Default Credentials (gcloudConfigDirectory,
 * src/adc-file.ts), which credentials_file_location: adc writes to.
 */
import * as path from 'node:path';

import { gcloudConfigDirectory } from '../../src/adc-file.js';
import { EnvironmentError } from '../../src/errors.js';

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
