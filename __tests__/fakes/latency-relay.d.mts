/** Types of latency-relay.mjs: a TCP relay on 127.0.0.1 that emulates a wide-area link. */
import type { Server } from 'node:net';

export interface LatencyRelay {
  port: number;
  /** Connections accepted so far. */
  readonly connectionCount: number;
  close(): Promise<void>;
}

/** A relay on 127.0.0.1 (`port`, or a random one) to 127.0.0.1:`upstreamPort`. */
export declare function startLatencyRelay(options: {
  upstreamPort: number | (() => number);
  rttMs: number;
  port?: number;
  maxConnections?: number;
}): Promise<LatencyRelay>;

/** Moves a running fake to a new port and puts a relay on its old one, so its origin stays the same. */
export declare function interpose(
  fake: { port: number; server: Server },
  options: { rttMs: number },
): Promise<LatencyRelay>;
