/**
 * The `gcloud` commands the README and docs/*.md tell users to run: every
 * command in a ```sh block (continuation lines joined, also inside `$( )`),
 * and every inline code span that starts with `gcloud `. A command is split
 * into shell words (quotes removed, `$VAR` kept as written); "…" stands for
 * words the text leaves out.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

export interface DocCommand {
  /** README.md or docs/NAME.md */
  file: string;
  /** The command as written (one line). */
  text: string;
  /** Its shell words after `gcloud`. */
  words: string[];
  /** The leading words that name a group, command or positional argument, up to the first flag or other word. */
  path: string[];
  /** The flags it passes, by name (`--format`), with their values if given with `=`. */
  flags: Array<{ name: string; value: string | undefined }>;
}

/** The Markdown users read: the README and every page of docs/. */
export function docFiles(root: string): string[] {
  return [
    'README.md',
    ...readdirSync(path.join(root, 'docs'))
      .filter((name) => name.endsWith('.md'))
      .sort()
      .map((name) => `docs/${name}`),
  ];
}

/** Shell words of `line` from its start, until an unquoted `)`, `|`, `;`, `&`, `>`, `<` or comment. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] ?? '';
    if (quote) {
      if (c === quote) quote = undefined;
      else word = (word ?? '') + c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (/[)|;&<>]/.test(c) || (c === '#' && word === undefined)) {
      break;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** One command line (starting with `gcloud`), as written in `file`. */
export function parseGcloudCommand(file: string, text: string): DocCommand {
  const words = shellWords(text).slice(1);
  const pathWords: string[] = [];
  for (const word of words) {
    if (!/^[a-z][a-z0-9-]*$/.test(word)) break;
    pathWords.push(word);
  }
  const flags = words
    .filter((w) => w.startsWith('--'))
    .map((w) => {
      const eq = w.indexOf('=');
      return eq < 0 ? { name: w, value: undefined } : { name: w.slice(0, eq), value: w.slice(eq + 1) };
    });
  return { file, text, words, path: pathWords, flags };
}

/** Every gcloud command in `files` (paths relative to `root`). */
export function gcloudCommands(root: string, files: string[] = docFiles(root)): DocCommand[] {
  const out: DocCommand[] = [];
  for (const file of files) {
    const markdown = readFileSync(path.join(root, file), 'utf8');
    for (const block of markdown.matchAll(/^```(?:sh|bash|shell)\n([\s\S]*?)^```/gm)) {
      for (const line of (block[1] ?? '').replace(/\\\n\s*/g, ' ').split('\n')) {
        for (const m of line.matchAll(/(?:^|\$\(|\s)(gcloud\s.*)$/g))
          out.push(parseGcloudCommand(file, (m[1] ?? '').trim()));
      }
    }
    const prose = markdown.replace(/^```[\s\S]*?^```/gm, '');
    for (const m of prose.matchAll(/`(gcloud\s[^`]*)`/g))
      out.push(parseGcloudCommand(file, (m[1] ?? '').replace(/\s+/g, ' ')));
  }
  return out;
}
