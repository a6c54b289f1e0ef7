/**
 * subject_token_source and the aws_* inputs: every message the user can get
 * from them (src/config.ts picks the source; src/sources/aws/index.ts parses
 * the aws_* inputs).
 */
import { type Config, readConfig } from '../../src/config.js';
import { aws, type AwsSourceOptions } from '../../src/sources/aws/index.js';
import { githubOidc } from '../../src/sources/github-oidc.js';
import { AWS_ACCOUNT, AWS_PROVIDER as PROVIDER } from '../support/fixtures.js';
import { sourceOptions } from '../support/source-options.js';
import { messageOf } from '../support/unit.js';

const ROLE = `arn:aws:iam::${AWS_ACCOUNT}:role/deploy`;

function config(inputs: Record<string, string>): Config {
  return readConfig((name) => inputs[name] ?? '');
}

/** The selected source's kind. */
function sourceKind(inputs: Record<string, string>): string {
  const auth = config({ workload_identity_provider: PROVIDER, ...inputs }).auth;
  if (auth.kind !== 'workload_identity') throw new Error('expected WIF');
  return auth.source.kind;
}

function awsOptions(inputs: Record<string, string>): AwsSourceOptions {
  return sourceOptions(aws, { workload_identity_provider: PROVIDER, ...inputs });
}

function errorOf(inputs: Record<string, string>): string {
  return messageOf(() => config({ workload_identity_provider: PROVIDER, ...inputs }));
}

describe('subject_token_source', () => {
  it('defaults to github, also when the runner passes the default', () => {
    const github = { audience: `https://iam.googleapis.com/${PROVIDER}` };
    expect(sourceKind({})).toBe('github');
    expect(sourceOptions(githubOidc, { workload_identity_provider: PROVIDER })).toEqual(github);
    expect(sourceKind({ subject_token_source: 'github' })).toBe('github');
    expect(sourceOptions(githubOidc, { workload_identity_provider: PROVIDER, subject_token_source: 'github' })).toEqual(
      github,
    );
  });

  it('lists the valid values for an unknown one', () => {
    // "kubernetes" is no source: a Kubernetes token comes in through subject_token_source: file.
    expect(errorOf({ subject_token_source: 'kubernetes' })).toBe(
      '"subject_token_source" must be one of "github", "aws", "file", "url", "executable", "azure", got "kubernetes".',
    );
  });

  it('takes aws with no AWS inputs at all (the default chain)', () => {
    expect(sourceKind({ subject_token_source: 'aws' })).toBe('aws');
    expect(awsOptions({ subject_token_source: 'aws' })).toEqual({});
  });

  it('takes every AWS input, with the role defaults', () => {
    const aws = awsOptions({
      subject_token_source: 'aws',
      aws_region: 'eu-west-1',
      aws_profile: 'ci',
      aws_role_arn: ROLE,
    });
    expect(aws).toEqual({
      region: 'eu-west-1',
      profile: 'ci',
      role: { arn: ROLE, sessionName: 'GitHubActions', durationSeconds: 3600 },
    });
    const full = awsOptions({
      subject_token_source: 'aws',
      aws_role_arn: 'arn:aws-us-gov:iam::111122223333:role/path/deploy',
      aws_role_session_name: 'gcp@run-1',
      aws_role_external_id: 'ext:42/x',
      aws_role_duration_seconds: '43200',
    });
    expect(full.role).toEqual({
      arn: 'arn:aws-us-gov:iam::111122223333:role/path/deploy',
      sessionName: 'gcp@run-1',
      externalId: 'ext:42/x',
      durationSeconds: 43200,
    });
  });

  it('refuses AWS inputs with the github source', () => {
    expect(errorOf({ aws_region: 'eu-west-1' })).toBe(
      '"aws_region" applies only with subject_token_source: aws, but subject_token_source is "github".',
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
    expect(errorOf({ subject_token_source: 'aws', audience: 'x' })).toBe(
      '"audience" applies only with subject_token_source: github, but subject_token_source is "aws".',
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
