import type { Fid } from '../core/fid.js';
import { LIVERMRS_VERSION } from '../core/version.js';
import { ambiguityReason, decisionText, type SuppressionDecision } from '../fit/water-fat/detect.js';
import { referenceWaterFat, type ReferencingResult } from '../fit/water-fat/referencing.js';
import { type RelaxationChoice, relaxationFor, seriesT1 } from '../fit/water-fat/relaxation.js';
import type { EccMode } from '../fit/water-fat/self-ecc.js';
import { fitSeries, type SeriesResult } from '../fit/water-fat/series.js';
import type { FatModelKind, WaterFatResult } from '../fit/water-fat/water-fat-fit.js';
import { fitWaterLines } from '../fit/water-fat/water-lines.js';
import { formatCsv, roundedCell } from '../io/csv.js';
import { toJson } from './json.js';

/**
 * `livermrs fit` on water-unsuppressed body spectra: one spectrum (signal FF, PDFF with literature relaxation)
 * or a multi-echo series (T2-corrected PDFF). Returns the output files as text and a summary; failed results
 * carry no numbers in the tables.
 */
export interface WaterFatJobOptions {
  fatModel?: FatModelKind;
  /** Single TE: undefined = auto (fit/water-fat/water-lines.ts); a series uses 1 unless 2 is given. */
  waterLines?: 1 | 2;
  /** Tissue and the user's relaxation values for the single-TE PDFF (fit/water-fat/relaxation.ts). */
  relaxation?: RelaxationChoice;
  /** A --water file given with a body spectrum: not needed (water is in the spectrum), said in the notes. */
  waterReference?: string;
  suppression: SuppressionDecision;
  /** Referencing of the first spectrum, already computed for the suppression decision. */
  referencing?: ReferencingResult;
  /** Eddy-current correction from each spectrum's own water line (default auto). */
  ecc?: EccMode;
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

function echoSummary(r: WaterFatResult): Record<string, unknown> {
  const { fit, ...rest } = r;
  const failed = r.status.status === 'failed';
  return {
    ...rest,
    ...(failed
      ? { water: null, fat: null, fatPeaks: null, signalFatFraction: null, pdff: null, composition: null }
      : {}),
    quality: fit?.quality ?? null,
    parameters: fit?.parameters ?? null,
    warnings: fit?.warnings ?? [],
  };
}

export async function runWaterFatJob(
  label: string,
  fids: Fid[],
  o: WaterFatJobOptions,
  render = true,
): Promise<{ files: Record<string, string>; summary: Record<string, unknown> }> {
  // Report code loads only when files are rendered (not for `fit --json` alone).
  const report = render ? await import('../report/from-water-fat.js') : undefined;
  const name = label.split('/').pop() ?? label;
  const csv: string[][] = [];
  let summary: Record<string, unknown>;
  const sections = [];
  const analysis = decisionText(o.suppression);
  const notes: string[] = [];
  if (o.waterReference) {
    notes.push(
      `the water reference ${o.waterReference} is not used: the water–fat analysis fits the water of the spectrum itself`,
    );
  }
  if (fids.length === 1) {
    const fid = fids[0];
    const relaxation = relaxationFor(o.relaxation ?? {}, fid, fid.echoTime, fid.repetitionTime);
    const {
      result: r,
      ecc,
      waterLines,
    } = fitWaterLines(
      fid,
      { fatModel: o.fatModel, relaxation },
      o.waterLines ?? 'auto',
      o.suppression.suppressed,
      o.referencing ?? referenceWaterFat(fid),
      o.ecc ?? 'auto',
    );
    const doubts: string[] = [];
    if (!relaxation) doubts.push('echo time unknown: PDFF not relaxation-corrected (give --te)');
    if (o.suppression.ambiguous) doubts.push(ambiguityReason(o.suppression));
    if (doubts.length > 0 && r.status.status !== 'failed') {
      r.status = { status: 'doubtful', reasons: [...r.status.reasons, ...doubts] };
    }
    csv.push(...echoRows(r, fid.echoTime));
    summary = {
      file: label,
      kind: 'water-fat',
      analysis,
      ...echoSummary(r),
      status: r.status.status,
      statusReasons: r.status.reasons,
      waterSuppression: o.suppression,
      relaxation: relaxation?.applied ?? 'none (echo time unknown)',
      waterLines,
      notes,
      eddyCurrentCorrection: ecc,
      preprocessing: [
        ...((fid.meta?.processing as unknown[] | undefined) ?? []),
        ...(ecc.applied ? [ecc.note] : []),
      ],
    };
    if (report) sections.push(report.waterFatSection(r, name, undefined, `${ecc.note}; ${waterLines.note}`));
  } else {
    // A series fits T2; T1 (one TR) comes from the tissue table, or the user's values.
    const t1 = seriesT1(o.relaxation ?? {}, fids[0]);
    const s: SeriesResult = fitSeries(
      fids,
      {
        fatModel: o.fatModel,
        waterLines: o.waterLines,
        waterT1: t1.waterT1,
        fatT1: t1.fatT1,
        t1Source: t1.source,
        ecc: o.ecc ?? 'auto',
      },
      label,
    );
    if (o.suppression.ambiguous && s.status.status !== 'failed') {
      s.status = { status: 'doubtful', reasons: [...s.status.reasons, ambiguityReason(o.suppression)] };
    }
    for (const [i, e] of s.echoes.entries()) csv.push(...echoRows(e, s.echoTimes[i]));
    const ok = s.status.status !== 'failed';
    for (const [q, v, unit] of [
      ['PDFF (T2-corrected)', s.pdff, '%'],
      ['water T2', s.waterT2, 's'],
      ['fat T2', s.fatT2, 's'],
    ] as const) {
      csv.push(['', q, ok ? cell(v?.value) : '', ok ? cell(v?.sd) : '', unit, s.status.status]);
    }
    summary = {
      file: label,
      kind: 'water-fat-series',
      analysis,
      notes,
      status: s.status.status,
      statusReasons: s.status.reasons,
      waterSuppression: o.suppression,
      echoTimes: s.echoTimes,
      pdff: ok ? (s.pdff ?? null) : null,
      waterT2: ok ? (s.waterT2 ?? null) : null,
      fatT2: ok ? (s.fatT2 ?? null) : null,
      waterT1: ok ? (s.waterT1 ?? null) : null,
      fatT1: ok ? (s.fatT1 ?? null) : null,
      water0: ok ? (s.water0 ?? null) : null,
      fat0: ok ? (s.fat0 ?? null) : null,
      echoes: s.echoes.map(echoSummary),
      eddyCurrentCorrection: s.eddyCurrents ?? null,
    };
    if (report) sections.push(report.seriesSection(s));
    for (const [i, e] of s.echoes.entries()) {
      if (report) {
        sections.push(
          report.waterFatSection(
            e,
            name,
            `Echo ${i + 1}: TE ${(1000 * s.echoTimes[i]).toFixed(0)} ms`,
            s.eddyCurrents?.[i]?.note,
          ),
        );
      }
    }
  }
  if (!report) return { files: {}, summary };
  const { buildReport } = await import('../report/html.js');
  const { statusLine } = await import('../report/status-line.js');
  const { acquisitionTable } = await import('../report/acquisition.js');
  const built = buildReport({
    title: `livermrs fit: ${name}`,
    acquisition: acquisitionTable(
      fids[0],
      fids.map((f) => f.echoTime),
    ),
    subtitle: `${statusLine({ status: String(summary.status), reasons: summary.statusReasons as string[] })}`,
    meta: [
      ['analysis', analysis],
      ['livermrs', LIVERMRS_VERSION],
      ...(typeof summary.relaxation === 'string'
        ? [['relaxation', summary.relaxation] as [string, string]]
        : []),
      ...notes.map((n) => ['note', n] as [string, string]),
    ],
    sections,
  });
  csv.push(['', 'analysis', '', '', analysis, String(summary.status)]);
  const files: Record<string, string> = {
    'results.json': `${toJson(summary)}\n`,
    'water-fat.csv': formatCsv(['te_ms', 'quantity', 'value', 'sd', 'unit', 'status'], csv),
    'report.html': built.html,
  };
  if (built.figures[0]) files['fit.svg'] = built.figures[0].svg;
  return { files, summary };
}
