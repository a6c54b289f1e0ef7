// @ts-check
/**
 * Fake Azure instance metadata (IMDS), the managed identity token endpoint
 * only: `GET /metadata/identity/oauth2/token?api-version=...&resource=...
 * [&client_id=...]` with `Metadata: true`. It answers as IMDS does: string
 * fields (`expires_in`, `expires_on`, ...), `{error, error_description}` on
 * failure, 400 without the Metadata header or with X-Forwarded-For (IMDS
 * refuses proxied requests), and RS256 JWTs from an "Azure" issuer
 * (`https://sts.windows.net/<tenant>/`, its own key pair) carrying the v1
 * claims of a managed identity token: aud = resource, sub = oid = the
 * identity's object ID, appid = its client ID, tid, xms_mirid.
 *
 * Fault injection (410 while "restarting", 429, ...) comes from
 * http-server.mjs; `azureProvider()` gives fake Google STS a provider that
 * trusts this issuer.
 */
import crypto from 'node:crypto';
import { json, startFakeServer } from './http-server.mjs';
import { getKeyPair, signJwt } from './jwt.mjs';

/** @typedef {import('./azure-imds-types.mjs').FakeAzureImds} FakeAzureImds */
/** @typedef {import('./azure-imds-types.mjs').FakeAzureImdsOptions} FakeAzureImdsOptions */
/** @typedef {import('./azure-imds-types.mjs').AzureIdentity} AzureIdentity */
/** @typedef {import('./types.mjs').ProviderConfig} ProviderConfig */

export const AZURE_TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const AZURE_SUBSCRIPTION_ID = '0b1f6471-1bf0-4dda-aec3-cb9272f09590';
export const AZURE_TOKEN_PATH = '/metadata/identity/oauth2/token';

/**
 * The identity a VM (or a user-assigned identity resource) has.
 * @param {string} name
 * @param {'system' | 'user'} kind
 * @returns {AzureIdentity}
 */
export function azureIdentity(name, kind = 'user') {
  const group = 'runners';
  return {
    name,
    clientId: crypto.randomUUID(),
    objectId: crypto.randomUUID(),
    resourceId:
      kind === 'system'
        ? `/subscriptions/${AZURE_SUBSCRIPTION_ID}/resourcegroups/${group}/providers/Microsoft.Compute/virtualMachines/${name}`
        : `/subscriptions/${AZURE_SUBSCRIPTION_ID}/resourcegroups/${group}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`,
  };
}

/**
 * @param {string} error
 * @param {string} description
 * @param {number} [status]
 */
function imdsError(error, description, status = 400) {
  return json(status, { error, error_description: description });
}

/**
 * Start the fake IMDS.
 * @param {FakeAzureImdsOptions} [options]
 * @returns {Promise<FakeAzureImds>}
 */
