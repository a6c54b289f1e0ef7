/** Types of latency-relay.mjs: a TCP relay on 127.0.0.1 that emulates a wide-area link. */

export interface LatencyRelay {
  port: number;
  /** Connections accepted so far. */
  readonly connectionCount: number;
  close(): Promise<void>;
}
