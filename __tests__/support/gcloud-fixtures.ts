/** The credential configurations gcloud wrote (fixtures/gcloud/, see its README), and a field-by-field comparison. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { FakeEnvironment } from '../fakes/index.mjs';
import { ROOT } from './e2e.js';

/** fixtures/gcloud/<name>, with `replace` applied to its text (e.g. Google's endpoints by the fakes'). */
export function gcloudFixture(name: string, replace: Record<string, string> = {}): Record<string, unknown> {
  let text = readFileSync(join(ROOT, '__tests__', 'fixtures', 'gcloud', name), 'utf8');
  for (const [from, to] of Object.entries(replace)) text = text.replaceAll(from, to);
  return JSON.parse(text) as Record<string, unknown>;
}

/** The replacements that point gcloud's files at `world`'s fake Google instead of Google's endpoints. */
export function fakeGoogleEndpoints(world: FakeEnvironment): Record<string, string> {
  return {
    'https://sts.googleapis.com/v1': world.google.stsEndpoint,
    'https://iamcredentials.googleapis.com/v1': world.google.iamcredentialsEndpoint,
  };
}

/** Every top-level field of either file, one by one, so that a failure names the field that differs. */
export function expectSameFields(actual: Record<string, unknown>, expected: Record<string, unknown>): void {
  for (const field of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
    expect([field, actual[field]]).toEqual([field, expected[field]]);
  }
}
