/**
 * Outside values never command the runner (issue 21): a property test that
 * feeds generated hostile strings (line breaks of every kind, leading white
 * space, `::` and legacy `##[` commands, percent-encodings) into every log
 * call site that takes a value the action did not write, and reads what was
 * written with the runner's own rules (parseWorkflowCommands: lines end at
 * CR, LF or CRLF; `::name::` after leading white space, `##[name]` anywhere).
 * Only the commands the action meant may be seen.
 *
 * Every line reaches the runner through src/runner-commands.ts, which makes
 * it inert there; the last test holds src/ to that, so a new log line
 * cannot forget.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import fc from 'fast-check';

import { readConfig } from '../../src/config.js';
import { describeFailure } from '../../src/diagnose.js';
import { ServiceError } from '../../src/errors.js';
import { directAccessCaveat } from '../../src/identity/federation.js';
import { runnerLog } from '../../src/log.js';
import { cleanup } from '../../src/post.js';
import { Results } from '../../src/results.js';
import * as runner from '../../src/runner-commands.js';
import { parseWorkflowCommands } from '../fakes/index.mjs';
import { GITHUB_PROVIDER } from '../support/fixtures.js';
import { captureStdout } from '../support/runner-output.js';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 150);
const SEED = Number(process.env['FUZZ_SEED'] ?? 20261206);

/** The pieces hostile values are made of: every way to end a line or start a command that we know of. */
const PIECES = [
  '\n',
  '\r',
  '\r\n',
  '\u0085',
  '\u2028',
  '\u2029',
  '\u000b',
  '\u000c',
  ' ',
  '\t',
  '\u00a0',
  '\u3000',
  '::',
  '::notice::x',
  '::stop-commands::TOKEN',
  '::TOKEN::',
  '::add-mask::',
  '::set-env name=A::b',
  '::save-state name=s::v',
  '::add-path::/evil',
  '::error file=a,line=1::e',
  '##[',
  ']',
  '##[add-mask]',
  '##[stop-commands]TOKEN',
  '##[set-env name=A;]b',
  '%0A',
  '%0D',
  '%25',
  '%3A%3A',
  'arn:aws:iam::123456789012:role/x',
  'é',
  'x',
];

const hostile = fc.oneof(
  fc.constantFrom(
    '\n::notice::x',
    '\r\n::stop-commands::TOKEN',
    '\r::add-mask::leak',
    '  ::set-env name=NODE_OPTIONS::--require=/tmp/x',
    '\u0085::save-state name=s::v',
    '::add-path::/evil',
    'plain ##[stop-commands]TOKEN',
    '\t##[error]x',
  ),
  fc
    .array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 6 })), { minLength: 1, maxLength: 12 })
    .map((parts) => parts.join('')),
);

/** The property: whatever `value` is, `site` writes exactly the commands `expected` names (and these messages). */
function holds(site: (value: string) => void, expected: (value: string) => Array<[string, string?]>): void {
  fc.assert(
    fc.property(hostile, (value) => {
      const written = parseWorkflowCommands(captureStdout(() => site(value)));
      const want = expected(value);
      expect(written.map((c) => c.command)).toEqual(want.map(([command]) => command));
      want.forEach(([, message], i) => {
        if (message !== undefined) expect(written[i]?.message).toBe(message);
      });
    }),
    { numRuns: RUNS, seed: SEED },
  );
}

let dir: string;
const saved = { ...process.env };
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'log-injection-'));
  for (const file of ['GITHUB_OUTPUT', 'GITHUB_ENV', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY']) {
    process.env[file] = join(dir, file);
    writeFileSync(join(dir, file), '');
  }
});
afterEach(() => {
  process.exitCode = undefined;
  for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
  Object.assign(process.env, saved);
  rmSync(dir, { recursive: true, force: true });
});

function config(inputs: Record<string, string> = {}) {
  const all: Record<string, string> = { workload_identity_provider: GITHUB_PROVIDER, ...inputs };
  return readConfig((name) => all[name] ?? '');
}

describe('the write points: a value in any log line, at any level', () => {
  it('a plain line (info) holds no command at all', () => {
    holds(runner.info, () => []);
    holds(runnerLog.info, () => []);
  });

  it.each([
    ['debug', runner.debug],
    ['warning', runner.warning],
    ['error', runner.error],
  ] as const)('%s is one command, whose message is the value itself', (command, write) => {
    holds(write, (value) => [[command, value]]);
  });

  it('the Log the modules get: debug and warning are one command each', () => {
    holds(runnerLog.debug, (value) => [['debug', value]]);
    holds(runnerLog.warning, (value) => [['warning', value]]);
  });

  it('a failure is one error line', () => {
    holds(runner.setFailed, (value) => [['error', value]]);
  });

  it('an inert line still shows the value, escaped, on one line', () => {
    const text = captureStdout(() => runner.info('a\nb\r::c ##[d]'));
    expect(text).toBe('a\\u000ab\\u000d::c \\u0023#[d]\n');
    expect(captureStdout(() => runner.info('  ::stop-commands::x'))).toBe('  \\u003a:stop-commands::x\n');
  });
});

