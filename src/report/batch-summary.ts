import { formatCsv, roundedCell } from '../io/csv.js';
import { formatPlain, formatValueSd, roundToSd } from './round.js';
import type { ReportInput } from './types.js';

/**
 * The summary of a batch (`fit`, `quantify` or `classify` over many files with --out): summary.csv with one row
 * per input (path, output folder, status and reasons, the key numbers) and a summary report.html with the same
 * table, each input linked to its own report. A file that could not be analysed at all gets a row too, with
 * status `error` and the message.
 */
export interface BatchEntry {
  input: string;
  /** Output folder of this input, relative to the batch folder (absent when nothing was written). */
  folder?: string;
  status: string;
  reasons: string[];
  /** Key numbers in display order, e.g. ['PDFF %', 12.3], ['PDFF SD %', 0.4]. */
  numbers: [string, number | string][];
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** Key numbers of a `livermrs fit` result (results.json): PDFF and FF with SDs, or metabolites with CRLB %. */
export function fitNumbers(summary: Json): [string, number | string][] {
  const out: [string, number | string][] = [];
  const push = (k: string, v: unknown) => {
    if (typeof v === 'number' || typeof v === 'string') out.push([k, v]);
  };
  if (summary.kind === 'water-fat' || summary.kind === 'water-fat-series') {
    const pdff = obj(summary.pdff);
    const ff = obj(summary.signalFatFraction);
    push('PDFF %', num(pdff?.value));
    push('PDFF SD %', num(pdff?.sd));
    push('signal FF %', num(ff?.value));
    push('signal FF SD %', num(ff?.sd));
    push('referencing shift ppm', num(obj(summary.referencing)?.shiftPpm));
    return out;
  }
  const quality = obj(summary.quality);
  push('SNR', num(quality?.snr));
  push('FWHM Hz', num(quality?.fwhmHz));
  const q = obj(summary.quantification);
  push('unit', typeof q?.unit === 'string' ? q.unit : 'basis units');
  for (const r of (q?.rows as Json[] | undefined) ?? []) {
    const name = String(r.name);
    push(name, num(r.concentration) ?? num(r.amplitude));
    push(`${name} CRLB %`, num(r.crlbPercent));
  }
  const fat = obj(q?.fatFraction);
  push('fat fraction %', num(fat?.value) ?? num(fat?.percent));
  push('fat fraction SD %', num(fat?.sd));
  return out;
}

/** Key numbers of a `livermrs quantify` result: each component with its SD %, and the fat fraction. */
export function quantifyNumbers(r: {
  unit: string;
  components: { name: string; amplitude: number; sdPercent: number; concentration?: number }[];
  fatFraction: { percent: number; sd: number } | null;
}): [string, number | string][] {
  const out: [string, number | string][] = [
    ['unit', r.components[0]?.concentration !== undefined ? 'mmol/kg' : r.unit],
  ];
  for (const c of r.components) {
    out.push([c.name, c.concentration ?? c.amplitude], [`${c.name} SD %`, c.sdPercent]);
  }
  if (r.fatFraction)
    out.push(['fat fraction %', r.fatFraction.percent], ['fat fraction SD %', r.fatFraction.sd]);
  return out;
}

/** Key numbers of a `livermrs classify` result: the probability of the positive class and the call. */
export function classifyNumbers(r: {
  probability: number | null;
  positiveClass: string;
  predicted: string | null;
}): [string, number | string][] {
  return r.probability === null
    ? []
    : [
        [`P(${r.positiveClass})`, r.probability],
        ['predicted', r.predicted ?? ''],
      ];
}

function columnsOf(entries: readonly BatchEntry[]): string[] {
  const cols: string[] = [];
  for (const e of entries) for (const [k] of e.numbers) if (!cols.includes(k)) cols.push(k);
  return cols;
}

/** summary.csv: input, folder, status, reasons, then every key number (6 significant digits). */
export function batchSummaryCsv(entries: readonly BatchEntry[]): string {
  const cols = columnsOf(entries);
  return formatCsv(
    ['input', 'folder', 'status', 'reasons', ...cols],
    entries.map((e) => {
      const values = new Map(e.numbers);
      return [
        e.input,
        e.folder ?? '',
        e.status,
        e.reasons.join('; '),
        ...cols.map((c) => {
          const v = values.get(c);
          return typeof v === 'number' ? roundedCell(v, 6) : (v ?? '');
        }),
      ];
    }),
  );
}

/** Counts per status, e.g. `18 ok, 1 doubtful, 1 failed`. */
export function statusCounts(entries: readonly BatchEntry[]): string {
  const counts = new Map<string, number>();
  for (const e of entries) counts.set(e.status, (counts.get(e.status) ?? 0) + 1);
  return ['ok', 'doubtful', 'failed', 'error']
    .filter((s) => counts.has(s))
    .map((s) => `${counts.get(s)} ${s}`)
    .join(', ');
}

/**
 * The display columns of the summary page: a number and its uncertainty in one cell (`21.7 (4 %)` for a CRLB or
 * SD in percent, `12.3 ± 0.4` for an SD in the number's own unit), so that a metabolite fit fits on a screen.
 */
function displayColumns(
  cols: readonly string[],
): { label: string; value: string; spread?: string; percent: boolean }[] {
  const used = new Set<string>();
  const out: { label: string; value: string; spread?: string; percent: boolean }[] = [];
  for (const c of cols) {
    if (used.has(c)) continue;
    const relative = [`${c} CRLB %`, `${c} SD %`].find((x) => cols.includes(x) && !c.endsWith(' %'));
    const absolute = c.endsWith(' %') ? c.replace(/ %$/, ' SD %') : undefined;
    const spread = relative ?? (absolute && cols.includes(absolute) ? absolute : undefined);
    if (spread) used.add(spread);
    out.push({ label: c, value: c, spread, percent: relative !== undefined });
  }
  return out;
}

/** The summary report: one line per input, linked to its own report. */
export function batchSummaryReport(
  command: string,
  entries: readonly BatchEntry[],
  meta: [string, string][] = [],
): ReportInput {
  // A text column with one value for every file (the unit) is said once, above the table.
  const all = columnsOf(entries);
  const constant = all.filter((c) => {
    const v = entries.map((e) => new Map(e.numbers).get(c));
    return typeof v[0] === 'string' && v.every((x) => x === v[0]);
  });
  const cols = displayColumns(all.filter((c) => !constant.includes(c)));
  const cell = (values: Map<string, number | string>, c: (typeof cols)[number]): string => {
    const v = values.get(c.value);
    if (v === undefined) return '';
    if (typeof v !== 'number') return v;
    const s = c.spread !== undefined ? values.get(c.spread) : undefined;
    if (typeof s !== 'number') return formatPlain(v);
    // Rounded to the uncertainty's precision (round.ts), the percent as a whole number.
    return c.percent
      ? `${roundToSd(v, (Math.abs(v) * s) / 100).value} (${Number.isFinite(s) ? Math.round(s) : '–'} %)`
      : formatValueSd(v, s);
  };
  const spreadNote = cols.some((c) => c.percent)
    ? ' A value in brackets is its CRLB or predicted SD in percent.'
    : '';
  return {
    title: `livermrs ${command}: ${entries.length} files`,
    meta: [
      ['files', `${entries.length}: ${statusCounts(entries)}`],
      ...constant.map((c) => [c, String(new Map(entries[0].numbers).get(c))] as [string, string]),
      ...meta,
    ],
    sections: [
      {
        heading: 'Files',
        blocks: [
          {
            kind: 'table',
            input: {
              columns: ['file', 'status', 'reasons', ...cols.map((c) => c.label)],
              rows: entries.map((e) => {
                const values = new Map(e.numbers);
                return {
                  cells: [
                    e.folder ?? e.input,
                    e.status,
                    e.reasons.join('; '),
                    ...cols.map((c) => cell(values, c)),
                  ],
                  ...(e.folder !== undefined ? { href: `${e.folder}/report.html` } : {}),
                  flagged: e.status !== 'ok',
                };
              }),
              note: `Each file links to its own report (the input paths are in summary.csv). Numbers are rounded to their CRLB or SD here (two significant digits of the SD), 6 significant digits in summary.csv.${spreadNote}`,
            },
          },
        ],
      },
    ],
  };
}
