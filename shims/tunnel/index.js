// Stand-in for `tunnel`, wired in by package.json ("overrides":
// {"@actions/http-client": {"tunnel": "$tunnel"}} with "tunnel": "file:shims/tunnel").
//
// @actions/http-client imports tunnel at the top of its module, but calls it
// only to build a proxy agent (HTTPS_PROXY / HTTP_PROXY). tunnel in turn
// loads node:assert at the top (and never uses it), which costs every run
// time on Node 24 (measured with `npm run bench`; docs/performance.md has the
// figure). This module has the same
// four functions and loads the real tunnel (npm alias "tunnel-impl", the same
// tunnel@0.0.6) on the first call, so runs without a proxy never load it.
'use strict';

let impl;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS module, loading on demand is the point
const load = () => (impl ??= require('tunnel-impl'));

exports.httpOverHttp = (options) => load().httpOverHttp(options);
exports.httpsOverHttp = (options) => load().httpsOverHttp(options);
exports.httpOverHttps = (options) => load().httpOverHttps(options);
exports.httpsOverHttps = (options) => load().httpsOverHttps(options);
