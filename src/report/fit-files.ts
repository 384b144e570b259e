import type { Fid } from '../core/fid.js';
import { LIVERMRS_VERSION } from '../core/version.js';
import type { FitResult } from '../fit/fit.js';
import type { Quantification } from '../fit/quantify.js';
import type { Status } from '../fit/status.js';
import { formatCsv, roundedCell } from '../io/csv.js';
import { acquisitionTable } from './acquisition.js';
import { fitSection, fitSettingsEntries } from './from-fit.js';
import { type BuiltReport, buildReport } from './html.js';
import { statusLine } from './status-line.js';

/**
 * The output files of a metabolite fit (`livermrs fit` on water-suppressed spectra): concentrations.csv,
 * spectra.csv and the HTML report with its figure. Takes what analysis/metabolite-fit.ts returns.
 */
export interface MetaboliteFitOutcome {
  file: string;
  status: Status;
  statusReasons: string[];
  /** How the analysis was chosen, in words (fit/water-fat/detect.ts decisionText, or "asked for"). */
  analysis: string;
  fit: FitResult;
  quantification: Quantification;
  /** The spectrum that was fitted (the report's acquisition table). */
  fid: Fid;
  /** The water reference's name, when one was given. */
  waterReference?: string;
}

/** Fit results are written with 7 significant digits. */
const csvNumber = (v: number | undefined) => roundedCell(v, 7);

/** One row per component (amplitude, CRLB, ratio, concentration), the fat fraction, the status and the analysis. */
export function fitConcentrationsCsv(a: MetaboliteFitOutcome): string {
  const q = a.quantification;
  const failed = a.status === 'failed';
  const header = [
    'name',
    'amplitude',
    'crlb',
    'crlb_percent',
    'ratio',
    'ratio_sd',
    'concentration',
    'concentration_sd',
    'unit',
    'status',
  ];
  const rows: string[][] = [];
  for (const c of failed ? [] : q.components) {
    rows.push([
      c.name,
      csvNumber(c.amplitude),
      csvNumber(c.crlb),
      csvNumber(c.crlbPercent),
      csvNumber(c.ratio),
      csvNumber(c.ratioSd),
      csvNumber(c.concentration),
      csvNumber(c.concentrationSd),
      c.concentration !== undefined ? (q.unit ?? '') : '',
      a.status,
    ]);
  }
  if (q.fatFraction) {
    const ff = q.fatFraction;
    rows.push([
      'fat fraction (%)',
      '',
      '',
      '',
      '',
      '',
      csvNumber(ff.percent),
      csvNumber(ff.sd),
      '%',
      a.status,
    ]);
  }
  // Reasons keep their historical form (commas as semicolons) so the cell stays unquoted.
  if (failed) {
    const reasons = `failed: ${a.statusReasons.join('; ').replace(/,/g, ';')}`;
    rows.push(['status', '', '', '', '', '', '', '', '', reasons]);
  }
  rows.push(['analysis', '', '', '', '', '', '', '', a.analysis, a.status]);
  return formatCsv(header, rows);
}

/** Data, fit, baseline, water, residual (real and imaginary) and each component on the ppm axis. */
export function fitSpectraCsv(r: FitResult): string {
  const s = r.spectra;
  const parts = ['data', 'fit', 'baseline', 'water', 'residual'];
  const head = [
    'ppm',
    ...parts.flatMap((p) => [`${p}_re`, `${p}_im`]),
    ...r.components.map((c) => `${c.name}_re`),
  ];
  const rows: string[][] = [];
  for (let j = 0; j < s.ppm.length; j++) {
    const v = [
      s.ppm[j],
      ...[s.data, s.fit, s.baseline, s.water, s.residual].flatMap((x) => [x[2 * j], x[2 * j + 1]]),
      ...s.components.map((c) => c[2 * j]),
    ];
    rows.push(v.map((x) => csvNumber(x)));
  }
  return formatCsv(head, rows);
}

/** The HTML report of a metabolite fit: status, the analysis, the fitted spectrum and its tables. */
export function fitReport(a: MetaboliteFitOutcome): BuiltReport {
  const name = a.file.split('/').pop() ?? a.file;
  return buildReport({
    title: `livermrs fit: ${name}`,
    subtitle: `${a.file} — ${statusLine({ status: a.status, reasons: a.statusReasons })}`,
    acquisition: acquisitionTable(a.fid),
    meta: [
      ['analysis', a.analysis],
      ['livermrs', LIVERMRS_VERSION],
      ...fitSettingsEntries(a.fit),
      ...(a.waterReference ? [['water reference', a.waterReference] as [string, string]] : []),
    ],
    sections: [fitSection(a.fit, 'NLLS fit', name, a.quantification)],
  });
}
