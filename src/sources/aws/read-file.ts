/**
 * Reads a small text file named by AWS configuration (token files, the
 * shared config files), with an error that says which setting named it.
 */
import { promises as fs } from 'node:fs';

import { EnvironmentError } from '../../errors.js';

/** The file's text, trimmed; `undefined` for a missing file when `optional`. */
export async function readConfiguredFile(path: string, namedBy: string, optional = false): Promise<string | undefined> {
  try {
    return (await fs.readFile(path, 'utf8')).trim();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (optional && code === 'ENOENT') return undefined;
    throw new EnvironmentError(`Could not read ${path} (named by ${namedBy}): ${code ?? String(err)}.`);
  }
}
