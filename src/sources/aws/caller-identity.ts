/**
 * The Google subject token for AWS: a GetCallerIdentity request, signed but
 * never sent by us. Google STS sends it to AWS, and AWS's answer (the caller's
 * ARN and account) is the identity Google federates.
 *
 *   {"url": "https://sts.<region>.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15",
 *    "method": "POST",
 *    "headers": [{"key": "Authorization", "value": "AWS4-HMAC-SHA256 ..."},
 *                {"key": "host", ...}, {"key": "x-amz-date", ...},
 *                {"key": "x-goog-cloud-target-resource", "value": "//iam.googleapis.com/projects/..."},
 *                {"key": "x-amz-security-token", ...}]}      (temporary credentials only)
 * serialized as JSON, then URL-encoded. The target resource header is signed
 * too, so the signed request is good for this one provider only.
 */
import { maskSecret } from '../../log.js';
import { type SigningCredentials, signRequest } from './sigv4.js';

export const AWS_SUBJECT_TOKEN_TYPE = 'urn:ietf:params:aws:token-type:aws4_request';
export const GET_CALLER_IDENTITY_QUERY = 'Action=GetCallerIdentity&Version=2011-06-15';

export interface CallerIdentityRequest {
  credentials: SigningCredentials;
  /** Signing region: the region of `host`, us-east-1 for the global sts.amazonaws.com. */
  region: string;
  /** sts.<region>.amazonaws.com, or the global sts.amazonaws.com. */
  host: string;
  /** //iam.googleapis.com/projects/<N>/locations/global/workloadIdentityPools/<P>/providers/<X> */
  targetResource: string;
  date: Date;
}

/** The GetCallerIdentity URL as Google expects it (no path, the query right after the host). */
export function callerIdentityUrl(host: string): string {
  return `https://${host}?${GET_CALLER_IDENTITY_QUERY}`;
}

/** The URL-encoded subject token; masked (whole, and its secret parts) before it is returned. */
export function callerIdentityToken(req: CallerIdentityRequest): string {
  const url = callerIdentityUrl(req.host);
  const signed = signRequest({
    method: 'POST',
    url: new URL(url),
    headers: { 'x-goog-cloud-target-resource': req.targetResource },
    region: req.region,
    service: 'sts',
    credentials: req.credentials,
    date: req.date,
  });
  const { authorization, ...rest } = signed.headers;
  // The signature is what makes the token usable: mask it on its own too, in
  // case some message ever quotes a header rather than the whole token.
  maskSecret(authorization);
  const headers = [{ key: 'Authorization', value: authorization ?? '' }];
  for (const [key, value] of Object.entries(rest)) headers.push({ key, value });
  const json = JSON.stringify({ url, method: 'POST', headers });
  const token = encodeURIComponent(json);
  maskSecret(json);
  maskSecret(token);
  return token;
}
