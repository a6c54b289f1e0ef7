/**
 * readConfig (config.ts) applies the validators of forms.ts and sources/aws/forms.ts to every input that reaches a
 * request, and checks path inputs before any request.
 */
import { generateKeyPairSync } from 'node:crypto';

import { readConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';
import { stdout as runnerStdout } from '../../src/runner-commands.js';
import { SA } from '../support/fixtures.js';
import { messageOf } from '../support/unit.js';

describe('readConfig applies the forms to every input that reaches a request', () => {
  const PROVIDER = 'projects/123456789012/locations/global/workloadIdentityPools/gh-pool/providers/gh-provider';
  const wif = (inputs: Record<string, string>) => () =>
    readConfig((name) => ({ workload_identity_provider: PROVIDER, ...inputs })[name] ?? '');

  // One row per call site in config.ts (the lead re-applies them to the restructured file).
  it.each<[Record<string, string>, RegExp]>([
    [{ service_account: `${SA}:signBlob?x=` }, /^"service_account" must be a service account email/],
    [{ delegates: `${SA}, ${SA}#` }, /^"delegates" must be a service account email/],
    [
      { service_account: SA, token_format: 'access_token', access_token_subject: 'alice@example.com\nx' },
      /^"access_token_subject" must be the email of a Google Workspace user/,
    ],
    [{ access_token_scopes: 'https://www.googleapis.com/auth/cloud-platform openid' }, /^"access_token_scopes" must/],
    [{ universe: 'googleapis.com/x' }, /^"universe" must be a domain/],
    [{ audience: 'my audience' }, /^"audience" must be one word/],
    [{ id_token_audience: 'https://x\ny' }, /^"id_token_audience" must be one word/],
    [{ project_id: 'my-project?x' }, /^"project_id" "my-project\?x" is not a project ID/],
    [{ sts_endpoint: 'http://sts.example.com/v1' }, /^"sts_endpoint" must be an https:\/\/ URL/],
    [{ iamcredentials_endpoint: 'https://iam.example.com/v1?x' }, /^"iamcredentials_endpoint" must not have a query/],
    [{ oauth2_endpoint: 'https://oauth2.example.com//x' }, /^"oauth2_endpoint" must be of the form/],
    [
      { workload_identity_provider: `${PROVIDER}?x=1` },
      /^"workload_identity_provider" has the provider ID "gh-provider\?x=1": provider IDs are 4-32/,
    ],
    [
      { workload_identity_provider: PROVIDER.replace('gh-pool', 'gcp-pool') },
      /^"workload_identity_provider" has the pool ID "gcp-pool" \(the prefix "gcp-" is reserved by Google\)/,
    ],
    [{ subject_token_source: 'aws', aws_region: 'us-east-1.evil.example' }, /^"aws_region" must be an AWS region/],
    [{ subject_token_source: 'aws', aws_profile: 'a b' }, /^"aws_profile" must be a profile name/],
    [{ subject_token_source: 'aws', aws_role_arn: 'arn:aws:iam::123456789012:role/x?y' }, /^"aws_role_arn" must/],
    [
      { subject_token_source: 'aws', aws_role_arn: 'arn:aws:iam::123456789012:role/x', aws_role_session_name: 'a b' },
      /^"aws_role_session_name" must be 2-64/,
    ],
    [
      { subject_token_source: 'aws', aws_role_arn: 'arn:aws:iam::123456789012:role/x', aws_role_external_id: 'a b' },
      /^"aws_role_external_id" must be 2-1224/,
    ],
  ])('%j', (inputs, pattern) => {
    expect(messageOf(wif(inputs))).toMatch(pattern);
  });

  it('checks the client_email of a key without quoting the key', () => {
    const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    }) as string;
    const key = {
      type: 'service_account',
      private_key_id: 'abc',
      private_key: privateKey,
      client_email: 'keyed@key-project.iam.gserviceaccount.com:signBlob?x=',
    };
    const write = runnerStdout.write;
    runnerStdout.write = () => undefined; // the masks of the key
    try {
      const message = messageOf(() => readConfig((name) => (name === 'credentials_json' ? JSON.stringify(key) : '')));
      expect(message).toBe(
        'The "client_email" of the key in credentials_json is not a service account email such as ' +
          'my-sa@my-project.iam.gserviceaccount.com. Use the key file exactly as Google Cloud created it.',
      );
    } finally {
      runnerStdout.write = write;
    }
  });
});

describe('path inputs: one line, no control characters, checked before any request (issue 21)', () => {
  const PROVIDER = 'projects/123456789012/locations/global/workloadIdentityPools/gh-pool/providers/gh-provider';
  const read = (inputs: Record<string, string>) => () =>
    readConfig((name) => ({ workload_identity_provider: PROVIDER, ...inputs })[name] ?? '');
  const HOSTILE = ['/tmp/x\n::stop-commands::T', '/tmp/x\r::notice::x', '/tmp/\u0085::add-mask::y', '/tmp/\u2028x'];

  it.each(HOSTILE)('credentials_file_location %j', (value) => {
    expect(read({ credentials_file_location: value })).toThrow(
      new ConfigError(
        '"credentials_file_location" must be a path on one line, without control characters or line breaks.',
      ),
    );
  });

  it.each(HOSTILE)('subject_token_file %j', (value) => {
    expect(read({ subject_token_source: 'file', subject_token_file: value })).toThrow(
      new ConfigError('"subject_token_file" must be a path on one line, without control characters or line breaks.'),
    );
  });

  it.each(HOSTILE)('executable_output_file %j', (value) => {
    expect(
      read({ subject_token_source: 'executable', executable_command: '/bin/true', executable_output_file: value }),
    ).toThrow(
      new ConfigError(
        '"executable_output_file" must be a path on one line, without control characters or line breaks.',
      ),
    );
  });

  it('a relative executable_output_file still says why it must be absolute', () => {
    expect(
      read({
        subject_token_source: 'executable',
        executable_command: '/bin/true',
        executable_output_file: 'cache.json',
      }),
    ).toThrow(
      '"executable_output_file" must be an absolute path (the action and later tools must find the same file), ' +
        'such as /tmp/gcp-token-cache.json, got "cache.json".',
    );
  });
});
