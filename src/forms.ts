/**
 * The documented form of every input value that ends up in a URL, a host name
 * or a request body field. Each validator returns the value to use, or throws
 * a ConfigError that names the input and shows the expected form.
 *
 * Why so strict: inputs are often built from expressions (`${{ inputs.sa }}`,
 * a matrix, a file in the repository) that the workflow's owner does not
 * control. A value outside its documented form must not be able to pick a
 * different API method, host or scheme for a token (issue 11). The URL
 * builders encode every part as well (url-path.ts); validation is the first
 * line, encoding the second.
 *
 * Sources of the forms (Google Cloud and GitHub documentation):
 *  - service account IDs: 6-30 characters, [a-z]([-a-z0-9]*[a-z0-9]) (IAM
 *    CreateServiceAccount); Google-managed accounts start with digits
 *    (123-compute@developer.gserviceaccount.com), and the domain depends on
 *    the universe (s3ns: PROJECT.s3ns.iam.gserviceaccount.com);
 *  - pool and provider IDs: 4-32 characters of [a-z0-9-], "gcp-" reserved;
 *  - project IDs: 6-30 characters, lowercase letters, digits and hyphens,
 *    starting with a letter, not ending with a hyphen (optionally
 *    "example.com:" for domain-scoped projects);
 *  - Workspace usernames: letters, digits, - _ ' and . (Google Workspace admin help).
 */
import { isAbsolute } from 'node:path';

import { ConfigError } from './errors.js';

/** A DNS label: letters, digits and inner hyphens, 1-63 characters. */
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
/** A DNS name of two or more labels, the last one not all digits. */
const DOMAIN = `(?=.{1,253}$)(?:${LABEL}\\.)+(?:[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?)`;

