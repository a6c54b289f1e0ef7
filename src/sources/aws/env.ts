/**
 * Credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
 * AWS_SESSION_TOKEN: what aws-actions/configure-aws-credentials exports, and
 * the first place every AWS SDK looks.
 */
import { EnvironmentError } from '../../errors.js';
import { maskSecret } from '../../log.js';
import { type AwsCredentials, awsCredentials, parseTime } from './credentials.js';

export const ENV_SOURCE = 'environment variables (AWS_ACCESS_KEY_ID)';

export function envCredentials(env: NodeJS.ProcessEnv): AwsCredentials | undefined {
  const accessKeyId = env['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
  // An empty value is "not set": that is what a missing secret expands to.
  if (!accessKeyId && !secretAccessKey) return undefined;
  maskSecret(secretAccessKey); // before any message could be built

  if (!accessKeyId || !secretAccessKey) {
    throw new EnvironmentError(
      `${accessKeyId ? 'AWS_ACCESS_KEY_ID' : 'AWS_SECRET_ACCESS_KEY'} is set but ` +
        `${accessKeyId ? 'AWS_SECRET_ACCESS_KEY' : 'AWS_ACCESS_KEY_ID'} is empty. If it comes from a secret, ` +
        'note that GitHub does not pass secrets to workflows triggered from forks or by Dependabot.',
    );
  }
  return awsCredentials(
    {
      accessKeyId,
      secretAccessKey,
      sessionToken: env['AWS_SESSION_TOKEN'] || env['AWS_SECURITY_TOKEN'] || undefined,
      // Set by some tools (e.g. aws configure export-credentials); informative only.
      expiration: parseTime(env['AWS_CREDENTIAL_EXPIRATION']),
    },
    ENV_SOURCE,
  );
}
