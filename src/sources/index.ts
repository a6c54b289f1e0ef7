/**
 * Picks the subject source for Workload Identity Federation. A new source is
 * a new module plus one case here.
 */
import type { WorkloadIdentityAuth } from '../config.js';
import type { Http } from '../http.js';
import type { Log } from '../log.js';
import { GitHubOidcSource } from './github-oidc.js';
import type { SubjectSource } from './subject-source.js';

export async function selectSubjectSource(
  auth: WorkloadIdentityAuth,
  env: NodeJS.ProcessEnv,
  http: Http,
  log: Log,
): Promise<SubjectSource> {
  switch (auth.source.kind) {
    case 'github':
      return new GitHubOidcSource(env, auth.oidcAudience, http, log);
    case 'aws': {
      // Loaded only here, so the GitHub path never loads (or pays for) the AWS code.
      const { AwsSource } = await import('./aws/aws-source.js');
      return new AwsSource(auth, auth.source, env, http, log);
    }
  }
}
