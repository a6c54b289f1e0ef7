/**
 * The names the suites share: one project, its pools and providers, the
 * service accounts and the AWS account. A suite about one of these values
 * (parsing a provider name, say) keeps its own literal; the others import
 * them from here, so that a name changes in one place.
 */
import { DEFAULT_PROVIDER, DEFAULT_SERVICE_ACCOUNT } from '../fakes/index.mjs';

/** The project number of every pool the fakes know (gcloud's fixtures use their own, below). */
export const PROJECT_NUMBER = '123456789012';
const POOLS = `projects/${PROJECT_NUMBER}/locations/global/workloadIdentityPools`;

/** The GitHub pool and provider fake Google trusts by default (startEnvironment). */
export const GITHUB_POOL = `${POOLS}/github-pool`;
export const GITHUB_PROVIDER: string = DEFAULT_PROVIDER;
/** The service account octo-org/octo-repo may impersonate by default. */
export const SA: string = DEFAULT_SERVICE_ACCOUNT;
/** The federated principal of the fakes' default GitHub token (octo-org/octo-repo on main). */
export const GITHUB_PRINCIPAL = `principal://iam.googleapis.com/${GITHUB_POOL}/subject/repo:octo-org/octo-repo:ref:refs/heads/main`;

/** The AWS account of the fake AWS (its instance role and users), its provider and the service account it may use. */
export const AWS_ACCOUNT = '111122223333';
export const AWS_POOL = `${POOLS}/aws-pool`;
export const AWS_PROVIDER = `${AWS_POOL}/providers/aws-provider`;
export const AWS_SERVICE_ACCOUNT = 'aws-deployer@my-project.iam.gserviceaccount.com';

/** The Azure pool and provider, and the service account its tenant may use. */
export const AZURE_POOL = `${POOLS}/azure-pool`;
export const AZURE_PROVIDER = `${AZURE_POOL}/providers/azure-provider`;
export const AZURE_SERVICE_ACCOUNT = 'azure-deployer@my-project.iam.gserviceaccount.com';

/** A service account nobody may impersonate. */
export const LOCKED_SA = 'locked@my-project.iam.gserviceaccount.com';

/**
 * The pool and provider gcloud's credentials files (fixtures/gcloud) were
 * made for, so that their audience is the tests' (see its README); the
 * file, url and executable sources are tested against them.
 */
export const GCLOUD_POOL = 'projects/123456789/locations/global/workloadIdentityPools/pool';
export const GCLOUD_PROVIDER = `${GCLOUD_POOL}/providers/prov`;
