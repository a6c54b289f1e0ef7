/**
 * What the end-to-end suites of the file and url sources share: a second
 * OIDC issuer (not GitHub) that fake Google trusts for one provider, and
 * gcloud's credentials files (fixtures/gcloud) with the test's endpoints.
 */
import { readFileSync } from 'node:fs';

import {
  type FakeEnvironment,
  getKeyPair,
  type RunActionResult,
  signJwt,
  type StartEnvironmentOptions,
} from '../fakes/index.mjs';
import { type FakeWorld, useFakeWorld } from './fake-world.js';
import { expectSameFields, fakeGoogleEndpoints, gcloudFixture as readGcloudFixture } from './gcloud-fixtures.js';
import { GCLOUD_PROVIDER } from './fixtures.js';
export const JWT_TYPE = 'urn:ietf:params:oauth:token-type:jwt';
export const SAML2_TYPE = 'urn:ietf:params:oauth:token-type:saml2';

/** A token issuer of its own: its key pair, its issuer URL, and the tokens it minted (for leak checks). */
export interface Issuer {
  issuer: string;
  keys: ReturnType<typeof getKeyPair>;
  minted: string[];
  mint(claims?: Record<string, unknown>, lifetimeSeconds?: number): string;
}

/** An OIDC issuer such as a Kubernetes cluster's, signing with its own RS256 key. */
export function createIssuer(issuer: string, defaults: Record<string, unknown>): Issuer {
  const keys = getKeyPair(`issuer:${issuer}`);
  const minted: string[] = [];
  return {
    issuer,
    keys,
    minted,
    mint(claims = {}, lifetimeSeconds = 600) {
      const now = Math.floor(Date.now() / 1000);
      const token = signJwt(
        {
          iss: issuer,
          aud: `https://iam.googleapis.com/${GCLOUD_PROVIDER}`,
          iat: now,
          nbf: now,
          exp: now + lifetimeSeconds,
          ...defaults,
          ...claims,
        },
        keys.privateKey,
        { kid: keys.kid },
      );
      minted.push(token);
      return token;
    },
  };
}

/**
 * Inputs as the runner passes them: action.yml's defaults, then the test's.
 * Except access_token_lifetime: the runner passes its default "3600s", which
 * config.ts counts as set, so every file with a service account would carry
 * token_lifetime_seconds 3600 where gcloud leaves it out (reported to the
 * lead); left empty here so the files compare with gcloud's defaults.
 */
export function withDefaults(inputs: Record<string, string>): Record<string, string> {
  return {
    create_credentials_file: 'true',
    export_environment_variables: 'true',
    token_format: '',
    universe: 'googleapis.com',
    cleanup_credentials: 'true',
    access_token_lifetime: '',
    access_token_scopes: 'https://www.googleapis.com/auth/cloud-platform',
    id_token_include_email: 'false',
    retries: '0',
    request_timeout: '10s',
    subject_token_source: 'github',
    ...inputs,
  };
}

/**
 * The fake world of a source suite (useFakeWorld): runMain runs the bundled
 * action with `source` on GCLOUD_PROVIDER, the inputs above and the fakes'
 * endpoints, without GitHub OIDC variables (these sources must not need them).
 */
export function useSourceWorld(source: string, environment: () => StartEnvironmentOptions): FakeWorld {
  return useFakeWorld({
    environment,
    inputs: () => withDefaults({ workload_identity_provider: GCLOUD_PROVIDER, subject_token_source: source }),
    env: () => ({ ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined }),
    timeoutMs: 30_000,
  });
}

/** Fails with the run's log, which says why. */
export function expectSuccess(result: RunActionResult): void {
  if (result.code !== 0) throw new Error(`action failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
}

/**
 * gcloud's file for this case, with Google's endpoints replaced by the fakes'
 * and `credentialSource` merged over its credential_source (the test's path or URL).
 */
export function gcloudFixture(
  name: string,
  world: FakeEnvironment,
  credentialSource: Record<string, unknown>,
  audience?: string,
): Record<string, unknown> {
  const fixture = readGcloudFixture(name, fakeGoogleEndpoints(world));
  return {
    ...fixture,
    ...(audience ? { audience } : {}),
    credential_source: { ...(fixture['credential_source'] as Record<string, unknown>), ...credentialSource },
  };
}

/** The credentials file the run wrote, parsed. */
export function credentialsFileOf(result: RunActionResult): Record<string, unknown> {
  return JSON.parse(readFileSync(result.outputs['credentials_file_path'] ?? '', 'utf8')) as Record<string, unknown>;
}

/** Compares field by field (a failure names the field), then the whole, so no field is extra or missing. */
export function expectSameFile(actual: Record<string, unknown>, expected: Record<string, unknown>): void {
  expectSameFields(actual, expected);
  expect(actual).toEqual(expected);
}

/** Words that only GitHub's hints and messages use: none may reach a user of another source. */
export const GITHUB_WORDS = /id-token|ACTIONS_ID_TOKEN|repository|GitHub OIDC|forks/;
