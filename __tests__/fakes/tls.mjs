// @ts-check
/**
 * Throw-away TLS material for the fakes: a CA and a server certificate signed
 * by it, made at test time so no key or certificate is ever committed.
 *
 * Why a CA and not one self-signed certificate: the action must trust the
 * fakes the way a runner trusts a corporate TLS-inspecting proxy, through
 * NODE_EXTRA_CA_CERTS (a CA file), and a server that sends only its leaf
 * certificate is what real servers look like (they never send the root).
 *
 * Keys are EC P-256, made with node:crypto (fast, and the same on every
 * platform); the certificates are made with the `openssl` CLI, because
 * node:crypto can read X.509 but not write it.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/** @typedef {import('./types.mjs').TestCertificates} TestCertificates */

const run = promisify(execFile);

/**
 * The names the server certificate is valid for. Wildcards cover one label
 * only, and Node (like OpenSSL) refuses a wildcard directly under a top-level
 * domain: `*.test` matches nothing, not even `sts.test`. So the multi-label
 * names the proxy tests use (__tests__/e2e/reliability.test.ts, e2e/tls.test.ts)
 * are covered by `*.googleapis.test` and the GitHub name spelled out.
 */
export const TEST_CERTIFICATE_NAMES = [
  'IP:127.0.0.1',
  'DNS:localhost',
  'DNS:*.googleapis.test',
  'DNS:token.actions.githubusercontent.test',
];

/**
 * openssl configuration: written next to the keys and passed with -config so
 * the result does not depend on the machine's openssl.cnf (or on it existing).
 * @param {string[]} altNames
 * @returns {string}
 */
function opensslConfig(altNames) {
  return [
    '[req]',
    // req insists on a subject section even though every call passes -subj.
    'distinguished_name = dn',
    'prompt = no',
    '[dn]',
    'CN = gcp-auth-action test',
    '[ca_ext]',
    'basicConstraints = critical, CA:TRUE',
    'keyUsage = critical, keyCertSign, cRLSign',
    'subjectKeyIdentifier = hash',
    '[server_ext]',
    'basicConstraints = critical, CA:FALSE',
    'keyUsage = critical, digitalSignature',
    'extendedKeyUsage = serverAuth',
    `subjectAltName = ${altNames.join(', ')}`,
    'authorityKeyIdentifier = keyid',
    '',
  ].join('\n');
}

/**
 * Runs openssl, turning "not installed" into an error that says what to do.
 * @param {string[]} args
 * @returns {Promise<void>}
 */
async function openssl(args) {
  try {
    await run('openssl', args);
  } catch (err) {
    const e = /** @type {NodeJS.ErrnoException & { stderr?: string }} */ (err);
    if (e.code === 'ENOENT') {
      throw new Error('the TLS tests need the `openssl` CLI on PATH (apt-get install openssl)', { cause: err });
    }
    throw new Error(`openssl ${args[0]} failed: ${e.stderr || e.message}`, { cause: err });
  }
}

/**
 * Make a CA and a server certificate it signed, valid for a day, in a fresh
 * private temp directory.
 * @param {{ names?: string[] }} [options] extra subjectAltName entries
 *   (`DNS:x.test`, `IP:...`) on top of TEST_CERTIFICATE_NAMES
 * @returns {Promise<TestCertificates>}
 */
export async function createTestCertificates(options = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), 'gcp-auth-tls-'));
  const file = (/** @type {string} */ name) => path.join(dir, name);
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    const pem = /** @type {const} */ ({ type: 'pkcs8', format: 'pem' });
    for (const name of ['ca.key', 'server.key']) {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      await writeFile(file(name), privateKey.export(pem), { mode: 0o600 });
    }
    await writeFile(file('openssl.cnf'), opensslConfig([...TEST_CERTIFICATE_NAMES, ...(options.names ?? [])]));
    const config = ['-config', file('openssl.cnf')];

    // Flag / value pairs one line each, so the commands read like a shell script.
    // The CA: self-signed, allowed to sign certificates and nothing else.
    // prettier-ignore
    await openssl([
      'req', '-new', '-x509', ...config, '-extensions', 'ca_ext', '-days', '1',
      '-key', file('ca.key'),
      '-subj', '/CN=gcp-auth-action test CA',
      '-out', file('ca.pem'),
    ]);
    // The server certificate: a request for the server key, signed by the CA
    // with the server_ext extensions (subjectAltName, serverAuth).
    // prettier-ignore
    await openssl([
      'req', '-new', ...config,
      '-key', file('server.key'),
      '-subj', '/CN=localhost',
      '-out', file('server.csr'),
    ]);
    // prettier-ignore
    await openssl([
      'x509', '-req', '-days', '1',
      '-in', file('server.csr'),
      '-CA', file('ca.pem'),
      '-CAkey', file('ca.key'),
      '-extfile', file('openssl.cnf'),
      '-extensions', 'server_ext',
      // Without -set_serial OpenSSL 1.1 wants a ca.srl file; random, so two
      // runs never issue the same issuer + serial pair.
      '-set_serial', `0x${randomBytes(8).toString('hex')}`,
      '-out', file('server.pem'),
    ]);

    const read = (/** @type {string} */ name) => readFile(file(name), 'utf8');
    const [key, cert, ca] = await Promise.all([read('server.key'), read('server.pem'), read('ca.pem')]);
    // Only the CA certificate must outlive this call (each child process reads
    // NODE_EXTRA_CA_CERTS when it starts). The keys go at once: nothing else
    // can be signed with the CA key, and no key lingers on disk.
    await Promise.all(
      ['ca.key', 'server.key', 'server.csr', 'server.pem', 'openssl.cnf'].map((name) => rm(file(name))),
    );
    return { key, cert, ca, caFile: file('ca.pem'), cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
