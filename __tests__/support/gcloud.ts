/**
 * Running the installed gcloud (SDK 528 on the development machine and CI) as
 * a later step would, with only the environment a test gives it. Suites skip
 * their gcloud tests, saying why, where it is not installed.
 */
import { spawn } from 'node:child_process';

export interface ProgramResult {
  /** The exit code; -1 when the program could not be started. */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `gcloud ARGS` with exactly `env` (plus PATH, to find it), never prompting. */
export function runGcloud(args: string[], env: Record<string, string>): Promise<ProgramResult> {
  return new Promise((resolve) => {
    const child = spawn('gcloud', args, {
      env: { PATH: process.env['PATH'] ?? '', CLOUDSDK_CORE_DISABLE_PROMPTS: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', () => resolve({ code: -1, stdout, stderr }));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Whether gcloud runs here at all. */
export async function gcloudInstalled(): Promise<boolean> {
  return (await runGcloud(['version'], {})).code === 0;
}
