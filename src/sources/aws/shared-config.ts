/**
 * The shared AWS files, ~/.aws/config and ~/.aws/credentials (or
 * AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE): INI parsing, merging, and
 * turning a profile into a *plan* — static keys, a role to assume on top of
 * another profile or a credential_source, or a web identity. Executing the
 * plan (network calls) is the chain's job; this module only reads files.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_AWS_ROLE_SESSION_NAME } from './constants.js';
import { EnvironmentError } from '../../errors.js';
import type { RoleRequest } from './assume-role.js';
import { type AwsCredentials, awsCredentials } from './credentials.js';
import { readConfiguredFile } from './read-file.js';
import type { WebIdentityConfig } from './web-identity.js';

export type Profile = Record<string, string>;

export interface SharedConfig {
  profiles: Map<string, Profile>;
  /** The files that were read, for messages. */
  files: string[];
}

/** What `credential_source` may name. */
export type CredentialSourceName = 'Environment' | 'Ec2InstanceMetadata' | 'EcsContainer';

export type ProfilePlan =
  | { kind: 'static'; profile: string; credentials: AwsCredentials }
  | { kind: 'web-identity'; profile: string; webIdentity: WebIdentityConfig }
  | {
      kind: 'assume-role';
      profile: string;
      role: RoleRequest;
      base: ProfilePlan | { kind: 'credential-source'; name: CredentialSourceName };
    };

const CREDENTIAL_SOURCES: readonly CredentialSourceName[] = ['Environment', 'Ec2InstanceMetadata', 'EcsContainer'];
/** Keys of ways to get credentials that this action does not implement. */
const UNSUPPORTED = ['credential_process', 'sso_session', 'sso_start_url', 'login_session'];

export function profileLabel(name: string): string {
  return `AWS profile "${name}"`;
}

/** Reads and merges both files; missing files are empty. */
export async function loadSharedConfig(env: NodeJS.ProcessEnv): Promise<SharedConfig> {
  const home = env['HOME'] || env['USERPROFILE'] || homedir();
  const expand = (path: string): string => (path.startsWith('~/') ? join(home, path.slice(2)) : path);
  const configFile = expand(env['AWS_CONFIG_FILE'] || join(home, '.aws', 'config'));
  const credentialsFile = expand(env['AWS_SHARED_CREDENTIALS_FILE'] || join(home, '.aws', 'credentials'));

  const profiles = new Map<string, Profile>();
  const files: string[] = [];
  const config = await readConfiguredFile(configFile, 'AWS_CONFIG_FILE or the default path', true);
  if (config !== undefined) {
    files.push(configFile);
    for (const [section, values] of parseIni(config)) {
      // In the config file profiles are "[profile NAME]", except "[default]".
      const name = section === 'default' ? 'default' : /^profile\s+(.+)$/.exec(section)?.[1]?.trim();
      if (name) profiles.set(name, { ...profiles.get(name), ...values });
    }
  }
  const credentials = await readConfiguredFile(
    credentialsFile,
    'AWS_SHARED_CREDENTIALS_FILE or the default path',
    true,
  );
  if (credentials !== undefined) {
    files.push(credentialsFile);
    // In the credentials file sections are bare names, and win over the config file.
    for (const [name, values] of parseIni(credentials)) profiles.set(name, { ...profiles.get(name), ...values });
  }
  return { profiles, files };
}

/**
 * The AWS INI dialect: `[section]`, `key = value`, full-line comments with
 * # or ;, inline comments after whitespace, and indented sub-settings
 * (`s3 =` followed by indented lines), which are kept as `s3.key`.
 */
