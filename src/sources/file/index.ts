/**
 * subject_token_source: file — a token another issuer wrote into a file: a
 * Kubernetes projected service-account token on an Actions Runner Controller
 * pod (/var/run/secrets/tokens/...), or a file a previous step wrote. The
 * credentials file names the same file, which tools read again whenever they
 * need a fresh token (the kubelet keeps it fresh).
 *
 * This is the definition half (see subject-source.ts); the source itself is
 * file-source.ts.
 */
import * as path from 'node:path';

import type { InputReader } from '../../inputs.js';
import { ConfigError } from '../../errors.js';
import { validatePath } from '../../forms.js';
import { readTokenFormat, type SubjectTokenFormat, TOKEN_FORMAT_INPUTS } from '../shared/subject-token-format.js';
import { readSubjectTokenType, SUBJECT_TOKEN_TYPE_INPUT } from '../shared/token-type.js';
import { defineSource } from '../subject-source.js';

export interface FileSourceOptions {
  /** subject_token_file, made absolute (tools may run elsewhere than the workspace). */
  file: string;
  format: SubjectTokenFormat;
  subjectTokenType: string;
}

export const tokenFile = defineSource({
  kind: 'file',
  inputs: ['subject_token_file', ...TOKEN_FORMAT_INPUTS, SUBJECT_TOKEN_TYPE_INPUT],
  parse: readFileInputs,
  // The reading, the claims and the hints are loaded only when this source runs (one chunk with the url source's).
  load: async () => (await import('../shared/external-token-chunk.js')).createFileSource,
});

function readFileInputs(get: InputReader): FileSourceOptions {
  const file = get('subject_token_file');
  if (!file) {
    throw new ConfigError(
      'subject_token_source: file needs "subject_token_file": the path of the file that holds the token ' +
        '(for example /var/run/secrets/tokens/gcp, a projected service-account token).',
    );
  }
  return {
    file: path.resolve(validatePath(file, 'subject_token_file')),
    format: readTokenFormat(get),
    subjectTokenType: readSubjectTokenType(get),
  };
}
