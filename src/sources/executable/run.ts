/**
 * Runs the executable the way google-auth-library does (the program and its
 * arguments, no shell, the step's environment plus the GOOGLE_EXTERNAL_ACCOUNT_*
 * variables) and collects its stdout, with a time limit after which it is
 * stopped. Its stdout holds the token and is never shown; its stderr is kept,
 * clipped and with every token cut out (redact.ts), for the error message.
 *
 * The program runs in a process group of its own (a process tree on
 * Windows), so that stopping it stops whatever it started too: a background
 * grandchild that keeps stdout or stderr open must not keep the step running.
 * For the same reason the step never waits for the pipes longer than a short
 * grace after the program itself ended.
 *
 * node:child_process is loaded with this module, that is only when
 * subject_token_source is "executable".
 */
import { type ChildProcess, spawn } from 'node:child_process';

import { EnvironmentError } from '../../errors.js';
import { escapeInvisible } from '../../runner-commands.js';
import { REDACTED, redactProgramOutput, tokensInAnswer } from './redact.js';

/** More than any token answer; a program printing more is broken, and is stopped. */
const MAX_STDOUT_BYTES = 1024 * 1024;
/** The end of stderr is what explains a failure; this much of it is kept. */
const STDERR_KEPT_CHARACTERS = 2000;
/** After the time limit: SIGTERM to the group, then SIGKILL if any of it is still there this much later. */
const KILL_GRACE_MS = 1000;
/** How often, within KILL_GRACE_MS, whether the group is gone is checked. */
const GROUP_POLL_MS = 50;
/**
 * After the program exited, how long its pipes may stay open (the last of its
 * output still in flight). Longer means a process it left behind holds them:
 * it is stopped and the pipes are closed.
 */
const PIPE_GRACE_MS = 500;

/** POSIX: a process group per run, ended as a whole. Windows has no groups: taskkill /T ends the tree. */
const OWN_GROUP = process.platform !== 'win32';

export interface RunRequest {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** "executable_command (/opt/bin/get-token)": names the program in errors. */
  label: string;
  /**
   * Tokens the program may have produced elsewhere than on stdout (its
   * output file), to cut from its stderr. Called only when stderr is shown.
   */
  otherTokens?: () => readonly string[];
}

export interface RunResult {
  stdout: string;
  /** Clipped, without tokens, safe to display; '' when it wrote nothing (or only blanks). */
  stderr: string;
}

