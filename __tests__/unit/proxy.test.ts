/**
 * src/proxy.ts through the real HTTP layer: which requests go through
 * HTTP_PROXY. No nock in this suite (nor support/unit.ts, which loads it): its
 * interception does not keep the agents that decide the route, so a real
 * proxy and a real server on 127.0.0.1 stand in for the network.
 */
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

import { Http } from '../../src/http.js';
import { startConnectProxy } from '../fakes/index.mjs';

const quiet = { debug: () => undefined, info: () => undefined, warning: () => undefined };
const PROXY_VARIABLES = ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'NO_PROXY', 'no_proxy'];

it('sends a metadata request straight to the server, others through HTTP_PROXY, and leaves the environment', async () => {
  const server = createServer((_req, res) => res.end('{"direct":true}'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const proxy = await startConnectProxy();
  // metadata.google.internal resolves to the local server here; other.test only through the proxy, which resolves it.
  const dns = createRequire(import.meta.url)('node:dns') as { lookup: (...args: unknown[]) => void };
  const lookup = dns.lookup;
  dns.lookup = (host: unknown, ...rest: unknown[]) =>
    lookup(host === 'metadata.google.internal' ? '127.0.0.1' : host, ...rest);
  const saved = { ...process.env };
  for (const name of PROXY_VARIABLES) delete process.env[name];
  process.env['HTTP_PROXY'] = proxy.url;
  const before = { ...process.env };
  const http = new Http({ userAgent: 'test-agent/1.0', retries: 0, requestTimeoutMs: 2000, log: quiet });
  try {
    const metadata = await http.request({
      service: 'Metadata server',
      method: 'GET',
      url: `http://metadata.google.internal:${port}/computeMetadata/v1/`,
    });
    expect(metadata.body).toBe('{"direct":true}');
    expect(proxy.requests).toEqual([]);

    const other = await http.request({ service: 'Other', method: 'GET', url: `http://other.test:${port}/x` });
    expect(other.body).toBe('{"direct":true}');
    expect(proxy.requests).toEqual([{ method: 'CONNECT', target: `other.test:${port}` }]);
    expect(process.env).toEqual(before); // no NO_PROXY entries added, nothing else changed
  } finally {
    http.dispose();
    dns.lookup = lookup;
    process.env = saved;
    await proxy.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
