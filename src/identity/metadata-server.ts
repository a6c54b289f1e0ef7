/**
 * The metadata server way in (use_metadata_server): a runner on Google Cloud
 * already has an identity, the service account the metadata server hands
 * tokens for. No subject token, no exchange: the machine's own access token
 * is the identity, and with service_account it calls IAM Credentials to
 * impersonate that account, as a federated token would.
 *
 * No credentials file either: gcloud, Terraform and the client libraries find
 * the metadata server themselves. With service_account, gcloud and Terraform
 * are told to impersonate it through their own variables.
 */
import { type Config, DEFAULT_SCOPE } from '../config.js';
import { IamCredentials } from '../google/iam-credentials.js';
import { MetadataServer } from '../google/metadata-server.js';
import type { Http } from '../http.js';
import type { Log } from '../log.js';
import type { SourceEnvironment } from '../sources/subject-source.js';
import type { SignIn } from './identity.js';

/** The variables with which gcloud and Terraform's Google provider impersonate an account themselves. */
export const IMPERSONATION_VARIABLES = [
  'CLOUDSDK_AUTH_IMPERSONATE_SERVICE_ACCOUNT',
  'GOOGLE_IMPERSONATE_SERVICE_ACCOUNT',
];

/** Variables that would send tools to a credentials file instead of the metadata server. */
const FILE_VARIABLES = ['GOOGLE_APPLICATION_CREDENTIALS', 'CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE'];

export async function metadataServerSignIn(
  config: Config,
  env: NodeJS.ProcessEnv,
  http: Http,
  log: Log,
  server = new MetadataServer(http, env),
): Promise<SignIn> {
  // The first contact: off Google Cloud this fails within seconds, before anything else is done.
  const machine = await server.serviceAccountEmail();
  const principal = machinePrincipal(machine);
  const project = config.projectId === undefined ? await server.projectId() : undefined;
  const sa = config.serviceAccount;
  const { scopes } = config.accessToken;
  const customScopes = scopes.join(' ') !== DEFAULT_SCOPE;

  for (const name of FILE_VARIABLES) {
    if (env[name]) {
      log.warning(
        `${name} is set (by an earlier step or the workflow), so tools that read it use that credentials file ` +
          `instead of the metadata server. Unset it in later steps to act as ${sa ?? machine}.`,
      );
    }
  }

  return {
    method: `the metadata server's ${machine.includes('@') ? 'service account' : 'workload identity'} ${machine}${sa ? ` as ${sa}` : ''}`,
    ...(project ? { project } : {}),
    // Known before any token: IAM Credentials' hints name the machine's account.
    diagnosis: { principal },
    async authenticate() {
      // IAM Credentials needs the cloud-platform scope: with a service account
      // to impersonate, the machine's token is asked for as it is; the scopes
      // go to generateAccessToken.
      const authToken = await server.accessToken(!sa && customScopes ? scopes : undefined);
      const iam = new IamCredentials(http, config.endpoints.iamcredentials, authToken.token);
      return {
        authToken,
        principal,
        diagnosis: { principal },
        ...(sa
          ? {}
          : {
              ownAccessToken: {
                token: authToken,
                caveat:
                  `access_token is the machine's own token: the service account ${machine} that the metadata ` +
                  'server hands tokens for.',
                ignoredInputs: ({ lifetime }) =>
                  lifetime
                    ? "access_token_lifetime applies to service-account tokens; the machine's token lasts as long " +
                      'as the metadata server gives it (see access_token_expiration). Set service_account to ' +
                      'impersonate an account for a token of that lifetime.'
                    : undefined,
              },
              ownIdToken: (audience, includeEmail) => server.idToken(audience, includeEmail),
            }),
        iam,
        signJwt: (serviceAccount, claims) => iam.signJwt(serviceAccount, claims, config.delegates),
      };
    },
    environmentForTools: () => toolEnvironment(machine, sa),
  };
}

/**
 * The IAM member of the machine's identity: its service account, or on GKE
 * without one, the pod's federated principal, whose namespace and Kubernetes
 * service account the metadata server does not say.
 */
export function machinePrincipal(machine: string): string {
  return machine.includes('@')
    ? `serviceAccount:${machine}`
    : `principal://iam.googleapis.com/projects/PROJECT_NUMBER/locations/global/workloadIdentityPools/${machine}/` +
        'subject/ns/NAMESPACE/sa/KUBERNETES_SERVICE_ACCOUNT';
}

/** What later steps need: nothing but the metadata server, or gcloud's and Terraform's impersonation variables. */
function toolEnvironment(machine: string, sa: string | undefined): SourceEnvironment {
  if (!sa) {
    const note =
      'No credentials file: gcloud, Terraform and the Google Cloud client libraries find the metadata server ' +
      `themselves and act as ${machine}.`;
    return { variables: {}, note, summary: note };
  }
  const note =
    `gcloud (CLOUDSDK_AUTH_IMPERSONATE_SERVICE_ACCOUNT) and Terraform's Google provider ` +
    `(GOOGLE_IMPERSONATE_SERVICE_ACCOUNT) act as ${sa} in later steps, through the metadata server's account ` +
    `${machine}. The client libraries (google-auth-library, google-auth for Python, Go, Java) and tools built on ` +
    `them do not read these variables: they act as ${machine} unless the code impersonates ${sa}; give them ` +
    'the access_token output (token_format: access_token) instead.';
  return {
    variables: Object.fromEntries(IMPERSONATION_VARIABLES.map((name) => [name, sa])),
    note,
    summary: `gcloud and Terraform impersonate ${sa}; client libraries act as ${machine}`,
  };
}
