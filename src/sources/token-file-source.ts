/** subject_token_source: file at run time: reads the token (token-file.ts has its inputs). */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

import { EnvironmentError } from '../errors.js';
import type { Log } from '../log.js';
import type { ProviderName } from '../provider-name.js';
import { ExternalTokenSource } from './external-token.js';
import type { FileSourceOptions } from './token-file.js';
import { credentialSourceFormat, type TokenFormat, tokenFrom } from './token-format.js';

/** Far above any token (SAML responses are the largest, tens of KB); a bound against a wrong path such as a log. */
const MAX_TOKEN_FILE_BYTES = 1024 * 1024;

export class FileSource extends ExternalTokenSource {
  readonly name = 'Token file';

  constructor(
    private readonly options: FileSourceOptions,
    provider: ProviderName,
    log: Log,
  ) {
    super(options.subjectTokenType, provider, log);
  }

  async credentialSource(): Promise<Record<string, unknown>> {
    return { file: this.options.file, ...credentialSourceFormat(this.options.format) };
  }

  protected async readToken(): Promise<string> {
    const { file, format } = this.options;
    this.log.info(`Reading the subject token from ${file}.`);
    return tokenFromFile(file, format);
  }
}

/** Synchronous on purpose, as credentials-file.ts: one small local read, and fs.promises costs every run to load. */
function tokenFromFile(file: string, format: TokenFormat): string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw openError(file, (err as NodeJS.ErrnoException).code);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) {
      throw new EnvironmentError(`subject_token_file ${file} is a directory: name the token file inside it.`);
    }
    if (!stat.isFile()) {
      throw new EnvironmentError(
        `subject_token_file ${file} is not a regular file: name the file that holds the token.`,
      );
    }
    if (stat.size > MAX_TOKEN_FILE_BYTES) {
      throw new EnvironmentError(
        `subject_token_file ${file} is ${stat.size} bytes, too large for a token (at most 1 MiB): check the path.`,
      );
    }
    const buffer = Buffer.alloc(stat.size);
    let read = 0;
    while (read < stat.size) {
      const n = readSync(fd, buffer, read, stat.size - read, read);
      if (n === 0) break;
      read += n;
    }
    return tokenFrom(buffer.subarray(0, read).toString('utf8'), format, `subject_token_file ${file}`);
  } catch (err) {
    if (err instanceof EnvironmentError) throw err;
    throw openError(file, (err as NodeJS.ErrnoException).code);
  } finally {
    closeSync(fd);
  }
}

function openError(file: string, code: string | undefined): EnvironmentError {
  switch (code) {
    case 'ENOENT':
      return new EnvironmentError(
        `subject_token_file ${file} does not exist. Check the path; on Kubernetes, mount a projected ` +
          'service-account token there (a serviceAccountToken volume with the audience of your provider), and ' +
          'check that the runner container has that volume mounted.',
      );
    case 'EACCES':
    case 'EPERM':
      return new EnvironmentError(
        `subject_token_file ${file} exists but the runner's user may not read it (${code}). Make it readable by ` +
          "that user: on Kubernetes give the pod a securityContext.runAsUser or fsGroup, or set the volume's defaultMode.",
      );
    case 'EISDIR':
      return new EnvironmentError(`subject_token_file ${file} is a directory: name the token file inside it.`);
    default:
      return new EnvironmentError(`Could not read subject_token_file ${file} (${code ?? 'error'}).`);
  }
}
