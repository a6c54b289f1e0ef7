// @ts-check
/**
 * A forward proxy on 127.0.0.1 like the ones self-hosted runners sit behind:
 * CONNECT tunnels (what clients use for https://, and what
 * @actions/http-client's tunnel agent uses for every target) plus plain
 * absolute-URI requests. Names ending in ".test" resolve to 127.0.0.1.
 * Records which hosts it was asked for.
 */
import http from 'node:http';
import net from 'node:net';

/**
 * @returns {Promise<{ url: string, requests: Array<{ method: string, target: string }>, close(): Promise<void> }>}
 */
export async function startConnectProxy() {
  /** @type {Array<{ method: string, target: string }>} */
  const requests = [];
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set();
  const resolve = (/** @type {string} */ host) => (/\.test$/i.test(host) ? '127.0.0.1' : host);

  const server = http.createServer((req, res) => {
    // Plain proxying: the request line holds the absolute URL.
    requests.push({ method: req.method ?? '', target: req.url ?? '' });
    const target = new URL(req.url ?? '');
    const upstream = http.request(
      {
        host: resolve(target.hostname),
        port: target.port,
        path: target.pathname + target.search,
        method: req.method,
        headers: req.headers,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('connect', (req, client, head) => {
    requests.push({ method: 'CONNECT', target: req.url ?? '' });
    const [host = '', port = '443'] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), resolve(host), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', () => done(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    close: () =>
      new Promise((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done(undefined));
      }),
  };
}
