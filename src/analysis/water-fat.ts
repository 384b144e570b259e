import type { Fid } from '../core/fid.js';
import { ambiguityReason, decisionText, type SuppressionDecision } from '../fit/water-fat/detect.js';
import { referenceWaterFat, type ReferencingResult } from '../fit/water-fat/referencing.js';
import { type RelaxationChoice, relaxationFor, seriesT1 } from '../fit/water-fat/relaxation.js';
import type { LineshapeMode } from '../fit/water-fat/reference-lineshape.js';
import type { EccMode } from '../fit/water-fat/self-ecc.js';
import { fitSeries, type SeriesResult } from '../fit/water-fat/series.js';
import type { FatModelKind } from '../fit/water-fat/water-fat-fit.js';
import { fitWaterLines } from '../fit/water-fat/water-lines.js';
import type { WaterFatOutcome, WaterFatSeriesOutcome } from '../report/water-fat-files.js';

/** Options of the water–fat analysis of water-unsuppressed body spectra. */
export interface WaterFatAnalysisOptions {
  fatModel?: FatModelKind;
  /** Single TE: undefined = auto (fit/water-fat/water-lines.ts); a series uses 1 unless 2 is given. */
  waterLines?: 1 | 2;
  /** Single TE: lineshape model (fit/water-fat/reference-lineshape.ts); a series uses Voigt lines. */
  lineshape?: LineshapeMode;
  /** Tissue and the user's relaxation values for the single-TE PDFF (fit/water-fat/relaxation.ts). */
  relaxation?: RelaxationChoice;
  /** A water reference given with a body spectrum: not needed (water is in the spectrum), said in the notes. */
  waterReference?: string;
  suppression: SuppressionDecision;
  /** Referencing of the first spectrum, already computed for the suppression decision. */
  referencing?: ReferencingResult;
  /** Eddy-current correction from each spectrum's own water line (default auto). */
  ecc?: EccMode;
}

/** One water-unsuppressed spectrum: signal fat fraction, and PDFF with literature (or given) relaxation. */
export interface WaterFatAnalysis extends WaterFatOutcome {
  waterSuppression: SuppressionDecision;
  /** The file's preprocessing record (NIfTI-MRS ProcessingApplied) and the eddy-current correction's note. */
  preprocessing: unknown[];
}

/** A multi-echo series: T2-corrected PDFF from a joint fit of every echo. */
export interface WaterFatSeriesAnalysis extends WaterFatSeriesOutcome {
  waterSuppression: SuppressionDecision;
}

/**
 * The water–fat analysis of one spectrum (fit/water-fat/water-lines.ts) or of a multi-echo series
 * (fit/water-fat/series.ts), with the doubts of the routing (an ambiguous water-suppression decision) and of a
 * missing echo time added to the fit's status.
 */
export function analyseWaterFat(
  label: string,
  fids: Fid[],
  o: WaterFatAnalysisOptions,
): WaterFatAnalysis | WaterFatSeriesAnalysis {
  const analysis = decisionText(o.suppression);
  const notes: string[] = [];
  if (o.waterReference) {
    notes.push(
      `the water reference ${o.waterReference} is not used: the water–fat analysis fits the water of the spectrum itself`,
    );
  }
  const common = { file: label, analysis, waterSuppression: o.suppression, notes, spectra: fids };
  if (fids.length === 1) {
    const fid = fids[0];
    const relaxation = relaxationFor(o.relaxation ?? {}, fid, fid.echoTime, fid.repetitionTime);
    const {
      result: r,
      ecc,
      waterLines,
    } = fitWaterLines(
      fid,
      { fatModel: o.fatModel, relaxation, lineshape: o.lineshape },
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
    return {
      kind: 'water-fat',
      ...common,
      status: r.status.status,
      statusReasons: r.status.reasons,
      result: r,
      echoTime: fid.echoTime,
      relaxation: relaxation?.applied ?? 'none (echo time unknown)',
      waterLines,
      eddyCurrentCorrection: ecc,
      preprocessing: [
        ...((fid.meta?.processing as unknown[] | undefined) ?? []),
        ...(ecc.applied ? [ecc.note] : []),
      ],
    };
  }
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
  return {
    kind: 'water-fat-series',
    ...common,
    status: s.status.status,
    statusReasons: s.status.reasons,
    series: s,
  };
}
