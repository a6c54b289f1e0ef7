/**
 * Picks the subject source for Workload Identity Federation. A new source is
 * a new module plus one case here.
 */
import type { WorkloadIdentityAuth } from '../config.js';
import type { Http } from '../http.js';
import type { Log } from '../log.js';
import { GitHubOidcSource } from './github-oidc.js';
import type { SubjectSource } from './subject-source.js';

export function selectSubjectSource(
  auth: WorkloadIdentityAuth,
  env: NodeJS.ProcessEnv,
  http: Http,
  log: Log,
): SubjectSource {
  return new GitHubOidcSource(env, auth.oidcAudience, http, log);
}
