/**
 * What the README and docs/ must tell a new user, and must not get wrong:
 * every way in named where the action describes itself, token lifetimes per
 * way in, the facts the action we replace documents (runner version, where the
 * action runs, numeric IDs and case in conditions, GitHub Enterprise issuers,
 * the provider org policy, minified keys, libraries without federation), and
 * placeholders that name one thing each.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

import yaml from 'js-yaml';

import { SUBJECT_SOURCES } from '../../src/sources/index.js';
import { docFiles } from '../support/doc-commands.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const kinds = SUBJECT_SOURCES.map((s) => s.kind);

/** How action.yml's description names each subject_token_source. */
const DESCRIBED_AS: Record<string, RegExp> = {
  github: /GitHub OIDC/,
  aws: /AWS/,
  azure: /Azure/,
  file: /token file/,
  url: /URL/,
  executable: /token program/,
};

describe('action.yml describes the action as it is', () => {
  const action = yaml.load(read('action.yml')) as { name: string; description: string };

  it('names no subset of the ways in', () => {
    expect(action.name).toBe('Google Cloud Auth');
  });

  it.each(kinds)('its description names the %s source', (kind) => {
    // A new source: add how the description names it here, and name it there.
    expect([kind, DESCRIBED_AS[kind]?.test(action.description)]).toEqual([kind, true]);
  });
});

it.each(kinds.filter((kind) => kind !== 'github'))(
  'docs/migration.md lists subject_token_source %s under "What is new"',
  (kind) => {
    const section = /\*\*What is new\*\*([\s\S]*?)\*\*Differences/.exec(read('docs/migration.md'))?.[1] ?? '';
    expect(section).toMatch(new RegExp(`\`(subject_token_source: )?${kind}\``));
  },
);

it('OWNER stands only for the owner of this action (OWNER/gcp-auth-action), never for the user', () => {
  const other = docFiles(root).flatMap((file) =>
    read(file)
      .split('\n')
      .map((line, i) => [`${file}:${i + 1}`, line.replace(/OWNER\/gcp-auth-action/g, '')] as const)
      .filter(([, line]) => /\bOWNER\b/.test(line)),
  );
  expect(other).toEqual([]);
});

describe('token lifetimes', () => {
  const examples = read('docs/examples.md');
  const table = /## Token lifetimes\n([\s\S]*?)\n## /.exec(examples)?.[1] ?? '';

  it('are one table per way in, linked from the README', () => {
    expect(read('README.md')).toContain('(docs/examples.md#token-lifetimes)');
    const rows = table.split('\n').filter((line) => /^\| [^-]/.test(line));
    expect(rows.map((row) => row.split(' | ')[0])).toEqual([
      '| Way in',
      '| GitHub OIDC, direct (no `service_account`)',
      '| GitHub OIDC through `service_account`',
      '| AWS, Azure, file, URL, token program',
      '| Service-account key',
    ]);
  });

  it('say what Google gives: 5 minutes from GitHub, 1 h (up to 12 h with the org policy), ID tokens 1 h', () => {
    const [, direct, throughSa] = table.split('\n').filter((line) => /^\| [^-]/.test(line));
    expect(direct).toMatch(/about \*\*5 minutes\*\*.*\| The same token, about \*\*5 minutes\*\*/);
    expect(throughSa).toMatch(/\*\*1 hour\*\* \(`access_token_lifetime`\); up to \*\*12 hours\*\*/);
    expect(throughSa).toContain('`constraints/iam.allowServiceAccountCredentialLifetimeExtension`');
    expect(throughSa).toMatch(/\| \*\*1 hour\*\* \| Refreshes itself/);
    // The old claim: the direct token does not last an hour.
    expect(examples).not.toMatch(/lifetime STS gave it \(one hour\)/);
  });
});

describe('what the action we replace documents', () => {
  const readme = read('README.md');
  const github = read('docs/setup-github.md');

  it('the runner version node24 actions need, and where the action runs', () => {
    expect(readme).toMatch(/self-hosted runner[^.]*needs runner version 2\.327\.1 or later/);
    expect(readme).toContain('runs on GitHub Actions runners only');
    expect(readme).toContain(
      '`gcloud iam workload-identity-pools create-cred-config` writes the same credentials file',
    );
  });

  it('conditions on numeric IDs, case-sensitive; GitHub Enterprise issuers; the provider org policy', () => {
    expect(github).toMatch(/--attribute-condition="assertion\.repository_owner_id == '\$OWNER_ID'"/);
    expect(github).toContain("&& assertion.repository_id == '$REPO_ID'");
    expect(github).toContain('case-sensitive');
    expect(github).toContain('`https://token.actions.githubusercontent.com/ENTERPRISE_SLUG`');
    expect(github).toContain('`https://HOSTNAME/_services/token`');
    expect(github).toContain(
      'gcloud resource-manager org-policies allow constraints/iam.workloadIdentityPoolProviders',
    );
  });

  it('a minified key, and libraries that cannot use federation', () => {
    const key = read('docs/setup-key.md');
    expect(key).toContain('jq -c . key.json | gh secret set GCP_SA_KEY');
    expect(key).toContain('Firebase Admin SDK');
    expect(read('docs/troubleshooting.md')).toContain('`jq -c . key.json \\| gh secret set GCP_SA_KEY`');
  });
});
