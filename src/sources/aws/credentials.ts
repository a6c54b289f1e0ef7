/**
 * AWS credentials as every provider of the chain returns them, with where
 * they came from. Built only through `awsCredentials`, which masks the
 * secrets the moment they exist, so no provider can forget to.
 *
 * Errors and logs name credentials by their source and the first four
 * characters of the access key ID (AKIA = long-term user key, ASIA =
 * temporary), never more.
 */
import { EnvironmentError } from '../../errors.js';
import { maskSecret } from '../../log.js';

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  /** When temporary credentials stop working. */
  readonly expiration?: Date;
  /** Where they came from, for logs and errors: "environment variables", "EC2 instance metadata", ... */
  readonly source: string;
  /** The IAM role they act as, when known (arn:aws:iam::ACCOUNT:role/NAME). */
  readonly roleArn?: string;
}

export interface CredentialFields {
  accessKeyId: string | undefined;
  secretAccessKey: string | undefined;
  sessionToken?: string | undefined;
  expiration?: Date | undefined;
  roleArn?: string | undefined;
}

/** Validates, masks and labels credentials. */
export function awsCredentials(fields: CredentialFields, source: string): AwsCredentials {
  // Mask before checking: even a half-formed secret must not reach the log.
  maskSecret(fields.secretAccessKey);
  maskSecret(fields.sessionToken);
  // Not a secret, but AWS treats it as sensitive and so does
  // aws-actions/configure-aws-credentials; errors show its first 4 characters.
  maskSecret(fields.accessKeyId);
  if (!fields.accessKeyId || !fields.secretAccessKey) {
    throw new EnvironmentError(
      `AWS credentials from ${source} are incomplete: ${fields.accessKeyId ? 'the secret access key' : 'the access key ID'} is missing.`,
    );
  }
  return {
    accessKeyId: fields.accessKeyId,
    secretAccessKey: fields.secretAccessKey,
    ...(fields.sessionToken ? { sessionToken: fields.sessionToken } : {}),
    ...(fields.expiration ? { expiration: fields.expiration } : {}),
    ...(fields.roleArn ? { roleArn: fields.roleArn } : {}),
    source,
  };
}

/**
 * The JSON shape that EC2 instance metadata and the ECS/EKS container
 * endpoints share: {AccessKeyId, SecretAccessKey, Token, Expiration, RoleArn?}.
 */
export function parseJsonCredentials(body: string, source: string, roleArn?: string): AwsCredentials {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(body) as Record<string, unknown>;
  } catch {
    throw new EnvironmentError(`${source} answered with something that is not JSON credentials.`);
  }
  const text = (name: string): string | undefined =>
    typeof json[name] === 'string' ? (json[name] as string) : undefined;
  if (text('Code') !== undefined && text('Code') !== 'Success') {
    throw new EnvironmentError(
      `${source} could not provide credentials: ${text('Code')}: ${text('Message') ?? ''}`.trim(),
    );
  }
  return awsCredentials(
    {
      accessKeyId: text('AccessKeyId'),
      secretAccessKey: text('SecretAccessKey'),
      sessionToken: text('Token'),
      expiration: parseTime(text('Expiration')),
      roleArn: text('RoleArn') ?? roleArn,
    },
    source,
  );
}

export function parseTime(text: string | undefined): Date | undefined {
  if (!text) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** "AKIA…": the first four characters of an access key ID, all a message may show. */
export function keyHint(accessKeyId: string): string {
  return `${accessKeyId.slice(0, 4)}…`;
}

/** "access key ASIA… from EC2 instance metadata (role arn:aws:iam::1:role/ci)". */
export function describeCredentials(credentials: AwsCredentials): string {
  const role = credentials.roleArn ? ` (role ${credentials.roleArn})` : '';
  return `access key ${keyHint(credentials.accessKeyId)} from ${credentials.source}${role}`;
}
