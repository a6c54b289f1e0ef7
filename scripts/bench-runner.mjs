// The runner side the benchmarks share: a scratch directory with a checked-out
// workspace, an empty HOME and the file-command files, action.yml's default
// inputs, and a step's environment built by the tests' runAction helper
// (runnerEnvironment, __tests__/fakes/run-action.mjs), so that the benchmarks
// and the tests start the action the same way.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import yaml from 'js-yaml';

import { runnerEnvironment } from '../__tests__/fakes/run-action.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** action.yml's defaults: the runner passes every input that has one as INPUT_* too. */
export const DEFAULT_INPUTS = Object.fromEntries(
  Object.entries(yaml.load(readFileSync(join(root, 'action.yml'), 'utf8')).inputs)
    .filter(([, spec]) => spec.default !== undefined && spec.default !== '')
    .map(([name, spec]) => [name, String(spec.default)]),
);

/**
 * A scratch runner: `workspace` (checked out: an empty one draws a warning),
 * `home` (empty: no ~/.aws files), the file-command files, and `env()` for a
 * step's environment with these inputs (after action.yml's defaults) and
 * extra variables (after the bench's pins: that HOME, no instance metadata).
 * @param {string} prefix name prefix of the scratch directory
 */
export function benchRunner(prefix) {
  const scratch = mkdtempSync(join(tmpdir(), prefix));
  const workspace = join(scratch, 'workspace');
  const home = join(scratch, 'home');
  const files = join(scratch, 'files');
  for (const dir of [workspace, home, files]) mkdirSync(dir);
  writeFileSync(join(workspace, 'README.md'), 'checked out\n');
  const fileCommands = {
    GITHUB_OUTPUT: join(files, 'output'),
    GITHUB_ENV: join(files, 'env'),
    GITHUB_STATE: join(files, 'state'),
    GITHUB_STEP_SUMMARY: join(files, 'summary'),
    GITHUB_PATH: join(files, 'path'),
  };
  /**
   * @param {Record<string, string>} inputs
   * @param {Record<string, string | undefined>} [extra]
   * @param {{ state: Record<string, string>, exportedEnv: Record<string, string> }} [stateFrom] a main step's, for a post step
   */
  const env = (inputs, extra = {}, stateFrom = undefined) =>
    runnerEnvironment({
      workspace,
      runnerTemp: scratch,
      files: {
        output: fileCommands.GITHUB_OUTPUT,
        env: fileCommands.GITHUB_ENV,
        state: fileCommands.GITHUB_STATE,
        summary: fileCommands.GITHUB_STEP_SUMMARY,
        path: fileCommands.GITHUB_PATH,
      },
      ...(stateFrom ? { stateFrom } : {}),
      inputs: { ...DEFAULT_INPUTS, ...inputs },
      env: { HOME: home, AWS_EC2_METADATA_DISABLED: 'true', ...extra },
    });
  return { scratch, workspace, home, fileCommands, env };
}
