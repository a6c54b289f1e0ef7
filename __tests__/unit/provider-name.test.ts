/** workload_identity_provider, parsed once (src/provider-name.ts), and the names derived from it. */
import { ConfigError } from '../../src/errors.js';
import { parseProviderName, principalOf, principalSetOf, providersListCommand } from '../../src/provider-name.js';

const NAME = 'projects/123456789012/locations/global/workloadIdentityPools/gh-pool/providers/gh-provider';

describe('parseProviderName', () => {
  it('splits the name into its parts, on the IAM host of the universe', () => {
    expect(parseProviderName(NAME, 'googleapis.com')).toEqual({
      name: NAME,
      projectNumber: '123456789012',
      poolId: 'gh-pool',
      providerId: 'gh-provider',
      poolName: 'projects/123456789012/locations/global/workloadIdentityPools/gh-pool',
      iamHost: 'iam.googleapis.com',
      stsAudience: `//iam.googleapis.com/${NAME}`,
    });
    expect(parseProviderName(NAME, 'example.goog')).toMatchObject({
      iamHost: 'iam.example.goog',
      stsAudience: `//iam.example.goog/${NAME}`,
    });
  });

  it('derives principals and the gcloud command from the parts', () => {
    const provider = parseProviderName(NAME, 'example.goog');
    const pool = 'projects/123456789012/locations/global/workloadIdentityPools/gh-pool';
    expect(principalOf(provider, 'repo:o/r:ref:refs/heads/main')).toBe(
      `principal://iam.example.goog/${pool}/subject/repo:o/r:ref:refs/heads/main`,
    );
    expect(principalSetOf(provider, 'repository', 'o/r')).toBe(
      `principalSet://iam.example.goog/${pool}/attribute.repository/o/r`,
    );
    expect(providersListCommand(provider)).toBe(
      'gcloud iam workload-identity-pools providers list --location=global --workload-identity-pool=gh-pool ' +
        '--project=123456789012',
    );
    expect(providersListCommand(undefined)).toContain('--workload-identity-pool=POOL --project=PROJECT_NUMBER');
  });

  it.each([
    [`//iam.googleapis.com/${NAME}`, /must not start with "\/\/iam.googleapis.com\/"/],
    ['https://example.com/x', /must be a resource name, not a URL/],
    ['my-project/x', /does not start with "projects\/"/],
    ['projects/my-project/locations/global/workloadIdentityPools/p/providers/x', /by its NUMBER, not its ID/],
    ['projects/1/locations/us/workloadIdentityPools/p/providers/x', /locations\/global/],
    ['projects/1/locations/global/workloadIdentityPools/pool1', /names the pool "pool1", not a provider/],
    ['projects/1/locations/global/workloadIdentityPools/pool1/providers/prov1/y', /is not of the expected form/],
    ['projects/1/locations/global/workloadIdentityPools/p/providers/prov1', /has the pool ID "p": pool IDs are 4-32/],
    ['projects/1/locations/global/workloadIdentityPools/pool1/providers/gcp-x', /has the provider ID "gcp-x"/],
  ])('refuses %s', (value, message) => {
    expect(() => parseProviderName(value, 'googleapis.com')).toThrow(ConfigError);
    expect(() => parseProviderName(value, 'googleapis.com')).toThrow(message);
  });
});
