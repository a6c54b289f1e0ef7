/**
 * The documented form of the AWS values we send: the region becomes part of
 * a host name (sts.REGION.amazonaws.com, see region.ts), the role ARN,
 * session name and external ID fields of signed AssumeRole bodies; the
 * profile name picks a section of the shared files. Same idea as ../../forms.ts
 * (issue 11): a value outside its form fails before any request is made.
 *
 * Forms, from the AWS STS and IAM API references:
 *  - RoleSessionName: 2-64 characters of [\w+=,.@-];
 *  - ExternalId: 2-1224 characters of [\w+=,.@:/-];
 *  - role ARN: arn:PARTITION:iam::ACCOUNT(12 digits):role/[PATH/]NAME, the
 *    path of printable ASCII (\u0021-\u007E) up to 512 characters, the name
 *    1-64 characters of [\w+=,.@-]; RoleArn is 20-2048 characters in all;
 *  - regions: us-east-1, us-gov-west-1, cn-north-1, eu-isoe-west-1, ...
 */
import { ConfigError, EnvironmentError } from '../../errors.js';
import { allowsPlainHttp } from '../../forms.js';

/** AWS region names: us-east-1, us-gov-west-1, cn-north-1, ... */
export const AWS_REGION_FORM = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const ROLE_ARN = /^arn:aws(?:-[a-z]+)*:iam::\d{12}:role\/(?:[\x21-\x7e]{1,511}\/)?[\w+=,.@-]{1,64}$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
/** Printable ASCII without brackets (section headers) or spaces. */
const PROFILE_NAME = /^[\x21-\x5a\x5c\x5e-\x7e]{1,128}$/;

export function validateAwsRegion(value: string, input: string): string {
  if (!AWS_REGION_FORM.test(value)) {
    throw new ConfigError(`"${input}" must be an AWS region such as us-east-1, got "${value}".`);
  }
  return value;
}

export function validateAwsProfile(value: string, input: string): string {
  if (!PROFILE_NAME.test(value)) {
    throw new ConfigError(`"${input}" must be a profile name without spaces or brackets, got "${value}".`);
  }
  return value;
}

export function validateRoleArn(value: string, input: string): string {
  if (value.length > 2048 || !ROLE_ARN.test(value)) {
    throw new ConfigError(
      `"${input}" must be an IAM role ARN such as arn:aws:iam::123456789012:role/my-role, got "${value}".`,
    );
  }
  return value;
}

export function validateRoleSessionName(value: string, input: string): string {
  if (!SESSION_NAME.test(value)) {
    throw new ConfigError(`"${input}" must be 2-64 letters, digits or + = , . @ _ -, got "${value}".`);
  }
  return value;
}

/** Not echoed: an external ID is often handed out like a password. */
export function validateExternalId(value: string, input: string): string {
  if (!EXTERNAL_ID.test(value)) {
    throw new ConfigError(`"${input}" must be 2-1224 letters, digits or + = , . @ : / _ -.`);
  }
  return value;
}

/**
 * An endpoint from the environment (AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL,
 * AWS_EC2_METADATA_SERVICE_ENDPOINT), held to the rule of the endpoint inputs
 * (../../forms.ts validateEndpoint): AWS credentials come back from it, so
 * https://, or plain http:// only to this machine or the instance metadata
 * addresses; no credentials, query or fragment. Returns it without trailing slashes.
 */
export function endpointFromEnvironment(value: string, variable: string, example: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new EnvironmentError(`${variable} must be a URL such as ${example}.`);
  }
  if (url.username || url.password || url.search || url.hash || /[?#\s]/.test(value)) {
    throw new EnvironmentError(
      `${variable} must be the URL of the service only: no user name, password, query or fragment.`,
    );
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowsPlainHttp(url.hostname))) {
    throw new EnvironmentError(
      `${variable} "${url.origin}" must be an https:// URL (plain http:// only to a loopback address or ` +
        '169.254.169.254 / [fd00:ec2::254]): AWS credentials come back from it.',
    );
  }
  return url.href.replace(/\/+$/, '');
}
