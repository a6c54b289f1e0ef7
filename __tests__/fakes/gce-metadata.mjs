// @ts-check
/**
 * Fake Google Cloud metadata server (real: http://metadata.google.internal),
 * the part a runner on Compute Engine or GKE signs in with, for the action
 * (GCE_METADATA_HOST) and for gcloud 528 (GCE_METADATA_ROOT):
 *
 *   /computeMetadata/v1/project/project-id            my-project (text)
 *   /computeMetadata/v1/project/numeric-project-id    digits: how gcloud decides it is on Google Cloud
 *   /computeMetadata/v1/instance/zone                 projects/N/zones/Z
 *   /computeMetadata/v1/universe/universe-domain      googleapis.com
 *   /computeMetadata/v1/instance/service-accounts/             "default/\nEMAIL/\n" (?recursive=true: JSON)
 *   /computeMetadata/v1/instance/service-accounts/ACCOUNT/     ?recursive=true: {aliases, email, scopes}
 *   /computeMetadata/v1/instance/service-accounts/ACCOUNT/email
 *   /computeMetadata/v1/instance/service-accounts/ACCOUNT/scopes
 *   /computeMetadata/v1/instance/service-accounts/ACCOUNT/token     ?scopes=a,b  -> {access_token, expires_in, token_type}
 *   /computeMetadata/v1/instance/service-accounts/ACCOUNT/identity  ?audience=&format=full -> ID token (text)
 * where ACCOUNT is `default` or the machine account's e-mail.
 *
 * It answers as the real one does: 403 without `Metadata-Flavor: Google` (or
 * with X-Forwarded-For), and every answer carries `Metadata-Flavor: Google`
 * (`omitFlavorHeader` leaves it out, to stand for something else answering at
 * the address). Access tokens are minted in fake Google's registry, so fake
 * IAM Credentials knows them as the machine account (and refuses them
 * without the cloud-platform scope); ID tokens are signed with fake Google's
 * ID-token key. Faults (503, resets) come from http-server.mjs.
 */
import { startFakeServer } from './http-server.mjs';
import { getKeyPair, signJwt } from './jwt.mjs';

/** @typedef {import('./gce-metadata-types.mjs').FakeMetadataServer} FakeMetadataServer */
/** @typedef {import('./gce-metadata-types.mjs').FakeMetadataServerOptions} FakeMetadataServerOptions */
/** @typedef {import('./types.mjs').FakeResponse} FakeResponse */

export const MACHINE_SERVICE_ACCOUNT = '123456789012-compute@developer.gserviceaccount.com';
export const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform';
const BASE = '/computeMetadata/v1';

/**
 * @param {number} status
 * @param {string} body
 * @param {Record<string, string>} [headers]
 * @returns {FakeResponse}
 */
function text(status, body, headers = {}) {
  return { status, headers: { 'content-type': 'application/text', ...headers }, body };
}

/**
 * Start the fake metadata server.
 * @param {FakeMetadataServerOptions} options
 * @returns {Promise<FakeMetadataServer>}
 */
