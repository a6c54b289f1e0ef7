/**
 * Every relative link in the Markdown a user or contributor reads resolves:
 * the file exists, and a `#anchor` is a heading of that file under GitHub's
 * slug rules. The second test proves the check catches each kind of break.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The Markdown under test, relative to the repository root. */
const DOCUMENTS = [
  'README.md',
  'CONTRIBUTING.md',
  'SECURITY.md',
  'CHANGELOG.md',
  ...readdirSync(path.join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** The text outside fenced code blocks, line by line (a `#` or `](` in code is neither a heading nor a link). */
function proseLines(markdown: string): string[] {
  let fenced = false;
  return markdown.split('\n').map((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      return '';
    }
    return fenced ? '' : line.replace(/`[^`\n]*`/g, (code) => code.replace(/[[\]()#]/g, ' '));
  });
}

/**
 * The anchors GitHub gives a file's headings: the heading's text (links and
 * code reduced to their words), lower-cased, every character that is not a
 * letter, digit, `-`, `_` or space dropped, and each space made `-`; a
 * repeated anchor gets `-1`, `-2`, ...
 */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const text = (heading[1] ?? '').replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/`/g, '');
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
      .replace(/ /g, '-');
    let unique = slug;
    for (let n = 1; anchors.has(unique); n++) unique = `${slug}-${n}`;
    anchors.add(unique);
  }
  return anchors;
}

/** Inline links and images `[text](target)`, and reference definitions `[label]: target`. */
function linkTargets(markdown: string): string[] {
  const prose = proseLines(markdown).join('\n');
  return [
    ...[...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1] ?? ''),
    ...[...prose.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1] ?? ''),
  ];
}

/**
 * What is broken in `documents` (paths relative to the repository root):
 * one line per link, `file: target: why`. `read` gives a file's text, or
 * undefined when no such file (or directory) exists.
 */
function brokenLinks(documents: string[], read: (file: string) => string | undefined): string[] {
  const problems: string[] = [];
  for (const file of documents) {
    const text = read(file) ?? '';
    for (const target of linkTargets(text)) {
      if (/^[a-z][a-z\d+.-]*:/i.test(target)) continue; // https:, mailto: ... are not relative
      const [pathPart = '', anchor] = target.split('#', 2);
      const linked =
        pathPart === ''
          ? file
          : path.posix.normalize(path.posix.join(path.posix.dirname(file), decodeURIComponent(pathPart)));
      const content = pathPart === '' ? text : read(linked.replace(/\/$/, ''));
      if (content === undefined || linked.startsWith('..')) {
        problems.push(`${file}: ${target}: no file ${linked}`);
      } else if (anchor !== undefined && linked.endsWith('.md') && !headingAnchors(content).has(anchor)) {
        problems.push(`${file}: ${target}: ${linked} has no heading with the anchor #${anchor}`);
      }
    }
  }
  return problems;
}

/** A file of the repository: its text, '' for a directory, undefined when missing. */
function readRepositoryFile(file: string): string | undefined {
  const full = path.join(root, file);
  if (!existsSync(full)) return undefined;
  try {
    return readFileSync(full, 'utf8');
  } catch {
    return ''; // a directory: it exists, and has no headings
  }
}

it('every relative link and anchor in README.md, CONTRIBUTING.md, SECURITY.md, CHANGELOG.md and docs/ resolves', () => {
  expect(DOCUMENTS).toEqual(expect.arrayContaining(['docs/troubleshooting.md', 'docs/setup-github.md']));
  const links = DOCUMENTS.flatMap((file) => linkTargets(readRepositoryFile(file) ?? ''));
  expect(links.filter((target) => target.includes('#')).length).toBeGreaterThan(10);
  expect(brokenLinks(DOCUMENTS, readRepositoryFile)).toEqual([]);
});

it('reports a missing file, a missing anchor in another file and in the same file; not code or URLs', () => {
  const files: Record<string, string> = {
    'README.md': [
      '# Title',
      'See [setup](docs/setup.md#step-2-the-provider), [Title](#title), [code](docs/setup.md#lets-go_now-v2).',
      'Broken: [gone](docs/gone.md), [typo](docs/setup.md#step-2-the-providers), [here](#no-such-heading).',
      '`[not a link](nowhere.md)` and [a URL](https://example.com/missing#x) are left alone.',
      '```sh',
      'echo "[in code](nowhere.md)"',
      '```',
      '[ref]: docs/also-gone.md',
    ].join('\n'),
    'docs/setup.md': "# Setup\n\n## Step 2: the provider\n\n```\n## Not a heading\n```\n\n### Let's go_now `v2`\n",
  };
  expect(brokenLinks(['README.md', 'docs/setup.md'], (file) => files[file])).toEqual([
    'README.md: docs/gone.md: no file docs/gone.md',
    'README.md: docs/setup.md#step-2-the-providers: docs/setup.md has no heading with the anchor #step-2-the-providers',
    'README.md: #no-such-heading: README.md has no heading with the anchor #no-such-heading',
    'README.md: docs/also-gone.md: no file docs/also-gone.md',
  ]);
});

it("slugs headings as GitHub does: punctuation dropped, spaces to '-', repeats numbered", () => {
  const anchors = headingAnchors(
    [
      '## Authenticating from AWS (self-hosted EC2/ECS runners, or after configure-aws-credentials)',
      '### 3b. GitHub-hosted runner (GitHub → AWS → Google)',
      '### Forks and `pull_request_target`',
      '### Notes',
      '### Notes',
    ].join('\n'),
  );
  expect([...anchors]).toEqual([
    'authenticating-from-aws-self-hosted-ec2ecs-runners-or-after-configure-aws-credentials',
    '3b-github-hosted-runner-github--aws--google',
    'forks-and-pull_request_target',
    'notes',
    'notes-1',
  ]);
});
