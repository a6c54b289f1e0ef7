/**
 * The post step: removes the credentials file that the main step of this
 * same run created, and nothing else. It trusts only the saved state (which
 * the runner keeps per step), never an environment variable a later step
 * could have changed, and it never fails the job.
 */
import * as core from '@actions/core';
import { promises as fs } from 'node:fs';

import { STATE_CLEANUP, STATE_CREDENTIALS_FILE } from './results.js';

export async function cleanup(): Promise<void> {
  try {
    const file = core.getState(STATE_CREDENTIALS_FILE);
    if (!file) {
      core.debug('No credentials file was created by this action; nothing to clean up.');
      return;
    }
    if (core.getState(STATE_CLEANUP) === 'false') {
      core.info(`cleanup_credentials is false: leaving ${file} in place.`);
      return;
    }
    await fs.rm(file, { force: true });
    core.info(`Removed credentials file ${file}`);
  } catch (err) {
    core.warning(`Could not remove the credentials file: ${err instanceof Error ? err.message : String(err)}`);
  }
}
