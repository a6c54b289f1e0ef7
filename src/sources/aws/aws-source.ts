/**
 * subject_token_source: aws. Finds AWS credentials the way the AWS SDKs do,
 * optionally assumes a role, and signs a GetCallerIdentity request that
 * Google STS exchanges (provider of type AWS). For the credentials file it
 * writes an `aws1` credential source, and afterwards exports what tools need
 * to repeat that on their own.
 *
 * Loaded only when subject_token_source is "aws" (see sources/index.ts).
 */
import type { JwtClaims } from '../../jwt.js';
import { rfc3339 } from '../../timestamp.js';
import type {
  HintContext,
  SourceContext,
  SourceEnvironment,
  SourceFacts,
  SubjectSource,
  SubjectToken,
} from '../subject-source.js';
import { assumeRole, type StsContext } from './assume-role.js';
import { AWS_SUBJECT_TOKEN_TYPE, callerIdentityToken, callerIdentityUrl } from './caller-identity.js';
import { type ChainContext, type ChainLink, findCredentials } from './chain.js';
import { type AwsCredentials, describeCredentials, keyHint } from './credentials.js';
import { InstanceMetadata } from './imds.js';
import { type ResolvedRegion, resolveRegion, stsHost } from './region.js';
import type { AwsSourceOptions } from './index.js';
import { loadSharedConfig } from './shared-config.js';

/** Knobs for tests only. */
export interface AwsSourceTuning {
  /** Time limit of the first IMDS contact; default 1 s. */
  imdsProbeTimeoutMs?: number;
}

interface Resolved {
  credentials: AwsCredentials;
  region: ResolvedRegion;
  /** True when tools reading the credentials file find these credentials themselves. */
  reachableByTools: boolean;
}

export function createAwsSource(options: AwsSourceOptions, context: SourceContext): AwsSource {
  return new AwsSource(options, context);
}

export class AwsSource implements SubjectSource {
  readonly facts = FACTS;
  readonly subjectTokenType = AWS_SUBJECT_TOKEN_TYPE;
  private readonly imds: InstanceMetadata;
  private readonly now: () => Date;
  private readonly env: NodeJS.ProcessEnv;
  private resolved: Resolved | undefined;

