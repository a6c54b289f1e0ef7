/**
 * subject_token_source: aws — the definition half (see subject-source.ts):
 * the aws_* inputs, parsed and validated here. The source itself
 * (aws-source.ts and the credential chain) is loaded only when a run selects
 * it, so the GitHub path never loads or pays for the AWS code.
 */
import type { InputReader } from '../../config.js';
import { ConfigError } from '../../errors.js';
import type { SourceDefinition, SourcePlan } from '../subject-source.js';
import { AWS_REGION_FORM, DEFAULT_AWS_ROLE_SESSION_NAME } from './constants.js';

/** subject_token_source: aws, with the aws_* inputs. */
export interface AwsSourceOptions {
  region?: string;
  profile?: string;
  /** A role to assume (AWS STS AssumeRole) before signing GetCallerIdentity. */
  role?: { arn: string; sessionName: string; externalId?: string; durationSeconds: number };
}

const ROLE_INPUTS = ['aws_role_session_name', 'aws_role_external_id', 'aws_role_duration_seconds'] as const;

export const aws: SourceDefinition = {
  kind: 'aws',
  inputs: ['aws_region', 'aws_profile', 'aws_role_arn', ...ROLE_INPUTS],
  readInputs(get: InputReader): SourcePlan<AwsSourceOptions> {
    const options = readAwsInputs(get);
    return {
      kind: 'aws',
      options,
      start: async (context) => {
        const { AwsSource } = await import('./aws-source.js');
        return new AwsSource(context.provider, options, context.env, context.http, context.log);
      },
    };
  },
};

function readAwsInputs(get: InputReader): AwsSourceOptions {
  const region = get('aws_region');
  if (region && !AWS_REGION_FORM.test(region)) {
    throw new ConfigError(`"aws_region" must be an AWS region such as us-east-1, got "${region}".`);
  }
  const profile = get('aws_profile');
  if (profile && !/^[^\s[\]]+$/.test(profile)) {
    throw new ConfigError(`"aws_profile" must be a profile name without spaces or brackets, got "${profile}".`);
  }
  const roleArn = get('aws_role_arn');
  const sessionName = get('aws_role_session_name');
  const externalId = get('aws_role_external_id');
  const durationText = get('aws_role_duration_seconds');
  if (!roleArn) {
    const orphan = ROLE_INPUTS.find((name) => get(name) !== '');
    if (orphan) throw new ConfigError(`"${orphan}" needs "aws_role_arn": the role to assume.`);
  } else if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(roleArn)) {
    throw new ConfigError(
      `"aws_role_arn" must be an IAM role ARN such as arn:aws:iam::123456789012:role/my-role, got "${roleArn}".`,
    );
  }
  if (sessionName && !/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
    throw new ConfigError(
      `"aws_role_session_name" must be 2-64 letters, digits or + = , . @ _ -, got "${sessionName}".`,
    );
  }
  if (externalId && !/^[\w+=,.@:/-]{2,1224}$/.test(externalId)) {
    throw new ConfigError('"aws_role_external_id" must be 2-1224 letters, digits or + = , . @ : / _ -.');
  }
  const durationSeconds = durationText ? Number(durationText) : 3600;
  if (durationText && (!/^\d+$/.test(durationText) || durationSeconds < 900 || durationSeconds > 43200)) {
    throw new ConfigError(
      `"aws_role_duration_seconds" must be a whole number of seconds from 900 to 43200, got "${durationText}".`,
    );
  }
  return {
    ...(region ? { region } : {}),
    ...(profile ? { profile } : {}),
    ...(roleArn
      ? {
          role: {
            arn: roleArn,
            sessionName: sessionName || DEFAULT_AWS_ROLE_SESSION_NAME,
            ...(externalId ? { externalId } : {}),
            durationSeconds,
          },
        }
      : {}),
  };
}
