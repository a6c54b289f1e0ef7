/**
 * executable_command, split into a program and its arguments exactly as
 * google-auth-library splits it: on whitespace, except inside double quotes,
 * with the quotes around a whole word removed. No shell is involved, so the
 * command the action runs is the one tools run later from the same file.
 */
import { isAbsolute } from 'node:path';

import { ConfigError } from '../../errors.js';

export const COMMAND_INPUT = 'executable_command';

export function splitCommand(command: string): string[] {
  const words = command.match(/(?:[^\s"]+|"[^"]*")+/g) ?? [];
  return words.map((word) =>
    word.length >= 2 && word.startsWith('"') && word.endsWith('"') ? word.slice(1, -1) : word,
  );
}

/** The command's words; throws ConfigError when tools would run something else than the user wrote. */
export function parseCommand(command: string): string[] {
  const form = `a program by its absolute path, then its arguments (e.g. /opt/bin/get-token --audience gcp)`;
  if (command === '')
    throw new ConfigError(`"${COMMAND_INPUT}" is required with subject_token_source: executable: ${form}.`);
  // A line break or tab would split words where the user sees none.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(command)) {
    throw new ConfigError(`"${COMMAND_INPUT}" must be one line without control characters: ${form}.`);
  }
  // The client libraries silently drop an unpaired quote, which would change the arguments.
  if ((command.match(/"/g) ?? []).length % 2 !== 0) {
    throw new ConfigError(`"${COMMAND_INPUT}" has an unpaired double quote: quote whole arguments ("like this").`);
  }
  const [program = ''] = splitCommand(command);
  if (!isAbsolute(program)) {
    throw new ConfigError(
      `"${COMMAND_INPUT}" must start with the absolute path of the program, as Google requires (no search in PATH, ` +
        `no shell), got "${program}": ${form}. To run a shell pipeline, put it in a script and give the script's path.`,
    );
  }
  return splitCommand(command);
}
