// Prints the CHANGELOG.md section of one version, without its heading: the
// release notes the release workflow publishes for tag vVERSION. Exit 1, with
// what to fix, when the file has no such section or it is empty.
//
//   node scripts/changelog-section.mjs 1.0.0 [CHANGELOG.md]
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The body of `## [version] - date` (Keep a Changelog) up to the next `## ` heading or the link
 * definitions at the end, trimmed; undefined when there is no such heading.
 * @param {string} text
 * @param {string} version
 * @returns {string | undefined}
 */
export function changelogSection(text, version) {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((line) => new RegExp(`^## \\[${version.replace(/\./g, '\\.')}\\](?:\\s|$)`).test(line));
  if (start < 0) return undefined;
  const body = [];
  for (const line of lines.slice(start + 1)) {
    if (/^## /.test(line) || /^\[[^\]]+\]: /.test(line)) break;
    body.push(line);
  }
  return body.join('\n').trim();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const version = process.argv[2] ?? '';
  const file = process.argv[3] ?? join(root, 'CHANGELOG.md');
  if (!/^\d+\.\d+\.\d+$/.test(version)) {
    console.error(`Usage: node scripts/changelog-section.mjs X.Y.Z [CHANGELOG.md] (got ${JSON.stringify(version)}).`);
    process.exit(1);
  }
  const section = changelogSection(readFileSync(file, 'utf8'), version);
  if (!section) {
    console.error(
      `${file} has no ${section === undefined ? '' : 'non-empty '}section "## [${version}] - YYYY-MM-DD". ` +
        `Move the entries under [Unreleased] into it before tagging v${version}.`,
    );
    process.exit(1);
  }
  console.log(section);
}
