/**
 * A stand-in for a user's token program (subject_token_source: executable):
 * a small Node script in a temp dir that does what its plan file says —
 * print this, write that to stderr, sleep, exit with a code, fill the output
 * file — and records each run (arguments, pid, the GOOGLE_EXTERNAL_ACCOUNT_*
 * and INPUT_* variables it got). Nothing secret is stored: tokens are minted
 * by the tests at run time.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ProgramPlan {
  /** What to print on stdout (an answer, or anything else). */
  stdout?: string;
  stderr?: string;
  exitCode?: number;
  sleepMs?: number;
  /** Also write stdout to GOOGLE_EXTERNAL_ACCOUNT_OUTPUT_FILE, as a caching program does. */
  writeOutputFile?: boolean;
}

export interface ProgramRun {
  argv: string[];
  pid: number;
  env: Record<string, string>;
}

export interface TokenProgram {
  dir: string;
  /** `<node> <script> <plan>`: an executable_command (absolute paths, no shell). */
  command: string;
  /** The script alone, runnable through its #! line. */
  script: string;
  plan(plan: ProgramPlan): void;
  runs(): ProgramRun[];
  remove(): void;
}

const SCRIPT = `
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
const planFile = process.argv[2];
const plan = JSON.parse(readFileSync(planFile, 'utf8'));
const env = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => k.startsWith('GOOGLE_EXTERNAL_ACCOUNT_') || k.startsWith('INPUT_')),
);
appendFileSync(planFile + '.runs', JSON.stringify({ argv: process.argv.slice(2), pid: process.pid, env }) + '\\n');
if (plan.stderr) process.stderr.write(plan.stderr);
if (plan.sleepMs) await new Promise((resolve) => setTimeout(resolve, plan.sleepMs));
const out = plan.stdout ?? '';
if (plan.writeOutputFile && process.env.GOOGLE_EXTERNAL_ACCOUNT_OUTPUT_FILE) {
  writeFileSync(process.env.GOOGLE_EXTERNAL_ACCOUNT_OUTPUT_FILE, out, { mode: 0o600 });
}
process.stdout.write(out);
process.exitCode = plan.exitCode ?? 0;
`;

export function createTokenProgram(): TokenProgram {
  const dir = mkdtempSync(join(tmpdir(), 'token-program-'));
  const script = join(dir, 'get-token.mjs');
  const planFile = join(dir, 'plan.json');
  writeFileSync(script, `#!${process.execPath}\n${SCRIPT}`, { mode: 0o755 });
  writeFileSync(planFile, '{}');
  return {
    dir,
    command: `${process.execPath} ${script} ${planFile}`,
    script,
    plan: (plan) => writeFileSync(planFile, JSON.stringify(plan)),
    runs: () => {
      let text: string;
      try {
        text = readFileSync(`${planFile}.runs`, 'utf8');
      } catch {
        return [];
      }
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as ProgramRun);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A version 1 answer with an OIDC token. */
export function tokenAnswer(
  token: string,
  expiresInSeconds = 300,
  tokenType = 'urn:ietf:params:oauth:token-type:jwt',
): string {
  return JSON.stringify({
    version: 1,
    success: true,
    token_type: tokenType,
    id_token: token,
    expiration_time: Math.floor(Date.now() / 1000) + expiresInSeconds,
  });
}

/**
 * Whether a process is gone, or a zombie waiting for a reaper (it runs
 * nothing and holds nothing open): what "the program was stopped" means.
 */
export function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  if (process.platform !== 'linux') return false;
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}
