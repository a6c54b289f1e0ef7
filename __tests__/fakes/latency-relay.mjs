// @ts-check
/**
 * A wide-area link on loopback: a TCP relay that delays every chunk by half a
 * round trip in each direction, and the TCP handshake of each new connection
 * by one more round trip. TLS passes through untouched, so a client talking
 * HTTPS through the relay pays its handshakes in full, as on a real network.
 *
 * Why the handshake is modelled on the data: on loopback the kernel completes
 * connect() at once, so the relay cannot slow the SYN / SYN-ACK down. What a
 * client sees on a real link is that its first byte reaches the server one
 * and a half round trips after it called connect() (one for SYN / SYN-ACK,
 * half for the data). So nothing the client sends is delivered before
 * `accepted + 1.5 RTT`, and every later chunk half a round trip after it was
 * sent; answers travel back half a round trip late. Chunks keep their order.
 *
 * `interpose(fake, { rttMs })` puts a relay in front of a running fake
 * without changing its URLs: the fake moves to a new port and the relay takes
 * its old one. The fakes derive token audiences from their own origins, so
 * the action must keep calling the same origin.
 *
 * Loopback only, and bounded: at most `maxConnections` live connections,
 * timers unref'd, close() destroys everything.
 */
import net from 'node:net';

/**
 * @typedef {{
 *   port: number,
 *   readonly connectionCount: number,
 *   close(): Promise<void>,
 * }} LatencyRelay
 */

/**
 * One direction of a relayed connection: chunks, the end of the stream and a
 * hang-up leave in order, each no earlier than its due time.
 * @param {net.Socket} to
 */
function delayedPipe(to) {
  /** @type {Array<{ at: number, item: Buffer | 'end' | 'destroy' }>} */
  const queue = [];
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  let last = 0;
  const flush = () => {
    timer = undefined;
    const now = performance.now();
    while (queue.length > 0 && /** @type {{ at: number }} */ (queue[0]).at <= now + 0.5) {
      const { item } = /** @type {{ item: Buffer | 'end' | 'destroy' }} */ (queue.shift());
      if (to.destroyed) continue;
      if (item === 'end') to.end();
      else if (item === 'destroy') to.destroy();
      else to.write(item);
    }
    if (queue.length > 0) arm();
  };
  const arm = () => {
    if (timer !== undefined || queue.length === 0) return;
    const wait = Math.max(0, /** @type {{ at: number }} */ (queue[0]).at - performance.now());
    timer = setTimeout(flush, wait);
    timer.unref();
  };
  return {
    /**
     * @param {Buffer | 'end' | 'destroy'} item
     * @param {number} at due time (performance.now() ms); never before an earlier item
     */
    push(item, at) {
      last = Math.max(last, at);
      queue.push({ at: last, item });
      arm();
    },
    cancel() {
      clearTimeout(timer);
      queue.length = 0;
    },
  };
}

/**
 * Start a relay on 127.0.0.1 that forwards to `upstream` over the emulated link.
 * @param {{ upstreamPort: number | (() => number), rttMs: number, port?: number, maxConnections?: number }} options
 *   `port`: listen there (default: a random port). `upstreamPort` may be a
 *   function, asked at each connection.
 * @returns {Promise<LatencyRelay>}
 */
export async function startLatencyRelay({ upstreamPort, rttMs, port = 0, maxConnections = 64 }) {
  const half = rttMs / 2;
  /** @type {Set<net.Socket>} */
  const sockets = new Set();
  let connectionCount = 0;

  // Half-open allowed: a FIN must travel the link like data, not be answered at once.
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    connectionCount += 1;
    const accepted = performance.now();
    const upstream = net.connect({
      host: '127.0.0.1',
      port: typeof upstreamPort === 'function' ? upstreamPort() : upstreamPort,
      allowHalfOpen: true,
    });
    for (const s of [client, upstream]) {
      s.setNoDelay(true);
      sockets.add(s);
      s.on('error', () => undefined); // followed by 'close', handled below
    }
    const toServer = delayedPipe(upstream);
    const toClient = delayedPipe(client);
    // First data no earlier than the end of the modelled TCP handshake.
    const firstDelivery = accepted + rttMs + half;
    const dueToServer = () => Math.max(performance.now() + half, firstDelivery);
    const dueToClient = () => performance.now() + half;
    client.on('data', (chunk) => toServer.push(chunk, dueToServer()));
    client.on('end', () => toServer.push('end', dueToServer()));
    upstream.on('data', (chunk) => toClient.push(chunk, dueToClient()));
    upstream.on('end', () => toClient.push('end', dueToClient()));
    // A hang-up travels like data: the other side learns of it half a round trip later, after what was sent before.
    client.on('close', () => {
      sockets.delete(client);
      toServer.push('destroy', dueToServer());
    });
    upstream.on('close', () => {
      sockets.delete(upstream);
      toClient.push('destroy', dueToClient());
    });
  });
  server.maxConnections = maxConnections;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(undefined));
  });
  const address = /** @type {net.AddressInfo} */ (server.address());
  return {
    port: address.port,
    get connectionCount() {
      return connectionCount;
    },
    async close() {
      const done = new Promise((resolve) => server.close(() => resolve(undefined)));
      for (const s of sockets) s.destroy();
      await done;
    },
  };
}

/**
 * Put a relay in front of a running fake, keeping the fake's origin: the
 * fake's listener moves to a fresh port and the relay listens on the old one.
 * Call before any client connects. Close the relay before the fake.
 * @param {{ port: number, server: import('node:net').Server }} fake a FakeServer
 * @param {{ rttMs: number }} options
 * @returns {Promise<LatencyRelay>}
 */
export async function interpose(fake, { rttMs }) {
  const { port } = fake;
  await new Promise((resolve) => fake.server.close(() => resolve(undefined)));
  // The relay takes the freed port at once (the smaller the gap, the less
  // chance that anything else takes it); the fake then gets a new one.
  let moved = 0;
  const relay = await startLatencyRelay({ upstreamPort: () => moved, rttMs, port });
  await new Promise((resolve, reject) => {
    fake.server.once('error', reject);
    fake.server.listen(0, '127.0.0.1', () => resolve(undefined));
  });
  moved = /** @type {net.AddressInfo} */ (fake.server.address()).port;
  return relay;
}
