/**
 * Reads a small text file named by AWS configuration (token files, the
 * shared config files), with an error that says which setting named it.
 * Through regular-file.ts: a FIFO or device is refused without blocking, and
 * nothing over 1 MiB is read.
 */
import { EnvironmentError } from '../../errors.js';
import { describeLimit, MAX_SMALL_FILE_BYTES, readSmallRegularFile, type SmallFile } from '../../regular-file.js';

/** The file's text, trimmed; `undefined` for a missing file when `optional`. */
export async function readConfiguredFile(path: string, namedBy: string, optional = false): Promise<string | undefined> {
  let read: SmallFile;
  try {
    read = readSmallRegularFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (optional && code === 'ENOENT') return undefined;
    throw new EnvironmentError(`Could not read ${path} (named by ${namedBy}): ${code ?? String(err)}.`);
  }
  if (!read.ok) {
    const why =
      read.problem === 'too-large'
        ? `it is ${read.size} bytes, over the limit of ${describeLimit(MAX_SMALL_FILE_BYTES)}: check the path`
        : `it is ${read.problem === 'directory' ? 'a directory' : 'not a regular file (a FIFO, socket or device)'}; it must be a regular file`;
    throw new EnvironmentError(`Could not read ${path} (named by ${namedBy}): ${why}.`);
  }
  return read.text.trim();
}
