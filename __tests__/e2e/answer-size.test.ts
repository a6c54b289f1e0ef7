/**
 * Every answer the action reads is capped (src/http.ts, MAX_ANSWER_BYTES,
 * 1 MiB), end to end through the bundled action: a token URL that answers
 * 8 MiB and an IAM Credentials that answers a 32 MiB access token (chunked,
 * so that only counting the bytes can stop it) are refused at once, with the
 * service and the limit, and nothing reaches GITHUB_OUTPUT.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { errorsOf, SA } from '../support/e2e.js';
import { useFakeWorld } from '../support/fake-world.js';

const { world, runMain } = useFakeWorld({
  inputs: (world) => ({ workload_identity_provider: world.workloadIdentityProvider, retries: '0' }),
});

let server: Server;
let origin: string;
/** Bytes the huge answers had sent when the action hung up. */
let sent = 0;
/** generateAccessToken requests the huge-token server got. */
let tokenRequests = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    res.on('error', () => undefined);
    if (req.url === '/token') {
      // 8 MiB, announced by Content-Length.
      const body = 'e'.repeat(8 * 1024 * 1024);
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': String(body.length) });
      res.end(body);
      return;
    }
    tokenRequests++;
    // generateAccessToken: a 32 MiB token, chunked (no Content-Length), written as fast as the action reads.
    res.writeHead(200, { 'Content-Type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let left = 32 * 1024 * 1024;
    res.write('{"accessToken":"');
    const pump = (): void => {
      while (left > 0 && !res.destroyed) {
        left -= chunk.length;
        sent += chunk.length;
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
      res.end('","expireTime":"2099-01-01T00:00:00Z"}');
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
);

describe('answers over 1 MiB are refused', () => {
  it('an 8 MiB answer from subject_token_url', async () => {
    const result = await runMain({ subject_token_source: 'url', subject_token_url: `${origin}/token` }, {});
    expect(result.code).toBe(1);
    expect(errorsOf(result)).toEqual([
      expect.stringMatching(
        /answered HTTP 200 \(GET http:\/\/127\.0\.0\.1:\d+\/token\): the answer is 8388608 bytes, over the limit of 1048576 bytes \(1 MiB\) for any answer; refused\./,
      ),
    ]);
    expect(Object.keys(result.outputs).filter((name) => /token/.test(name))).toEqual([]);
    // Stopped before Google: no exchange was attempted with it.
    expect(world.google.sts.requests.filter((r) => r.body.includes('eeeeeeee'))).toEqual([]);
  });

  it('a 32 MiB access token from IAM Credentials, chunked: stopped after 1 MiB, not retried', async () => {
    sent = 0;
    tokenRequests = 0;
    const result = await runMain({
      service_account: SA,
      token_format: 'access_token',
      iamcredentials_endpoint: origin,
      retries: '3',
    });
    expect(result.code).toBe(1);
    expect(errorsOf(result)).toEqual([
      expect.stringMatching(
        /IAM Credentials answered HTTP 200 \(POST http:\/\/127\.0\.0\.1:\d+\/projects\/-\/serviceAccounts\/[^)]*:generateAccessToken\): the answer is larger than the limit of 1048576 bytes \(1 MiB\)/,
      ),
    ]);
    expect(result.outputs['access_token']).toBeUndefined();
    expect(result.stdout).not.toMatch(/a{1024}/);
    expect(sent).toBeLessThan(32 * 1024 * 1024);
    expect(tokenRequests).toBe(1);
  });
});