export function parseIni(text: string): Map<string, Profile> {
  const sections = new Map<string, Profile>();
  let current: Profile | undefined;
  let parent: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s[#;].*$/, '');
    if (/^\s*([#;].*)?$/.test(line)) continue;
    const section = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (section?.[1] !== undefined) {
      const name = section[1].trim();
      current = sections.get(name) ?? {};
      sections.set(name, current);
      parent = undefined;
      continue;
    }
    const pair = /^(\s*)([^=\s][^=]*?)\s*=\s*(.*?)\s*$/.exec(line);
    if (!pair || !current) continue;
    const [, indent, key, value] = pair as unknown as [string, string, string, string];
    if (indent && parent) {
      current[`${parent}.${key.toLowerCase()}`] = value;
    } else {
      current[key.toLowerCase()] = value;
      parent = value === '' ? key.toLowerCase() : undefined;
    }
  }
  return sections;
}

/**
 * What the named profile says about credentials; undefined when it holds
 * none (then the chain goes on to the container and instance metadata).
 */
export function planProfile(config: SharedConfig, name: string, visited: string[] = []): ProfilePlan | undefined {
  const profile = config.profiles.get(name);
  if (!profile) return undefined;
  const label = profileLabel(name);

  for (const key of UNSUPPORTED) {
    if (profile[key] && !profile['role_arn'] && !profile['aws_access_key_id']) {
      throw new EnvironmentError(
        `${label} gets its credentials with ${key}, which this action does not support (CI has no browser or ` +
          'helper process to run). Give it static keys, a role_arn with source_profile or credential_source, or ' +
          'a web_identity_token_file; or export credentials first (aws configure export-credentials).',
      );
    }
  }

  const roleArn = profile['role_arn'];
  if (roleArn && profile['mfa_serial']) {
    throw new EnvironmentError(
      `${label} assumes ${roleArn} with mfa_serial set: an MFA code is needed, and no one can type it in CI. ` +
        'Use a role whose trust policy does not require MFA for this caller.',
    );
  }
  if (roleArn && (profile['source_profile'] || profile['credential_source'])) {
    return {
      kind: 'assume-role',
      profile: name,
      role: roleOf(profile, label),
      base: basePlan(config, name, profile, visited),
    };
  }
  if (roleArn && profile['web_identity_token_file']) {
    return {
      kind: 'web-identity',
      profile: name,
      webIdentity: {
        tokenFile: profile['web_identity_token_file'],
        roleArn,
        sessionName: profile['role_session_name'] || undefined,
        durationSeconds: durationOf(profile, label),
      },
    };
  }
  if (roleArn) {
    throw new EnvironmentError(
      `${label} has role_arn but neither source_profile, credential_source nor web_identity_token_file: ` +
        'nothing to assume the role with.',
    );
  }
  return staticPlan(profile, name);
}

function basePlan(
  config: SharedConfig,
  name: string,
  profile: Profile,
  visited: string[],
): ProfilePlan | { kind: 'credential-source'; name: CredentialSourceName } {
  const label = profileLabel(name);
  const sourceProfile = profile['source_profile'];
  const credentialSource = profile['credential_source'];
  if (sourceProfile && credentialSource) {
    throw new EnvironmentError(`${label} sets both source_profile and credential_source: keep one.`);
  }
  if (credentialSource) {
    const known = CREDENTIAL_SOURCES.find((s) => s.toLowerCase() === credentialSource.toLowerCase());
    if (!known) {
      throw new EnvironmentError(
        `${label} has credential_source "${credentialSource}"; valid values are ${CREDENTIAL_SOURCES.join(', ')}.`,
      );
    }
    return { kind: 'credential-source', name: known };
  }
  const source = sourceProfile as string;
  if (source === name) {
    // A profile may name itself: its own static keys are the base, as the SDKs allow.
    const own = staticPlan(profile, name);
    if (!own) throw new EnvironmentError(`${label} names itself as source_profile but has no static keys.`);
    return own;
  }
  if (visited.includes(source)) {
    throw new EnvironmentError(`${label}: source_profile loops (${[...visited, name, source].join(' -> ')}).`);
  }
  if (!config.profiles.has(source)) {
    throw new EnvironmentError(
      `${label} has source_profile "${source}", which is not in ${config.files.join(' or ') || 'the shared files'}.`,
    );
  }
  const plan = planProfile(config, source, [...visited, name]);
  if (!plan) throw new EnvironmentError(`${label} has source_profile "${source}", which holds no credentials.`);
  return plan;
}

/** The profile's own access keys, if it has any. */
function staticPlan(profile: Profile, name: string): ProfilePlan | undefined {
  if (!profile['aws_access_key_id'] && !profile['aws_secret_access_key']) return undefined;
  return {
    kind: 'static',
    profile: name,
    credentials: awsCredentials(
      {
        accessKeyId: profile['aws_access_key_id'],
        secretAccessKey: profile['aws_secret_access_key'],
        sessionToken: profile['aws_session_token'] || profile['aws_security_token'] || undefined,
      },
      profileLabel(name),
    ),
  };
}

function roleOf(profile: Profile, label: string): RoleRequest {
  return {
    roleArn: profile['role_arn'] as string,
    sessionName: profile['role_session_name'] || DEFAULT_AWS_ROLE_SESSION_NAME,
    externalId: profile['external_id'] || undefined,
    durationSeconds: durationOf(profile, label),
  };
}

function durationOf(profile: Profile, label: string): number | undefined {
  const text = profile['duration_seconds'];
  if (!text) return undefined;
  const seconds = Number(text);
  if (!/^\d+$/.test(text) || seconds < 900 || seconds > 43200) {
    throw new EnvironmentError(`${label} has duration_seconds "${text}"; AWS accepts 900 to 43200.`);
  }
  return seconds;
}
