/**
 * subject_token_source and the aws_* inputs: every message the user can get
 * from them (they all live in src/config.ts).
 */
import { type AwsSourceConfig, type Config, readConfig, type SubjectTokenSource } from '../src/config.js';
import { ConfigError } from '../src/errors.js';

const PROVIDER = 'projects/123456789012/locations/global/workloadIdentityPools/aws-pool/providers/aws-provider';
const ROLE = 'arn:aws:iam::111122223333:role/deploy';

function config(inputs: Record<string, string>): Config {
  return readConfig((name) => inputs[name] ?? '');
}

function source(inputs: Record<string, string>): SubjectTokenSource {
  const auth = config({ workload_identity_provider: PROVIDER, ...inputs }).auth;
  if (auth.kind !== 'workload_identity') throw new Error('expected WIF');
  return auth.source;
}

function errorOf(inputs: Record<string, string>): string {
  try {
    config({ workload_identity_provider: PROVIDER, ...inputs });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('subject_token_source', () => {
  it('defaults to github, also when the runner passes the default', () => {
    expect(source({})).toEqual({ kind: 'github' });
    expect(source({ subject_token_source: 'github' })).toEqual({ kind: 'github' });
  });

  it('lists the valid values for an unknown one', () => {
    expect(errorOf({ subject_token_source: 'azure' })).toBe(
      '"subject_token_source" must be one of "github", "aws", got "azure".',
    );
  });

  it('takes aws with no AWS inputs at all (the default chain)', () => {
    expect(source({ subject_token_source: 'aws' })).toEqual({ kind: 'aws' });
  });

  it('takes every AWS input, with the role defaults', () => {
    const aws = source({
      subject_token_source: 'aws',
      aws_region: 'eu-west-1',
      aws_profile: 'ci',
      aws_role_arn: ROLE,
    }) as AwsSourceConfig;
    expect(aws).toEqual({
      kind: 'aws',
      region: 'eu-west-1',
      profile: 'ci',
      role: { arn: ROLE, sessionName: 'GitHubActions', durationSeconds: 3600 },
    });
    const full = source({
      subject_token_source: 'aws',
      aws_role_arn: 'arn:aws-us-gov:iam::111122223333:role/path/deploy',
      aws_role_session_name: 'gcp@run-1',
      aws_role_external_id: 'ext:42/x',
      aws_role_duration_seconds: '43200',
    }) as AwsSourceConfig;
    expect(full.role).toEqual({
      arn: 'arn:aws-us-gov:iam::111122223333:role/path/deploy',
      sessionName: 'gcp@run-1',
      externalId: 'ext:42/x',
      durationSeconds: 43200,
    });
  });

  it('refuses AWS inputs with the github source', () => {
    expect(errorOf({ aws_region: 'eu-west-1' })).toBe(
      '"aws_region" is set, but subject_token_source is "github": the aws_* inputs apply only with subject_token_source: aws.',
    );
  });

  it('refuses subject_token_source and AWS inputs with credentials_json', () => {
    const read = (inputs: Record<string, string>): string => {
      try {
        config({ credentials_json: '{}', ...inputs });
      } catch (err) {
        return (err as Error).message;
      }
      return '';
    };
    expect(read({ subject_token_source: 'aws' })).toMatch(
      /^"subject_token_source" applies only to Workload Identity Federation/,
    );
    expect(read({ aws_role_arn: ROLE })).toMatch(/^"aws_role_arn" applies only to Workload Identity Federation/);
  });

  it('refuses the GitHub audience input with aws', () => {
    expect(errorOf({ subject_token_source: 'aws', audience: 'x' })).toMatch(
      /does not apply to subject_token_source: aws/,
    );
  });

  it.each([
    [{ aws_region: 'Europe' }, '"aws_region" must be an AWS region such as us-east-1, got "Europe".'],
    [
      { aws_profile: 'my profile' },
      '"aws_profile" must be a profile name without spaces or brackets, got "my profile".',
    ],
    [
      { aws_role_arn: 'arn:aws:iam::1:role/x' },
      '"aws_role_arn" must be an IAM role ARN such as arn:aws:iam::123456789012:role/my-role, got "arn:aws:iam::1:role/x".',
    ],
    [
      { aws_role_arn: `${ROLE}`, aws_role_session_name: 'has space' },
      '"aws_role_session_name" must be 2-64 letters, digits or + = , . @ _ -, got "has space".',
    ],
    [
      { aws_role_arn: ROLE, aws_role_external_id: 'x' },
      '"aws_role_external_id" must be 2-1224 letters, digits or + = , . @ : / _ -.',
    ],
    [
      { aws_role_arn: ROLE, aws_role_duration_seconds: '899' },
      '"aws_role_duration_seconds" must be a whole number of seconds from 900 to 43200, got "899".',
    ],
    [
      { aws_role_arn: ROLE, aws_role_duration_seconds: '1h' },
      '"aws_role_duration_seconds" must be a whole number of seconds from 900 to 43200, got "1h".',
    ],
    [{ aws_role_external_id: 'ext-1' }, '"aws_role_external_id" needs "aws_role_arn": the role to assume.'],
    [{ aws_role_duration_seconds: '900' }, '"aws_role_duration_seconds" needs "aws_role_arn": the role to assume.'],
  ])('refuses %j', (inputs, message) => {
    expect(errorOf({ subject_token_source: 'aws', ...inputs })).toBe(message);
  });
});
