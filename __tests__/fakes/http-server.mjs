// @ts-check
/**
 * Shared plumbing for every fake: a node:http listener on 127.0.0.1 with a
 * random port (node:https when given a key and certificate), request recording
 * and counting, a fault-injection queue, and a close() that never hangs.
 *
 * Why one base: the retry / timeout / proxy behaviour of the action must be
 * tested the same way against every upstream, so faults are applied here,
 * before any service logic runs.
 */
import http from 'node:http';
import https from 'node:https';

/** @typedef {import('./types.mjs').Fault} Fault */
/** @typedef {import('./types.mjs').RecordedRequest} RecordedRequest */
/** @typedef {import('./types.mjs').FakeServer} FakeServer */
/** @typedef {import('./types.mjs').FakeRequest} FakeRequest */
/** @typedef {import('./types.mjs').FakeResponse} FakeResponse */
/** @typedef {import('./types.mjs').TlsOptions} TlsOptions */

/**
 * @callback Handler
 * @param {FakeRequest} req
 * @returns {FakeResponse | Promise<FakeResponse>}
 */

/**
 * Parse a request body according to its content type. Both parsers are tried
 * loosely because clients are not always careful with Content-Type and a fake
 * that is stricter than the real service hides nothing useful.
 * @param {string} body
 * @param {string | undefined} contentType
 * @returns {{ json?: unknown, form?: Record<string, string> }}
 */
export function parseBody(body, contentType = '') {
  if (!body) return {};
  const ct = contentType.toLowerCase();
  if (ct.includes('application/x-www-form-urlencoded')) {
    return { form: Object.fromEntries(new URLSearchParams(body)) };
  }
  try {
    return { json: JSON.parse(body) };
  } catch {
    if (ct.includes('json')) return {};
    return { form: Object.fromEntries(new URLSearchParams(body)) };
  }
}

/**
 * JSON response helper.
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string>} [headers]
 * @returns {FakeResponse}
 */
export function json(status, body, headers = {}) {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body, null, 2),
  };
}

/**
 * Default body for an injected error status: Google's error envelope is what
 * both our action and google-auth-library parse, and it is harmless for the
 * GitHub fake.
 * @param {number} status
 * @returns {unknown}
 */
function defaultFaultBody(status) {
  /** @type {Record<number, string>} */
  const statusNames = {
    400: 'INVALID_ARGUMENT',
    401: 'UNAUTHENTICATED',
    403: 'PERMISSION_DENIED',
    404: 'NOT_FOUND',
    429: 'RESOURCE_EXHAUSTED',
    500: 'INTERNAL',
    502: 'UNAVAILABLE',
    503: 'UNAVAILABLE',
    504: 'DEADLINE_EXCEEDED',
  };
  /** @type {Record<number, string>} */
  const messages = {
    429: 'Quota exceeded for quota metric and limit.',
    500: 'Internal error encountered.',
    503: 'The service is currently unavailable.',
    504: 'The request deadline was exceeded.',
  };
  return {
    error: {
      code: status,
      message: messages[status] ?? (http.STATUS_CODES[status] || 'Injected fault'),
      status: statusNames[status] ?? 'UNKNOWN',
    },
  };
}

/**
 * Start a fake HTTP server.
 * @param {{ name: string, handler: Handler, sharedLog?: RecordedRequest[], tls?: TlsOptions }} options
 *   `sharedLog` receives every recorded request too (fake Google keeps one log
 *   across its three listeners). With `tls` the server speaks HTTPS only and
 *   its origin is https://127.0.0.1:PORT.
 * @returns {Promise<FakeServer>}
 */
