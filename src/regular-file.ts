/**
 * Reads a small file that an input or a variable names (a token file, the
 * executable's cached answer, an AWS token or config file) without ever
 * blocking and without reading more than a bound.
 *
 * Why not readFile: open() on a FIFO blocks until a writer appears, before
 * any type check can run, freezing the whole process (even the step deadline's
 * timers); and a wrong path (a log, a disk image) would be read whole. So the
 * file is opened with O_NONBLOCK (which makes open() return at once on a
 * FIFO and changes nothing for a regular file), its type and size are checked
 * on the open descriptor (fstat: no race with a rename), and only then read.
 *
 * Synchronous on purpose: one small local read, and fs.promises costs every
 * run to load.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

/** Far above any token or answer (SAML responses, the largest, are tens of KB). */
export const MAX_SMALL_FILE_BYTES = 1024 * 1024;

export type SmallFile =
  | { ok: true; text: string; stat: Stats }
  /** `directory`, `not-regular` (FIFO, socket, device), or `too-large` (then `size` says how large). */
  | { ok: false; problem: 'directory' | 'not-regular' | 'too-large'; size: number };

export interface ReadOptions {
  maxBytes?: number;
  /** Refuse a symbolic link as the last component (open fails with ELOOP). */
  noFollow?: boolean;
}

/**
 * The file's text (UTF-8), or why it was not read. Errors of open() and
 * read() (ENOENT, EACCES, ELOOP with `noFollow`, ...) are thrown as they are,
 * for the caller to word.
 */
export function readSmallRegularFile(
  file: string,
  { maxBytes = MAX_SMALL_FILE_BYTES, noFollow = false }: ReadOptions = {},
): SmallFile {
  // Windows has neither flag (and no FIFOs in the file system): 0 there.
  const flags = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (noFollow ? (constants.O_NOFOLLOW ?? 0) : 0);
  const fd = openSync(file, flags);
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) return { ok: false, problem: 'directory', size: stat.size };
    if (!stat.isFile()) return { ok: false, problem: 'not-regular', size: stat.size };
    if (stat.size > maxBytes) return { ok: false, problem: 'too-large', size: stat.size };
    // Read to the end, not to stat.size: a file that grew since fstat is still bounded.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(64 * 1024, maxBytes + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, total);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > maxBytes) return { ok: false, problem: 'too-large', size: total };
    }
    return { ok: true, text: Buffer.concat(chunks).toString('utf8'), stat };
  } finally {
    closeSync(fd);
  }
}

/** "1 MiB" for the usual bound, else bytes: for error messages. */
export function describeLimit(bytes: number): string {
  return bytes === MAX_SMALL_FILE_BYTES ? '1 MiB' : `${bytes} bytes`;
}
