/**
 * subject_token_source: aws — the definition half (see subject-source.ts):
 * the aws_* inputs, parsed and validated here. The source itself
 * (aws-source.ts and the credential chain) is loaded only when a run selects
 * it, so the GitHub path never loads or pays for the AWS code.
 */
import type { InputReader } from '../../inputs.js';
import { ConfigError } from '../../errors.js';
import { defineSource } from '../subject-source.js';
import { DEFAULT_AWS_ROLE_SESSION_NAME } from './constants.js';
import {
  AWS_REGION_FORM,
  validateAwsProfile,
  validateAwsRegion,
  validateExternalId,
  validateRoleArn,
  validateRoleSessionName,
} from './forms.js';
import { stsEndpoint } from './region.js';

/** subject_token_source: aws, with the aws_* inputs. */
export interface AwsSourceOptions {
  region?: string;
  profile?: string;
  /** A role to assume (AWS STS AssumeRole) before signing GetCallerIdentity. */
  role?: { arn: string; sessionName: string; externalId?: string; durationSeconds: number };
}

const ROLE_INPUTS = ['aws_role_session_name', 'aws_role_external_id', 'aws_role_duration_seconds'] as const;

export const aws = defineSource({
  kind: 'aws',
  inputs: ['aws_region', 'aws_profile', 'aws_role_arn', ...ROLE_INPUTS],
  parse: readAwsInputs,
  load: async () => (await import('./aws-source.js')).createAwsSource,
  laterOrigins: assumeRoleOrigins,
});

/**
 * AssumeRole goes to the regional AWS STS host, when the region is known
 * without asking anyone (a profile's or the instance's is found later).
 */
function assumeRoleOrigins(options: AwsSourceOptions, env: NodeJS.ProcessEnv): string[] {
  if (!options.role) return [];
  const region = [options.region, env['AWS_REGION'], env['AWS_DEFAULT_REGION']].map((r) => r?.trim()).find((r) => r);
  if (!region || !AWS_REGION_FORM.test(region)) return [];
  try {
    return [stsEndpoint(region, env)];
  } catch {
    return []; // a bad AWS_ENDPOINT_URL_STS: the source reports it when it gets there
  }
}

function readAwsInputs(get: InputReader): AwsSourceOptions {
  const region = get('aws_region');
  if (region) validateAwsRegion(region, 'aws_region');
  const profile = get('aws_profile');
  if (profile) validateAwsProfile(profile, 'aws_profile');
  const roleArn = get('aws_role_arn');
  const sessionName = get('aws_role_session_name');
  const externalId = get('aws_role_external_id');
  const durationText = get('aws_role_duration_seconds');
  if (!roleArn) {
    const orphan = ROLE_INPUTS.find((name) => get(name) !== '');
    if (orphan) throw new ConfigError(`"${orphan}" needs "aws_role_arn": the role to assume.`);
  } else {
    validateRoleArn(roleArn, 'aws_role_arn');
  }
  if (sessionName) validateRoleSessionName(sessionName, 'aws_role_session_name');
  if (externalId) validateExternalId(externalId, 'aws_role_external_id');
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
