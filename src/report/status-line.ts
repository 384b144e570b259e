/** The first line of every report: the result's status and its reasons (fit/status.ts). */
export function statusLine(s: { status: string; reasons: string[] }): string {
  return `Status: ${s.status.toUpperCase()}${s.reasons.length ? ` — ${s.reasons.join('; ')}` : ''}`;
}
