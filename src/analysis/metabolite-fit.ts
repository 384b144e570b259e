import { readFileSync } from 'node:fs';
import { acquisitionOf, LIVER_DEFAULTS, toMs } from '../core/acquisition.js';
import type { BasisSet } from '../core/basis.js';
import { InputError } from '../core/errors.js';
import type { Fid } from '../core/fid.js';
import { type FitOptions, type FitResult, Fitter } from '../fit/fit.js';
import { type CohortBaselineShape, cohortFitOptions, LIVER_FIT_OPTIONS } from '../fit/liver-options.js';
import { ISMRM2016_SCALING, liverScaling, quantify, type ScalingOptions } from '../fit/quantify.js';
import { appendSimulatedComponents, LIPIDS_BRAIN } from '../fit/simulated-components.js';
import type { Diagnostic } from '../fit/diagnostics.js';
import { fitStatus, type ResultStatus } from '../fit/status.js';
import {
  ambiguityReason,
  decisionText,
  intactWaterReason,
  type SuppressionDecision,
} from '../fit/water-fat/detect.js';
import { fitWaterReference } from '../fit/water-reference.js';
import { readLcmBasis } from '../io/lcmodel/basis.js';
import { inputName } from '../io/mrs-file.js';
import { type AnalysisInput, readSpectrum } from './input.js';
import type { MetaboliteFitOutcome } from '../report/fit-files.js';
import type { AnalysisOptions } from './options.js';

/** A metabolite fit of one spectrum: the fit, its quantification, and how the analysis was chosen. */
export interface MetaboliteAnalysis extends MetaboliteFitOutcome {
  kind: 'metabolites';
  /** The water-suppression decision; undefined with --basis or another preset (the user asked for this fit). */
  waterSuppression?: SuppressionDecision;
}

const cache = new Map<string, { basis: BasisSet; fitter: Fitter }>();

async function loadBasis(o: AnalysisOptions, fid: Fid): Promise<{ basis: BasisSet; warnings: Diagnostic[] }> {
  const warnings: Diagnostic[] = [];
  let basis: BasisSet;
  if (o.basis) {
    let text: string;
    try {
      text = readFileSync(o.basis, 'latin1');
    } catch (err) {
      throw new InputError('cannot read basis file', { file: o.basis }, { cause: err });
    }
    basis = readLcmBasis(text, o.basis);
  } else {
    const acq = acquisitionOf(fid);
    const sequence = o.sequence ?? acq.sequence;
    if (sequence === undefined) {
      throw new InputError(
        `the sequence is unknown (header SequenceName: ${acq.sequenceName ? `'${acq.sequenceName}'` : 'absent'})`,
        {
          file: String(fid.meta?.file ?? ''),
          field: 'sequence',
          expected: 'give --sequence press|steam|slaser (or --basis FILE)',
        },
      );
    }
    if (fid.echoTime === undefined) {
      warnings.push({
        code: 'echo-time-unknown',
        sequence,
        assumedEchoTimeMs: toMs(LIVER_DEFAULTS.echoTime),
      });
    }
    // The spin-physics engine (and its YAML/zod spin-system files) loads only when the liver basis is simulated.
    const { liverBasis, liverProtocol } = await import('../fit/liver.js');
    // Shaped pulses: the slow engine (seconds per basis), so its line lists are kept on disk (io/line-store.ts).
    const shaped = o.pulses
      ? {
          pulses: (await import('../io/pulse-set-file.js')).readPulseSetOption(o.pulses, o.grid),
          store: (await import('../io/line-store.js')).defaultLineStore(),
        }
      : {};
    const timing = { sequence, echoTime: fid.echoTime, mixingTime: acq.mixingTime };
    if (o.pulses && (o.shapedThreads ?? 1) > 1) {
      // The shaped systems over worker threads by slice position, into the process cache that liverBasis reads.
      const { simulateLineListsParallel } = await import('../physics/basis-parallel.js');
      await simulateLineListsParallel(liverProtocol(fid, timing), undefined, shaped, o.shapedThreads);
    }
    basis = liverBasis(fid, timing, undefined, shaped);
  }
  if (o.addLipids) basis = appendSimulatedComponents(basis, LIPIDS_BRAIN);
  return { basis, warnings };
}

/** The fitter's options: a preset's (or the given ones) with the user's choices (window, model, baseline, noise). */
export function fitOptionsFor(
  o: AnalysisOptions,
  preset: FitOptions = o.preset === 'liver' ? LIVER_FIT_OPTIONS : { ppmRange: [0.2, 4.2] },
): FitOptions {
  const base: FitOptions = { ...preset };
  if (o.ppm) base.ppmRange = o.ppm;
  if (o.model) base.model = o.model;
  if (o.baseline || o.baselineEd !== undefined || o.baselineOrder !== undefined) {
    base.baseline = {
      ...(base.baseline ?? {}),
      ...(o.baseline ? { kind: o.baseline } : {}),
      ...(o.baselineEd !== undefined ? { edPerPpm: o.baselineEd } : {}),
      ...(o.baselineOrder !== undefined ? { order: o.baselineOrder } : {}),
    };
  }
  if (o.noise) base.noise = o.noise;
  return base;
}

/**
 * The signal model a spectrum simulated by livermrs declares in its header (livermrs_simulation.signalModel,
 * written by simulate/dataset.ts unless realism distortions were applied), and its cohort's name.
 */
