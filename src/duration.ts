/**
 * Durations: as users write them (lifetimes, timeouts) and as the log and
 * errors show them (waits, retry budgets).
 */

/**
 * Parses the durations users write for lifetimes and timeouts: "3600s",
 * "3600" (seconds), "1h", "30m", "1h30m", "1h30m15s". Returns seconds, or
 * undefined when the text is not such a duration.
 */
export function parseDuration(text: string): number | undefined {
  const value = text.trim();
  if (/^\d+$/.test(value)) return Number(value);
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/i.exec(value);
  if (!match || value === '') return undefined;
  const [, hours = '0', minutes = '0', seconds = '0'] = match;
  return Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds);
}

/** Milliseconds as logs and errors show them, short: "1.2s", "41s", "2m5s". */
export function formatDuration(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const rest = seconds % 60;
  return `${Math.floor(seconds / 60)}m${rest ? `${rest}s` : ''}`;
}
