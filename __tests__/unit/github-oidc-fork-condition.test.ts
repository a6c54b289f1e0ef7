/**
 * The `if:` condition that the GitHub OIDC source's "no OIDC token" error
 * (src/sources/github-oidc.ts) and the docs suggest for skipping the step on
 * pull requests from forks: it must hold on push and on a pull request from
 * the repository itself, and fail only on a fork's pull request. The
 * condition is read from the real message and the real docs, and evaluated
 * over event payloads shaped as GitHub sends them (__tests__/support/expressions.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

import yaml from 'js-yaml';

import { EnvironmentError } from '../../src/errors.js';
import { Http } from '../../src/http.js';
import { parseProviderName } from '../../src/provider-name.js';
import { GitHubOidcSource } from '../../src/sources/github-oidc.js';
import { conditionHolds, evaluate } from '../support/expressions.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const REPOSITORY = 'my-org/my-repo';
const repo = (fullName: string, fork: boolean) => ({ full_name: fullName, fork, name: 'my-repo' });

/** The `github` context of three runs of the same workflow. */
const RUNS: Record<string, { github: Record<string, unknown> }> = {
  push: {
    github: {
      event_name: 'push',
      repository: REPOSITORY,
      event: { ref: 'refs/heads/main', repository: repo(REPOSITORY, false), pusher: { name: 'octocat' } },
    },
  },
  'a pull request from a branch of the repository': {
    github: {
      event_name: 'pull_request',
      repository: REPOSITORY,
      event: {
        number: 7,
        pull_request: {
          head: { ref: 'feature', repo: repo(REPOSITORY, false) },
          base: { repo: repo(REPOSITORY, false) },
        },
        repository: repo(REPOSITORY, false),
      },
    },
  },
  "a fork's pull request": {
    github: {
      event_name: 'pull_request',
      repository: REPOSITORY,
      event: {
        number: 8,
        pull_request: {
          head: { ref: 'main', repo: repo('someone/my-repo', true) },
          base: { repo: repo(REPOSITORY, false) },
        },
        repository: repo(REPOSITORY, false),
      },
    },
  },
};
const EXPECTED: Record<string, boolean> = {
  push: true,
  'a pull request from a branch of the repository': true,
  "a fork's pull request": false,
};

/** The error a job without `id-token: write` gets. */
function missingTokenMessage(): string {
  const provider = parseProviderName(
    'projects/123456789012/locations/global/workloadIdentityPools/gh-pool/providers/gh-provider',
    'googleapis.com',
  );
  const log = { debug: () => undefined, info: () => undefined, warning: () => undefined };
  const http = new Http({ userAgent: 'test', retries: 0, requestTimeoutMs: 1000, log });
  try {
    new GitHubOidcSource({ audience: 'https://iam.googleapis.com/x' }, { env: {}, provider, http, log });
  } catch (err) {
    expect(err).toBeInstanceOf(EnvironmentError);
    return (err as Error).message;
  } finally {
    http.dispose();
  }
  throw new Error('expected the source to refuse a job without an OIDC token');
}

/** Every `if: ${{ … }}` that mentions forks, in `text`. */
function forkConditions(text: string): string[] {
  return [...text.matchAll(/if: \$\{\{ (.+?) \}\}/g)].map((m) => m[1] ?? '').filter((c) => /fork/.test(c));
}

const message = missingTokenMessage();
const suggested = forkConditions(message);

it('the "no OIDC token" error suggests one condition, written as a valid `if:`', () => {
  expect(suggested).toHaveLength(1);
  const ifLine = /if: \$\{\{ .+? \}\}/.exec(message)?.[0] ?? '';
  // Pasted into a step as it is, the line is YAML whose value is the expression.
  expect(yaml.load(ifLine)).toEqual({ if: `\${{ ${suggested[0]} }}` });
});

describe.each(Object.keys(RUNS))('on %s', (run) => {
  it("the error's condition runs the step only where GitHub gives an OIDC token", () => {
    expect(conditionHolds(suggested[0] ?? '', RUNS[run] ?? {})).toBe(EXPECTED[run]);
  });

  it('every fork condition in the README and docs/ does the same', () => {
    const docs = [
      path.join(root, 'README.md'),
      ...readdirSync(path.join(root, 'docs'))
        .filter((name) => name.endsWith('.md'))
        .map((name) => path.join(root, 'docs', name)),
    ];
    const conditions = docs.flatMap((file) =>
      forkConditions(readFileSync(file, 'utf8')).map((c) => [path.relative(root, file), c] as const),
    );
    expect(conditions.length).toBeGreaterThan(0);
    for (const [file, condition] of conditions) {
      expect([file, condition, conditionHolds(condition, RUNS[run] ?? {})]).toEqual([file, condition, EXPECTED[run]]);
    }
  });
});

it('the evaluator tells the old suggestion apart: it skipped the step on every push', () => {
  const old = 'github.event.pull_request.head.repo.full_name == github.repository';
  expect(conditionHolds(old, RUNS['push'] ?? {})).toBe(false);
  expect(conditionHolds(old, RUNS["a fork's pull request"] ?? {})).toBe(false);
  expect(conditionHolds(old, RUNS['a pull request from a branch of the repository'] ?? {})).toBe(true);
  // null propagation, ! on null, case-insensitive ==, && / || returning operands
  expect(evaluate('github.event.nothing.here', RUNS['push'] ?? {})).toBeNull();
  expect(evaluate("!github.event.nothing && 'a' || 'b'", {})).toBe('a');
  expect(evaluate("github.repository == 'MY-ORG/MY-REPO'", RUNS['push'] ?? {})).toBe(true);
  expect(() => evaluate("contains(github.ref, 'main')", {})).toThrow(/Unsupported|Unexpected/);
});
