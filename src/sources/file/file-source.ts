/** subject_token_source: file at run time: reads the token (index.ts has its inputs). */
import { EnvironmentError } from '../../errors.js';
import { describeLimit, MAX_SMALL_FILE_BYTES, readSmallRegularFile, type SmallFile } from '../../regular-file.js';
import { ExternalTokenSource } from '../shared/external-token.js';
import { credentialSourceFormat, type SubjectTokenFormat, tokenFrom } from '../shared/subject-token-format.js';
import type { SourceContext } from '../subject-source.js';
import type { FileSourceOptions } from './index.js';

/** Far above any token (SAML responses are the largest, tens of KB); a bound against a wrong path such as a log. */
const MAX_TOKEN_FILE_BYTES = MAX_SMALL_FILE_BYTES;

export function createFileSource(options: FileSourceOptions, context: SourceContext): FileSource {
  return new FileSource(options, context);
}

export class FileSource extends ExternalTokenSource {
  constructor(
    private readonly options: FileSourceOptions,
    context: SourceContext,
  ) {
    super('Token file', options.subjectTokenType, context);
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

/** Never blocks (a FIFO is refused before anything waits on it) and never reads more than 1 MiB: see regular-file.ts. */
function tokenFromFile(file: string, format: SubjectTokenFormat): string {
  let read: SmallFile;
  try {
    read = readSmallRegularFile(file, { maxBytes: MAX_TOKEN_FILE_BYTES });
  } catch (err) {
    throw openError(file, (err as NodeJS.ErrnoException).code);
  }
  if (!read.ok) {
    switch (read.problem) {
      case 'directory':
        throw new EnvironmentError(`subject_token_file ${file} is a directory: name the token file inside it.`);
      case 'not-regular':
        throw new EnvironmentError(
          `subject_token_file ${file} is not a regular file (a FIFO, socket or device): it must be a regular ` +
            'file that holds the token.',
        );
      case 'too-large':
        throw new EnvironmentError(
          `subject_token_file ${file} is ${read.size} bytes, too large for a token (at most ` +
            `${describeLimit(MAX_TOKEN_FILE_BYTES)}): check the path.`,
        );
    }
  }
  return tokenFrom(read.text, format, `subject_token_file ${file}`);
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
