/**
 * Which origins a run will call after its first request, and so are worth
 * opening early (connections.ts opens them). A policy over the Config: it
 * knows which stages ask which service for what; the socket layer knows only
 * URLs.
 */
import type { Config } from './config.js';

/**
 * The origins this configuration calls after its first request. The first
 * request itself (GitHub OIDC, the AWS credential lookup, or the only call of
 * a key) connects as usual.
 */
export function originsFor(config: Config, env: NodeJS.ProcessEnv): string[] {
  const urls: string[] = [];
  const { endpoints, serviceAccount: sa, tokenFormat } = config;
  // A key signs the delegation JWT itself; federation and the metadata server's account ask IAM Credentials to.
  const asksIamToSign = config.auth.kind !== 'service_account_key';
  if (config.auth.kind === 'workload_identity') {
    urls.push(endpoints.sts, ...(config.auth.source.laterOrigins?.(env) ?? []));
  }
  const delegation = tokenFormat === 'access_token' && config.accessToken.subject !== undefined;
  if (sa) {
    const iam =
      config.checkImpersonation ||
      (tokenFormat === 'access_token' && (!delegation || asksIamToSign)) ||
      (tokenFormat === 'id_token' && config.idToken.audience !== undefined);
    if (iam) urls.push(endpoints.iamcredentials);
    if (delegation) urls.push(endpoints.oauth2);
  }
  return urls;
}
