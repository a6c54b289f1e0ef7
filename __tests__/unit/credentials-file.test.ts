import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

import { isEmptyDirectory, writeCredentialsFile } from '../../src/credentials-file.js';
import { EnvironmentError } from '../../src/errors.js';
import { CREDENTIALS_FILE_MODE } from '../support/platform.js';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(tmpdir(), 'creds-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

it('creates gha-creds-<16 hex>.json with mode 0600 even under a permissive umask (on Windows: writable, no mode)', async () => {
  const old = process.umask(0o000);
  try {
    const file = writeCredentialsFile(dir, { a: 1 });
    expect(path.basename(file)).toMatch(/^gha-creds-[0-9a-f]{16}\.json$/);
    expect(path.dirname(file)).toBe(dir);
    expect((await fs.stat(file)).mode & 0o777).toBe(CREDENTIALS_FILE_MODE);
    expect(JSON.parse(await fs.readFile(file, 'utf8'))).toEqual({ a: 1 });
  } finally {
    process.umask(old);
  }
});

it('never follows a symlink planted at its path, nor overwrites a file', async () => {
  const target = path.join(dir, 'target.txt');
  await fs.writeFile(target, 'precious');
  // Windows lets only administrators (or developer mode) create symbolic links; GitHub's runners can.
  const planted = await fs.symlink(target, path.join(dir, 'gha-creds-planted.json')).then(
    () => true,
    (err: NodeJS.ErrnoException) => {
      if (process.platform === 'win32' && err.code === 'EPERM') return false;
      throw err;
    },
  );
  if (planted) {
    expect(() => writeCredentialsFile(dir, { secret: 1 }, 'gha-creds-planted.json')).toThrow(EnvironmentError);
  }
  expect(() => writeCredentialsFile(dir, { secret: 1 }, 'target.txt')).toThrow(
    /Could not create the credentials file.*EEXIST/,
  );
  expect(await fs.readFile(target, 'utf8')).toBe('precious');
});

it('fails clearly when the workspace does not exist', async () => {
  expect(() => writeCredentialsFile(path.join(dir, 'missing'), {})).toThrow(
    /Could not create the credentials file in .*missing \(ENOENT\).*create_credentials_file: false/,
  );
});

it('tells an empty workspace from a checked-out one', async () => {
  expect(isEmptyDirectory(dir)).toBe(true);
  await fs.writeFile(path.join(dir, 'x'), '');
  expect(isEmptyDirectory(dir)).toBe(false);
});
