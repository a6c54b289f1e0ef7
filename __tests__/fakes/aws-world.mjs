// @ts-check
/**
 * The fake AWS "backend" shared by the fake STS, instance metadata and
 * container endpoints, and by fake Google STS's check of AWS subject tokens:
 * which access keys exist (long-term users, temporary sessions), which roles
 * exist and whom they trust, and what GetCallerIdentity would answer.
 *
 * Keeping it in one object is what lets credentials handed out by fake IMDS
 * be recognised when fake Google STS "forwards" the signed request to AWS.
 */
import crypto from 'node:crypto';

import { AwsError, verifySignedRequest } from './aws-sigv4-verify.mjs';

/** @typedef {import('./aws-types.mjs').AwsKeyRecord} AwsKeyRecord */
/** @typedef {import('./aws-types.mjs').AwsRoleConfig} AwsRoleConfig */
/** @typedef {import('./aws-types.mjs').AwsWorld} AwsWorld */
/** @typedef {import('./aws-types.mjs').AwsWorldOptions} AwsWorldOptions */

export const GET_CALLER_IDENTITY = 'Action=GetCallerIdentity&Version=2011-06-15';

/** @param {string} prefix @param {number} length */
function randomId(prefix, length) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let out = prefix;
  for (const byte of crypto.randomBytes(length)) out += alphabet[byte % alphabet.length];
  return out;
}

/** @param {string} arn */
export function accountOf(arn) {
  return /^arn:aws[\w-]*:(?:iam|sts)::(\d{12}):/.exec(arn)?.[1] ?? '';
}

/**
 * arn:aws:iam::1:role/path/name -> name
 * @param {string} roleArn
 */
function roleNameOf(roleArn) {
  return roleArn.split('/').pop() ?? '';
}

/**
 * @param {AwsWorldOptions} [options]
 * @returns {AwsWorld}
 */
export function createAwsWorld(options = {}) {
  const now = options.now ?? (() => Date.now());
  /** @type {Map<string, AwsKeyRecord>} */
  const keys = new Map();
  /** @type {Map<string, AwsRoleConfig & { arn: string }>} */
  const roles = new Map();

  /** @type {AwsWorld} */
  const world = {
    keys,
    roles,
    now,
    addUser(arn, fixed = {}) {
      const record = {
        accessKeyId: fixed.accessKeyId ?? randomId('AKIA', 16),
        secretAccessKey: fixed.secretAccessKey ?? crypto.randomBytes(30).toString('base64'),
        arn,
      };
      keys.set(record.accessKeyId, record);
      return record;
    },
    issueSession(arn, durationSeconds = 3600) {
      const record = {
        accessKeyId: randomId('ASIA', 16),
        secretAccessKey: crypto.randomBytes(30).toString('base64'),
        sessionToken: `FwoGZXIvYXdzE${crypto.randomBytes(48).toString('base64')}`,
        arn,
        expiresAt: now() + durationSeconds * 1000,
      };
      keys.set(record.accessKeyId, record);
      return record;
    },
    addRole(arn, config = {}) {
      roles.set(arn, { ...config, arn });
    },
    assumedRoleArn(roleArn, sessionName) {
      return `arn:aws:sts::${accountOf(roleArn)}:assumed-role/${roleNameOf(roleArn)}/${sessionName}`;
    },
    authenticate(req, mustSign = []) {
      const auth = verifySignedRequest(req, {
        nowMs: now(),
        mustSign,
        secretFor: (id) => keys.get(id),
      });
      const record = /** @type {AwsKeyRecord} */ (keys.get(auth.accessKeyId));
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
      const token = headers['x-amz-security-token'];
      if (record.sessionToken !== undefined && token !== record.sessionToken) {
        throw new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.');
      }
      if (record.sessionToken === undefined && token !== undefined) {
        throw new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.');
      }
      if (record.expiresAt !== undefined && record.expiresAt <= now()) {
        throw new AwsError('ExpiredToken', 'The security token included in the request is expired');
      }
      return { record, auth };
    },
    callerIdentity(record) {
      return {
        arn: record.arn,
        account: accountOf(record.arn),
        userId: `${record.accessKeyId.slice(0, 4)}:${record.arn.split('/').pop()}`,
      };
    },
  };
  return world;
}

