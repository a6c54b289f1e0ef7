/**
 * Which AWS region to sign for, and the STS endpoints that follow from it.
 *
 * Order: the `aws_region` input, AWS_REGION, AWS_DEFAULT_REGION, the
 * profile's `region`, then EC2 instance metadata. A regional STS endpoint is
 * used for everything, as AWS now recommends (the global one is a single
 * us-east-1 dependency).
 */
import { EnvironmentError } from '../../errors.js';
import { AWS_REGION_FORM, endpointFromEnvironment } from './forms.js';

export interface ResolvedRegion {
  region: string;
  /** Where it came from, for the log. */
  from: string;
}

export interface RegionSources {
  input?: string | undefined;
  env: NodeJS.ProcessEnv;
  profileRegion?: { region: string; profile: string } | undefined;
  /** Asks instance metadata; undefined when not on EC2. */
  instanceRegion: () => Promise<string | undefined>;
}

export async function resolveRegion(sources: RegionSources): Promise<ResolvedRegion> {
  const candidates: Array<[string | undefined, string]> = [
    [sources.input, 'the aws_region input'],
    [sources.env['AWS_REGION'], 'AWS_REGION'],
    [sources.env['AWS_DEFAULT_REGION'], 'AWS_DEFAULT_REGION'],
    [sources.profileRegion?.region, `profile "${sources.profileRegion?.profile ?? ''}"`],
  ];
  for (const [value, from] of candidates) {
    const region = value?.trim();
    if (region) return { region: checkRegion(region, from), from };
  }
  const fromInstance = await sources.instanceRegion();
  if (fromInstance)
    return { region: checkRegion(fromInstance, 'EC2 instance metadata'), from: 'EC2 instance metadata' };
  throw new EnvironmentError(
    'No AWS region: set the aws_region input (or AWS_REGION), or a region in the AWS profile. ' +
      'On EC2 the region comes from instance metadata, which did not answer.',
  );
}

function checkRegion(region: string, from: string): string {
  if (!AWS_REGION_FORM.test(region)) {
    throw new EnvironmentError(`The AWS region "${region}" from ${from} is not a region name such as us-east-1.`);
  }
  return region;
}

/** `us-east-1a` -> `us-east-1`: an availability zone is its region plus a letter. */
export function regionOfZone(zone: string): string {
  return zone.trim().replace(/[a-z]$/, '');
}

/** sts.<region>.amazonaws.com, or .amazonaws.com.cn in the China partition. */
export function stsHost(region: string): string {
  return `sts.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`;
}

/**
 * Where to send AWS STS calls (AssumeRole*): AWS_ENDPOINT_URL_STS, else
 * AWS_ENDPOINT_URL, else the regional endpoint, as the AWS SDKs do (VPC
 * endpoints; tests). Never used for the GetCallerIdentity subject token,
 * which Google itself sends to AWS and must name AWS's real host.
 */
export function stsEndpoint(region: string, env: NodeJS.ProcessEnv): string {
  if (!/^true$/i.test(env['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'] ?? '')) {
    const variable = env['AWS_ENDPOINT_URL_STS'] ? 'AWS_ENDPOINT_URL_STS' : 'AWS_ENDPOINT_URL';
    const configured = env[variable];
    if (configured) return endpointFromEnvironment(configured, variable, 'https://sts.us-east-1.amazonaws.com');
  }
  return `https://${stsHost(region)}`;
}
