// Preload for `npm run bench` (node --require scripts/bench-trace.cjs): records
// when user code starts, when each HTTP request is created and when its body
// has been read, and when the process exits, in ms since the process started
// (performance.now()), and writes them as JSON to $BENCH_TRACE_FILE on exit.
// It listens on Node's built-in diagnostics channels only; the action's code
// is unchanged.
'use strict';
const dc = require('node:diagnostics_channel');
const { writeFileSync } = require('node:fs');

const file = process.env.BENCH_TRACE_FILE;
const trace = { timeOrigin: performance.timeOrigin, preload: performance.now(), requests: [], exit: 0 };
const byRequest = new WeakMap();

dc.subscribe('http.client.request.created', ({ request }) => {
  const entry = { label: labelOf(request), created: performance.now(), end: 0 };
  byRequest.set(request, entry);
  trace.requests.push(entry);
});
dc.subscribe('http.client.response.finish', ({ request, response }) => {
  const entry = byRequest.get(request);
  if (entry) response.once('end', () => (entry.end = performance.now()));
});
process.once('exit', () => {
  trace.exit = performance.now();
  if (file) writeFileSync(file, JSON.stringify(trace));
});

/** A short name for the service a request went to (the fakes all live on 127.0.0.1). */
function labelOf(request) {
  const path = request.path.replace(/\?.*/, '');
  if (/\/token$/.test(path) && request.method === 'GET') return 'OIDC';
  if (/\/v1\/token$/.test(path)) return 'STS';
  if (/:generateAccessToken$/.test(path)) return 'IAM';
  if (/:generateIdToken$|:signJwt$/.test(path)) return 'IAM';
  if (/\/latest\/api\/token$/.test(path)) return 'IMDS token';
  if (/\/latest\/meta-data\/iam\/security-credentials\/?$/.test(path)) return 'IMDS role';
  if (/\/latest\/meta-data\/iam\/security-credentials\/.+/.test(path)) return 'IMDS creds';
  if (/\/latest\/meta-data\/placement/.test(path)) return 'IMDS zone';
  return `${request.method} ${path}`;
}
