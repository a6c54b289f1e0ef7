/**
 * One error for a failed AWS-side step (AssumeRole, web identity, instance
 * metadata, the container endpoint): what failed, what AWS said, which
 * identity was used (source + first 4 characters of the key + role), and
 * the likely fix as a hint, which diagnose.ts prints after the message.
 *
 * The rules (AWS error codes and what they mean) live here, in the lazily
 * loaded AWS chunk, because only AWS users need them. Why Google STS refuses
 * an AWS token is in the facts of aws-source.ts, applied by diagnose.ts.
 */
import { messageOf, ServiceError, StageError } from '../../errors.js';

/** AWS error codes (from the XML `<Code>`) and what they most likely mean. */
const CODE_HINTS: Record<string, string> = {
  InvalidClientTokenId:
    'AWS does not know this access key ID: it was deleted or deactivated, belongs to another partition, ' +
    'or a temporary key is used without its session token (AWS_SESSION_TOKEN / aws_session_token).',
  SignatureDoesNotMatch:
    'The secret access key does not belong to this access key ID: check the secret (a copy with a trailing ' +
    'space or newline is a common cause).',
  ExpiredToken:
    'The temporary credentials have expired: obtain them closer to this step, or ask for a longer duration.',
  RequestExpired:
    "AWS refused the request's timestamp: the runner's clock is off by more than 15 minutes. Sync it (NTP).",
  AccessDenied:
    "The role's trust policy does not let this identity assume it: allow sts:AssumeRole for this principal " +
    '(and check the sts:ExternalId condition if the role requires an external ID).',
  InvalidIdentityToken:
    "AWS rejected the web identity token: check the role's trust policy (the OIDC provider, aud and sub " +
    'conditions) and that the token file is fresh.',
  IDPRejectedClaim:
    "AWS rejected the web identity token's claims: compare the role's trust policy conditions with the token.",
  ValidationError: 'AWS refused a parameter: check the role ARN, the session name and the duration.',
};

export function awsFailure(step: string, err: unknown, identity?: string): StageError {
  const lines = [`${step} failed: ${messageOf(err)}`];
  if (identity) lines.push(`AWS identity: ${identity}`);
  const hints: string[] = [];
  if (err instanceof ServiceError) {
    const code = err.reason ?? '';
    const hint =
      CODE_HINTS[code] ??
      (/expired/i.test(code) ? CODE_HINTS['ExpiredToken'] : undefined) ??
      (err.status === undefined
        ? 'The endpoint could not be reached: check the network, HTTPS_PROXY / NO_PROXY, and AWS_ENDPOINT_URL_STS / ' +
          'AWS_ENDPOINT_URL if set.'
        : undefined);
    if (hint) hints.push(hint);
  }
  return new StageError(lines.join('\n'), { hints, cause: err });
}
