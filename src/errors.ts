/**
 * The action's error types. Every failure the user sees is one of these, so
 * `main.ts` can print one clear `::error::` line per failure without ever
 * dumping a stack trace or a request body (which could hold a secret).
 */
import { redactSecrets } from './log.js';
import { formatDuration } from './duration.js';
import { escapeInvisible } from './runner-commands.js';

/**
 * A wrong or missing input. The message says what is wrong and how to fix it.
 * Messages quote the offending value, so they are made safe to display here,
 * once: control and bidi characters become visible escapes (one line, no
 * spoofed text) and a huge value is clipped.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(message: string) {
    super(displayable(message));
  }
}

const LONG_WORD = /\S{161,}/g;

function displayable(message: string): string {
  // Secrets are redacted before a long word is cut: the runner would not recognise a secret's beginning.
  return escapeInvisible(redactSecrets(message)).replace(
    LONG_WORD,
    (word) => `${word.slice(0, 120)}…(${word.length} characters)`,
  );
}

/**
 * A local problem outside the inputs: the runner environment, the file
 * system, a program of the user's. Never an answer of a remote service: that
 * is a ServiceError, or a StageError when a step wraps it.
 */
export class EnvironmentError extends Error {
  override readonly name = 'EnvironmentError';
}

/**
 * A remote service refused a step or gave an answer it cannot use, in a
 * step whose message is its own: a source's step (AssumeRole, instance
 * metadata, a token URL it could not reach) or a Google answer without its
 * token. `message` names the step and what the service said; `hints` are
 * printed after it by diagnose.ts, one `Hint:` line each (never written into
 * the message, so that the one failure message has one home). With
 * `service`, diagnose.ts names the stage first, as for a ServiceError.
 */
export class StageError extends Error {
  override readonly name = 'StageError';
  readonly hints: readonly string[];
  readonly service: string | undefined;

  constructor(message: string, details: { hints?: readonly string[]; service?: string; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.hints = details.hints ?? [];
    this.service = details.service;
  }
}

/**
 * A remote service answered with an error, or could not be reached.
 * `serviceMessage` is the service's own text (Google's `error_description` or
 * `error.message`), never the request we sent.
 */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';

  constructor(
    /** Human name of the stage: "GitHub OIDC", "Google STS", "IAM Credentials", ... */
    readonly service: string,
    /** HTTP status, or undefined when no answer came (connection error, timeout). */
    readonly status: number | undefined,
    /** What the service said (or the network error), secret-free. */
    readonly serviceMessage: string,
    /** Method and URL of the failed request, for the log. */
    readonly request: string,
    /** Attempts made, including retries. */
    readonly attempts: number,
    /** Machine-readable reason from the body, when the service gave one. */
    readonly reason?: string,
    /** After retries: how long they took and why they stopped ("gave up: retry_timeout 2m used up"). */
    readonly retries?: { elapsedMs: number; stop?: string | undefined },
  ) {
    super(
      `${service} ${status === undefined ? 'could not be reached' : `answered HTTP ${status}`}` +
        ` (${request}${attempts > 1 ? `, ${attempts} attempts${retrySummary(retries)}` : ''}): ${serviceMessage}`,
    );
  }
}

function retrySummary(retries: ServiceError['retries']): string {
  if (!retries) return '';
  return ` over ${formatDuration(retries.elapsedMs)}${retries.stop ? `; ${retries.stop}` : ''}`;
}

/** Node's error codes for a server certificate it refused (a retry cannot help). */
const CERTIFICATE_REJECTED =
  /\b(UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|CERT_UNTRUSTED|ERR_TLS_CERT_ALTNAME_INVALID)\b/;

/** Whether a network failure's text is a refused server certificate. */
export function isCertificateRejection(networkError: string): boolean {
  return CERTIFICATE_REJECTED.test(networkError);
}

/** The message of anything thrown, without its stack. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
