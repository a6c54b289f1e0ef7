/**
 * Types of the AWS fakes (aws*.mjs), beside types.d.mts (see there).
 */
import type { FakeServer } from './types.mjs';

// ------------------------------------------------------ aws-sigv4-verify.mjs
export interface IncomingSignedRequest {
  method: string;
  /** Absolute URL: scheme, host, path and query as received. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body?: string;
}
export interface ParsedAuthorization {
  accessKeyId: string;
  day: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}
export interface VerifyOptions {
  secretFor: (accessKeyId: string) => { secretAccessKey: string } | undefined;
  nowMs?: number;
  expectService?: string;
  mustSign?: string[];
}

// ------------------------------------------------------------ aws-world.mjs
export interface AwsKeyRecord {
  accessKeyId: string;
  secretAccessKey: string;
  /** Temporary credentials only. */
  sessionToken?: string;
  /** The identity GetCallerIdentity reports (user ARN or assumed-role ARN). */
  arn: string;
  /** ms since epoch; temporary credentials only. */
  expiresAt?: number;
}
export interface AwsRoleConfig {
  /** Who may AssumeRole (caller ARN); default everyone. */
  trust?: (callerArn: string) => boolean;
  /** ExternalId the trust policy demands. */
  externalId?: string;
  /** Tokens AssumeRoleWithWebIdentity accepts for this role. */
  webIdentityTokens?: string[];
}
export interface AwsWorldOptions {
  now?: () => number;
}
export interface AwsWorld {
  keys: Map<string, AwsKeyRecord>;
  roles: Map<string, AwsRoleConfig & { arn: string }>;
  now: () => number;
  /** A long-term IAM user key (AKIA...). */
  addUser(arn: string, fixed?: { accessKeyId?: string; secretAccessKey?: string }): AwsKeyRecord;
  /** Temporary credentials (ASIA... + session token) acting as `arn`. */
  issueSession(arn: string, durationSeconds?: number): AwsKeyRecord;
  addRole(arn: string, config?: AwsRoleConfig): void;
  assumedRoleArn(roleArn: string, sessionName: string): string;
  /** Verifies a signed request (SigV4 + session token + expiry); throws AwsError. */
  authenticate(req: IncomingSignedRequest, mustSign?: string[]): { record: AwsKeyRecord; auth: ParsedAuthorization };
  callerIdentity(record: AwsKeyRecord): { arn: string; account: string; userId: string };
}

// ---------------------------------------------------------- aws-servers.mjs
export interface FakeImdsOptions {
  /** The instance role; none means "no instance profile" (404). */
  roleName?: string;
  accountId?: string;
  /** Default eu-west-1b. */
  availabilityZone?: string;
  /** Default true: requests without a session token get 401. */
  requireV2?: boolean;
}
export interface FakeEcsOptions {
  roleArn: string;
  /** Demand this exact Authorization header. */
  authorizationToken?: string;
}

// ------------------------------------------------------------------ aws.mjs
export interface FakeAwsOptions {
  world?: AwsWorld;
  imds?: FakeImdsOptions;
  ecs?: FakeEcsOptions;
}
export interface FakeAws {
  world: AwsWorld;
  sts: FakeServer;
  imds: FakeServer;
  ecs: FakeServer;
  /** AWS_ENDPOINT_URL_STS and AWS_EC2_METADATA_SERVICE_ENDPOINT pointing at the fakes. */
  env: { AWS_ENDPOINT_URL_STS: string; AWS_EC2_METADATA_SERVICE_ENDPOINT: string };
  /** A URL for AWS_CONTAINER_CREDENTIALS_FULL_URI. */
  ecsUrl: string;
  close(): Promise<void>;
}
