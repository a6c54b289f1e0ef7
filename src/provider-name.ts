/**
 * `workload_identity_provider`, parsed once into its parts. Everything that
 * names the provider, its pool or a principal in it (the STS audience, the
 * default OIDC audience, the summary, the gcloud hints) is derived from this
 * value, on the IAM host of the configured universe.
 */
import { ConfigError } from './errors.js';
import { isProjectNumber, validatePoolOrProviderId } from './forms.js';

export const PROVIDER_FORM =
  'projects/<PROJECT_NUMBER>/locations/global/workloadIdentityPools/<POOL_ID>/providers/<PROVIDER_ID>';

export interface ProviderName {
  /** projects/<N>/locations/global/workloadIdentityPools/<POOL>/providers/<PROVIDER> */
  readonly name: string;
  readonly projectNumber: string;
  readonly poolId: string;
  readonly providerId: string;
  /** projects/<N>/locations/global/workloadIdentityPools/<POOL> */
  readonly poolName: string;
  /** iam.<universe>: where principals and the STS audience live. */
  readonly iamHost: string;
  /** //iam.<universe>/<name>: the STS audience and the credentials file's `audience`. */
  readonly stsAudience: string;
}

export function parseProviderName(value: string, universe: string): ProviderName {
  validateProvider(value);
  const parts = value.split('/');
  const [projectNumber = '', poolId = '', providerId = ''] = [parts[1], parts[5], parts[7]];
  const iamHost = `iam.${universe}`;
  return {
    name: value,
    projectNumber,
    poolId,
    providerId,
    poolName: parts.slice(0, 6).join('/'),
    iamHost,
    stsAudience: `//${iamHost}/${value}`,
  };
}

/** principal://iam.<universe>/<pool>/subject/<subject>: one identity of the pool. */
export function principalOf(provider: ProviderName, subject: string): string {
  return `principal://${provider.iamHost}/${provider.poolName}/subject/${subject}`;
}

/**
 * The principal of a token whose subject Google maps as google.subject (the
 * mapping of OIDC providers: assertion.sub), for the summary; without a
 * subject, the pool it belongs to.
 */
export function subjectPrincipal(provider: ProviderName, subject: unknown): string {
  return typeof subject === 'string' && subject !== ''
    ? principalOf(provider, subject)
    : `a principal of principalSet://${provider.iamHost}/${provider.poolName}`;
}

/** principalSet://iam.<universe>/<pool>/attribute.<name>/<value>: every identity with that mapped attribute. */
export function principalSetOf(provider: ProviderName, attribute: string, value: string): string {
  return `principalSet://${provider.iamHost}/${provider.poolName}/attribute.${attribute}/${value}`;
}

/** The gcloud command that lists the pool's providers. */
export function providersListCommand(provider: ProviderName | undefined): string {
  const pool = provider?.poolId ?? 'POOL';
  const project = provider?.projectNumber ?? 'PROJECT_NUMBER';
  return `gcloud iam workload-identity-pools providers list --location=global --workload-identity-pool=${pool} --project=${project}`;
}

/** Explains, case by case, what is wrong with a workload_identity_provider value. */
function validateProvider(value: string): void {
  const expected = `Expected the full provider name: ${PROVIDER_FORM}.`;
  const prefix = /^(https?:)?\/\/iam\.[^/]+\//i.exec(value)?.[0];
  if (prefix) {
    throw new ConfigError(
      `"workload_identity_provider" must not start with "${prefix}": give only the resource name, ` +
        `"${value.slice(prefix.length)}". ${expected}`,
    );
  }
  if (/^https?:\/\//i.test(value)) {
    throw new ConfigError(`"workload_identity_provider" must be a resource name, not a URL ("${value}"). ${expected}`);
  }
  const parts = value.split('/');
  if (parts[0] !== 'projects' || parts.length < 2) {
    throw new ConfigError(`"workload_identity_provider" "${value}" does not start with "projects/". ${expected}`);
  }
  const project = parts[1] ?? '';
  if (!isProjectNumber(project)) {
    throw new ConfigError(
      `"workload_identity_provider" must name the project by its NUMBER, not its ID "${project}". ` +
        `Find the number with: gcloud projects describe ${project} --format="value(projectNumber)". ${expected}`,
    );
  }
  if (parts[2] !== 'locations' || parts[3] !== 'global') {
    throw new ConfigError(
      `"workload_identity_provider" "${value}" must continue with "locations/global" (pools are global). ${expected}`,
    );
  }
  if (parts[4] !== 'workloadIdentityPools' || !parts[5]) {
    throw new ConfigError(
      `"workload_identity_provider" "${value}" must name a pool: .../workloadIdentityPools/<POOL_ID>/... ${expected}`,
    );
  }
  validatePoolOrProviderId(parts[5], 'pool', expected);
  if (parts.length === 6 || (parts.length === 7 && parts[6] === 'providers')) {
    throw new ConfigError(
      `"workload_identity_provider" names the pool "${parts[5]}", not a provider in it: add /providers/<PROVIDER_ID>. ` +
        `List the pool's providers with: gcloud iam workload-identity-pools providers list ` +
        `--workload-identity-pool=${parts[5]} --location=global --project=${project}. ${expected}`,
    );
  }
  if (parts[6] !== 'providers' || !parts[7] || parts.length !== 8) {
    throw new ConfigError(`"workload_identity_provider" "${value}" is not of the expected form. ${expected}`);
  }
  validatePoolOrProviderId(parts[7], 'provider', expected);
}
