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
 *   - through an http:// proxy (HTTPS_PROXY) the early connection is the
 *     CONNECT tunnel with TLS inside, as http-client's tunnel agent opens it;
 *     any other request to that origin still goes to the tunnel agent.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as tls from 'node:tls';

import type { RequestHandler } from '@actions/http-client/lib/interfaces';

import { proxyFor } from './proxy.js';

/** What http-client's agents pass on to new sockets (keepAlive: true), kept the same for ours. */
const KEEP_ALIVE_INITIAL_DELAY_MS = 1000;

/** One early connection: opened once, handed over at most once. */
class Preconnection {
  /** The socket requests would use (TLS for https:), once it exists. */
  private socket: net.Socket | undefined;
  /** The TCP socket under it: what keeps the process alive or not. */
  private tcp: net.Socket | undefined;
  private connectRequest: http.ClientRequest | undefined;
  private alive = false;
  /** Set by destroy(): the step is over, so nothing may connect any more. */
  closed = false;
  private readonly ready: Promise<void>;

  /** `proxy`: an http:// proxy to open a CONNECT tunnel through, as @actions/http-client's tunnel agent does. */
  constructor(url: URL, proxy?: URL) {
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const secure = url.protocol === 'https:';
    const port = Number(url.port) || (secure ? 443 : 80);
    this.ready = new Promise((resolve) => {
      const settle = (alive: boolean) => {
        this.alive = alive;
        resolve();
      };
      const start = (tunnel?: net.Socket) => {
        // SNI takes a host name, never an IP address (as node:https decides).
        const names = { host, ...(net.isIP(host) ? {} : { servername: host }) };
        const socket = secure
          ? tls.connect(tunnel ? { socket: tunnel, ...names } : { port, ...names })
          : (tunnel ?? net.connect({ host, port }));
        this.socket = socket;
        this.tcp = tunnel ?? socket;
        this.tcp.setKeepAlive(true, KEEP_ALIVE_INITIAL_DELAY_MS);
        this.tcp.unref();
        // Until a request owns it, an error only means "connect afresh instead".
        socket.on('error', this.onUnclaimedError);
        socket.once(secure ? 'secureConnect' : 'connect', () => settle(true));
        socket.once('close', () => settle(false));
      };
      if (!proxy) {
        start();
        return;
      }
      const target = `${url.hostname}:${port}`;
      const auth = proxy.username || proxy.password ? `${proxy.username}:${proxy.password}` : undefined;
      const request = http.request({
        host: proxy.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: Number(proxy.port) || 80,
        method: 'CONNECT',
        path: target,
        agent: false,
        headers: {
          host: target,
          ...(auth ? { 'Proxy-Authorization': `Basic ${Buffer.from(auth).toString('base64')}` } : {}),
        },
      });
      this.connectRequest = request;
      request.on('socket', (socket) => socket.unref());
      request.once('connect', (res, tunnel, head) => {
        this.connectRequest = undefined;
        if (res.statusCode !== 200 || head.length > 0 || this.closed) {
          tunnel.destroy();
          settle(false);
          return;
        }
        start(tunnel);
      });
      request.once('error', () => settle(false));
      request.end();
    });
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
    this.tcp?.ref();
    return socket;
  }

  destroy(): void {
    this.closed = true;
    this.connectRequest?.destroy();
    this.socket?.destroy();
    this.tcp?.destroy();
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

/**
 * Through a proxy the request's agent is http-client's tunnel agent, which
 * opens a CONNECT tunnel per request (and keeps none alive). This stands in
 * front of it: the first request gets the preconnected tunnel, any other (or
 * the first, if the preconnect failed) goes to the tunnel agent as before.
 */
function tunnelAgentWith(preconnection: Preconnection): { agent: http.Agent; fallback: (agent: unknown) => void } {
  let tunnelAgent: http.Agent | undefined;
  let claimed = false;
  const agent = {
    addRequest(req: http.ClientRequest, options: object): void {
      const fallback = tunnelAgent as unknown as { addRequest(req: http.ClientRequest, options: object): void };
      if (claimed) return fallback.addRequest(req, options);
      claimed = true;
      void preconnection.claim().then((socket) => {
        if (preconnection.closed) req.destroy(new Error('the connection was closed before the request could use it'));
        else if (socket) req.onSocket(socket);
        else fallback.addRequest(req, options);
      });
    },
  };
  return {
    agent: agent as unknown as http.Agent,
    fallback: (a) => {
      tunnelAgent ??= a as http.Agent;
    },
  };
}

export class Connections {
  private readonly preconnections = new Map<string, Preconnection>();
  private readonly agents = new Map<string, http.Agent>();
  /** Proxied origins: hands the tunnel agent http-client chose to our stand-in. */
  private readonly tunnelFallbacks = new Map<string, (agent: unknown) => void>();

  /**
   * Starts opening a connection to each origin, once: directly, or as a CONNECT
   * tunnel through an http:// proxy. Never throws.
   */
  preconnect(urls: Iterable<string>): void {
    for (const text of urls) {
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        continue; // the request itself reports a bad URL
      }
      if (this.preconnections.has(url.origin) || !/^https?:$/.test(url.protocol)) continue;
      const proxy = proxyFor(url);
      // http-client tunnels https:// only through http:// proxies with its CONNECT agent; leave the rest as it is.
      if (proxy && (proxy.protocol !== 'http:' || url.protocol !== 'https:')) continue;
      try {
        const preconnection = new Preconnection(url, proxy);
        this.preconnections.set(url.origin, preconnection);
        if (proxy) {
          const { agent, fallback } = tunnelAgentWith(preconnection);
          this.agents.set(url.origin, agent);
          this.tunnelFallbacks.set(url.origin, fallback);
        } else {
          this.agents.set(url.origin, agentWith(url, preconnection));
        }
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
        if (!agent) return;
        this.tunnelFallbacks.get(origin)?.(options.agent);
        options.agent = agent;
      },
      canHandleAuthentication: () => false,
      handleAuthentication: () => Promise.reject(new Error('not an authentication handler')),
    };
  }

  /** Closes every connection, used or not, so the process exits at once. */
  close(): void {
    for (const p of this.preconnections.values()) p.destroy();
    for (const agent of this.agents.values()) agent.destroy?.();
    this.preconnections.clear();
    this.tunnelFallbacks.clear();
    this.agents.clear();
  }
}
