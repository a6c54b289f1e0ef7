/**
 * The hints of the metadata server way in (src/identity/metadata-server-hints.ts), with the machine's principal
 * (src/identity/metadata-server.ts).
 */
import { ServiceError } from '../../src/errors.js';
import { IAM_SERVICE } from '../../src/google/iam-credentials.js';
import { machinePrincipal } from '../../src/identity/metadata-server.js';
import { machineAccountHints } from '../../src/identity/metadata-server-hints.js';
import { MACHINE_SERVICE_ACCOUNT as MACHINE } from '../fakes/gce-metadata.mjs';
import { SA } from '../support/fixtures.js';

describe('machineAccountHints', () => {
  const refused = (message: string, status = 403) =>
    new ServiceError(IAM_SERVICE, status, message, 'POST https://iamcredentials.googleapis.com/v1/…', 1);

  it('a 403: the Token Creator binding for the machine account, as a command', () => {
    const [hint] = machineAccountHints(
      refused("Permission 'iam.serviceAccounts.getAccessToken' denied"),
      SA,
      `serviceAccount:${MACHINE}`,
    );
    expect(hint).toContain(
      `gcloud iam service-accounts add-iam-policy-binding "${SA}" --member="serviceAccount:${MACHINE}" ` +
        '--role="roles/iam.serviceAccountTokenCreator"',
    );
  });

  it('insufficient scopes: the access-scopes command instead', () => {
    const hints = machineAccountHints(
      refused('Request had insufficient authentication scopes.'),
      SA,
      `serviceAccount:${MACHINE}`,
    );
    expect(hints).toHaveLength(1);
    expect(hints[0]).toContain(`--service-account="${MACHINE}" --scopes=cloud-platform`);
  });

  it('GKE without a bound service account: the pod principal to grant, with its parts to fill in', () => {
    const member = machinePrincipal('runner-project.svc.id.goog');
    expect(member).toBe(
      'principal://iam.googleapis.com/projects/PROJECT_NUMBER/locations/global/workloadIdentityPools/' +
        'runner-project.svc.id.goog/subject/ns/NAMESPACE/sa/KUBERNETES_SERVICE_ACCOUNT',
    );
    expect(machinePrincipal(MACHINE)).toBe(`serviceAccount:${MACHINE}`);
    const [hint] = machineAccountHints(refused('Permission denied'), SA, member);
    expect(hint).toMatch(/^The runner pod's federated identity \(Workload Identity Federation for GKE/);
    expect(hint).toContain(`--member="${member}" --role="roles/iam.serviceAccountTokenCreator"`);
  });

  it('nothing for other answers', () => {
    expect(machineAccountHints(refused('Not found', 404), SA, undefined)).toEqual([]);
  });
});
