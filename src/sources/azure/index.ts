/**
 * subject_token_source: azure — the definition half (see subject-source.ts):
 * the azure_* inputs, parsed and validated here. The source itself
 * (azure-source.ts: instance metadata, claims, hints) is loaded only when a
 * run selects it.
 */
import type { InputReader } from '../../inputs.js';
import { ConfigError } from '../../errors.js';
import type { ProviderName } from '../../provider-name.js';
import { defineSource } from '../subject-source.js';

/**
 * What an app ID URI (api://..., https://host/path, a GUID) is made of, all
 * characters that stay themselves in a query value: no & # ? % + = ; or
 * spaces, so azure_resource cannot add a parameter or cut the URL, whether
 * sent by us or written raw into the file as gcloud writes it.
 */
const RESOURCE_FORM = /^[A-Za-z0-9][\w.~:/@-]{0,499}$/;
const GUID_FORM = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AzureSourceOptions {
  /** The application ID URI the token is for (its `aud`): input azure_resource, gcloud's --app-id-uri. */
  resource: string;
  /** Client ID of a user-assigned managed identity; the system-assigned identity when absent. */
  clientId?: string;
}

export const azure = defineSource({
  kind: 'azure',
  inputs: ['azure_resource', 'azure_client_id'],
  parse: readAzureInputs,
  load: async () => (await import('./azure-source.js')).createAzureSource,
});

function readAzureInputs(get: InputReader, provider: ProviderName): AzureSourceOptions {
  // gcloud's default for a missing --app-id-uri: the provider's default audience.
  const resource = get('azure_resource') || `https://iam.googleapis.com/${provider.name}`;
  if (!RESOURCE_FORM.test(resource)) {
    throw new ConfigError(
      '"azure_resource" must be the Application ID URI of the Entra ID app the provider accepts, such as ' +
        `api://my-gcp-app or https://example.com/gcp (letters, digits and . _ ~ : / @ -), got "${resource}".`,
    );
  }
  const clientId = get('azure_client_id');
  if (clientId && !GUID_FORM.test(clientId)) {
    throw new ConfigError(
      '"azure_client_id" must be the client ID of a user-assigned managed identity, a GUID such as ' +
        `00000000-0000-0000-0000-000000000000 (az identity show --query clientId), got "${clientId}".`,
    );
  }
  return { resource, ...(clientId ? { clientId: clientId.toLowerCase() } : {}) };
}
