/** AWS facts the AWS source's inputs and its credential chain share (the forms of values: forms.ts). */

/** Session name of roles we assume when the user names none; shows in CloudTrail and the assumed-role ARN. */
export const DEFAULT_AWS_ROLE_SESSION_NAME = 'GitHubActions';
