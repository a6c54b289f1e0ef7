/**
 * Preconnect: open the connections the rest of the step will need while its
 * first request is in flight, and hand each one to the first request to its
 * origin.
 *
 * Why: the step's calls depend on each other (GitHub OIDC -> STS -> IAM
 * Credentials), so they run one after another, and each new HTTPS connection
 * costs two round trips (TCP, TLS) before its request's own. Opening STS and
 * IAM Credentials while the OIDC request runs leaves one round trip for each
 * later call: 5 instead of 9 for WIF + service account on a real network.
 *
 * The rules:
 *   - one connection per origin, opened at most once; the agent keeps it
 *     alive for every later request to that origin, as @actions/http-client's
 *     own agent would;
 *   - a preconnect never fails a request: if it failed (or the server closed
 *     it), the request connects as it would have without it, with its usual
 *     retries and errors;
 *   - no requests of its own, and nothing that keeps the process alive:
 *     sockets nobody claimed are unref'd, and `close()` destroys them all;
 *   - not through a proxy (HTTPS_PROXY / HTTP_PROXY): those requests keep
 *     http-client's tunnel agent and connect when they are made.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as tls from 'node:tls';

import type { RequestHandler } from '@actions/http-client/lib/interfaces';
import { getProxyUrl } from '@actions/http-client/lib/proxy';

import { AWS_REGION_FORM, type Config } from './config.js';
import { stsEndpoint } from './sources/aws/region.js';

/** What http-client's agents pass on to new sockets (keepAlive: true), kept the same for ours. */
const KEEP_ALIVE_INITIAL_DELAY_MS = 1000;

/**
 * The origins a configuration will call after its first request: the ones
 * worth opening early. The first request itself (GitHub OIDC, the AWS
 * credential lookup, or the only call of a key) connects as usual.
 */
export function originsFor(config: Config, env: NodeJS.ProcessEnv): string[] {
  const urls: string[] = [];
  const { endpoints, serviceAccount: sa, tokenFormat } = config;
  const federated = config.auth.kind === 'workload_identity';
  if (config.auth.kind === 'workload_identity') {
    urls.push(endpoints.sts);
    const source = config.auth.source;
    if (source.kind === 'aws' && source.role) {
      // AssumeRole goes to the regional AWS STS host, when the region is known
      // without asking anyone (a profile's or the instance's is found later).
      const region = [source.region, env['AWS_REGION'], env['AWS_DEFAULT_REGION']].map((r) => r?.trim()).find((r) => r);
      if (region && AWS_REGION_FORM.test(region)) urls.push(stsEndpoint(region, env));
    }
  }
  const delegation = tokenFormat === 'access_token' && config.accessToken.subject !== undefined;
  if (sa) {
    // A key signs the delegation JWT itself; federation asks IAM Credentials to.
    const iam =
      (tokenFormat === 'access_token' && (!delegation || federated)) ||
      (tokenFormat === 'id_token' && config.idToken.audience !== undefined);
    if (iam) urls.push(endpoints.iamcredentials);
    if (delegation) urls.push(endpoints.oauth2);
  }
  return urls;
}

/** One early connection: opened once, handed over at most once. */
class Preconnection {
  private socket: net.Socket | undefined;
  private alive = false;
  /** Set by destroy(): the step is over, so nothing may connect any more. */
  closed = false;
  private readonly ready: Promise<void>;

  constructor(url: URL) {
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const secure = url.protocol === 'https:';
    const port = Number(url.port) || (secure ? 443 : 80);
    const socket = secure
      ? // SNI takes a host name, never an IP address (as node:https decides).
        tls.connect({ host, port, ...(net.isIP(host) ? {} : { servername: host }) })
      : net.connect({ host, port });
    this.socket = socket;
    socket.setKeepAlive(true, KEEP_ALIVE_INITIAL_DELAY_MS);
    socket.unref();
    this.ready = new Promise((resolve) => {
      socket.once(secure ? 'secureConnect' : 'connect', () => {
        this.alive = true;
        resolve();
      });
      socket.once('close', () => {
        this.alive = false;
        resolve();
      });
    });
    // Until a request owns it, an error only means "connect afresh instead".
    socket.on('error', this.onUnclaimedError);
  }

  private readonly onUnclaimedError = (): void => {
    this.alive = false;
    this.socket?.destroy();
  };

  /** The open socket, once the handshake is over; undefined if it failed or was closed. */
  async claim(): Promise<net.Socket | undefined> {
    await this.ready;
    const socket = this.socket;
    this.socket = undefined;
    if (!socket || !this.alive || socket.destroyed) {
      socket?.destroy();
      return undefined;
    }
    socket.off('error', this.onUnclaimedError);
    socket.ref();
    return socket;
  }

  destroy(): void {
    this.closed = true;
    this.socket?.destroy();
    this.socket = undefined;
  }
}

type CreateConnection = (options: object, callback: (err: Error | null, socket?: net.Socket) => void) => unknown;

/** A keep-alive agent whose first new socket is the preconnected one. */
function agentWith(url: URL, preconnection: Preconnection): http.Agent {
  const agent = url.protocol === 'https:' ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  const own = agent as unknown as { createConnection: CreateConnection };
  const connect = own.createConnection.bind(agent);
  let claimed = false;
  // Node's agent accepts a socket returned now or passed to the callback later.
  own.createConnection = (options, callback) => {
    if (claimed) return connect(options, callback);
    claimed = true;
    void preconnection.claim().then((socket) => {
      if (preconnection.closed) {
        callback(new Error('the connection was closed before the request could use it'));
        return;
      }
      if (socket) {
        callback(null, socket);
        return;
      }
      try {
        callback(null, connect(options, () => undefined) as net.Socket);
      } catch (err) {
        callback(err as Error);
      }
    });
    return undefined;
  };
  return agent;
}

export class Connections {
  private readonly preconnections = new Map<string, Preconnection>();
  private readonly agents = new Map<string, http.Agent>();

  /** Starts opening a connection to each origin (once, not through a proxy). Never throws. */
  preconnect(urls: Iterable<string>): void {
    for (const text of urls) {
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        continue; // the request itself reports a bad URL
      }
      if (this.preconnections.has(url.origin) || !/^https?:$/.test(url.protocol) || getProxyUrl(url)) continue;
      try {
        const preconnection = new Preconnection(url);
        this.preconnections.set(url.origin, preconnection);
        this.agents.set(url.origin, agentWith(url, preconnection));
      } catch {
        // e.g. an invalid port: the request connects (and fails) as usual
      }
    }
  }

  /** Puts the origin's agent, if it was preconnected, on each request http-client prepares. */
  handlerFor(origin: string): RequestHandler {
    return {
      prepareRequest: (options) => {
        const agent = this.agents.get(origin);
        if (agent) options.agent = agent;
      },
      canHandleAuthentication: () => false,
      handleAuthentication: () => Promise.reject(new Error('not an authentication handler')),
    };
  }

  /** Closes every connection, used or not, so the process exits at once. */
  close(): void {
    for (const p of this.preconnections.values()) p.destroy();
    for (const agent of this.agents.values()) agent.destroy();
    this.preconnections.clear();
    this.agents.clear();
  }
}
