/**
 * The setup guides take a user from an empty project to the two values the
 * action needs: the GitHub guide holds every command of that path, the other
 * guides link back to its shared steps, and every `gcloud` command in the
 * README and docs/ names a real command with flags it knows (checked against
 * the installed gcloud's own command tree, offline).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

import { type DocCommand, gcloudCommands, parseGcloudCommand } from '../support/doc-commands.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

describe('docs/setup-github.md, from an empty project', () => {
  const commands = gcloudCommands(root, ['docs/setup-github.md']);
  /** The commands of the guide whose words start with `path`. */
  const find = (path: string): DocCommand[] => commands.filter((c) => c.path.join(' ').startsWith(path));
  const flag = (c: DocCommand, name: string) => c.flags.find((f) => f.name === name)?.value;

  it.each([
    ['enables the APIs federation needs', 'services enable'],
    ['finds the project number', 'projects describe'],
    ['creates the pool', 'iam workload-identity-pools create'],
    ['creates the provider', 'iam workload-identity-pools providers create-oidc'],
    ['creates the service account', 'iam service-accounts create'],
    ['grants the service account a role', 'projects add-iam-policy-binding'],
    ['lets the repository impersonate it', 'iam service-accounts add-iam-policy-binding'],
    ["prints the provider's full name", 'iam workload-identity-pools providers describe'],
  ])('%s (gcloud %s)', (_what, command) => {
    expect(find(command).map((c) => c.path.slice(0, command.split(' ').length).join(' '))).toContain(command);
  });

  it('with the details each step needs', () => {
    const [enable] = find('services enable');
    for (const api of ['iam', 'iamcredentials', 'sts', 'cloudresourcemanager'])
      expect(enable?.words).toContain(`${api}.googleapis.com`);
    expect(flag(find('projects describe')[0] as DocCommand, '--format')).toBe('value(projectNumber)');
    const provider = find('iam workload-identity-pools providers create-oidc')[0] as DocCommand;
    expect(flag(provider, '--issuer-uri')).toBe('https://token.actions.githubusercontent.com');
    // Admits tokens by GitHub's numeric, never reused IDs.
    expect(flag(provider, '--attribute-condition')).toMatch(/assertion\.repository(_owner)?_id == /);
    expect(flag(find('projects add-iam-policy-binding')[0] as DocCommand, '--member')).toMatch(/^serviceAccount:/);
    expect(flag(find('iam service-accounts add-iam-policy-binding')[0] as DocCommand, '--role')).toBe(
      'roles/iam.workloadIdentityUser',
    );
    expect(flag(find('iam workload-identity-pools providers describe')[0] as DocCommand, '--format')).toBe(
      'value(name)',
    );
  });
});

it.each(['docs/setup-aws.md', 'docs/setup-azure.md', 'docs/setup-file-url.md', 'docs/setup-executable.md'])(
  '%s links to the shared steps: APIs and project number, service account, binding, provider name',
  (file) => {
    const text = read(file);
    for (const anchor of [
      '1-the-project-its-apis-and-its-number',
      '3-the-service-account-and-a-role-for-it',
      '4b-through-the-service-account-let-the-repository-impersonate-it',
      '5-the-value-for-workload_identity_provider',
    ])
      expect([file, text.includes(`(setup-github.md#${anchor})`)]).toEqual([file, true]);
  },
);

/**
 * gcloud's own description of its commands and flags: the static command tree
 * the SDK ships for shell completion (data/cli/gcloud_completions.py, a Python
 * literal that is also JSON), generated from the same definitions as
 * `gcloud … --help`. Reading it takes a fraction of a second, where one
 * `--help` per command took over a minute on a loaded machine.
 */
interface CommandTree {
  commands: Record<string, CommandTree>;
  flags: Record<string, string>;
}
function gcloudTree(): CommandTree | undefined {
  let sdk: string;
  try {
    const bin = execFileSync('sh', ['-c', 'command -v gcloud'], { encoding: 'utf8' }).trim();
    sdk = path.dirname(path.dirname(realpathSync(bin)));
  } catch {
    return undefined;
  }
  const file = path.join(sdk, 'data', 'cli', 'gcloud_completions.py');
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  return JSON.parse(text.slice(text.indexOf('{'))) as CommandTree;
}
const tree = gcloudTree();
const withGcloud = (name: string) => (tree ? name : `${name} (skipped: no gcloud with its command tree installed)`);
const itWithGcloud = tree ? it : it.skip;

/** What is wrong with `commands`: a group or command gcloud does not have, or a flag it does not take. */
function gcloudProblems(commands: DocCommand[]): string[] {
  const root = tree as CommandTree;
  const problems: string[] = [];
  for (const c of commands) {
    let node = root;
    const found: string[] = [];
    for (const word of c.path) {
      const child = node.commands[word];
      if (!child) break;
      node = child;
      found.push(word);
    }
    const rest = c.path.slice(found.length);
    // A group must be followed by one of its commands; a word after a command is a positional argument.
    if (found.length === 0 || (Object.keys(node.commands).length > 0 && rest.length > 0)) {
      problems.push(`${c.file}: ${c.text}: gcloud ${[...found, rest[0]].join(' ')} is not a gcloud command`);
      continue;
    }
    const flags = { ...root.flags, ...node.flags };
    for (const { name } of c.flags) {
      const negated = name.startsWith('--no-') ? `--${name.slice(5)}` : undefined;
      if (!(name in flags) && !(negated && flags[negated] === 'bool'))
        problems.push(`${c.file}: ${c.text}: gcloud ${found.join(' ')} has no ${name}`);
    }
  }
  return problems;
}

itWithGcloud(withGcloud('every gcloud command in the README and docs/ exists, with flags it knows'), () => {
  const commands = gcloudCommands(root).filter((c) => c.path.length > 0);
  expect(commands.length).toBeGreaterThan(20);
  expect(gcloudProblems(commands)).toEqual([]);
});

itWithGcloud(withGcloud('the command check finds a command gcloud does not have, and an unknown flag'), () => {
  const problems = gcloudProblems([
    parseGcloudCommand('typo.md', 'gcloud iam workload-identity-pool create github --location=global'),
    parseGcloudCommand('typo.md', 'gcloud iam workload-identity-pools create github --locaton=global --project=p'),
    parseGcloudCommand('typo.md', 'gcloud iam workload-identity-pools github'),
    parseGcloudCommand('typo.md', 'gcloud services enable sts.googleapis.com --async --no-async --no-quiet'),
  ]);
  expect(problems).toEqual([
    'typo.md: gcloud iam workload-identity-pool create github --location=global: ' +
      'gcloud iam workload-identity-pool is not a gcloud command',
    'typo.md: gcloud iam workload-identity-pools create github --locaton=global --project=p: ' +
      'gcloud iam workload-identity-pools create has no --locaton',
    'typo.md: gcloud iam workload-identity-pools github: gcloud iam workload-identity-pools github is not a gcloud command',
  ]);
});
