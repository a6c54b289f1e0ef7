/**
 * The JSON answer of an executable (Google's executable-sourced credentials,
 * version 1), from its stdout or from the output file that caches it:
 *
 *   { "version": 1, "success": true, "token_type": "<URN>", "id_token": "..." | "saml_response": "...",
 *     "expiration_time": <epoch seconds> }
 *   { "version": 1, "success": false, "code": "...", "message": "..." }
 *
 * Checked field by field as google-auth-library checks it, with one message
 * per way it can be wrong. The token is masked the moment it is found, before
 * anything else can fail and print.
 */
import { EnvironmentError } from '../../errors.js';
import { maskSecret } from '../../log.js';
import { SUBJECT_TOKEN_TYPES } from '../shared/token-type.js';

/** The only version of the answer Google has defined. */
export const SUPPORTED_VERSION = 1;

export type ExecutableAnswer =
  | { success: true; version: number; tokenType: string; token: string; expiresAt?: Date }
  | { success: false; version: number; code: string; message: string };

/** Parses an answer; `where` names it in errors ("executable_command printed", "the cached answer in X has"). */
export function parseAnswer(text: string, where: string): ExecutableAnswer {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // Never quote it: it may hold a token.
    throw new EnvironmentError(
      `${where} no valid JSON (${text.trim() === '' ? 'nothing' : `${Buffer.byteLength(text)} bytes that are not JSON`}). ` +
        'It must print one JSON object such as {"version": 1, "success": true, "token_type": ' +
        '"urn:ietf:params:oauth:token-type:jwt", "id_token": "...", "expiration_time": 1767225600}.',
    );
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    throw new EnvironmentError(`${where} JSON that is not an object: it must be {"version": 1, "success": ...}.`);
  }
  const answer = json as Record<string, unknown>;
  // Mask first: whatever is wrong below, the token is never printed.
  for (const field of ['id_token', 'saml_response']) {
    if (typeof answer[field] === 'string') maskSecret(answer[field]);
  }
  const { version, success } = answer;
  if (version === undefined) throw new EnvironmentError(`${where} an answer without "version" (it must be 1).`);
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new EnvironmentError(`${where} "version": ${JSON.stringify(version)}; it must be the number 1.`);
  }
  if (version > SUPPORTED_VERSION) {
    throw new EnvironmentError(
      `${where} an answer of version ${version}, which is not supported: Google's executable format has version ` +
        `${SUPPORTED_VERSION} only. Make the program print "version": ${SUPPORTED_VERSION}.`,
    );
  }
  if (typeof success !== 'boolean') {
    throw new EnvironmentError(`${where} an answer without "success": true or false.`);
  }
  if (!success) {
    const { code, message } = answer;
    if (typeof code !== 'string' || code === '' || typeof message !== 'string' || message === '') {
      throw new EnvironmentError(`${where} "success": false without a "code" and a "message" saying what failed.`);
    }
    return { success, version, code, message };
  }

  const tokenType = answer['token_type'];
  const known = Object.values(SUBJECT_TOKEN_TYPES) as string[];
  if (typeof tokenType !== 'string' || !known.includes(tokenType)) {
    throw new EnvironmentError(
      `${where} "token_type": ${JSON.stringify(tokenType ?? null)}; it must be one of ${known.join(', ')}.`,
    );
  }
  const field = tokenType === SUBJECT_TOKEN_TYPES.saml2 ? 'saml_response' : 'id_token';
  const token = answer[field];
  if (typeof token !== 'string' || token.trim() === '') {
    throw new EnvironmentError(`${where} "success": true but no "${field}" (required with token_type ${tokenType}).`);
  }
  const expiration = answer['expiration_time'];
  if (expiration !== undefined && (typeof expiration !== 'number' || !Number.isFinite(expiration))) {
    throw new EnvironmentError(
      `${where} "expiration_time": ${JSON.stringify(expiration)}; it must be a number of seconds since 1970 (Unix time).`,
    );
  }
  return {
    success,
    version,
    tokenType,
    token,
    ...(expiration !== undefined ? { expiresAt: new Date(expiration * 1000) } : {}),
  };
}

/** Expired as the client libraries judge it: expiration_time before now, to the second. */
export function isExpired(answer: { expiresAt?: Date }, now: Date): boolean {
  return answer.expiresAt !== undefined && answer.expiresAt.getTime() < Math.round(now.getTime() / 1000) * 1000;
}
