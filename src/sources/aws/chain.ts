/**
 * The AWS credential chain, in the order the AWS SDKs look:
 *   1. environment variables (AWS_ACCESS_KEY_ID, ...)
 *   2. web identity from the environment (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN)
 *   3. the shared config/credentials files: the profile (aws_profile input,
 *      AWS_PROFILE, else "default"), including assume-role profiles
 *   4. ECS / EKS container credentials
 *   5. EC2 instance metadata
 * When the aws_profile input names a profile, 1 and 2 are skipped: the user
 * asked for that profile (the JavaScript SDK does the same for AWS_PROFILE).
 * The first source that is configured wins; a configured source that fails
 * is an error, not a reason to try the next (that would hide the real cause).
 */
import { EnvironmentError } from '../../errors.js';
import type { Http } from '../../http.js';
import { assumeRole, type StsContext } from './assume-role.js';
import type { AwsCredentials } from './credentials.js';
import { containerCredentials, hasContainerCredentials } from './ecs.js';
import { ENV_SOURCE, envCredentials } from './env.js';
import type { InstanceMetadata } from './imds.js';
import {
  type CredentialSourceName,
  type ProfilePlan,
  planProfile,
  profileLabel,
  type SharedConfig,
} from './shared-config.js';
import { webIdentityCredentials, webIdentityFromEnv } from './web-identity.js';

export interface ChainContext {
  env: NodeJS.ProcessEnv;
  http: Http;
  sts: StsContext;
  imds: InstanceMetadata;
  shared: SharedConfig;
  /** The profile to read, and who named it (undefined: the "default" profile by default). */
  profile: { name: string; namedBy?: 'the aws_profile input' | 'AWS_PROFILE' };
}

/** Which link of the chain gave the credentials. */
export type ChainLink = 'environment' | 'web-identity' | 'profile' | 'container' | 'instance-metadata';

export async function findCredentials(ctx: ChainContext): Promise<{ credentials: AwsCredentials; link: ChainLink }> {
  const { env, profile } = ctx;
  const tried: string[] = [];
  const viaInput = profile.namedBy === 'the aws_profile input';

  if (!viaInput) {
    const fromEnv = envCredentials(env);
    if (fromEnv) return { credentials: fromEnv, link: 'environment' };
    tried.push(`${ENV_SOURCE}: not set`);

    const webIdentity = webIdentityFromEnv(env);
    if (webIdentity) {
      const credentials = await webIdentityCredentials(ctx.sts, webIdentity, 'AWS_WEB_IDENTITY_TOKEN_FILE');
      return { credentials, link: 'web-identity' };
    }
    tried.push('web identity (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN): not set');
  }

  const plan = planProfile(ctx.shared, profile.name);
  if (plan) return { credentials: await runPlan(ctx, plan), link: 'profile' };
  const files = ctx.shared.files.length > 0 ? ctx.shared.files.join(', ') : 'no shared config or credentials file';
  if (profile.namedBy && !ctx.shared.profiles.has(profile.name)) {
    const known = [...ctx.shared.profiles.keys()];
    throw new EnvironmentError(
      `${profileLabel(profile.name)} (named by ${profile.namedBy}) does not exist in ${files}. ` +
        (known.length > 0 ? `Profiles found: ${known.join(', ')}.` : 'No profiles were found.'),
    );
  }
  tried.push(`${profileLabel(profile.name)} (${files}): no credentials`);

  if (hasContainerCredentials(env))
    return { credentials: await containerCredentials(ctx.http, env), link: 'container' };
  tried.push('container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI): not set');

  const fromInstance = await ctx.imds.credentials();
  if (fromInstance) return { credentials: fromInstance, link: 'instance-metadata' };
  tried.push(`EC2 instance metadata (${ctx.imds.endpoint}): ${ctx.imds.unavailable ?? 'no answer'}`);

  throw new EnvironmentError(
    'No AWS credentials found for subject_token_source "aws". Looked at, in order:\n' +
      tried.map((line) => `  - ${line}`).join('\n') +
      '\nOn a GitHub-hosted runner, run aws-actions/configure-aws-credentials before this step; on a self-hosted ' +
      'EC2 runner, attach an instance profile (IAM role) to the instance.',
  );
}

/** Executes a profile's plan: static keys, web identity, or a role on top of a base. */
async function runPlan(ctx: ChainContext, plan: ProfilePlan): Promise<AwsCredentials> {
  const label = profileLabel(plan.profile);
  switch (plan.kind) {
    case 'static':
      return plan.credentials;
    case 'web-identity':
      return webIdentityCredentials(ctx.sts, plan.webIdentity, label);
    case 'assume-role': {
      const base =
        plan.base.kind === 'credential-source'
          ? await credentialSource(ctx, plan.base.name, label)
          : await runPlan(ctx, plan.base);
      return assumeRole(ctx.sts, base, plan.role, `${label} via ${base.source}`);
    }
  }
}

/** The base credentials a profile's `credential_source` names. */
async function credentialSource(ctx: ChainContext, name: CredentialSourceName, label: string): Promise<AwsCredentials> {
  const missing = (what: string): EnvironmentError =>
    new EnvironmentError(`${label} has credential_source = ${name}, but ${what}.`);
  switch (name) {
    case 'Environment': {
      const fromEnv = envCredentials(ctx.env);
      if (!fromEnv) throw missing('AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are not set');
      return fromEnv;
    }
    case 'EcsContainer':
      if (!hasContainerCredentials(ctx.env))
        throw missing('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI are not set');
      return containerCredentials(ctx.http, ctx.env);
    case 'Ec2InstanceMetadata': {
      const fromInstance = await ctx.imds.credentials();
      if (!fromInstance)
        throw missing(`EC2 instance metadata is not available (${ctx.imds.unavailable ?? 'no answer'})`);
      return fromInstance;
    }
  }
}
