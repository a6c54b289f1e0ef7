// Preloaded into the action's process (node --require) by proxy tests: names
// ending in ".test" resolve to 127.0.0.1, so the action can reach the fakes
// under names that @actions/http-client does not treat as loopback (it never
// proxies "localhost" or 127.x). Nothing else is changed.
const dns = require('node:dns');

const lookup = dns.lookup;
dns.lookup = function lookupTestHosts(hostname, options, callback) {
  if (typeof options === 'function') {
    callback = options;
    options = {};
  }
  if (typeof hostname === 'string' && /\.test$/i.test(hostname)) {
    const all = typeof options === 'object' && options !== null && options.all;
    if (all) return process.nextTick(callback, null, [{ address: '127.0.0.1', family: 4 }]);
    return process.nextTick(callback, null, '127.0.0.1', 4);
  }
  return lookup.call(this, hostname, options, callback);
};
