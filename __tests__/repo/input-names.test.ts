/**
 * The inputs the code reads and the inputs action.yml declares are the same
 * set: an input added to one and not the other fails here, naming it. Two
 * ways to look at the code: the names it declares (config.ts's COMMON_INPUTS
 * and each subject source's `inputs`), and the names `readConfig` really
 * asks its reader for, over every way in and every subject source.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

import { load } from 'js-yaml';

import { COMMON_INPUTS, readConfig } from '../../src/config.js';
import { SUBJECT_SOURCES } from '../../src/sources/index.js';
import { GITHUB_PROVIDER as PROVIDER } from '../support/fixtures.js';
import { captureRunnerOutput } from '../support/runner-output.js';

// credentials_json is masked as it is read: keep the ::add-mask:: lines out of the test log.
captureRunnerOutput();

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const action = load(readFileSync(path.join(root, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown> };
const declaredInAction = Object.keys(action.inputs).sort();

/** The inputs each source needs to parse (the rest stay empty). */
const SOURCE_INPUTS: Record<string, Record<string, string>> = {
  github: {},
  aws: {},
  file: { subject_token_file: '/runner/token.jwt' },
  url: { subject_token_url: 'https://token.example.com/token' },
  executable: { executable_command: '/usr/local/bin/print-token' },
  azure: {},
};

const key = JSON.stringify({
  type: 'service_account',
  project_id: 'key-project',
  private_key_id: 'abc123',
  private_key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
    type: 'pkcs8',
    format: 'pem',
  }),
  client_email: 'keyed@key-project.iam.gserviceaccount.com',
  client_id: '1',
});

/** The names readConfig asks for with these inputs (it must accept them). */
function namesRead(inputs: Record<string, string>): Set<string> {
  const read = new Set<string>();
  readConfig((name) => {
    read.add(name);
    return inputs[name] ?? '';
  });
  return read;
}

it('the names the code declares are the inputs of action.yml', () => {
  const declaredInCode = [...new Set([...COMMON_INPUTS, ...SUBJECT_SOURCES.flatMap((d) => d.inputs)])].sort();
  expect(declaredInCode).toEqual(declaredInAction);
});

it('readConfig reads every input of action.yml and no other name, over every way in and every source', () => {
  expect(Object.keys(SOURCE_INPUTS).sort()).toEqual(SUBJECT_SOURCES.map((d) => d.kind).sort());
  const runs: Array<Record<string, string>> = [
    ...SUBJECT_SOURCES.map((d) => ({
      workload_identity_provider: PROVIDER,
      subject_token_source: d.kind,
      ...SOURCE_INPUTS[d.kind],
    })),
    { credentials_json: key },
    { use_metadata_server: 'true' },
  ];
  const read = new Set(runs.flatMap((inputs) => [...namesRead(inputs)]));
  expect([...read].sort()).toEqual(declaredInAction);
});
