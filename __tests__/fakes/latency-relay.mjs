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
 * One direction of a relayed connection: chunks leave in order, each no
 * earlier than its due time.
 * @param {net.Socket} to
 * @param {() => void} onDrainedEnd called once the end of the stream has been delivered
 */
function delayedPipe(to, onDrainedEnd) {
  /** @type {Array<{ at: number, chunk: Buffer | null }>} */
  const queue = [];
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  let last = 0;
  const flush = () => {
    timer = undefined;
    const now = performance.now();
    while (queue.length > 0 && /** @type {{ at: number }} */ (queue[0]).at <= now + 0.5) {
      const { chunk } = /** @type {{ chunk: Buffer | null }} */ (queue.shift());
      if (chunk === null) {
        to.end();
        onDrainedEnd();
      } else if (!to.destroyed) {
        to.write(chunk);
      }
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
    /** @param {Buffer | null} chunk null for the end of the stream */
    push(chunk, /** @type {number} */ at) {
      last = Math.max(last, at);
      queue.push({ at: last, chunk });
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
 * @param {{ upstreamPort: number, rttMs: number, port?: number, maxConnections?: number }} options
 *   `port`: listen there (default: a random port).
 * @returns {Promise<LatencyRelay>}
 */
export async function startLatencyRelay({ upstreamPort, rttMs, port = 0, maxConnections = 64 }) {
  const half = rttMs / 2;
  /** @type {Set<net.Socket>} */
  const sockets = new Set();
  let connectionCount = 0;

  const server = net.createServer((client) => {
    connectionCount += 1;
    const accepted = performance.now();
    const upstream = net.connect({ host: '127.0.0.1', port: upstreamPort });
    for (const s of [client, upstream]) {
      s.setNoDelay(true);
      sockets.add(s);
    }
    let ends = 0;
    const closeBoth = () => {
      toServer.cancel();
      toClient.cancel();
      client.destroy();
      upstream.destroy();
    };
    const ended = () => {
      ends += 1;
      if (ends === 2) closeBoth();
    };
    const toServer = delayedPipe(upstream, ended);
    const toClient = delayedPipe(client, ended);
    // First data no earlier than the end of the modelled TCP handshake.
    const firstDelivery = accepted + rttMs + half;
    client.on('data', (chunk) => toServer.push(chunk, Math.max(performance.now() + half, firstDelivery)));
    client.on('end', () => toServer.push(null, performance.now() + half));
    upstream.on('data', (chunk) => toClient.push(chunk, performance.now() + half));
    upstream.on('end', () => toClient.push(null, performance.now() + half));
    // A reset travels like data: the other side learns of it half a round trip later.
    for (const [s, other] of [
      [client, upstream],
      [upstream, client],
    ]) {
      s.on('error', () => setTimeout(closeBoth, half).unref());
      s.on('close', () => {
        sockets.delete(s);
        if (!other.destroyed && ends < 2) setTimeout(closeBoth, half).unref();
      });
    }
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
  await new Promise((resolve, reject) => {
    fake.server.once('error', reject);
    fake.server.listen(0, '127.0.0.1', () => resolve(undefined));
  });
  const moved = /** @type {net.AddressInfo} */ (fake.server.address()).port;
  return startLatencyRelay({ upstreamPort: moved, rttMs, port });
}
