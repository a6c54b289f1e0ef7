/**
 * The metadata server way in as a configuration: the use_metadata_server inputs (src/config.ts) and the connections
 * such a configuration opens early (originsFor, src/preconnect-plan.ts) — a suite across those two modules.
 */
import { type Config, readConfig } from '../../src/config.js';
import { originsFor } from '../../src/preconnect-plan.js';
import { SA } from '../support/fixtures.js';
import { messageOf } from '../support/unit.js';

function config(inputs: Record<string, string>): Config {
  return readConfig((name) => ({ use_metadata_server: 'true', ...inputs })[name] ?? '');
}

function configError(inputs: Record<string, string>): string {
  return messageOf(() => config(inputs));
}

describe('use_metadata_server inputs', () => {
  it('is a way in of its own: no file, the project left to the metadata server', () => {
    const c = config({ create_credentials_file: 'true', credentials_file_location: 'workspace', service_account: SA });
    expect(c.auth).toEqual({ kind: 'metadata_server' });
    expect(c.createCredentialsFile).toBe(false);
    // Not the service account's project (my-project): the machine's, from the metadata server.
    expect(c.projectId).toBeUndefined();
    expect(config({ project_id: 'chosen-project' }).projectId).toBe('chosen-project');
  });

  it('gives an ID token without service_account (the machine’s), but not domain-wide delegation', () => {
    expect(config({ token_format: 'id_token', id_token_audience: 'https://x.example' }).tokenFormat).toBe('id_token');
    expect(configError({ token_format: 'access_token', access_token_subject: 'user@example.com' })).toMatch(
      /^token_format "access_token" with access_token_subject needs "service_account"/,
    );
  });

  it.each([
    ['workload_identity_provider', 'projects/1/locations/global/workloadIdentityPools/p/providers/q'],
    ['credentials_json', '{}'],
  ])('refuses %s with it', (name, value) => {
    expect(configError({ [name]: value })).toBe(
      `"use_metadata_server" signs in as the runner machine's own service account; it cannot be combined with ` +
        `"${name}", which is another way in. Keep one of them.`,
    );
  });

  it("refuses a subject source's inputs, a credentials file location and a non-boolean", () => {
    expect(configError({ aws_region: 'us-east-1' })).toBe(
      '"aws_region" applies only to Workload Identity Federation (workload_identity_provider), not to use_metadata_server.',
    );
    expect(configError({ credentials_file_location: 'adc' })).toMatch(
      /^"credentials_file_location" is set, but use_metadata_server writes no credentials file/,
    );
    expect(configError({ use_metadata_server: 'yes' })).toBe('"use_metadata_server" must be true or false, got "yes".');
  });

  it('false (the default the runner passes) leaves the other ways in as they were', () => {
    expect(() => config({ use_metadata_server: 'false' })).toThrow(/^Neither "workload_identity_provider"/);
  });
});

describe('originsFor with the metadata server', () => {
  const IAM = 'https://iamcredentials.googleapis.com/v1';
  it.each<[string, Record<string, string>, string[]]>([
    ['the machine alone: nothing (the metadata server is the first request)', { token_format: 'access_token' }, []],
    ['a service account, no token: nothing', { service_account: SA }, []],
    [
      'access_token as a service account: IAM Credentials',
      { service_account: SA, token_format: 'access_token' },
      [IAM],
    ],
    [
      'id_token as a service account: IAM Credentials',
      { service_account: SA, token_format: 'id_token', id_token_audience: 'https://x.example' },
      [IAM],
    ],
    [
      'domain-wide delegation: IAM Credentials (signJwt), OAuth2',
      { service_account: SA, token_format: 'access_token', access_token_subject: 'user@example.com' },
      [IAM, 'https://oauth2.googleapis.com'],
    ],
  ])('%s', (_, inputs, origins) => {
    expect(originsFor(config(inputs), {})).toEqual(origins);
  });
});