export async function startFakeAzureImds(options = {}) {
  const tenantId = options.tenantId ?? AZURE_TENANT_ID;
  const issuer = `https://sts.windows.net/${tenantId}/`;
  const keyPair = options.keyPair ?? getKeyPair('azure-entra-id');
  const now = options.now ?? (() => Date.now());
  const lifetimeSeconds = options.lifetimeSeconds ?? 86_400;
  /** @type {AzureIdentity | undefined} */
  const systemAssigned =
    options.systemAssigned === null ? undefined : (options.systemAssigned ?? azureIdentity('runner-vm', 'system'));
  const userAssigned = options.userAssigned ?? [];
  /** Application ID URIs (or app IDs) Entra ID knows in the tenant. */
  const resources = new Set(options.resources ?? []);
  /** @type {string[]} */
  const issuedTokens = [];

  /**
   * @param {string | undefined} clientId
   * @returns {{ identity: AzureIdentity } | { error: import('./types.mjs').FakeResponse }}
   */
  function identityFor(clientId) {
    if (clientId !== undefined) {
      const found = userAssigned.find((i) => i.clientId.toLowerCase() === clientId.toLowerCase());
      if (!found && systemAssigned?.clientId.toLowerCase() === clientId.toLowerCase())
        return { identity: systemAssigned };
      return found ? { identity: found } : { error: imdsError('invalid_request', 'Identity not found') };
    }
    if (systemAssigned) return { identity: systemAssigned };
    const [only, ...more] = userAssigned;
    if (only && more.length === 0) return { identity: only };
    if (only) {
      return {
        error: imdsError(
          'invalid_request',
          'Multiple user assigned identities exist, please specify the clientId / resourceId of the identity in the token request',
        ),
      };
    }
    return { error: imdsError('invalid_request', 'Identity not found') };
  }

  /**
   * @param {AzureIdentity} identity
   * @param {string} resource
   */
  function mint(identity, resource) {
    const iat = Math.floor(now() / 1000);
    const exp = iat + lifetimeSeconds;
    const token = signJwt(
      {
        aud: resource,
        iss: issuer,
        iat,
        nbf: iat,
        exp,
        aio: crypto.randomBytes(24).toString('base64'),
        appid: identity.clientId,
        appidacr: '2',
        idp: issuer,
        idtyp: 'app',
        oid: identity.objectId,
        rh: `0.${crypto.randomBytes(30).toString('base64url')}.`,
        sub: identity.objectId,
        tid: tenantId,
        uti: crypto.randomBytes(16).toString('base64url'),
        ver: '1.0',
        xms_mirid: identity.resourceId,
      },
      keyPair.privateKey,
      { kid: keyPair.kid },
    );
    issuedTokens.push(token);
    return { token, iat, exp };
  }

  const server = await startFakeServer({
    name: 'azure-imds',
    tls: options.tls,
    handler(req) {
      if (req.headers['x-forwarded-for'] !== undefined) {
        return imdsError('invalid_request', 'Requests with an X-Forwarded-For header are not accepted');
      }
      if (req.path !== AZURE_TOKEN_PATH) return json(404, { error: 'Not found' });
      if (req.method !== 'GET') return imdsError('invalid_request', 'Method not allowed', 405);
      if (String(req.headers['metadata'] ?? '').toLowerCase() !== 'true') {
        return imdsError('invalid_request', 'Required metadata header not specified');
      }
      if (!req.query.get('api-version')) {
        return imdsError('invalid_request', "Required query variable 'api-version' is missing");
      }
      const resource = req.query.get('resource');
      if (!resource) return imdsError('invalid_request', "Required query variable 'resource' is missing");
      const found = identityFor(req.query.get('client_id') ?? undefined);
      if ('error' in found) return found.error;
      if (!resources.has(resource)) {
        return imdsError(
          'invalid_resource',
          `AADSTS500011: The resource principal named ${resource} was not found in the tenant named ${tenantId}. ` +
            'This can happen if the application has not been installed by the administrator of the tenant or ' +
            'consented to by any user in the tenant.',
        );
      }
      const { token, iat, exp } = mint(found.identity, resource);
      return json(200, {
        access_token: token,
        client_id: found.identity.clientId,
        expires_in: String(exp - iat),
        expires_on: String(exp),
        ext_expires_in: String(exp - iat),
        not_before: String(iat),
        resource,
        token_type: 'Bearer',
      });
    },
  });

  return {
    ...server,
    get requestCount() {
      return server.requestCount;
    },
    get connectionCount() {
      return server.connectionCount;
    },
    tenantId,
    issuer,
    publicKey: keyPair.publicKey,
    systemAssigned,
    userAssigned,
    issuedTokens,
    env: { AZURE_IMDS_TEST_ENDPOINT: server.origin },
    addResource(resource) {
      resources.add(resource);
    },
  };
}

/**
 * A fake Google STS provider that trusts this IMDS's issuer, with the
 * mapping Google's Azure guide sets up (google.subject = assertion.sub).
 * @param {FakeAzureImds} imds
 * @param {{ allowedAudiences: string[], attributeCondition?: ProviderConfig['attributeCondition'] }} config
 * @returns {ProviderConfig}
 */
export function azureProvider(imds, config) {
  return {
    type: 'oidc',
    issuer: imds.issuer,
    issuerKeys: imds.publicKey,
    allowedAudiences: config.allowedAudiences,
    attributeMapping: (claims) => ({
      'google.subject': String(claims.sub ?? ''),
      'attribute.tid': String(claims.tid ?? ''),
    }),
    attributeCondition: config.attributeCondition ?? ((claims) => claims.tid === imds.tenantId),
  };
}
