/**
 * The runner's file commands: outputs (GITHUB_OUTPUT), exported variables
 * (GITHUB_ENV), state for the post step (GITHUB_STATE) and the job summary
 * (GITHUB_STEP_SUMMARY), written the way @actions/core writes them: a
 * `name<<delimiter` block with a random delimiter that neither the name nor
 * the value may contain. Only the main step needs these (see
 * runner-commands.ts for why this is not @actions/core).
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';

import { platform } from './runner-commands.js';

export function setOutput(name: string, value: string): void {
  fileCommand('GITHUB_OUTPUT', name, value);
}

/** Saves a value that the runner gives only to this action's post step (as STATE_<name>). */
export function saveState(name: string, value: string): void {
  fileCommand('GITHUB_STATE', name, value);
}

/** Sets the variable for this process and for every later step of the job. */
export function exportVariable(name: string, value: string): void {
  process.env[name] = value;
  fileCommand('GITHUB_ENV', name, value);
}

/** Appends `name<<delimiter ... delimiter` to the file the runner named in `variable`. */
function fileCommand(variable: string, name: string, value: string): void {
  const file = process.env[variable];
  if (!file) throw new Error(`${variable} is not set: this must run as a step of a GitHub Actions job.`);
  const delimiter = `ghadelimiter_${randomUUID()}`;
  if (name.includes(delimiter) || value.includes(delimiter)) {
    throw new Error(`Unexpected ${variable} entry: "${name}" or its value contains the delimiter.`);
  }
  const { eol } = platform;
  appendFileSync(file, `${name}<<${delimiter}${eol}${value}${eol}${delimiter}${eol}`, 'utf8');
}

export type SummaryCell = string | { data: string; header?: boolean };

/**
 * The job summary (HTML appended to GITHUB_STEP_SUMMARY), with the small
 * subset of @actions/core's builder this action uses. Cell text is written
 * as given: escape it first.
 */
class Summary {
  private buffer = '';

  addHeading(text: string, level: 1 | 2 | 3 | 4 | 5 | 6 = 1): this {
    this.buffer += `<h${level}>${text}</h${level}>${platform.eol}`;
    return this;
  }

  addTable(rows: SummaryCell[][]): this {
    const cell = (c: SummaryCell) =>
      typeof c === 'string' ? `<td>${c}</td>` : c.header ? `<th>${c.data}</th>` : `<td>${c.data}</td>`;
    this.buffer += `<table>${rows.map((row) => `<tr>${row.map(cell).join('')}</tr>`).join('')}</table>${platform.eol}`;
    return this;
  }

  /** Appends what was built and empties the buffer; throws when there is no summary file. */
  async write(): Promise<this> {
    const file = process.env['GITHUB_STEP_SUMMARY'];
    if (!file) throw new Error('GITHUB_STEP_SUMMARY is not set.');
    appendFileSync(file, this.buffer, 'utf8');
    this.buffer = '';
    return this;
  }
}

export const summary = new Summary();