export function runExecutable({ argv, env, timeoutMs, label, otherTokens }: RunRequest): Promise<RunResult> {
  const [program = '', ...args] = argv;
  return new Promise((resolve, reject) => {
    let settled = false;
    let stopping = false;
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = '';
    let stderrCut = false;
    let pipeTimer: NodeJS.Timeout | undefined;
    const child = spawn(program, args, {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
      detached: OWN_GROUP,
    });
    // Should the step itself end while the program runs, the program ends with it.
    const killOnExit = (): void => killTree(child, 'SIGKILL');
    process.once('exit', killOnExit);

    /** stderr as it may be shown: redacted, then clipped. */
    const shownStderr = (): string => {
      const tokens = [...tokensInAnswer(Buffer.concat(stdout).toString('utf8')), ...(otherTokens?.() ?? [])];
      // A cut through the middle of a token leaves its tail, which no longer matches it: that word goes too.
      const first = /^\S*/.exec(stderr)?.[0] ?? '';
      const cutToken = stderrCut && first.length > 0 && tokens.some((token) => token.endsWith(first));
      return clip(redactProgramOutput(cutToken ? `${REDACTED}${stderr.slice(first.length)}` : stderr, tokens));
    };

    const finish = (error: Error | undefined, result?: RunResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(pipeTimer);
      process.removeListener('exit', killOnExit);
      // Whoever still holds the other ends, the step stops listening.
      child.stdout?.destroy();
      child.stderr?.destroy();
      if (error) reject(error);
      else if (result) resolve(result);
    };

    /** Ends the program and everything it started, then fails with `message(stderr)`. */
    const stopAndFail = (message: () => string): void => {
      if (stopping || settled) return;
      stopping = true;
      void endTree(child).then(() => finish(new EnvironmentError(message())));
    };

    const timer = setTimeout(() => {
      stopAndFail(
        () =>
          `${label} did not finish within ${timeoutMs / 1000}s and was stopped. Make it answer faster, or raise ` +
          `executable_timeout (at most 120s).${stderrPart(shownStderr())}`,
      );
    }, timeoutMs);

    child.stdout.on('data', (chunk: Buffer) => {
      if (stopping) return;
      stdoutBytes += chunk.length;
      if (stdoutBytes > MAX_STDOUT_BYTES) {
        stopAndFail(() => `${label} printed more than ${MAX_STDOUT_BYTES} bytes: not an answer; stopped.`);
        return;
      }
      stdout.push(chunk);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      const all = stderr + chunk;
      if (all.length > STDERR_KEPT_CHARACTERS * 2) stderrCut = true;
      stderr = all.slice(-STDERR_KEPT_CHARACTERS * 2);
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      finish(
        new EnvironmentError(
          `${label} could not be started (${err.code ?? err.message}): check that the file exists, is executable ` +
            '(chmod +x) and, for a script, that its #! interpreter exists on the runner.',
        ),
      );
    });

    const ended = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (stopping || settled) return;
      if (code === 0) {
        finish(undefined, { stdout: Buffer.concat(stdout).toString('utf8'), stderr: shownStderr() });
        return;
      }
      const how = code !== null ? `exited with code ${code}` : `was ended by ${signal ?? 'a signal'}`;
      finish(new EnvironmentError(`${label} ${how}.${stderrPart(shownStderr())}`));
    };
    // 'close' comes once the pipes are closed too; a process left behind may hold them open.
    child.on('close', ended);
    child.on('exit', (code, signal) => {
      pipeTimer = setTimeout(() => {
        // The program is gone but something it started holds its pipes: that is ended too.
        if (stopping || settled) return;
        stopping = true;
        void endTree(child).then(() => {
          stopping = false;
          ended(code, signal);
        });
      }, PIPE_GRACE_MS);
    });
  });
}

/** Sends `signal` to the program's group (its tree on Windows); nothing if it is gone already. */
function killTree(child: ChildProcess, signal: NodeJS.Signals): void {
  const { pid } = child;
  if (pid === undefined) return;
  try {
    if (OWN_GROUP) process.kill(-pid, signal);
    else
      spawn('taskkill', ['/T', '/F', '/PID', String(pid)], { stdio: 'ignore', windowsHide: true }).on(
        'error',
        () => {},
      );
  } catch {
    // ESRCH: the group is gone.
  }
}

/** Whether any process of the program's group is left (POSIX). */
function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * SIGTERM to the whole group, a short wait for it to go, then SIGKILL to
 * whatever is left: resolves within KILL_GRACE_MS. On Windows, taskkill /T /F.
 */
async function endTree(child: ChildProcess): Promise<void> {
  const { pid } = child;
  if (pid === undefined) return;
  if (!OWN_GROUP) {
    killTree(child, 'SIGKILL');
    return;
  }
  killTree(child, 'SIGTERM');
  const until = Date.now() + KILL_GRACE_MS;
  while (groupAlive(pid) && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, GROUP_POLL_MS));
  }
  killTree(child, 'SIGKILL');
}

function stderrPart(shown: string): string {
  return shown ? ` Its stderr:\n${shown}` : ' It wrote nothing to stderr.';
}

/**
 * The end of stderr, at most STDERR_KEPT_CHARACTERS, with control, line-separator
 * and bidi characters made visible (tabs as spaces, line breaks kept) so that
 * they cannot forge log lines or workflow commands; '' when nothing but blanks
 * was written.
 */
export function clip(stderr: string): string {
  const trimmed = stderr.trim();
  if (trimmed === '') return '';
  const kept = trimmed.length > STDERR_KEPT_CHARACTERS ? `…${trimmed.slice(-STDERR_KEPT_CHARACTERS)}` : trimmed;
  // Line by line (LF and CRLF kept as line breaks, tabs kept), the one display escape (runner-commands.ts).
  return kept
    .split(/\r?\n/)
    .map((line) => `  ${escapeInvisible(line.replace(/\t/g, '    '))}`)
    .join('\n');
}
