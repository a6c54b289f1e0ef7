// Stand-in for `undici`, wired in by package.json ("overrides":
// {"@actions/http-client": {"undici": "$undici"}} with "undici": "file:shims/undici").
//
// @actions/http-client imports undici at the top of its module only for
// HttpClient.getAgentDispatcher(), a proxy dispatcher for `fetch`. The action
// never calls it: HttpClient.request() goes through node:http / node:https and
// reaches proxies with the `tunnel` package. Bundling the real undici costs
// bundle size and time on every run (measured with `npm run bench`; the
// figures are in docs/performance.md), so this module takes its place. Anything that does use it
// fails loudly instead of silently going without a proxy.

class ProxyAgent {
  constructor() {
    throw new Error(
      'undici is not bundled with this action (shims/undici): HttpClient.getAgentDispatcher() is not supported. ' +
        'Use HttpClient.request(), which honours HTTPS_PROXY / HTTP_PROXY / NO_PROXY through the tunnel package.',
    );
  }
}

exports.ProxyAgent = ProxyAgent;
