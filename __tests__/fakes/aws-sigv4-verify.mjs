// @ts-check
/**
 * An INDEPENDENT SigV4 verifier, the way AWS checks a request: it shares no
 * code with src/sources/aws/sigv4.ts (and must never import it), so a bug in
 * the action's signer cannot hide behind the same bug here. It is written
 * from AWS's description of the algorithm, server side: parse the
 * Authorization header, rebuild the canonical request from what arrived,
 * derive the key for the scope it names, compare.
 *
 * Used by the fake AWS STS (AssumeRole) and by the fake Google STS's
 * verifyAwsSubjectToken (the signed GetCallerIdentity request).
 */
import crypto from 'node:crypto';

/** AWS tolerates 15 minutes between x-amz-date and its clock. */
export const MAX_SKEW_MS = 15 * 60 * 1000;

/**
 * An AWS-style failure: `code` is what AWS puts in <Code>.
 */
export class AwsError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   * @param {number} [status]
   */
  constructor(code, message, status = 403) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

/**
 * @typedef {object} IncomingSignedRequest
 * @property {string} method
 * @property {string} url     absolute URL (scheme + host + path + query)
 * @property {Record<string, string | string[] | undefined>} headers  names in any case
 * @property {string} [body]
 */

/**
 * @typedef {object} ParsedAuthorization
 * @property {string} accessKeyId
 * @property {string} day
 * @property {string} region
 * @property {string} service
 * @property {string[]} signedHeaders
 * @property {string} signature
 */

/**
 * @param {string | undefined} value
 * @returns {ParsedAuthorization}
 */
export function parseAuthorization(value) {
  if (!value) throw new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token');
  const m =
    /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/.exec(
      value,
    );
  if (!m) throw new AwsError('IncompleteSignature', `Authorization header is malformed: ${value.slice(0, 40)}...`, 400);
  return {
    accessKeyId: /** @type {string} */ (m[1]),
    day: /** @type {string} */ (m[2]),
    region: /** @type {string} */ (m[3]),
    service: /** @type {string} */ (m[4]),
    signedHeaders: /** @type {string} */ (m[5]).split(';'),
    signature: /** @type {string} */ (m[6]),
  };
}

/**
 * RFC 3986 unreserved characters stay, every other byte becomes %XX (upper case).
 * Written byte by byte on purpose (the signer uses encodeURIComponent).
 * @param {string} text
 */
function awsEscape(text) {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * Splits a raw query string (as received) into decoded pairs.
 * @param {string} search without '?'
 * @returns {Array<[string, string]>}
 */
function queryPairs(search) {
  if (!search) return [];
  return search
    .split('&')
    .filter(Boolean)
    .map((part) => {
      const eq = part.indexOf('=');
      const raw = eq < 0 ? [part, ''] : [part.slice(0, eq), part.slice(eq + 1)];
      return /** @type {[string, string]} */ (raw.map((s) => decodeURIComponent(s.replace(/\+/g, ' '))));
    });
}

/**
 * @param {Record<string, string | string[] | undefined>} headers
 * @returns {Map<string, string>}
 */
function lowerHeaders(headers) {
  const map = new Map();
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    map.set(k.toLowerCase(), Array.isArray(v) ? v.join(',') : String(v));
  }
  return map;
}

/**
 * Rebuild the canonical request from what arrived.
 * @param {IncomingSignedRequest} req
 * @param {string[]} signedHeaders
 */
export function canonicalRequestOf(req, signedHeaders) {
  const url = new URL(req.url);
  const headers = lowerHeaders(req.headers);
  const path =
    url.pathname === ''
      ? '/'
      : url.pathname
          .split('/')
          .map((seg) => awsEscape(decodeURIComponent(seg)))
          .join('/');
  const query = queryPairs(url.search.replace(/^\?/, ''))
    .map(([k, v]) => [awsEscape(k), awsEscape(v)])
    .sort((a, b) => Buffer.compare(Buffer.from(`${a[0]}\u0000${a[1]}`), Buffer.from(`${b[0]}\u0000${b[1]}`)))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  let canonicalHeaders = '';
  for (const name of signedHeaders) {
    const value = headers.get(name);
    if (value === undefined)
      throw new AwsError('SignatureDoesNotMatch', `Signed header ${name} is missing from the request`);
    canonicalHeaders += `${name}:${value
      .replace(/^\s+|\s+$/g, '')
      .split(/\s+/)
      .join(' ')}\n`;
  }
  const payloadHash = crypto
    .createHash('sha256')
    .update(req.body ?? '')
    .digest('hex');
  return `${req.method}\n${path}\n${query}\n${canonicalHeaders}\n${signedHeaders.join(';')}\n${payloadHash}`;
}

