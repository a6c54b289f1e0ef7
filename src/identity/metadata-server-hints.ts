/**
 * What to do when IAM Credentials refuses the machine's account (the
 * metadata server way in): diagnose.ts adds these to its IAM Credentials
 * hints. A module of its own so that the rules of one way in stay together.
 */
import type { ServiceError } from '../errors.js';

/** IAM Credentials' words for a token without the cloud-platform scope (reason ACCESS_TOKEN_SCOPE_INSUFFICIENT). */
const INSUFFICIENT_SCOPES = /insufficient authentication scopes|ACCESS_TOKEN_SCOPE_INSUFFICIENT/i;

/**
 * `serviceAccount`: the account to impersonate; `machine`: the principal of
 * the machine's account (serviceAccount:EMAIL), when the metadata server named it.
 */
export function machineAccountHints(err: ServiceError, serviceAccount: string, machine: string | undefined): string[] {
  if (err.status !== 403) return [];
  const member = machine ?? 'serviceAccount:MACHINE_SERVICE_ACCOUNT';
  const email = member.replace(/^serviceAccount:/, '');
  const who = member.startsWith('serviceAccount:')
    ? `The machine's service account ${email}`
    : "The runner pod's federated identity (Workload Identity Federation for GKE, no Google service account bound)";
  if (INSUFFICIENT_SCOPES.test(err.serviceMessage)) {
    return [
      `The machine's token lacks the cloud-platform scope, which IAM Credentials needs: the VM was created with ` +
        'narrower access scopes. Give it the scope (the VM must be stopped first):\n' +
        `  gcloud compute instances set-service-account INSTANCE --zone=ZONE --service-account="${email}" ` +
        '--scopes=cloud-platform\n' +
        '  On GKE, give the node pool the cloud-platform scope, or use Workload Identity, whose tokens carry it.',
    ];
  }
  return [
    `${who} may not impersonate ${serviceAccount}. Grant it with:\n` +
      `  gcloud iam service-accounts add-iam-policy-binding "${serviceAccount}" ` +
      `--member="${member}" --role="roles/iam.serviceAccountTokenCreator"\n` +
      '  IAM changes can take up to 5 minutes to propagate. Google answers the same 403 when the service account ' +
      'does not exist: check its email too.',
  ];
}