describe('the call sites that take an outside value', () => {
  it('the credentials file path and an earlier step\'s GOOGLE_APPLICATION_CREDENTIALS ("Replacing …")', () => {
    holds(
      (value) => {
        process.env['GOOGLE_APPLICATION_CREDENTIALS'] = `/earlier/${value}`;
        new Results(config(), runnerLog, process.env).credentialsFile(`/work/${value}/gha-creds-0.json`);
      },
      () => [],
    );
  });

  it("the direct-access caveat, which names the principal built from the token's sub claim", () => {
    holds(
      (value) =>
        new Results(config(), runnerLog).ownAccessToken({
          token: { token: 'ya29.x', expiresAt: new Date(Date.now() + 3600_000) },
          ignoredInputs: () => undefined,
          caveat: directAccessCaveat(`principal://iam.googleapis.com/projects/1/subject/${value}`),
        }),
      () => [],
    );
  });

  it("a source's note for tools (AWS: the role ARN and where the credentials came from)", () => {
    holds(
      (value) =>
        new Results(config(), runnerLog).sourceEnvironment({
          variables: { AWS_REGION: 'x' },
          note: `Assumed ${value}`,
        }),
      () => [],
    );
  });

  it('the project ID from a key file, in the debug line', () => {
    holds(
      (value) => {
        const results = new Results({ ...config(), projectId: value, projectIdSource: 'credentials_json' }, runnerLog);
        results.project();
      },
      (value) => [['debug', `Project ID ${value} (from credentials_json)`]],
    );
  });

  it('the job summary: every value on one line of its cell, as text', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, async (value) => {
        writeFileSync(join(dir, 'GITHUB_STEP_SUMMARY'), '');
        const results = new Results(config(), runnerLog);
        results.describe('Principal', value);
        await results.writeSummary();
        const summary = readFileSync(join(dir, 'GITHUB_STEP_SUMMARY'), 'utf8');
        expect(summary.trimEnd().split(/\r\n|\r|\n/)).toHaveLength(2); // the heading and the table
        expect(summary).not.toMatch(/<(?!\/?(h3|table|tr|th|td)>)/);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('the post step: a path in its state, removed or left in place', () => {
    holds(
      (value) => {
        process.env['STATE_credentials_file_path'] = join(dir, value, 'gha-creds-0123456789abcdef.json');
        process.env['STATE_cleanup_credentials'] = 'false';
        cleanup();
      },
      () => [],
    );
    holds(
      (value) => {
        process.env['STATE_credentials_file_path'] = `/tmp/${value}`;
        process.env['STATE_cleanup_credentials'] = 'true';
        cleanup();
      },
      () => [['warning']],
    );
  });

  it("a service's message and a token's claims in the failure line", () => {
    holds(
      (value) =>
        runner.setFailed(
          describeFailure(
            new ServiceError('Google STS', 400, `invalid_grant: ${value}`, 'POST https://sts/v1/token', 1),
            {
              source: { name: 'GitHub OIDC', diagnosticClaims: ['sub'], hints: () => [] } as never,
              claims: { sub: value },
            },
          ),
        ),
      () => [['error']],
    );
  });
});

describe('the post step removes only what the main step creates (issue 21)', () => {
  it("removes gcloud's ADC file only when the main step says it wrote it there", () => {
    const adc = join(dir, 'application_default_credentials.json');
    writeFileSync(adc, '{}');
    process.env['STATE_cleanup_credentials'] = 'true';
    process.env['STATE_credentials_file_path'] = adc;
    expect(captureStdout(cleanup)).toContain('::warning::Not removing');
    process.env['STATE_credentials_file_adc'] = 'true';
    expect(captureStdout(cleanup)).toBe(`Removed credentials file ${adc}\n`);
  });

  it('removes a gha-creds-<16 hex>.json file; leaves any other path, and a link of that name', () => {
    const file = join(dir, 'gha-creds-0123456789abcdef.json');
    writeFileSync(file, '{}');
    const other = join(dir, 'important.json');
    writeFileSync(other, '{}');
    process.env['STATE_cleanup_credentials'] = 'true';
    process.env['STATE_credentials_file_path'] = other;
    const refused = captureStdout(cleanup);
    expect(refused).toContain(
      `::warning::Not removing ${other}: this action only removes the gha-creds-<hex>.json files it creates.`,
    );
    process.env['STATE_credentials_file_path'] = file;
    expect(captureStdout(cleanup)).toBe(`Removed credentials file ${file}\n`);
    expect(readdirSync(dir).sort()).toEqual([
      'GITHUB_ENV',
      'GITHUB_OUTPUT',
      'GITHUB_STATE',
      'GITHUB_STEP_SUMMARY',
      'important.json',
    ]);
  });
});

it('nothing in src/ writes to the log except runner-commands.ts (so no line can skip `inert`)', () => {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');
  const offenders: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && path !== join(root, 'runner-commands.ts')) {
        const text = readFileSync(path, 'utf8');
        if (/process\.(stdout|stderr)|console\.|writeSync\(\s*[12]\b/.test(text)) offenders.push(path);
      }
    }
  };
  walk(root);
  expect(offenders).toEqual([]);
});
