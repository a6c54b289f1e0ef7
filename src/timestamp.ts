/** Instants as the action prints them: outputs, the summary, log lines. */

/** RFC 3339 in UTC without fractions: 2026-01-02T03:04:05Z. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