export async function startFakeMetadataServer(options) {
  const { google } = options;
  const email = options.serviceAccount ?? MACHINE_SERVICE_ACCOUNT;
  const projectId = options.projectId ?? 'runner-project';
  const numericProjectId = options.numericProjectId ?? '123456789012';
  const lifetimeSeconds = options.lifetimeSeconds ?? 3599;
  const idTokenKey = getKeyPair('google-id-token');
  const state = { scopes: options.scopes ?? [CLOUD_PLATFORM], omitFlavorHeader: options.omitFlavorHeader ?? false };
  /** @type {string[]} */
  const issuedIdTokens = [];
  const uniqueId = '104' + numericProjectId.padStart(18, '0').slice(-18);

  /** @param {FakeResponse} response */
  const flavored = (response) =>
    state.omitFlavorHeader ? response : { ...response, headers: { ...response.headers, 'metadata-flavor': 'Google' } };
  const accountInfo = () => ({ aliases: ['default'], email, scopes: state.scopes });

  /**
   * @param {string} account `default` or the e-mail
   * @param {string} item what follows the account in the path ('' for the directory)
   * @param {URLSearchParams} query
   * @returns {FakeResponse}
   */
  function serviceAccount(account, item, query) {
    if (account !== 'default' && account !== email) return text(404, 'Not Found\n');
    switch (item) {
      case '':
        return query.get('recursive') === 'true'
          ? { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(accountInfo()) }
          : text(200, 'aliases\nemail\nidentity\nscopes\ntoken\n');
      case 'email':
        return text(200, email);
      case 'aliases':
        return text(200, 'default\n');
      case 'scopes':
        return text(200, `${state.scopes.join('\n')}\n`);
      case 'token': {
        const asked = query.get('scopes');
        const scopes = asked ? asked.split(',').filter(Boolean) : state.scopes;
        const issued = google.issueToken('ya29.machine-', {
          kind: 'service_account',
          issuedBy: 'metadata',
          principal: { type: 'serviceAccount', email, via: 'metadata', id: `serviceAccount:${email}` },
          scopes,
          expiresAt: Date.now() + lifetimeSeconds * 1000,
        });
        return {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ access_token: issued.token, expires_in: lifetimeSeconds, token_type: 'Bearer' }),
        };
      }
      case 'identity': {
        const audience = query.get('audience');
        if (!audience) return text(400, 'non-empty audience parameter required\n');
        const iat = Math.floor(Date.now() / 1000);
        /** @type {Record<string, unknown>} */
        const claims = { aud: audience, azp: uniqueId, exp: iat + 3600, iat, iss: 'https://accounts.google.com' };
        claims.sub = uniqueId;
        if (query.get('format') === 'full') Object.assign(claims, { email, email_verified: true });
        const token = signJwt(claims, idTokenKey.privateKey, { kid: idTokenKey.kid });
        issuedIdTokens.push(token);
        return text(200, token);
      }
      default:
        return text(404, 'Not Found\n');
    }
  }

  const server = await startFakeServer({
    name: 'gce-metadata',
    handler(req) {
      if (req.headers['x-forwarded-for'] !== undefined || req.headers['metadata-flavor'] !== 'Google') {
        return flavored(text(403, 'Missing required header: "Metadata-Flavor"\n'));
      }
      if (req.method !== 'GET') return flavored(text(405, 'Method Not Allowed\n'));
      const path = req.path.startsWith(`${BASE}/`) ? req.path.slice(BASE.length) : undefined;
      if (path === '/project/project-id') return flavored(text(200, projectId));
      if (path === '/project/numeric-project-id') return flavored(text(200, numericProjectId));
      if (path === '/instance/zone') return flavored(text(200, `projects/${numericProjectId}/zones/us-central1-a`));
      if (path === '/universe/universe-domain') return flavored(text(200, 'googleapis.com'));
      if (path === '/instance/service-accounts/' || path === '/instance/service-accounts') {
        return flavored(
          req.query.get('recursive') === 'true'
            ? {
                status: 200,
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ default: accountInfo(), [email]: accountInfo() }),
              }
            : text(200, `default/\n${email}/\n`),
        );
      }
      const m = /^\/instance\/service-accounts\/([^/]+)\/(.*)$/.exec(path ?? '');
      if (m) return flavored(serviceAccount(decodeURIComponent(m[1] ?? ''), m[2] ?? '', req.query));
      return flavored(text(404, 'Not Found\n'));
    },
  });

  return Object.assign(server, {
    serviceAccount: email,
    projectId,
    numericProjectId,
    issuedIdTokens,
    host: server.origin.replace(/^http:\/\//, ''),
    env: { GCE_METADATA_HOST: server.origin.replace(/^http:\/\//, '') },
    /** @param {string[]} scopes the VM's access scopes */
    setScopes(scopes) {
      state.scopes = scopes;
    },
    /** @param {boolean} omit */
    omitFlavor(omit) {
      state.omitFlavorHeader = omit;
    },
  });
}
