/** What the end-to-end suites share: where the bundles are, and how to read a run. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

import yaml from 'js-yaml';

import { type FakeEnvironment, findLeakedSecrets, type RunActionResult } from '../fakes/index.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const MAIN = path.join(ROOT, 'dist/main/index.js');
export const POST = path.join(ROOT, 'dist/post/index.js');
/** The service account startEnvironment() lets octo-org/octo-repo impersonate (defined with the other names). */
export { SA } from './fixtures.js';

/** action.yml's default of every input, read from the file itself so that the tests cannot drift from it. */
const ACTION_DEFAULTS: Record<string, string> = Object.fromEntries(
  Object.entries(
    (
      yaml.load(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
        inputs: Record<string, { default?: unknown }>;
      }
    ).inputs,
  ).map(([name, input]) => [name, input.default === undefined ? '' : String(input.default)]),
);

/** Inputs with action.yml's defaults, as the runner passes them. */
export function withDefaults(inputs: Record<string, string>): Record<string, string> {
  return { ...ACTION_DEFAULTS, ...inputs };
}

/**
 * A message the user can see has a row in the troubleshooting table of
 * docs/troubleshooting.md, keyed by its text: `key` appears there in
 * backticks (… for the variable parts) and matches the message.
 */
export function expectTroubleshootingRow(message: string, key: string): void {
  const table = readFileSync(path.join(ROOT, 'docs/troubleshooting.md'), 'utf8');
  expect(table).toContain(`\`${key}\``);
  const pattern = key
    .split('…')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  expect(message).toMatch(new RegExp(pattern));
}

/** The messages of the run's `::error::` lines. */
export function errorsOf(result: RunActionResult): string[] {
  return result.commands.filter((c) => c.command === 'error').map((c) => c.message);
}

/** Every secret the fakes have handed out so far, plus the OIDC request token and `extra`. */
export function knownSecrets(world: FakeEnvironment, extra: string[] = []): string[] {
  return [
    world.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN,
    ...world.github.issuedTokens,
    ...world.google.tokens.keys(),
    ...extra,
  ];
}

/** No known secret in the run's output unless it was registered with ::add-mask:: first. */
export function expectNoLeaks(world: FakeEnvironment, result: RunActionResult, extra: string[] = []): void {
  expect(findLeakedSecrets(result.stdout + result.stderr, knownSecrets(world, extra), result.masks)).toEqual([]);
}

/** Names under which the proxy tests reach the fakes: real service names, under .test, that the test certificate covers. */
export const TEST_HOSTS = {
  github: 'token.actions.githubusercontent.test',
  sts: 'sts.googleapis.test',
  iamcredentials: 'iamcredentials.googleapis.test',
  oauth2: 'oauth2.googleapis.test',
};

/**
 * The endpoint inputs and OIDC URL of `world` under other host names than
 * 127.0.0.1 (@actions/http-client never proxies loopback), same ports.
 */
export function namedEndpoints(world: FakeEnvironment, hosts: Record<keyof typeof TEST_HOSTS, string> = TEST_HOSTS) {
  const rename = (url: string, host: string) => url.replace('127.0.0.1', host);
  return {
    inputs: {
      sts_endpoint: rename(world.google.stsEndpoint, hosts.sts),
      iamcredentials_endpoint: rename(world.google.iamcredentialsEndpoint, hosts.iamcredentials),
      oauth2_endpoint: rename(world.google.oauth2Endpoint, hosts.oauth2),
    },
    oidcUrl: rename(world.env.ACTIONS_ID_TOKEN_REQUEST_URL, hosts.github),
  };
}
