import type { Fid } from '../core/fid.js';
import { LIVERMRS_VERSION } from '../core/version.js';
import type { Status } from '../fit/status.js';
import type { SelfEccReport } from '../fit/water-fat/self-ecc.js';
import type { SeriesResult } from '../fit/water-fat/series.js';
import type { WaterFatResult } from '../fit/water-fat/water-fat-fit.js';
import type { WaterLinesReport } from '../fit/water-fat/water-lines.js';
import { formatCsv, roundedCell } from '../io/csv.js';
import { acquisitionTable } from './acquisition.js';
import { seriesSection, waterFatSection } from './from-water-fat.js';
import { type BuiltReport, buildReport } from './html.js';
import { statusLine } from './status-line.js';
import type { ReportSection } from './types.js';

/**
 * The output files of a water–fat analysis (`livermrs fit` on water-unsuppressed spectra): water-fat.csv and the
 * HTML report, for one spectrum or a multi-echo series. Takes what analysis/water-fat.ts returns; failed results
 * carry no numbers in the table.
 */
interface Common {
  file: string;
  status: Status;
  statusReasons: string[];
  /** How the analysis was chosen, in words. */
  analysis: string;
  notes: string[];
  /** The spectra that were fitted, one per echo (the report's acquisition table). */
  spectra: Fid[];
}

/** One water-unsuppressed spectrum: the fit, its TE, and what the PDFF was corrected with. */
export interface WaterFatOutcome extends Common {
  kind: 'water-fat';
  result: WaterFatResult;
  echoTime?: number;
  /** What the PDFF was corrected with, in words. */
  relaxation: string;
  waterLines: WaterLinesReport;
  eddyCurrentCorrection: SelfEccReport;
}

/** A multi-echo series: the joint fit and each echo's fit. */
export interface WaterFatSeriesOutcome extends Common {
  kind: 'water-fat-series';
  series: SeriesResult;
}

const cell = (v: number | undefined) => roundedCell(v, 7);

function echoRows(r: WaterFatResult, te: number | undefined): string[][] {
  const ok = r.status.status !== 'failed';
  const t = te !== undefined ? (te * 1000).toFixed(1) : '';
  const rows: string[][] = [];
  const add = (name: string, v?: { value: number; sd: number }, unit = '') =>
    rows.push([t, name, ok ? cell(v?.value) : '', ok ? cell(v?.sd) : '', unit, r.status.status]);
  add('water', r.water, 'a.u.');
  add('fat', r.fat, 'a.u.');
  for (const p of r.fatPeaks ?? []) add(`fat ${p.ppm.toFixed(2)} ppm`, { value: p.area, sd: p.sd }, 'a.u.');
  add('signal fat fraction', r.signalFatFraction, '%');
  add('PDFF', r.pdff, '%');
  // What the PDFF was corrected with (tissue table or the user's values, T1 only with a TR).
  if (ok && r.pdff) rows.push([t, 'PDFF correction', '', '', r.pdff.correction, r.status.status]);
  if (r.composition) {
    add('chain length', r.composition.chainLength);
    add('double bonds', r.composition.doubleBonds);
    add('MIDB', r.composition.midb);
  }
  return rows;
}

/** water-fat.csv: one block of rows per echo (TE in ms), the series' T2-corrected numbers, and the analysis. */
export function waterFatCsv(a: WaterFatOutcome | WaterFatSeriesOutcome): string {
  const csv: string[][] = [];
  if (a.kind === 'water-fat') csv.push(...echoRows(a.result, a.echoTime));
  else {
    const s = a.series;
    for (const [i, e] of s.echoes.entries()) csv.push(...echoRows(e, s.echoTimes[i]));
    const ok = a.status !== 'failed';
    for (const [q, v, unit] of [
      ['PDFF (T2-corrected)', s.pdff, '%'],
      ['water T2', s.waterT2, 's'],
      ['fat T2', s.fatT2, 's'],
    ] as const) {
      csv.push(['', q, ok ? cell(v?.value) : '', ok ? cell(v?.sd) : '', unit, a.status]);
    }
  }
  csv.push(['', 'analysis', '', '', a.analysis, a.status]);
  return formatCsv(['te_ms', 'quantity', 'value', 'sd', 'unit', 'status'], csv);
}

/** The HTML report: the status, the analysis and notes, then the fit (one section per echo for a series). */
export function waterFatReport(a: WaterFatOutcome | WaterFatSeriesOutcome): BuiltReport {
  const name = a.file.split('/').pop() ?? a.file;
  const sections: ReportSection[] = [];
  if (a.kind === 'water-fat') {
    const note = `${a.eddyCurrentCorrection.note}; ${a.waterLines.note}`;
    sections.push(waterFatSection(a.result, name, undefined, note));
  } else {
    const s = a.series;
    sections.push(seriesSection(s));
    for (const [i, e] of s.echoes.entries()) {
      const heading = `Echo ${i + 1}: TE ${(1000 * s.echoTimes[i]).toFixed(0)} ms`;
      sections.push(waterFatSection(e, name, heading, s.eddyCurrents?.[i]?.note));
    }
  }
  return buildReport({
    title: `livermrs fit: ${name}`,
    acquisition: acquisitionTable(
      a.spectra[0],
      a.spectra.map((f) => f.echoTime),
    ),
    subtitle: `${statusLine({ status: a.status, reasons: a.statusReasons })}`,
    meta: [
      ['analysis', a.analysis],
      ['livermrs', LIVERMRS_VERSION],
      ...(a.kind === 'water-fat' ? [['relaxation', a.relaxation] as [string, string]] : []),
      ...a.notes.map((n) => ['note', n] as [string, string]),
    ],
    sections,
  });
}
