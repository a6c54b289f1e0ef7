/**
 * AWS Signature Version 4 (AWS4-HMAC-SHA256), the header form.
 *
 * Only what this action signs: STS query-API calls (AssumeRole) and the
 * GetCallerIdentity request that becomes the Google subject token. It is a
 * pure function of its inputs (the clock is a parameter), so the AWS test
 * suite's vectors can check it byte for byte.
 *
 * Steps, as AWS documents them: canonical request -> string to sign ->
 * signing key (HMAC chain over date, region, service) -> signature.
 */
import { createHash, createHmac } from 'node:crypto';

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SigningInput {
  method: string;
  url: URL;
  /** Headers to sign in addition to host, x-amz-date and x-amz-security-token. */
  headers?: Record<string, string>;
  /** The exact body bytes that will be sent ('' when none). */
  body?: string;
  region: string;
  service: string;
  credentials: SigningCredentials;
  date: Date;
}

export interface SignedRequest {
  /**
   * Every header the request must carry, lower-case names: the caller's,
   * host, x-amz-date, x-amz-security-token (with temporary credentials) and
   * authorization.
   */
  headers: Record<string, string>;
  signature: string;
  /** For tests and debugging: the intermediate texts AWS documents. */
  canonicalRequest: string;
  stringToSign: string;
}

/** `20150830T123600Z`: ISO 8601 basic format, UTC, no fractions. */
export function amzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

export function signRequest(input: SigningInput): SignedRequest {
  const { credentials, region, service } = input;
  const timestamp = amzDate(input.date);
  const day = timestamp.slice(0, 8);

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.headers ?? {})) headers[name.toLowerCase()] = value;
  // `host` is the URL's host as sent: no port when it is the scheme's default.
  headers['host'] ??= input.url.host;
  headers['x-amz-date'] = timestamp;
  // The session token is signed: STS rejects temporary credentials whose
  // token is not covered by the signature.
  if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;

  const names = Object.keys(headers).sort();
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    input.method.toUpperCase(),
    canonicalPath(input.url.pathname),
    canonicalQuery(input.url.searchParams),
    names.map((name) => `${name}:${normalizeHeaderValue(headers[name] ?? '')}\n`).join(''),
    signedHeaders,
    sha256Hex(input.body ?? ''),
  ].join('\n');

  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = [SIGV4_ALGORITHM, timestamp, scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = [day, region, service, 'aws4_request'].reduce<Buffer>(
    (key, part) => hmac(key, part),
    Buffer.from(`AWS4${credentials.secretAccessKey}`, 'utf8'),
  );
  const signature = hmac(signingKey, stringToSign).toString('hex');

  headers['authorization'] =
    `${SIGV4_ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, ` +
    `SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { headers, signature, canonicalRequest, stringToSign };
}

/** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ */
function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Each path segment encoded once. `URL` has already percent-encoded the
 * path, so segments are decoded first: the result is the same whether the
 * caller wrote `/a b` or `/a%20b`. (Our paths are `/` in practice.)
 */
function canonicalPath(pathname: string): string {
  if (pathname === '' || pathname === '/') return '/';
  return pathname
    .split('/')
    .map((segment) => uriEncode(safeDecode(segment)))
    .join('/');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Parameters encoded, then sorted by name and value (byte order). */
function canonicalQuery(params: URLSearchParams): string {
  const pairs = [...params].map(([name, value]) => [uriEncode(name), uriEncode(value)] as const);
  pairs.sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
  return pairs.map(([name, value]) => `${name}=${value}`).join('&');
}

/** Trim, and collapse inner runs of spaces to one, as the canonical form requires. */
function normalizeHeaderValue(value: string): string {
  return value.trim().replace(/\s+/g, ' ');
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function hmac(key: Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text, 'utf8').digest();
}
