/**
 * subject_token_source: aws. Finds AWS credentials the way the AWS SDKs do,
 * optionally assumes a role, and signs a GetCallerIdentity request that
 * Google STS exchanges (provider of type AWS). For the credentials file it
 * writes an `aws1` credential source, and afterwards exports what tools need
 * to repeat that on their own.
 *
 * Loaded only when subject_token_source is "aws" (see sources/index.ts).
 */
import type { AwsSourceConfig, WorkloadIdentityAuth } from '../../config.js';
import type { Http } from '../../http.js';
import type { Log } from '../../log.js';
import { rfc3339 } from '../../results.js';
import type { SourceEnvironment, SubjectSource, SubjectToken } from '../subject-source.js';
import { assumeRole, type StsContext } from './assume-role.js';
import { AWS_SUBJECT_TOKEN_TYPE, callerIdentityToken, callerIdentityUrl } from './caller-identity.js';
import { type ChainContext, findCredentials, type Provider } from './chain.js';
import { type AwsCredentials, describeCredentials, keyHint } from './credentials.js';
import { InstanceMetadata } from './imds.js';
import { type ResolvedRegion, resolveRegion, stsHost } from './region.js';
import { loadSharedConfig } from './shared-config.js';

export interface AwsSourceOptions {
  now?: () => Date;
  /** Time limit of the first IMDS contact; default 1 s. */
  imdsProbeTimeoutMs?: number;
}

interface Resolved {
  credentials: AwsCredentials;
  region: ResolvedRegion;
  /** True when tools reading the credentials file find these credentials themselves. */
  reachableByTools: boolean;
}

export class AwsSource implements SubjectSource {
  readonly name = 'AWS';
  readonly subjectTokenType = AWS_SUBJECT_TOKEN_TYPE;
  private readonly imds: InstanceMetadata;
  private readonly now: () => Date;
  private resolved: Resolved | undefined;

  constructor(
    private readonly auth: WorkloadIdentityAuth,
    private readonly config: AwsSourceConfig,
    private readonly env: NodeJS.ProcessEnv,
    private readonly http: Http,
    private readonly log: Log,
    options: AwsSourceOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.imds = new InstanceMetadata({
      env,
      http,
      ...(options.imdsProbeTimeoutMs !== undefined ? { probeTimeoutMs: options.imdsProbeTimeoutMs } : {}),
    });
  }

  /** The `aws1` credential source of google-auth-library and gcloud. */
  async credentialSource(): Promise<Record<string, unknown>> {
    const { region_url, url, imdsv2_session_token_url } = this.imds.urls();
    return {
      environment_id: 'aws1',
      region_url,
      url,
      regional_cred_verification_url: callerIdentityUrl(stsHost('{region}')),
      imdsv2_session_token_url,
    };
  }

  async subjectToken(): Promise<SubjectToken> {
    const { env, config } = this;
    const shared = await loadSharedConfig(env);
    const profile: ChainContext['profile'] = config.profile
      ? { name: config.profile, namedBy: 'the aws_profile input' }
      : env['AWS_PROFILE']
        ? { name: env['AWS_PROFILE'], namedBy: 'AWS_PROFILE' }
        : { name: 'default' };
    const profileRegion = shared.profiles.get(profile.name)?.['region'];
    const region = await resolveRegion({
      input: config.region,
      env,
      profileRegion: profileRegion ? { region: profileRegion, profile: profile.name } : undefined,
      instanceRegion: () => this.imds.region(),
    });
    this.log.info(`AWS region ${region.region} (from ${region.from}).`);

    const sts: StsContext = { http: this.http, env, region: region.region, now: this.now };
    const found = await findCredentials({ env, http: this.http, sts, imds: this.imds, shared, profile });
    let credentials = found.credentials;
    this.log.info(`AWS credentials: ${describeCredentials(credentials)}.`);
    if (config.role) {
      credentials = await assumeRole(
        sts,
        credentials,
        {
          roleArn: config.role.arn,
          sessionName: config.role.sessionName,
          externalId: config.role.externalId,
          durationSeconds: config.role.durationSeconds,
        },
        `AssumeRole (aws_role_arn) with ${credentials.source}`,
      );
      this.log.info(`Assumed ${config.role.arn}: ${describeCredentials(credentials)}${until(credentials)}.`);
    }
    this.resolved = { credentials, region, reachableByTools: !config.role && reachable(found.provider) };

    const token = callerIdentityToken({
      credentials,
      region: region.region,
      host: stsHost(region.region),
      targetResource: this.auth.stsAudience,
      date: this.now(),
    });
    return {
      token,
      // Non-secret facts shown if Google rejects the token (see diagnose.ts).
      claims: {
        aws_access_key: keyHint(credentials.accessKeyId),
        aws_credential_source: credentials.source,
        ...(credentials.roleArn ? { aws_role_arn: credentials.roleArn } : {}),
        aws_region: region.region,
      },
    };
  }

  /**
   * Client libraries reading an aws1 credentials file look for AWS
   * credentials only in AWS_ACCESS_KEY_ID/... and instance metadata, and for
   * the region only in AWS_REGION/AWS_DEFAULT_REGION and instance metadata.
   * Whatever we found elsewhere is exported so that they see the same.
   */
  environmentForTools(): SourceEnvironment | undefined {
    if (!this.resolved) return undefined;
    const { credentials, region, reachableByTools } = this.resolved;
    const variables: Record<string, string> = {};
    const notes: string[] = [];
    if ((this.env['AWS_REGION'] || this.env['AWS_DEFAULT_REGION']) !== region.region) {
      variables['AWS_REGION'] = region.region;
      notes.push(`AWS_REGION=${region.region}`);
    }
    if (!reachableByTools) {
      variables['AWS_ACCESS_KEY_ID'] = credentials.accessKeyId;
      variables['AWS_SECRET_ACCESS_KEY'] = credentials.secretAccessKey;
      // Clear a session token left over from other credentials rather than pair it with these.
      if (credentials.sessionToken || this.env['AWS_SESSION_TOKEN']) {
        variables['AWS_SESSION_TOKEN'] = credentials.sessionToken ?? '';
      }
      notes.push(
        `the AWS credentials (${describeCredentials(credentials)}${until(credentials)}) as AWS_ACCESS_KEY_ID, ` +
          'AWS_SECRET_ACCESS_KEY' +
          (variables['AWS_SESSION_TOKEN'] !== undefined ? ', AWS_SESSION_TOKEN' : '') +
          ' — later AWS tools in this job use them too' +
          (credentials.expiration ? ', and the credentials file stops working when they expire' : ''),
      );
    }
    if (notes.length === 0) return undefined;
    return {
      variables,
      note: `For tools that read the credentials file (they find AWS credentials only in the environment or instance metadata), exported ${notes.join(' and ')}.`,
    };
  }
}

/** Providers whose credentials client libraries find on their own: the environment and instance metadata. */
function reachable(provider: Provider): boolean {
  return provider === 'environment' || provider === 'instance-metadata';
}

function until(credentials: AwsCredentials): string {
  return credentials.expiration ? `, expiring ${rfc3339(credentials.expiration)}` : '';
}
