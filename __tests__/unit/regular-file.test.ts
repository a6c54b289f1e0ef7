/**
 * regular-file.ts: the one reader of small files named by inputs and
 * variables (subject_token_file, executable_output_file, AWS token and config
 * files). It must never block (a FIFO) and never read more than its bound.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { readSmallRegularFile } from '../../src/regular-file.js';
import { readConfiguredFile } from '../../src/sources/aws/read-file.js';

const onPosix = process.platform === 'win32' ? it.skip : it;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'regular-file-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('readSmallRegularFile', () => {
  it('reads a regular file whole', () => {
    const file = join(dir, 'token');
    writeFileSync(file, 'abc\n');
    expect(readSmallRegularFile(file)).toEqual({ ok: true, text: 'abc\n', stat: expect.anything() });
  });

  onPosix('refuses a FIFO at once, without waiting for a writer', () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(readSmallRegularFile(fifo)).toEqual({ ok: false, problem: 'not-regular', size: 0 });
  });

  it('refuses a directory, and a device', () => {
    expect(readSmallRegularFile(dir)).toMatchObject({ ok: false, problem: 'directory' });
    if (process.platform !== 'win32') {
      expect(readSmallRegularFile('/dev/null')).toMatchObject({ ok: false, problem: 'not-regular' });
    }
  });

  it('refuses a file over the bound, with its size, and reads one at the bound', () => {
    const file = join(dir, 'big');
    writeFileSync(file, 'x'.repeat(101));
    expect(readSmallRegularFile(file, { maxBytes: 100 })).toEqual({ ok: false, problem: 'too-large', size: 101 });
    writeFileSync(file, 'x'.repeat(100));
    expect(readSmallRegularFile(file, { maxBytes: 100 })).toMatchObject({ ok: true, text: 'x'.repeat(100) });
  });

  onPosix('follows a symbolic link, unless told not to', () => {
    const file = join(dir, 'target');
    const link = join(dir, 'link');
    writeFileSync(file, 'abc');
    symlinkSync(file, link);
    expect(readSmallRegularFile(link)).toMatchObject({ ok: true, text: 'abc' });
    expect(() => readSmallRegularFile(link, { noFollow: true })).toThrow(expect.objectContaining({ code: 'ELOOP' }));
  });
});

describe("AWS's configured files (web identity token, ECS token, shared config)", () => {
  onPosix('a FIFO is an error naming the setting, not a hang', async () => {
    const fifo = join(dir, 'web-identity-token');
    execFileSync('mkfifo', [fifo]);
    await expect(readConfiguredFile(fifo, 'AWS_WEB_IDENTITY_TOKEN_FILE')).rejects.toThrow(
      `Could not read ${fifo} (named by AWS_WEB_IDENTITY_TOKEN_FILE): it is not a regular file (a FIFO, socket or ` +
        'device); it must be a regular file.',
    );
  });

  it('a file over 1 MiB is an error with its size and the limit', async () => {
    const file = join(dir, 'config');
    writeFileSync(file, 'x'.repeat(2 * 1024 * 1024));
    await expect(readConfiguredFile(file, 'AWS_CONFIG_FILE')).rejects.toThrow(
      `Could not read ${file} (named by AWS_CONFIG_FILE): it is 2097152 bytes, over the limit of 1 MiB: check the path.`,
    );
  });

  it('a missing optional file is undefined; the text is trimmed', async () => {
    expect(await readConfiguredFile(join(dir, 'none'), 'AWS_CONFIG_FILE', true)).toBeUndefined();
    const file = join(dir, 'token');
    writeFileSync(file, ' tok \n');
    expect(await readConfiguredFile(file, 'AWS_WEB_IDENTITY_TOKEN_FILE')).toBe('tok');
  });
});
