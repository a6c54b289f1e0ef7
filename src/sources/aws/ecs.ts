/**
 * Container credentials: the endpoint ECS (task roles) and EKS Pod Identity
 * give a container.
 *   AWS_CONTAINER_CREDENTIALS_RELATIVE_URI -> http://169.254.170.2<uri>  (ECS)
 *   AWS_CONTAINER_CREDENTIALS_FULL_URI     -> that URL, which must be HTTPS,
 *       loopback, or the ECS/EKS link-local addresses (the SDKs' rule: the
 *       authorization token must not go anywhere else in clear text)
 *   AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (preferred) / _TOKEN -> the
 *       Authorization header.
 */
import { EnvironmentError } from '../../errors.js';
import { isLoopback } from '../../forms.js';
import type { Http } from '../../http.js';
import { maskSecret } from '../../log.js';
import { type AwsCredentials, parseJsonCredentials } from './credentials.js';
import { awsFailure } from './errors.js';
import { readConfiguredFile } from './read-file.js';

export const ECS_SERVICE = 'ECS container credentials';
const ECS_HOST = 'http://169.254.170.2';
/** ECS, EKS Pod Identity (IPv4 and IPv6). */
const LINK_LOCAL_HOSTS = new Set(['169.254.170.2', '169.254.170.23', '[fd00:ec2::23]']);

/** True when the environment points at a container credentials endpoint. */
export function hasContainerCredentials(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env['AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'] || env['AWS_CONTAINER_CREDENTIALS_FULL_URI']);
}

export async function containerCredentials(http: Http, env: NodeJS.ProcessEnv): Promise<AwsCredentials> {
  const { url, variable } = endpointOf(env);
  const source = `${ECS_SERVICE} (${variable})`;
  const token = await authorizationToken(env);
  try {
    const res = await http.request({
      service: ECS_SERVICE,
      method: 'GET',
      url,
      headers: token ? { Authorization: token } : {},
    });
    return parseJsonCredentials(res.body, source);
  } catch (err) {
    throw awsFailure(`Reading ${source}`, err);
  }
}

function endpointOf(env: NodeJS.ProcessEnv): { url: string; variable: string } {
  const relative = env['AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'];
  if (relative) {
    return {
      url: `${ECS_HOST}${relative.startsWith('/') ? '' : '/'}${relative}`,
      variable: 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
    };
  }
  const full = env['AWS_CONTAINER_CREDENTIALS_FULL_URI'] ?? '';
  let url: URL;
  try {
    url = new URL(full);
  } catch {
    throw new EnvironmentError(`AWS_CONTAINER_CREDENTIALS_FULL_URI is not a URL: "${full}".`);
  }
  const allowed =
    url.protocol === 'https:' ||
    (url.protocol === 'http:' && (isLoopback(url.hostname) || LINK_LOCAL_HOSTS.has(url.hostname)));
  if (!allowed) {
    throw new EnvironmentError(
      `AWS_CONTAINER_CREDENTIALS_FULL_URI "${url.origin}" must use HTTPS, a loopback address, or the ECS/EKS ` +
        'link-local address (169.254.170.2, 169.254.170.23, fd00:ec2::23): the AWS SDKs refuse other plain-HTTP hosts.',
    );
  }
  return { url: url.href, variable: 'AWS_CONTAINER_CREDENTIALS_FULL_URI' };
}

async function authorizationToken(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const file = env['AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE'];
  let token = env['AWS_CONTAINER_AUTHORIZATION_TOKEN'];
  if (file) token = await readConfiguredFile(file, 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE');
  if (token?.includes('\n') || token?.includes('\r')) {
    throw new EnvironmentError('The container authorization token contains a line break, which no HTTP header may.');
  }
  maskSecret(token);
  return token || undefined;
}
