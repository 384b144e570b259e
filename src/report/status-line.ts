import { formatValueSd } from '../core/format.js';

/** The first line of every report: the result's status and its reasons (fit/status.ts). */
export function statusLine(s: { status: string; reasons: string[] }): string {
  return `Status: ${s.status.toUpperCase()}${s.reasons.length ? ` — ${s.reasons.join('; ')}` : ''}`;
}

/** STATUS (reasons), for the one-line summaries of the command line. */
export function statusText(r: { status: string; statusReasons: string[] }): string {
  return `${r.status.toUpperCase()}${r.statusReasons.length ? ` (${r.statusReasons.join('; ')})` : ''}`;
}

/**
 * One line for an analysed file (its results.json summary): the status first, then the headline number (the
 * PDFF of a water–fat fit, the number of warnings of a metabolite fit).
 */
export function analysisSummaryLine(s: Record<string, unknown>): string {
  const status = statusText({
    status: String(s.status ?? 'ok'),
    statusReasons: (s.statusReasons as string[] | undefined) ?? [],
  });
  const ff = (v: unknown) => {
    const x = v as { value: number; sd: number } | null | undefined;
    return x ? formatValueSd(x.value, x.sd, ' %') : undefined;
  };
  const analysis = typeof s.analysis === 'string' ? ` [${s.analysis}]` : '';
  if (s.kind === 'water-fat') {
    const ref = s.referencing as { shiftPpm: number } | undefined;
    const parts = [status];
    if (s.status !== 'failed') {
      parts.push(`PDFF ${ff(s.pdff) ?? 'n/a'}`, `signal FF ${ff(s.signalFatFraction) ?? 'n/a'}`);
      if (ref) parts.push(`referencing shift ${ref.shiftPpm.toFixed(3)} ppm`);
    }
    return parts.join(', ') + analysis;
  }
  if (s.kind === 'water-fat-series') {
    return (
      (s.status === 'failed' ? status : `${status}, T2-corrected PDFF ${ff(s.pdff) ?? 'n/a'}`) + analysis
    );
  }
  const w = ((s.warnings as string[] | undefined) ?? []).length;
  return `${status}${w ? `, ${w} warning${w > 1 ? 's' : ''}` : ''}${analysis}`;
}
