/**
 * Results (src/results.ts) says in the step's log when a token output expires
 * within 10 minutes — a later step would outlive it — and what lasts longer.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

import { type Config, readConfig } from '../../src/config.js';
import { Results } from '../../src/results.js';
import { GITHUB_PROVIDER as PROVIDER } from '../support/fixtures.js';
const SA = 'deployer@my-project.iam.gserviceaccount.com';

function resultsFor(inputs: Record<string, string>) {
  const lines: Array<['info' | 'warning', string]> = [];
  const log = {
    debug: () => undefined,
    info: (m: string) => lines.push(['info', m]),
    warning: (m: string) => lines.push(['warning', m]),
  };
  const config: Config = readConfig((name) => ({ workload_identity_provider: PROVIDER, ...inputs })[name] ?? '');
  return { results: new Results(config, log, {}), lines };
}
const inMinutes = (minutes: number) => ({ token: 'ya29.t', expiresAt: new Date(Date.now() + minutes * 60_000) });

// The outputs go to a GITHUB_OUTPUT file of the test's own, removed after it.
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'results-'));
  process.env['GITHUB_OUTPUT'] = path.join(dir, 'output');
  writeFileSync(process.env['GITHUB_OUTPUT'], '');
});
afterEach(() => {
  delete process.env['GITHUB_OUTPUT'];
  rmSync(dir, { recursive: true, force: true });
});

it('direct federation: access_token of 5 minutes draws a warning with the fix, and no second line for auth_token', () => {
  const { results, lines } = resultsFor({ token_format: 'access_token' });
  const token = inMinutes(5);
  results.authToken(token);
  results.accessToken(token);
  expect(lines).toEqual([
    [
      'warning',
      expect.stringMatching(
        /^access_token expires at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ, in (4m5\ds|5m0s): a later step that uses it after that fails\. /,
      ),
    ],
  ]);
  const message = lines[0]?.[1] ?? '';
  expect(message).toContain(
    "For a token that lasts longer, set service_account and token_format: access_token (a service account's token " +
      'lasts access_token_lifetime, 1h by default); or use tools that read the credentials file, which get fresh ' +
      'tokens themselves (for Docker: gcloud auth configure-docker).',
  );
  expect(readFileSync(path.join(dir, 'output'), 'utf8')).toContain('access_token_expiration<<');
});

it('through a service account: a 5-minute auth_token is an info line pointing at access_token', () => {
  const { results, lines } = resultsFor({ service_account: SA });
  results.authToken(inMinutes(5));
  expect(lines).toEqual([
    [
      'info',
      expect.stringMatching(/^auth_token expires at .*For a token that lasts longer, use token_format: access_token /),
    ],
  ]);
});

it('a short access_token_lifetime: the fix is to raise it', () => {
  const { results, lines } = resultsFor({
    service_account: SA,
    token_format: 'access_token',
    access_token_lifetime: '5m',
  });
  results.accessToken(inMinutes(5));
  expect(lines).toEqual([
    ['warning', expect.stringContaining('For a token that lasts longer, raise access_token_lifetime;')],
  ]);
});

it('says nothing about tokens that last 10 minutes or more', () => {
  const { results, lines } = resultsFor({ service_account: SA, token_format: 'access_token' });
  results.authToken(inMinutes(10.1));
  results.accessToken(inMinutes(60));
  expect(lines).toEqual([]);
});
