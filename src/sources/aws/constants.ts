/** AWS facts the AWS source's inputs and its credential chain share. */

/** AWS region names: us-east-1, us-gov-west-1, cn-north-1, ... */
export const AWS_REGION_FORM = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** Session name of roles we assume when the user names none; shows in CloudTrail and the assumed-role ARN. */
export const DEFAULT_AWS_ROLE_SESSION_NAME = 'GitHubActions';
