// The physical floor for `npm run bench`: Node's start, the TLS stack every
// real run needs (GitHub and Google are https://, so node:https is loaded even
// when the fakes speak plain HTTP), and the three round trips of
// "WIF + access_token" (OIDC, STS, IAM Credentials) to the same fakes, with
// no validation, retries, logging or results; over HTTPS when the fakes are.
// No action can be faster than this; the bench reports how far the action is
// above it.
'use strict';
const http = require('node:http');
const https = require('node:https');

const env = process.env;
const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

function request(method, url, headers, body) {
  const protocol = new URL(url).protocol;
  const agent = agents[protocol];
  return new Promise((resolve, reject) => {
    const req = (protocol === 'https:' ? https : http).request(url, { method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) reject(new Error(`${method} ${url}: ${res.statusCode} ${text}`));
        else resolve(JSON.parse(text));
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const json = (value) => ({ body: JSON.stringify(value), headers: { 'Content-Type': 'application/json' } });

(async () => {
  const oidcUrl = new URL(env.FLOOR_OIDC_URL);
  oidcUrl.searchParams.set('audience', env.FLOOR_OIDC_AUDIENCE);
  const oidc = await request('GET', oidcUrl, { Authorization: `Bearer ${env.FLOOR_OIDC_TOKEN}` });
  const sts = json({
    audience: env.FLOOR_STS_AUDIENCE,
    grantType: 'urn:ietf:params:oauth:grant-type:token-exchange',
    requestedTokenType: 'urn:ietf:params:oauth:token-type:access_token',
    scope: 'https://www.googleapis.com/auth/cloud-platform',
    subjectTokenType: 'urn:ietf:params:oauth:token-type:jwt',
    subjectToken: oidc.value,
  });
  const federated = await request('POST', `${env.FLOOR_STS_ENDPOINT}/token`, sts.headers, sts.body);
  const iam = json({ scope: ['https://www.googleapis.com/auth/cloud-platform'], lifetime: '3600s' });
  await request(
    'POST',
    `${env.FLOOR_IAM_ENDPOINT}/projects/-/serviceAccounts/${env.FLOOR_SERVICE_ACCOUNT}:generateAccessToken`,
    { ...iam.headers, Authorization: `Bearer ${federated.access_token}` },
    iam.body,
  );
  for (const agent of Object.values(agents)) agent.destroy();
})().catch((err) => {
  console.error(err.message);
  process.exitCode = 1;
});