/**
 * @typedef {object} VerifyOptions
 * @property {(accessKeyId: string) => { secretAccessKey: string } | undefined} secretFor
 * @property {number} [nowMs]
 * @property {string} [expectService]
 * @property {string[]} [mustSign] header names that must be covered besides host and x-amz-date
 */

/**
 * Verifies the request; returns the parsed Authorization on success, throws
 * an AwsError with AWS's code otherwise.
 * @param {IncomingSignedRequest} req
 * @param {VerifyOptions} options
 * @returns {ParsedAuthorization & { amzDate: string }}
 */
export function verifySignedRequest(req, options) {
  const headers = lowerHeaders(req.headers);
  const auth = parseAuthorization(headers.get('authorization'));
  if (options.expectService && auth.service !== options.expectService) {
    throw new AwsError(
      'SignatureDoesNotMatch',
      `Credential should be scoped to correct service: '${options.expectService}'.`,
    );
  }
  const sorted = [...auth.signedHeaders].sort();
  if (sorted.join(';') !== auth.signedHeaders.join(';')) {
    throw new AwsError('SignatureDoesNotMatch', 'SignedHeaders must be sorted.');
  }
  const required = ['host', 'x-amz-date', ...(options.mustSign ?? [])];
  if (headers.has('x-amz-security-token')) required.push('x-amz-security-token');
  for (const name of required) {
    if (!auth.signedHeaders.includes(name)) {
      throw new AwsError('SignatureDoesNotMatch', `Header ${name} must be signed.`);
    }
  }
  const amzDate = headers.get('x-amz-date') ?? '';
  const dm = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!dm) throw new AwsError('IncompleteSignature', `x-amz-date "${amzDate}" is not in ISO 8601 basic format.`, 400);
  if (amzDate.slice(0, 8) !== auth.day) {
    throw new AwsError(
      'SignatureDoesNotMatch',
      `Credential scope date ${auth.day} does not match x-amz-date ${amzDate}.`,
    );
  }
  const signedAt = Date.UTC(
    Number(dm[1]),
    Number(dm[2]) - 1,
    Number(dm[3]),
    Number(dm[4]),
    Number(dm[5]),
    Number(dm[6]),
  );
  const now = options.nowMs ?? Date.now();
  if (Math.abs(now - signedAt) > MAX_SKEW_MS) {
    const nowText = new Date(now).toISOString().replace(/[-:]|\.\d+/g, '');
    throw new AwsError(
      'SignatureDoesNotMatch',
      `Signature expired: ${amzDate} is now earlier than ${nowText} (${nowText} - 15 min.)`,
    );
  }

  const key = options.secretFor(auth.accessKeyId);
  if (!key) throw new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.');

  const stringToSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    `${auth.day}/${auth.region}/${auth.service}/aws4_request`,
    crypto.createHash('sha256').update(canonicalRequestOf(req, auth.signedHeaders)).digest('hex'),
  ].join('\n');
  /** @type {Buffer} */
  let k = crypto.createHmac('sha256', `AWS4${key.secretAccessKey}`).update(auth.day).digest();
  k = crypto.createHmac('sha256', k).update(auth.region).digest();
  k = crypto.createHmac('sha256', k).update(auth.service).digest();
  k = crypto.createHmac('sha256', k).update('aws4_request').digest();
  const expected = crypto.createHmac('sha256', k).update(stringToSign).digest('hex');
  if (!crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(auth.signature))) {
    throw new AwsError(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
  return { ...auth, amzDate };
}