export async function startFakeServer({ name, handler, sharedLog, tls }) {
  /** @type {Fault[]} */
  const faultQueue = [];
  /** @type {RecordedRequest[]} */
  const requests = [];
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set();
  /** @type {Set<NodeJS.Timeout>} */
  const timers = new Set();
  let closed = false;
  let requestCount = 0;
  let connectionCount = 0;

  /**
   * setTimeout that close() can cancel and that never keeps the process alive.
   * @param {number} ms
   * @returns {Promise<void>}
   */
  const sleep = (ms) =>
    new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      t.unref();
      timers.add(t);
    });

  /**
   * The fault for this request. Most faults answer one request and are gone;
   * two kinds stand at the head of the queue instead: an outage window
   * (`forMs`) answers every request until its time is up (counted from the
   * first request it meets), and a quota answers 429 whenever its token
   * bucket is empty, until cleared. Requests a quota admits go to the service.
   * @param {number} now
   * @returns {Fault | undefined}
   */
  const nextFault = (now) => {
    for (;;) {
      const head = faultQueue[0];
      if (head === undefined) return undefined;
      if (head.quota !== undefined) return takeFromQuota(head, now);
      if (head.forMs === undefined) return faultQueue.shift();
      const started = windowStarts.get(head) ?? now;
      windowStarts.set(head, started);
      if (now < started + head.forMs) return head;
      faultQueue.shift(); // the outage is over: on to the next fault, or the service
    }
  };
  /** @type {WeakMap<Fault, number>} */
  const windowStarts = new WeakMap();
  /** @type {WeakMap<Fault, { tokens: number, at: number }>} */
  const buckets = new WeakMap();
  /**
   * @param {Fault} fault a fault with `quota`
   * @param {number} now
   * @returns {Fault | undefined} the 429 to answer, or undefined when a token was free
   */
  const takeFromQuota = (fault, now) => {
    const { perSecond, burst = perSecond } = /** @type {NonNullable<Fault['quota']>} */ (fault.quota);
    const bucket = buckets.get(fault) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
    buckets.set(fault, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return { status: 429, ...fault };
  };

  /**
   * @param {http.IncomingMessage} req
   * @param {http.ServerResponse} res
   */
  const listener = async (req, res) => {
    requestCount += 1;
    const fault = nextFault(Date.now());
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    /** @type {RecordedRequest} */
    const record = {
      service: name,
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      url: req.url ?? '/',
      headers: /** @type {Record<string, string>} */ ({ ...req.headers }),
      body: '',
      time: Date.now(),
      // Set by node:https on its sockets; proves which transport a request used.
      tls: 'encrypted' in req.socket && req.socket.encrypted === true,
    };
    if (fault) record.fault = fault;
    requests.push(record);
    sharedLog?.push(record);

    // Connection-level faults act before the body is read, like a crashed or
    // black-holed upstream would.
    if (fault?.reset) {
      req.socket.destroy();
      return;
    }
    if (fault?.hangMs !== undefined) {
      await sleep(fault.hangMs);
      req.socket.destroy();
      return;
    }

    /** @type {Buffer[]} */
    const chunks = [];
    try {
      for await (const chunk of req) chunks.push(/** @type {Buffer} */ (chunk));
    } catch {
      return; // client went away
    }
    record.body = Buffer.concat(chunks).toString('utf8');
    Object.assign(record, parseBody(record.body, req.headers['content-type']));

    if (fault?.delayMs !== undefined) await sleep(fault.delayMs);
    if (closed) return;

    /** @type {FakeResponse} */
    let response;
    if (fault?.status !== undefined) {
      /** @type {Record<string, string>} */
      const headers = { ...fault.headers };
      if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
      const body = fault.body ?? defaultFaultBody(fault.status);
      response =
        typeof body === 'string'
          ? { status: fault.status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers }, body }
          : json(fault.status, body, headers);
    } else {
      try {
        response = await handler({
          method: record.method,
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body: record.body,
          json: record.json,
          form: record.form,
          record,
        });
      } catch (err) {
        // A bug in a fake must be loud, not a silent hang in the action.
        response = json(500, {
          error: { code: 500, message: `fake ${name} crashed: ${String(err)}`, status: 'INTERNAL' },
        });
      }
    }
    record.status = response.status;
    record.responseBody = response.body;
    res.writeHead(response.status, response.headers ?? {});
    res.end(response.body ?? '');
  };
  const secure = tls !== undefined;
  const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, listener) : http.createServer(listener);

  // 'connection' is the TCP accept, before any TLS handshake: it counts
  // attempts that never became a request (a client refusing the certificate).
  server.on('connection', (socket) => {
    connectionCount += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // Keep-alive sockets are destroyed by close(); a short timeout only limits
  // how long idle sockets linger in long runs.
  server.keepAliveTimeout = 2000;

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(undefined));
  });
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());

  /** @type {FakeServer} */
  const state = {
    name,
    port: address.port,
    origin: `${secure ? 'https' : 'http'}://127.0.0.1:${address.port}`,
    tls: secure,
    get requestCount() {
      return requestCount;
    },
    get connectionCount() {
      return connectionCount;
    },
    requests,
    server,
    injectFaults(faults) {
      faultQueue.push(...faults);
    },
    pendingFaults() {
      return faultQueue.length;
    },
    clearFaults() {
      faultQueue.length = 0;
    },
    reset() {
      faultQueue.length = 0;
      requests.length = 0;
      requestCount = 0;
      connectionCount = 0;
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      const done = new Promise((resolve) => server.close(() => resolve(undefined)));
      server.closeAllConnections();
      for (const s of sockets) s.destroy();
      await done;
    },
  };
  return state;
}
