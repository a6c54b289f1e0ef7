/**
 * Web identity credentials: an OIDC token in a file (EKS IRSA projects one,
 * and so can anything else) exchanged for a role's credentials with
 * AssumeRoleWithWebIdentity. Configured by AWS_WEB_IDENTITY_TOKEN_FILE +
 * AWS_ROLE_ARN (+ AWS_ROLE_SESSION_NAME), or by a profile's
 * web_identity_token_file + role_arn.
 */

import { DEFAULT_AWS_ROLE_SESSION_NAME } from './constants.js';
import { EnvironmentError } from '../../errors.js';
import { assumeRoleWithWebIdentity, type StsContext } from './assume-role.js';
import type { AwsCredentials } from './credentials.js';
import { readConfiguredFile } from './read-file.js';

export interface WebIdentityConfig {
  tokenFile: string;
  roleArn: string;
  sessionName?: string | undefined;
  durationSeconds?: number | undefined;
}

/** The environment's web identity settings, when both variables are set. */
export function webIdentityFromEnv(env: NodeJS.ProcessEnv): WebIdentityConfig | undefined {
  const tokenFile = env['AWS_WEB_IDENTITY_TOKEN_FILE'];
  const roleArn = env['AWS_ROLE_ARN'];
  if (!tokenFile && !roleArn) return undefined;
  if (!tokenFile || !roleArn) {
    throw new EnvironmentError(
      `${tokenFile ? 'AWS_WEB_IDENTITY_TOKEN_FILE' : 'AWS_ROLE_ARN'} is set but ` +
        `${tokenFile ? 'AWS_ROLE_ARN' : 'AWS_WEB_IDENTITY_TOKEN_FILE'} is not: web identity credentials need both.`,
    );
  }
  return { tokenFile, roleArn, sessionName: env['AWS_ROLE_SESSION_NAME'] || undefined };
}

export async function webIdentityCredentials(
  ctx: StsContext,
  config: WebIdentityConfig,
  source: string,
): Promise<AwsCredentials> {
  const token = await readConfiguredFile(config.tokenFile, `the web identity token file setting of ${source}`);
  if (!token) throw new EnvironmentError(`The web identity token file ${config.tokenFile} (from ${source}) is empty.`);
  return assumeRoleWithWebIdentity(
    ctx,
    {
      roleArn: config.roleArn,
      sessionName: config.sessionName ?? DEFAULT_AWS_ROLE_SESSION_NAME,
      durationSeconds: config.durationSeconds,
    },
    token,
    source,
  );
}