function simulatedSignalModel(fid: Fid): { cohort: string; model: CohortBaselineShape } | undefined {
  const sim = fid.meta?.simulation as { cohort?: unknown; signalModel?: { baseline?: unknown } } | undefined;
  const b = sim?.signalModel?.baseline as { knotsPpm?: unknown; fwhmPpm?: unknown } | undefined;
  if (!b || !Array.isArray(b.knotsPpm) || typeof b.fwhmPpm !== 'number') return undefined;
  const knots = b.knotsPpm.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  if (knots.length !== b.knotsPpm.length || knots.length === 0 || !(b.fwhmPpm > 0)) return undefined;
  return {
    cohort: typeof sim?.cohort === 'string' ? sim.cohort : 'unnamed',
    model: { baseline: { knotsPpm: knots, fwhmPpm: b.fwhmPpm } },
  };
}

/**
 * The fitter's options for one spectrum: those of the preset and the user's choices, except that a spectrum
 * livermrs simulated (its header says so) is fitted with the model that made it — the liver defaults with the
 * cohort's Gaussian-line baseline (fit/liver-options.ts cohortFitOptions) — when the user chose no baseline,
 * window, model or basis: fit and simulator then share one definition of the signal (docs/fit.md).
 */
function fitModelFor(o: AnalysisOptions, fid: Fid): { options: FitOptions; note?: string } {
  const sim = simulatedSignalModel(fid);
  const userModel =
    o.basis !== undefined ||
    o.preset !== 'liver' ||
    o.baseline !== undefined ||
    o.baselineEd !== undefined ||
    o.baselineOrder !== undefined ||
    o.ppm !== undefined ||
    o.model !== undefined;
  if (!sim || userModel) return { options: fitOptionsFor(o) };
  return {
    options: fitOptionsFor(o, cohortFitOptions(sim.model)),
    note: `fit model: the signal model of cohort ${sim.cohort} (Gaussian-line baseline), as the file's livermrs_simulation header declares`,
  };
}

function scalingFor(o: AnalysisOptions, fid: Fid): ScalingOptions {
  let s: ScalingOptions;
  if (o.preset === 'ismrm2016') s = { ...ISMRM2016_SCALING };
  else
    s = liverScaling(
      fid.echoTime ?? LIVER_DEFAULTS.echoTime,
      fid.repetitionTime ?? LIVER_DEFAULTS.repetitionTime,
    );
  if (o.waterConcentration !== undefined) s.waterConcentration = o.waterConcentration;
  return s;
}

function defaultReference(r: FitResult): string | undefined {
  const names = [...r.components.map((c) => c.name), ...r.combined.map((c) => c.name)];
  for (const cand of ['Cr+PCr', 'L13', 'Cr', 'H2O']) if (names.includes(cand)) return cand;
  return undefined;
}

/** The fit's status (fit/status.ts), made doubtful by an ambiguous routing or an intact water line. */
function routedStatus(
  r: FitResult,
  decision: SuppressionDecision | undefined,
  doubts: string[],
): ResultStatus {
  const st = fitStatus(r).build();
  if (doubts.length === 0 && !decision?.ambiguous) return st;
  const reasons = [...st.reasons, ...doubts];
  if (decision?.ambiguous) reasons.push(ambiguityReason(decision));
  return { status: st.status === 'failed' ? 'failed' : 'doubtful', reasons };
}

/**
 * Linear-combination fit of one water-suppressed spectrum: the basis (an LCModel file, or the liver basis simulated
 * for the data), the NLLS fit with CRLB, and the quantification (ratios, and concentrations with a water
 * reference). The fitter is prepared once per options and data grid in a process (batch fits reuse it).
 */
export async function fitMetabolites(
  file: string,
  fid: Fid,
  o: AnalysisOptions,
  decision: SuppressionDecision | undefined,
  water?: AnalysisInput,
): Promise<MetaboliteAnalysis> {
  const model = fitModelFor(o, fid);
  const key = JSON.stringify([
    o,
    model.options,
    fid.points,
    fid.dwellTime,
    fid.spectrometerFrequency,
    fid.ppmReference,
  ]);
  let entry = cache.get(key);
  const prepWarnings: Diagnostic[] = [];
  if (!entry) {
    const { basis, warnings } = await loadBasis(o, fid);
    prepWarnings.push(...warnings);
    entry = { basis, fitter: new Fitter(basis, fid, model.options) };
    cache.set(key, entry);
  }
  const result = entry.fitter.fit(fid);
  result.settings.basisSequence = entry.basis.sequence;
  result.settings.basisEchoTime = entry.basis.echoTime;
  result.warnings.unshift(...prepWarnings);
  const waterFit = water ? fitWaterReference(readSpectrum(water, o)) : undefined;
  const reference = o.reference ?? defaultReference(result);
  const q = quantify(result, {
    reference,
    water: waterFit,
    scaling: waterFit ? scalingFor(o, fid) : undefined,
  });
  // A metabolite fit of a spectrum whose water line is intact is never ok, whatever decided the analysis.
  const intact = intactWaterReason(fid, decision);
  const st = routedStatus(result, decision, intact ? [intact] : []);
  return {
    kind: 'metabolites',
    file,
    status: st.status,
    statusReasons: st.reasons,
    analysis: [
      decision ? decisionText(decision) : 'metabolite fit (asked for: --basis or --preset)',
      ...(model.note ? [model.note] : []),
    ].join('; '),
    waterSuppression: decision,
    waterReference: water === undefined ? undefined : inputName(water),
    fit: result,
    quantification: q,
    fid,
  };
}
