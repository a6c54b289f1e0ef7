/**
 * subject_token_source: executable — the definition half (see
 * subject-source.ts): executable_command, executable_timeout,
 * executable_output_file and subject_token_type, parsed and validated here.
 * The source itself (and node:child_process) is loaded only when a run
 * selects it.
 */
import type { InputReader } from '../../inputs.js';
import { parseDuration } from '../../duration.js';
import { ConfigError } from '../../errors.js';
import { validatePath } from '../../forms.js';
import { defineSource } from '../subject-source.js';
import { readSubjectTokenType, SUBJECT_TOKEN_TYPE_INPUT } from '../shared/token-type.js';
import { COMMAND_INPUT, parseCommand } from './command.js';

export interface ExecutableOptions {
  /** executable_command as given: the credentials file carries it as is. */
  command: string;
  /** The program (an absolute path) and its arguments, split as google-auth-library splits them. */
  argv: string[];
  timeoutMs: number;
  /** Where the program caches its answer (it writes the file; the action and tools read it). */
  outputFile?: string;
  subjectTokenType: string;
}

/** Google's limits for timeout_millis, and the client libraries' default. */
const MIN_TIMEOUT_SECONDS = 5;
const MAX_TIMEOUT_SECONDS = 120;
const DEFAULT_TIMEOUT_SECONDS = 30;

export const executable = defineSource({
  kind: 'executable',
  inputs: [COMMAND_INPUT, 'executable_timeout', 'executable_output_file', SUBJECT_TOKEN_TYPE_INPUT],
  parse: readExecutableInputs,
  // node:child_process and the program's protocol are loaded only when a run selects this source.
  load: async () => (await import('./executable-source.js')).createExecutableSource,
});

function readExecutableInputs(get: InputReader): ExecutableOptions {
  const command = get(COMMAND_INPUT);
  const argv = parseCommand(command);

  const timeoutText = get('executable_timeout');
  const timeoutSeconds = timeoutText ? parseDuration(timeoutText) : DEFAULT_TIMEOUT_SECONDS;
  if (timeoutSeconds === undefined || timeoutSeconds < MIN_TIMEOUT_SECONDS || timeoutSeconds > MAX_TIMEOUT_SECONDS) {
    throw new ConfigError(
      `"executable_timeout" must be a duration from ${MIN_TIMEOUT_SECONDS}s to ${MAX_TIMEOUT_SECONDS}s (Google's ` +
        `limits) such as 30s or 2m, got "${timeoutText}".`,
    );
  }

  const outputFileText = get('executable_output_file');
  const outputFile = outputFileText
    ? validatePath(outputFileText, 'executable_output_file', {
        why: 'the action and later tools must find the same file',
        example: '/tmp/gcp-token-cache.json',
      })
    : undefined;

  return {
    command,
    argv,
    timeoutMs: timeoutSeconds * 1000,
    ...(outputFile !== undefined ? { outputFile } : {}),
    subjectTokenType: readSubjectTokenType(get),
  };
}
