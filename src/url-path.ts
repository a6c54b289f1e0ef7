/**
 * Builds request URLs from a base URL and path parts, so that no part can
 * add a path segment, a query or a fragment, whatever it holds (issue 11).
 * The clients of each service (google/*.ts, sources/*) build their URLs with
 * these, in one function each.
 */

/**
 * One path segment, percent-encoded: `/ ? # % :` and everything outside the
 * unreserved set are escaped. `@` is kept: it is legal in a path, and the
 * tools that read service_account_impersonation_url from the credentials file
 * (google-auth-library, gcloud) take the service account email out of it
 * unencoded.
 */
export function pathSegment(part: string): string {
  // URL normalization removes "." and ".." segments: they would climb the path. (Their encoded forms
  // cannot occur: "%" itself is encoded.)
  if (part === '' || part === '.' || part === '..') throw new Error(`Not a path segment: "${part}"`);
  return encodeURIComponent(part).replace(/%40/g, '@');
}

/** `base` (an endpoint without query or fragment) followed by the given segments, each encoded. */
export function urlOf(base: string, ...segments: string[]): string {
  return `${base.replace(/\/+$/, '')}/${segments.map(pathSegment).join('/')}`;
}
