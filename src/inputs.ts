/**
 * Reading inputs: the reader config.ts and every subject source are given,
 * and the text forms that several inputs share (true/false, lists).
 */
import { ConfigError } from './errors.js';

/**
 * Reads one input by its action.yml name; '' when unset (the runner's
 * convention). `Name` narrows the names a parser may read (config.ts: its
 * own inputs).
 */
export type InputReader<Name extends string = string> = (name: Name) => string;

/** Comma- and/or newline-separated list; blanks dropped. */
export function parseList(value: string): string[] {
  return value
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** true or false in any case; `fallback` when empty. */
export function parseBoolean(value: string, input: string, fallback: boolean): boolean {
  if (value === '') return fallback;
  if (/^true$/i.test(value)) return true;
  if (/^false$/i.test(value)) return false;
  throw new ConfigError(`"${input}" must be true or false, got "${value}".`);
}
