/**
 * Which requests go through a proxy. @actions/http-client decides from
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY (process.env, read per request), with
 * one exception of ours: instance and container metadata (EC2 IMDS, ECS
 * credentials, Google Cloud's metadata server at metadata.google.internal)
 * live on link-local addresses that only the machine itself can reach. A
 * proxy cannot reach them, and IMDSv2 refuses proxied requests on purpose;
 * the AWS SDKs never proxy them, and neither do we.
 *
 * The exception is applied where the request is prepared (`directHandler`,
 * which puts a direct agent in place of http-client's proxy agent), not by
 * adding these hosts to NO_PROXY: the process's environment is not ours to
 * change, and a program the step runs (executable_command) gets it as the
 * workflow set it.
 */
import * as http from 'node:http';
import * as https from 'node:https';

import type { RequestHandler } from '@actions/http-client/lib/interfaces';
import { getProxyUrl } from '@actions/http-client/lib/proxy';

/** Matched as NO_PROXY entries are: the host itself or any name under it. */
const INSTANCE_METADATA_HOSTS = [
  '169.254.169.254',
  '169.254.170.2',
  '169.254.170.23',
  '[fd00:ec2::254]',
  '[fd00:ec2::23]',
  'metadata.google.internal',
];

/** True for the instance and container metadata addresses, which are never proxied. */
export function isInstanceMetadata(url: URL): boolean {
  const host = url.hostname.toLowerCase();
  return INSTANCE_METADATA_HOSTS.some((entry) => host === entry || host.endsWith(`.${entry}`));
}

/** The proxy a request to `url` goes through, or undefined when it goes direct. */
export function proxyFor(url: URL): URL | undefined {
  return isInstanceMetadata(url) ? undefined : getProxyUrl(url);
}

/**
 * For a client of an instance metadata origin: a handler that sends each of
 * its requests straight there, on a keep-alive agent of its own (as
 * http-client's own direct agent would), whatever proxy the environment names.
 * `close()` frees its sockets.
 */
export function directHandler(url: URL): { handler: RequestHandler; close(): void } {
  const agent = url.protocol === 'https:' ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  return {
    handler: {
      prepareRequest: (options) => {
        options.agent = agent;
      },
      canHandleAuthentication: () => false,
      handleAuthentication: () => Promise.reject(new Error('not an authentication handler')),
    },
    close: () => agent.destroy(),
  };
}