/**
 * What fake Google STS calls for an AWS subject token (provider option
 * `verifyAwsSubjectToken`): decode the serialized request, check it is a
 * GetCallerIdentity call to AWS's STS for this provider, signed freshly, then
 * "send it to AWS" (verify it against the world) and return the caller
 * identity as claims ({arn, account, userId}).
 *
 * Errors are thrown as {error, message}, the shape fake Google STS turns into
 * an OAuth error body. The wording is the fake's, not Google's.
 * @param {AwsWorld} world
 * @param {{ universe?: string, accountId?: string }} [options]
 * @returns {(subjectToken: string, provider: { name: string }) => Record<string, any>}
 */
export function awsSubjectTokenVerifier(world, options = {}) {
  const universe = options.universe ?? 'googleapis.com';
  /** @param {string} message */
  const invalid = (message) => Object.assign(new Error(message), { error: 'invalid_grant' });
  return (subjectToken, provider) => {
    /** @type {{ url?: unknown, method?: unknown, headers?: unknown }} */
    let request;
    try {
      request = JSON.parse(decodeURIComponent(subjectToken));
    } catch {
      throw invalid('Unable to parse the AWS subject token: it is not URL-encoded JSON.');
    }
    if (typeof request.url !== 'string' || request.method !== 'POST' || !Array.isArray(request.headers)) {
      throw invalid('The AWS subject token must have "url", "method": "POST" and a "headers" list.');
    }
    const url = new URL(request.url);
    const host = /^sts(?:\.([a-z0-9-]+))?\.amazonaws\.com$/.exec(url.hostname);
    if (url.protocol !== 'https:' || !host || url.port !== '') {
      throw invalid(`The AWS subject token URL must be AWS STS, got ${url.origin}.`);
    }
    if (url.search !== `?${GET_CALLER_IDENTITY}` || (url.pathname !== '/' && url.pathname !== '')) {
      throw invalid(`The AWS subject token must be a GetCallerIdentity request, got ${url.pathname}${url.search}.`);
    }
    /** @type {Record<string, string>} */
    const headers = {};
    for (const h of /** @type {Array<{ key?: unknown, value?: unknown }>} */ (request.headers)) {
      if (typeof h.key !== 'string' || typeof h.value !== 'string')
        throw invalid('Each header must have a string "key" and "value".');
      headers[h.key.toLowerCase()] = h.value;
    }
    if (headers['host'] !== url.host)
      throw invalid(`The host header "${headers['host']}" does not match the URL host ${url.host}.`);
    const target = `//iam.${universe}/${provider.name}`;
    if (headers['x-goog-cloud-target-resource'] !== target) {
      throw invalid(
        `The x-goog-cloud-target-resource header "${headers['x-goog-cloud-target-resource'] ?? ''}" does not name this provider (${target}).`,
      );
    }
    let identity;
    try {
      // Like Google, require the target header's presence and value (checked
      // above) but not its signature: google-auth-library sends it unsigned
      // (SignedHeaders=host;x-amz-date), and real Google STS accepts that.
      // The action signs it anyway (see unit/aws-caller-identity.test.ts).
      const { record, auth } = world.authenticate({ method: 'POST', url: request.url, headers });
      const region = host[1] ?? 'us-east-1';
      if (auth.region !== region || auth.service !== 'sts') {
        throw new AwsError(
          'SignatureDoesNotMatch',
          `Credential should be scoped to a valid region and service 'sts' (${region}).`,
        );
      }
      identity = world.callerIdentity(record);
    } catch (err) {
      if (!(err instanceof AwsError)) throw err;
      throw invalid(`Received invalid AWS response of type ${err.code} with error message: ${err.message}`);
    }
    if (options.accountId && identity.account !== options.accountId) {
      throw invalid(
        `The AWS account ${identity.account} of the caller is not the provider's account ${options.accountId}.`,
      );
    }
    return identity;
  };
}
