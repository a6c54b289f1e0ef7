/**
 * The benchmark's emulated wide-area link (__tests__/fakes/latency-relay.mjs):
 * what it delays, that it keeps the bytes and their order, and that the fake
 * behind it keeps its URL. Only lower bounds on time are asserted: a loaded
 * machine can make a round trip slower, never faster.
 */
import * as http from 'node:http';

import { type FakeServer, jsonResponse, startFakeServer } from '../fakes/index.mjs';
import { interpose, type LatencyRelay } from '../fakes/latency-relay.mjs';

const RTT = 60;
let fake: FakeServer;
let relay: LatencyRelay;
let body = '';

beforeAll(async () => {
  body = 'x'.repeat(1 << 20) + 'end';
  fake = await startFakeServer({
    name: 'far',
    handler: (req) => (req.path === '/big' ? { status: 200, body } : jsonResponse(200, { echo: req.body })),
  });
  relay = await interpose(fake, { rttMs: RTT });
});
afterAll(async () => {
  await relay?.close();
  await fake?.close();
});

function post(agent: http.Agent, path: string, data: string): Promise<{ ms: number; text: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(`${fake.origin}${path}`, { method: 'POST', agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ ms: performance.now() - started, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

it('the fake keeps its origin; the first request costs the TCP handshake and the request, the next one at least the request', async () => {
  // One socket: the second request waits for the first one's, never opens another.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const first = await post(agent, '/a', 'one');
    const second = await post(agent, '/b', 'two');
    expect(JSON.parse(first.text)).toEqual({ echo: 'one' });
    expect(JSON.parse(second.text)).toEqual({ echo: 'two' });
    expect(first.ms).toBeGreaterThanOrEqual(2 * RTT - 1);
    expect(second.ms).toBeGreaterThanOrEqual(RTT - 1);
    // One upstream connection per relayed one (keep-alive reuse itself is the client's business).
    expect(relay.connectionCount).toBeGreaterThan(0);
    expect(fake.connectionCount).toBe(relay.connectionCount);
  } finally {
    agent.destroy();
  }
});

it('delivers a large answer whole and in order, on one new connection after another', async () => {
  const agent = new http.Agent({ keepAlive: false });
  try {
    for (let i = 0; i < 3; i++) {
      const res = await post(agent, '/big', '');
      expect(res.text.length).toBe(body.length);
      expect(res.text === body).toBe(true);
    }
  } finally {
    agent.destroy();
  }
}, 10_000);