  constructor(
    private readonly options: AwsSourceOptions,
    private readonly context: SourceContext,
    tuning: AwsSourceTuning = {},
  ) {
    const { env, http } = context;
    this.env = env;
    this.now = context.now ?? (() => new Date());
    this.imds = new InstanceMetadata({
      env,
      http,
      ...(tuning.imdsProbeTimeoutMs !== undefined ? { probeTimeoutMs: tuning.imdsProbeTimeoutMs } : {}),
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
    const { env, options } = this;
    const { http, log, provider } = this.context;
    const shared = await loadSharedConfig(env);
    const profile: ChainContext['profile'] = options.profile
      ? { name: options.profile, namedBy: 'the aws_profile input' }
      : env['AWS_PROFILE']
        ? { name: env['AWS_PROFILE'], namedBy: 'AWS_PROFILE' }
        : { name: 'default' };
    const profileRegion = shared.profiles.get(profile.name)?.['region'];
    // A missing region is reported only after the credentials are looked
    // for: with neither, "no credentials" is the cause to fix first (the
    // region usually comes with them, from configure-aws-credentials or the
    // instance). Credentials that need AWS STS to be found (web identity, a
    // role profile) need the region, and report its absence then.
    const region = await resolveRegion({
      input: options.region,
      env,
      profileRegion: profileRegion ? { region: profileRegion, profile: profile.name } : undefined,
      instanceRegion: () => this.imds.region(),
    }).catch((err: unknown) => ({ missing: err }));
    const regionName = (): string => {
      if ('missing' in region) throw region.missing;
      return region.region;
    };
    if (!('missing' in region)) log.info(`AWS region ${region.region} (from ${region.from}).`);

    const sts: StsContext = {
      http,
      env,
      get region() {
        return regionName();
      },
      now: this.now,
    };
    const found = await findCredentials({ env, http, sts, imds: this.imds, shared, profile });
    if ('missing' in region) throw region.missing;
    let credentials = found.credentials;
    log.info(`AWS credentials: ${describeCredentials(credentials)}.`);
    if (options.role) {
      credentials = await assumeRole(
        sts,
        credentials,
        {
          roleArn: options.role.arn,
          sessionName: options.role.sessionName,
          externalId: options.role.externalId,
          durationSeconds: options.role.durationSeconds,
        },
        `AssumeRole (aws_role_arn) with ${credentials.source}`,
      );
      log.info(`Assumed ${options.role.arn}: ${describeCredentials(credentials)}${until(credentials)}.`);
    }
    this.resolved = { credentials, region, reachableByTools: !options.role && reachable(found.link) };

    const token = callerIdentityToken({
      credentials,
      region: region.region,
      host: stsHost(region.region),
      targetResource: provider.stsAudience,
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

/**
 * Why Google STS rejects a signed GetCallerIdentity request. Google forwards
 * it to AWS and quotes AWS's error code; the provider's own checks (type,
 * account, condition) come first.
 */
const EXPIRED_SIGNATURE = /expired|skew|not yet valid/;

const FACTS: SourceFacts = {
  name: 'AWS',
  /** What the AWS source reports about the identity it signed for (never a secret), in the order shown. */
  diagnosticClaims: ['aws_access_key', 'aws_credential_source', 'aws_role_arn', 'aws_region'],
  /**
   * google.subject = assertion.arn under the default AWS mapping, which for a
   * role ends in the session name that only AWS knows; so the summary names
   * the role's principal set (attribute.aws_role) instead.
   */
  principal: {
    attribute: 'aws_role',
    value: assumedRoleArn,
    placeholder: 'arn:aws:sts::ACCOUNT_ID:assumed-role/ROLE_NAME',
  },
  /** The principalSet naming this AWS role (attribute.aws_role, from the default AWS mapping). */
  member: {
    attribute: 'aws_role',
    value: assumedRoleArn,
    placeholder: 'arn:aws:sts::ACCOUNT_ID:assumed-role/ROLE_NAME',
  },
  hints: {
    rules: [
      {
        // AWS reports an expired signature as SignatureDoesNotMatch too: then the key is not the problem.
        when: ({ text }: HintContext) =>
          !EXPIRED_SIGNATURE.test(text) &&
          /signaturedoesnotmatch|invalidclienttokenid|security token included/.test(text),
        hint: () =>
          'AWS rejected the signed request: the secret access key does not match the access key ID, the key was ' +
          'deleted or deactivated, or temporary credentials are used without their session token.',
      },
      {
        when: ({ text }) => EXPIRED_SIGNATURE.test(text),
        hint: () =>
          "The signed request is outside AWS's 15-minute window, or the credentials expired: check the runner's clock " +
          '(NTP) and that temporary credentials are fresh.',
      },
      {
        when: ({ text }) => /subject_token_type|token type|not of type|aws provider|does not accept/.test(text),
        hint: () =>
          'The provider is not of type AWS: create it with "gcloud iam workload-identity-pools providers create-aws", ' +
          'or point workload_identity_provider at your AWS provider.',
      },
      {
        when: ({ text }) => /aws account|account id|account [0-9]{12}|not authorized for account/.test(text),
        hint: () =>
          'The AWS account ID configured on the provider (--account-id) is not the account of these credentials: ' +
          'compare it with "aws sts get-caller-identity".',
      },
    ],
    attributeCondition:
      "The provider's attribute condition rejected this AWS identity: compare the condition with the role shown " +
      'below (e.g. attribute.aws_role must be the assumed-role ARN).',
    // No `expired`: the signature window rule above says it for AWS.
    usualCauses: () =>
      'For an AWS provider the usual causes are: the provider is not of type AWS; its AWS account ID is not the ' +
      "account of these credentials; its attribute condition rejects this role; the runner's clock is off by more " +
      'than 15 minutes.',
  },
};

/**
 * arn:aws:iam::ACCOUNT:role/NAME becomes arn:aws:sts::ACCOUNT:assumed-role/NAME,
 * the ARN GetCallerIdentity reports (and so the attribute Google maps).
 */
function assumedRoleArn(claims: JwtClaims | undefined): string | undefined {
  const roleArn = typeof claims?.['aws_role_arn'] === 'string' ? claims['aws_role_arn'] : '';
  const match = /^arn:([\w-]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
  return match ? `arn:${match[1]}:sts::${match[2]}:assumed-role/${match[3]}` : undefined;
}

/** Links of the chain whose credentials client libraries find on their own: the environment and instance metadata. */
function reachable(link: ChainLink): boolean {
  return link === 'environment' || link === 'instance-metadata';
}

function until(credentials: AwsCredentials): string {
  return credentials.expiration ? `, expiring ${rfc3339(credentials.expiration)}` : '';
}
