/**
 * Fuzz-style test of the config parser over random and hostile inputs: it
 * either accepts them or throws one ConfigError with a short, one-line
 * message — never another exception, and never the credentials_json text.
 * Seeded, so a failure reproduces; FUZZ_SEED and FUZZ_RUNS override.
 */
import { readConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';

const INPUTS = [
  'workload_identity_provider',
  'service_account',
  'audience',
  'credentials_json',
  'project_id',
  'create_credentials_file',
  'export_environment_variables',
  'token_format',
  'delegates',
  'universe',
  'request_reason',
  'cleanup_credentials',
  'access_token_lifetime',
  'access_token_scopes',
  'access_token_subject',
  'id_token_audience',
  'id_token_include_email',
  'sts_endpoint',
  'iamcredentials_endpoint',
  'oauth2_endpoint',
  'retries',
  'retry_timeout',
  'request_timeout',
];

/** Fragments that sit near the edges of what each input accepts. */
const FRAGMENTS = [
  'projects/123456789012/locations/global/workloadIdentityPools/p/providers/x',
  'projects/my-proj',
  '//iam.googleapis.com/',
  'https://',
  'http://127.0.0.1:1',
  'sa@p.iam.gserviceaccount.com',
  '@',
  'true',
  'false',
  'TRUE',
  '1h',
  '30m',
  '3600s',
  '-1',
  '99999999999999999999',
  'access_token',
  'id_token',
  '{',
  '}',
  '{"type":"service_account"}',
  'e30=',
  ',',
  '\n',
  '\r\n',
  '::',
  '%',
  '%0A',
  '::set-output name=x::y',
  '\u202e',
  '😀',
  'é',
  '\t',
  ' ',
  '"',
  "'",
  '\\',
  '/',
  '..',
  '__proto__',
  'constructor',
  'googleapis.com',
  '#',
  '?',
  'x'.repeat(300),
];

function prng(seed: number): () => number {
  // mulberry32: small, fast, good enough to pick fuzz inputs
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomValue(random: () => number): string {
  const parts: string[] = [];
  const count = Math.floor(random() * 4);
  for (let i = 0; i < count; i++) {
    if (random() < 0.7) {
      parts.push(FRAGMENTS[Math.floor(random() * FRAGMENTS.length)] ?? '');
    } else {
      const length = Math.floor(random() * 12);
      parts.push(Array.from({ length }, () => String.fromCodePoint(Math.floor(random() * 0x2fff))).join(''));
    }
  }
  return parts.join('');
}

it('accepts or rejects every input set with one clear error', () => {
  const seed = Number(process.env['FUZZ_SEED'] ?? 20261123);
  const runs = Number(process.env['FUZZ_RUNS'] ?? 5000);
  const random = prng(seed);
  let accepted = 0;
  for (let run = 0; run < runs; run++) {
    const inputs: Record<string, string> = {};
    for (const name of INPUTS) if (random() < 0.12) inputs[name] = randomValue(random);
    // Often start from a valid provider so the deeper checks are reached.
    if (random() < 0.6) inputs['workload_identity_provider'] = FRAGMENTS[0] ?? '';
    if (inputs['workload_identity_provider'] && random() < 0.5) delete inputs['credentials_json'];
    // A marker inside the key text: it must never reach a message.
    const marker = `KEYMARK${run}X`;
    if (inputs['credentials_json'] !== undefined) {
      const text = inputs['credentials_json'];
      const at = Math.floor(random() * (text.length + 1));
      inputs['credentials_json'] = text.slice(0, at) + marker + text.slice(at);
    }
    try {
      readConfig((name) => inputs[name] ?? '');
      accepted++;
    } catch (err) {
      const context = `seed ${seed}, run ${run}, inputs ${JSON.stringify(inputs)}`;
      if (!(err instanceof ConfigError))
        throw new Error(`not a ConfigError (${String(err)}) for ${context}`, { cause: err });
      if (!err.message || err.message.includes('\n') || err.message.length > 1200) {
        throw new Error(`unclear message ${JSON.stringify(err.message)} for ${context}`, { cause: err });
      }
      if (err.message.includes(marker)) throw new Error(`credentials_json echoed for ${context}`, { cause: err });
    }
  }
  // Both sides of the parser were exercised.
  expect(accepted).toBeGreaterThan(runs * 0.02);
  expect(accepted).toBeLessThan(runs);
});