const SERVICE_ACCOUNT_EMAIL = new RegExp(`^${LABEL}@${DOMAIN}$`, 'i');
const WORKSPACE_USER_EMAIL = new RegExp(`^(?=[^@]{1,64}@)[a-z0-9_'-]+(?:\\.[a-z0-9_'-]+)*@${DOMAIN}$`, 'i');
const UNIVERSE_DOMAIN = new RegExp(`^${DOMAIN}$`, 'i');
export const POOL_OR_PROVIDER_ID = /^(?!gcp-)[a-z0-9-]{4,32}$/;
const PROJECT_ID = /^(?:[a-z0-9.-]+:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const PROJECT_NUMBER = /^[0-9]{1,20}$/;
/** The resource name form of a service account that the IAM Credentials API takes for delegates. */
const DELEGATE_PREFIX = 'projects/-/serviceAccounts/';
/** A scope URL: https, a host, a path of unreserved characters; or a short name such as "openid" or "email". */
const SCOPE = /^(?:https:\/\/[a-z0-9.-]+(?::[0-9]{1,5})?\/[a-z0-9._~/-]*|[a-z][a-z0-9._-]{0,63})$/i;
/**
 * scheme://HOST[:PORT][/PATH]: a DNS name or IP address, and path segments of
 * unreserved characters (no empty, "." or ".." segments, no %-escapes), so the
 * URL means the same to every parser on the way.
 */
const ENDPOINT_FORM =
  /^https?:\/\/(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?(?:\/(?!\.\.?(?:\/|$))[a-z0-9._~-]+)*\/?$/i;
/** Audiences are opaque strings to Google and GitHub; printable ASCII without spaces keeps them one token. */
const AUDIENCE = /^[\x21-\x7e]{1,2048}$/;

export const SERVICE_ACCOUNT_EXAMPLE = 'my-sa@my-project.iam.gserviceaccount.com';

/** service_account, and each of the key's client_email: NAME@DOMAIN. */
export function validateServiceAccount(value: string, input: string): string {
  if (!SERVICE_ACCOUNT_EMAIL.test(value)) {
    throw new ConfigError(
      `"${input}" must be a service account email such as ${SERVICE_ACCOUNT_EXAMPLE} (letters, digits and ` +
        `hyphens, then @ and a domain name), got "${value}".`,
    );
  }
  return value;
}

/**
 * A service account's unique ID: the 21 digits Google gives each account
 * (`gcloud iam service-accounts describe SA --format="value(uniqueId)"`).
 * IAM Credentials takes it in place of the email; the action we replace
 * passes it through, and so do we.
 */
const SERVICE_ACCOUNT_UNIQUE_ID = /^[0-9]{21}$/;

/** service_account: an email, or the account's numeric unique ID. */
export function validateServiceAccountOrId(value: string, input: string): string {
  if (SERVICE_ACCOUNT_UNIQUE_ID.test(value)) return value;
  if (!SERVICE_ACCOUNT_EMAIL.test(value)) {
    throw new ConfigError(
      `"${input}" must be a service account email such as ${SERVICE_ACCOUNT_EXAMPLE} (letters, digits and ` +
        `hyphens, then @ and a domain name), or its 21-digit unique ID, got "${value}".`,
    );
  }
  return value;
}

/** One of `delegates`: an email, or its resource name projects/-/serviceAccounts/EMAIL. Returns the email. */
export function validateDelegate(value: string, input: string): string {
  const email = value.startsWith(DELEGATE_PREFIX) ? value.slice(DELEGATE_PREFIX.length) : value;
  return validateServiceAccount(email, input);
}

/** access_token_subject: the Google Workspace user the token acts as. */
export function validateWorkspaceUser(value: string, input: string): string {
  if (!WORKSPACE_USER_EMAIL.test(value)) {
    throw new ConfigError(
      `"${input}" must be the email of a Google Workspace user such as alice@example.com (letters, digits, ` +
        `- _ ' and ., then @ and a domain name), got "${value}".`,
    );
  }
  return value;
}

/** The pool or provider ID inside workload_identity_provider. */
export function validatePoolOrProviderId(value: string, kind: 'pool' | 'provider', expected: string): string {
  if (!POOL_OR_PROVIDER_ID.test(value)) {
    const reserved = value.startsWith('gcp-') ? ' (the prefix "gcp-" is reserved by Google)' : '';
    throw new ConfigError(
      `"workload_identity_provider" has the ${kind} ID "${value}"${reserved}: ${kind} IDs are 4-32 lowercase ` +
        `letters, digits and hyphens. ${expected}`,
    );
  }
  return value;
}

/** The project number inside workload_identity_provider (provider-name.ts says what is wrong when it is not one). */
export function isProjectNumber(value: string): boolean {
  return PROJECT_NUMBER.test(value);
}

/** project_id. */
export function validateProjectId(value: string, input: string): string {
  if (!PROJECT_ID.test(value)) {
    throw new ConfigError(
      `"${input}" "${value}" is not a project ID (6-30 lowercase letters, digits and hyphens, starting with a letter).`,
    );
  }
  return value;
}

/** One of access_token_scopes. */
export function validateScope(value: string, input: string): string {
  if (!SCOPE.test(value)) {
    throw new ConfigError(
      `"${input}" must list OAuth scopes such as https://www.googleapis.com/auth/cloud-platform (an https URL ` +
        `without query or spaces) or a short name such as openid, got "${value}".`,
    );
  }
  return value;
}

/** universe: becomes part of every default host name (sts.UNIVERSE, ...). */
export function validateUniverse(value: string, input: string): string {
  if (!UNIVERSE_DOMAIN.test(value)) {
    throw new ConfigError(`"${input}" must be a domain such as googleapis.com, got "${value}".`);
  }
  return value.toLowerCase();
}

/** audience (the GitHub OIDC token's) and id_token_audience. */
export function validateAudience(value: string, input: string): string {
  if (!AUDIENCE.test(value)) {
    throw new ConfigError(
      `"${input}" must be one word of at most 2048 printable ASCII characters, such as ` +
        `https://my-service-abc123-uc.a.run.app (no spaces, line breaks or non-ASCII letters).`,
    );
  }
  return value;
}

/**
 * sts_endpoint, iamcredentials_endpoint, oauth2_endpoint: an https:// URL
 * (plain http only to this machine, for tests and local runs), without
 * credentials, query or fragment. Returns it without trailing slashes.
 */
export function validateEndpoint(value: string, input: string): string {
  // The URL parser silently drops tabs and line breaks and converts non-ASCII
  // host names; a value that needs either is not what the user meant.
  if (!/^[\x21-\x7e]+$/.test(value)) {
    throw new ConfigError(
      `"${input}" must be a URL of printable ASCII characters without spaces or line breaks, such as ` +
        'https://sts.example.p.googleapis.com/v1.',
    );
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(
      `"${input}" must be a full URL such as https://sts.example.p.googleapis.com/v1, got "${value}".`,
    );
  }
  if (url.username || url.password) {
    // Not echoed: the part before @ may be a password.
    throw new ConfigError(`"${input}" must not contain a user name or password; give the URL of the service only.`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new ConfigError(
      `"${input}" must be an https:// URL (plain http:// only to a loopback address such as 127.0.0.1 or ` +
        `localhost, for local tests): tokens sent to it would otherwise travel in clear text. Got "${url.origin}".`,
    );
  }
  if (url.search || url.hash || value.includes('?') || value.includes('#')) {
    throw new ConfigError(`"${input}" must not have a query or fragment, got "${value}".`);
  }
  if (!ENDPOINT_FORM.test(value)) {
    throw new ConfigError(
      `"${input}" must be of the form https://HOST[:PORT][/PATH], the path of letters, digits and . _ ~ - ` +
        `(such as https://sts.example.p.googleapis.com/v1), got "${value}".`,
    );
  }
  return url.href.replace(/\/+$/, '');
}

/**
 * A path input (credentials_file_location, subject_token_file,
 * executable_output_file): one line, without control or line-separator
 * characters. Such a path would be printed in the log ("Created credentials
 * file ..."), and no real path needs them. `absolute`: also refuse a relative
 * path, with `why` saying what needs it absolute.
 */
export function validatePath(value: string, input: string, absolute?: { why: string; example: string }): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(value)) {
    // Not echoed: the point is that it cannot be shown on one line.
    throw new ConfigError(`"${input}" must be a path on one line, without control characters or line breaks.`);
  }
  if (absolute && !isAbsolute(value)) {
    throw new ConfigError(
      `"${input}" must be an absolute path (${absolute.why}), such as ${absolute.example}, got "${value}".`,
    );
  }
  return value;
}

/**
 * Where plain http:// may carry a credential: this machine, and the
 * link-local address of an instance metadata service (EC2's IMDS, which a
 * token URL may also be), which only the machine itself can reach and which
 * serves no TLS.
 */
export function allowsPlainHttp(hostname: string): boolean {
  return isLoopback(hostname) || INSTANCE_METADATA_HOSTS.includes(hostname);
}
/** As WHATWG URL writes them. */
const INSTANCE_METADATA_HOSTS = ['169.254.169.254', '[fd00:ec2::254]'];

/** 127.0.0.0/8, ::1 and localhost, as WHATWG URL writes them (IPv4 normalized, IPv6 in brackets). */
export function isLoopback(hostname: string): boolean {
  return /^127(?:\.[0-9]{1,3}){3}$/.test(hostname) || hostname === '[::1]' || /^localhost\.?$/i.test(hostname);
}
