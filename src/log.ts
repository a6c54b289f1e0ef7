/**
 * The log the action writes to. An interface rather than direct runner commands
 * calls so the HTTP layer and the clients can be unit-tested without a runner.
 *
 * Every line reaches the runner through runner-commands.ts, which makes
 * outside values inert there (`inert`): a call site cannot forget.
 */
import * as runner from './runner-commands.js';

export interface Log {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
}

export const runnerLog: Log = {
  debug: (message) => runner.debug(message),
  info: (message) => runner.info(message),
  warning: (message) => runner.warning(message),
};

/** Every value registered with the runner's masker in this process, for `redactSecrets`. */
const registered = new Set<string>();
/** Fragments of the opaque parts of those values (see `remember`). */
const fragments = new Set<string>();

/**
 * Registers a value with the runner's masker. Every token, request token and
 * key passes through here the moment we have it, before anything could print it.
 */
export function maskSecret(value: string | undefined): void {
  if (!value) return;
  runner.setSecret(value);
  remember(value);
  // A multi-line secret (a PEM key) is masked line by line by the runner only
  // when each line is registered; register the lines too.
  if (value.includes('\n')) {
    for (const line of value.split(/\r?\n/)) {
      if (line.trim().length >= 8) {
        runner.setSecret(line.trim());
        remember(line.trim());
      }
    }
  }
}

/**
 * How long a piece of a secret must be to be recognised on its own, and how
 * long an opaque word of a secret (a JWT segment, a signature, an access
 * token, a line of a key) must be for its pieces to count. Long enough that
 * ordinary words never match; short enough that what is left at the edges of
 * a cut reveals nothing useful.
 */
const FRAGMENT = 16;
const OPAQUE_WORD = /[A-Za-z0-9+/=_~-]{32,}/g;

function remember(value: string): void {
  registered.add(value);
  // The forms an echo may take: JSON-escaped (inside an error body) and URL-encoded (inside a query).
  registered.add(JSON.stringify(value).slice(1, -1));
  registered.add(encodeURIComponent(value));
  for (const word of value.match(OPAQUE_WORD) ?? []) {
    for (let i = 0; i + FRAGMENT <= word.length; i++) fragments.add(word.slice(i, i + FRAGMENT));
  }
}

/**
 * `text` with every registered secret, whole or in part, replaced by `***`.
 * The runner masks only whole values, so text that is clipped for display
 * (an error body, a program's stderr) must pass through here before the cut:
 * a clipped echo would otherwise show a secret's beginning unmasked.
 * A part is any run of FRAGMENT characters from an opaque word of a secret.
 */
export function redactSecrets(text: string): string {
  if (registered.size === 0 || text === '') return text;
  const hidden = new Uint8Array(text.length);
  for (const secret of registered) {
    if (secret.length < 4) continue; // the runner does not mask these either; matching them would shred the text
    for (let at = text.indexOf(secret); at >= 0; at = text.indexOf(secret, at + 1)) {
      hidden.fill(1, at, at + secret.length);
    }
  }
  if (fragments.size > 0) {
    for (let i = 0; i + FRAGMENT <= text.length; i++) {
      if (fragments.has(text.slice(i, i + FRAGMENT))) hidden.fill(1, i, i + FRAGMENT);
    }
  }
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (!hidden[i]) out += text[i];
    else if (i === 0 || !hidden[i - 1]) out += '***';
  }
  return out;
}

/** At most `max` characters of `text` for display, secrets redacted before the cut (see `redactSecrets`). */
export function clipForDisplay(text: string, max: number): string {
  // Redacting the whole text could be slow on a huge answer; what lies past the cut is never shown, and a window
  // of FRAGMENT characters past it is enough to recognise a secret that the cut would split.
  const window = redactSecrets(text.length > 4 * max + FRAGMENT ? text.slice(0, 4 * max + FRAGMENT) : text);
  return window.length > max ? `${window.slice(0, max)}…` : window;
}

/** Forgets every registered secret: for tests, which run many "jobs" in one process. */
export function forgetSecretsForTests(): void {
  registered.clear();
  fragments.clear();
}
