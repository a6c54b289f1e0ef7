/**
 * The post step: removes the credentials file that the main step of this
 * same run created, and nothing else. It trusts only the saved state (which
 * the runner keeps per step), never an environment variable a later step
 * could have changed, and it never fails the job. Even the state must name a
 * file the main step would have created: `gha-creds-<16 hex>.json` (or
 * gcloud's `application_default_credentials.json`, when the main step says it
 * wrote that), a plain file (not a link), so that no state can make it remove
 * anything else.
 *
 * It runs in every job that used the action, so it loads nothing it does not
 * need: the runner protocol (runner-commands.ts), the state names and
 * node:fs — no @actions/* package, no HTTP stack (the bundle stays under
 * 15 KB, __tests__/repo/perf.test.ts checks it).
 */
import { lstatSync, rmSync } from 'node:fs';
import { basename } from 'node:path';

import {
  ADC_FILE_NAME,
  CREDENTIALS_FILE_NAME,
  STATE_ADC_FILE,
  STATE_CLEANUP,
  STATE_CREDENTIALS_FILE,
} from './post-state.js';
import * as runner from './runner-commands.js';

export function cleanup(): void {
  try {
    const file = runner.getState(STATE_CREDENTIALS_FILE);
    if (!file) {
      runner.debug('No credentials file was created by this action; nothing to clean up.');
      return;
    }
    if (runner.getState(STATE_CLEANUP) === 'false') {
      runner.info(`cleanup_credentials is false: leaving ${file} in place.`);
      return;
    }
    if (!isNameTheMainStepCreates(file)) {
      runner.warning(`Not removing ${file}: this action only removes the gha-creds-<hex>.json files it creates.`);
      return;
    }
    const stat = lstatIfPresent(file);
    if (stat && !stat.isFile()) {
      runner.warning(`Not removing ${file}: it is no longer a plain file (the action created one).`);
      return;
    }
    rmSync(file, { force: true });
    runner.info(`Removed credentials file ${file}`);
  } catch (err) {
    runner.warning(`Could not remove the credentials file: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** gha-creds-<16 hex>.json, or gcloud's ADC file when the main step wrote it there (credentials_file_location: adc). */
function isNameTheMainStepCreates(file: string): boolean {
  const name = basename(file);
  return CREDENTIALS_FILE_NAME.test(name) || (runner.getState(STATE_ADC_FILE) === 'true' && name === ADC_FILE_NAME);
}

function lstatIfPresent(file: string): ReturnType<typeof lstatSync> | undefined {
  try {
    return lstatSync(file);
  } catch {
    return undefined; // already gone: rmSync's force makes that a success
  }
}
