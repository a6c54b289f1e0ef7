/**
 * Runs the executable the way google-auth-library does (the program and its
 * arguments, no shell, the step's environment plus the GOOGLE_EXTERNAL_ACCOUNT_*
 * variables) and collects its stdout, with a time limit after which it is
 * killed. Its stdout holds the token and is never shown; its stderr is kept,
 * clipped, for the error message.
 *
 * node:child_process is loaded with this module, that is only when
 * subject_token_source is "executable".
 */
import { spawn } from 'node:child_process';

import { EnvironmentError } from '../../errors.js';

/** More than any token answer; a program printing more is broken, and is stopped. */
const MAX_STDOUT_BYTES = 1024 * 1024;
/** The end of stderr is what explains a failure; this much of it is kept. */
const STDERR_KEPT_CHARACTERS = 2000;
/** After the time limit: SIGTERM, then SIGKILL if the program is still there this much later. */
const KILL_GRACE_MS = 2000;

export interface RunRequest {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** "executable_command (/opt/bin/get-token)": names the program in errors. */
  label: string;
}

export interface RunResult {
  stdout: string;
  /** Clipped and safe to display. */
  stderr: string;
}

export function runExecutable({ argv, env, timeoutMs, label }: RunRequest): Promise<RunResult> {
  const [program = '', ...args] = argv;
  return new Promise((resolve, reject) => {
    let settled = false;
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = '';
    const child = spawn(program, args, { env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });

    const finish = (error: Error | undefined, result?: RunResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else if (result) resolve(result);
    };
    let killTimer: NodeJS.Timeout | undefined;
    const stop = (): void => {
      child.kill('SIGTERM');
      // Not unref'd: the step must not end while the program still runs.
      killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    };

    const timer = setTimeout(() => {
      stop();
      finish(
        new EnvironmentError(
          `${label} did not finish within ${timeoutMs / 1000}s and was stopped. Make it answer faster, or raise ` +
            `executable_timeout (at most 120s).${stderrPart(stderr)}`,
        ),
      );
    }, timeoutMs);

    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > MAX_STDOUT_BYTES) {
        stop();
        finish(new EnvironmentError(`${label} printed more than ${MAX_STDOUT_BYTES} bytes: not an answer; stopped.`));
        return;
      }
      stdout.push(chunk);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_KEPT_CHARACTERS * 2);
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      finish(
        new EnvironmentError(
          `${label} could not be started (${err.code ?? err.message}): check that the file exists, is executable ` +
            '(chmod +x) and, for a script, that its #! interpreter exists on the runner.',
        ),
      );
    });
    child.on('close', (code, signal) => {
      clearTimeout(killTimer);
      if (code === 0) {
        finish(undefined, { stdout: Buffer.concat(stdout).toString('utf8'), stderr: clip(stderr) });
        return;
      }
      const how = code !== null ? `exited with code ${code}` : `was ended by ${signal ?? 'a signal'}`;
      finish(new EnvironmentError(`${label} ${how}.${stderrPart(stderr)}`));
    });
  });
}

function stderrPart(stderr: string): string {
  const shown = clip(stderr);
  return shown ? ` Its stderr:\n${shown}` : ' It wrote nothing to stderr.';
}

// Matching control characters is the point: they are escaped for display.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * The end of stderr, at most STDERR_KEPT_CHARACTERS, with control characters
 * (other than line breaks and tabs) made visible so that they cannot forge
 * log lines or workflow commands.
 */
export function clip(stderr: string): string {
  const trimmed = stderr.trim();
  const kept = trimmed.length > STDERR_KEPT_CHARACTERS ? `…${trimmed.slice(-STDERR_KEPT_CHARACTERS)}` : trimmed;
  return kept
    .replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
