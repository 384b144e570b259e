import type { BasisSet } from '../core/basis.js';
import { InputError } from '../core/errors.js';
import type { Fid } from '../core/fid.js';
import { Rng } from '../core/random.js';
import type { FitOptions } from '../fit/fit.js';
import type { ResultStatus } from '../fit/status.js';
import type { Network } from '../nn/engine.js';
import type { Cohort } from '../simulate/cohort-schema.js';
import { makeDistribution } from '../simulate/distributions.js';
import type { SpectrumGenerator } from '../simulate/generator.js';
import { heldOutRealism, trainingRealism } from '../simulate/lineshape-files.js';
import type { RealismLevel } from '../simulate/realism.js';
import type { QcnnLayout } from '../networks/architectures.js';
import { type CcnnModel, ccnnLogits, type TrainedCcnn } from '../networks/ccnn.js';
import {
  type ClassificationMetrics,
  classificationMetrics,
  youdenThreshold,
} from '../networks/classification-metrics.js';
import { cohortGrid, cohortProtocol } from '../networks/cohorts.js';
import { inputPipeline } from '../networks/input.js';
import { predictQcnn, type QcnnModel, type TrainedQcnn } from '../networks/qcnn.js';
import {
  ARMS,
  type ArmContext,
  type ArmName,
  type ArmScores,
  STUDY_ARMS,
  type TrainingContext,
} from './arms/index.js';
import { type SpectrumFit, STUDY_FIT_OPTIONS } from './fit-features.js';
import { compareQuantification, type QuantComparison } from './quant-comparison.js';
import { amplitudeColumns, estimateRepeatPriors, fitPatients, nllsSetup } from './repeat-priors.js';
import { networkInputs, trainRepeatCcnn, trainRepeatQcnn } from './repeat-networks.js';
import type { AmplitudeMode, NuisanceMode, StudyPriors } from './study-priors.js';
import {
  type CalibrationMode,
  type CcnnHead,
  type CorrelationMode,
  type PriorAmplitudeMode,
  STUDY_DEFAULTS,
  type StudyDesign,
} from './settings.js';

/**
 * The virtual clinical study (Bae et al. 2025's design; docs/study.md): a hidden truth cohort draws patients of
 * two groups; the first of each group ("prior patients") are fitted by NLLS and their fits give the priors;
 * spectra simulated from those priors train a qCNN and a cCNN; the remaining ("test") patients are classified by
 * the cCNN, by the conventional pipeline (NLLS concentrations → penalised logistic regression trained on the
 * prior patients), by the same regression on qCNN concentrations, and by the Bayes-optimal oracle on their true
 * amplitudes. Repeated with fresh patients. The pipeline sees only spectra: the truth cohort's distributions
 * are read to draw patients and by the oracle (and, for the quantification comparison, to draw a held-out set).
 */
export { PAPER_DESIGN, type StudyDesign } from './settings.js';

export { ARM_LABELS, ARM_SHORT, ARMS, type ArmName } from './arms/index.js';
export { nllsSetup } from './repeat-priors.js';

export interface StudySettings {
  design: StudyDesign;
  repeats: number;
  seed: number;
  /** Simulated training spectra per network per repeat. */
  trainSpectra: number;
  epochs: number;
  validationSpectra: number;
  /** Held-out spectra of the quantification comparison (0: none). */
  quantSpectra: number;
  /** The comparison runs in the first `quantRepeats` repeats. */
  quantRepeats: number;
  /**
   * Training spectra of the qCNN in those repeats (default: trainSpectra). The qCNN's lipid errors keep falling
   * with more training spectra (docs/qcnn-ablation.md), so the comparison may use a longer-trained qCNN.
   */
  quantTrainSpectra?: number;
  qcnn: { architecture: string; layout: QcnnLayout };
  ccnn: { architecture: string; members: number };
  /** Nuisance priors: pooled over the prior patients, per group, or 'transductive' (also the unlabelled test spectra). */
  nuisance: NuisanceMode;
  /**
   * cCNN temperature: from the simulated validation set only ('simulated'), or refitted on the labelled prior
   * patients ('prior-patients').
   */
  ccnnCalibration: CalibrationMode;
  /** Group differences of the amplitude priors: as estimated, shrunk per component, or by empirical Bayes (study-priors.ts). */
  amplitudes: AmplitudeMode;
  /**
   * cCNN training priors that carry their own uncertainty: spectra drawn evenly from this many bootstrap
   * resamples of the prior patients (study-priors.ts bootstrapStudyPriors); 0 or absent: the point estimate.
   */
  bootstrapResamples?: number;
  /**
   * Where the prior patients' amplitudes come from: their NLLS fits (default), or, as a diagnostic of virtual
   * studies only, their true amplitudes (no fit noise): what priors from 10 + 10 patients could give if the
   * quantification were perfect.
   */
  priorSource?: 'fits' | 'truth';
  /**
   * The cCNN's decision: its calibrated logit ('calibrated', default), or refitted on the labelled prior
   * patients from the logit and the first principal components of its trunk features ('features', ccnn-head.ts).
   */
  ccnnHead?: CcnnHead;
  /**
   * Amplitude priors from the non-negative NLLS fits of the prior patients (default) or from moments of a second,
   * signed fit of them (FitOptions.amplitudes 'signed'; study-priors.ts signedAmplitudePrior). Optional so that
   * settings stored before it existed read back as the default.
   */
  priorAmplitudes?: PriorAmplitudeMode;
  /**
   * Amplitude correlations of the priors: per group ('group', default) or one matrix pooled within groups
   * ('pooled', simulate/priors.ts). Optional so that settings stored before it existed read back as the default.
   */
  correlation?: CorrelationMode;
  /** Class prior (probability of the positive group) all classifiers decide under; default: the design's. */
  classPrior?: number;
  /**
   * Virtual studies: also train a cCNN on the truth cohort itself (same architecture, spectra and epochs) and
   * score it on the same test patients: what a spectral classifier can reach when its priors are right (the
   * achievable bound of the pipeline; the oracle on true amplitudes bounds any quantification). Optional so that
   * settings stored before it existed read back (as false).
   */
  spectralBound?: boolean;
  /**
   * Distortions beyond the truth cohort's nuisance model that the test patients and the held-out quantification
   * spectra are rendered with (simulate/realism.ts, with the held-out measured lineshapes): the realism gap
   * between simulator and scanner. Optional: settings stored before it existed read back as 'none'.
   */
  realism?: RealismLevel;
  /**
   * Distortions the networks are trained on (training lineshapes only). Optional: settings stored before it
   * existed read back as 'none' (those networks were trained without).
   */
  trainRealism?: RealismLevel;
  threads: { torch: number; simulation: number; fit: number };
  fitOptions: FitOptions;
}

/** The study's defaults (settings.ts STUDY_DEFAULTS) with the study's fit options. */
export const DEFAULT_SETTINGS: Omit<StudySettings, 'repeats' | 'seed'> = {
  ...STUDY_DEFAULTS,
  fitOptions: STUDY_FIT_OPTIONS,
};

export interface Patient {
  id: string;
  group: string;
  /** 1 for the positive group. */
  label: number;
  role: 'prior' | 'test';
  fid: Fid;
  /** Parameter row of the truth (virtual patients only). */
  truth?: Float64Array;
}

export interface PatientResult {
  id: string;
  group: string;
  label: number;
  role: 'prior' | 'test';
  /** Probability of the positive group per arm (test patients). */
  probabilities: Partial<Record<ArmName, number>>;
  nlls: number[];
  nllsCrlb: number[];
  /** Status of the patient's NLLS fit (ok, doubtful, failed) with its reasons. */
  nllsStatus?: ResultStatus;
  /** Why a prior patient was left out of the priors (absent: used). */
  excludedFromPriors?: string;
  /** The cCNN's calibrated logit (training prior 0.5), every patient. */
  ccnnLogit: number;
  qcnn: number[];
  qcnnSd: number[];
  truth?: number[];
}

export interface RepeatResult {
  repeat: number;
  seed: number;
  classPrior: number;
  arms: Partial<Record<ArmName, ClassificationMetrics>>;
  /**
   * Each arm on the test patients at the threshold that maximised Youden's J on the prior patients' held-out
   * probabilities (the paper's 0.5 is one choice; this one is learned from the labelled patients only).
   * Optional: results stored before it existed have none.
   */
  youden?: Partial<Record<ArmName, ClassificationMetrics & { threshold: number }>>;
  patients: PatientResult[];
  priors: StudyPriors;
  /** Estimated vs true group means per component (virtual patients). */
  priorAccuracy?: { component: string; group: string; truthMean: number; estimatedMean: number }[];
  qcnn: {
    epochs: number;
    bestEpoch: number;
    seconds: number;
    varianceScale: number[];
    validationLoss?: number;
  };
  ccnn: {
    epochs: number;
    bestEpoch: number;
    seconds: number;
    calibration: CcnnModel['calibration'];
    /** Temperature refitted on the prior patients (1 when not used). */
    priorPatientTemperature: number;
  };
  quantification?: QuantComparison;
  seconds: Record<string, number>;
  /** The trained networks (kept for the first repeat, to be saved). */
  networks?: { qcnn: { net: Network; model: QcnnModel }; ccnn: { net: Network; model: CcnnModel } };
}

export type StudyEvent = { repeat: number; stage: string; message: string };

export interface StudyContext {
  /** Template for priors estimation (protocol, basis, baseline prior): never the truth. */
  template: Cohort;
  basis: BasisSet;
  components: readonly string[];
  /** Truth cohort (virtual study) or none (real spectra). */
  truth?: { cohort: Cohort; generator: SpectrumGenerator };
  onEvent?: (e: StudyEvent) => void;
  signal?: AbortSignal;
  /** Keep the networks of this repeat (1-based) in the result. */
  keepNetworks?: number;
  /**
   * The spectral-bound cCNN, shared by the repeats of one run: it depends only on the truth cohort and the
   * settings, not on a repeat's patients, so it is trained once (by the first repeat that needs it, seeded from
   * the study's master seed) and scores every repeat's test patients.
   */
  bound?: { network?: Promise<TrainedCcnn>; seed: number };
}

/** Seed of repeat r (1-based) of a study seeded with `seed`. */
export function repeatSeed(seed: number, r: number): number {
  return new Rng(seed, r).nextUint32() % 1_000_000_007;
}

/**
 * Draws the repeat's virtual patients from the truth cohort: per group, prior patients first, then test. With
 * `testTruth` (the truth cohort with realism, runStudy) the test patients are rendered by it: the same patients
 * (same parameters and noise), distorted as scanner data are.
 */
export function drawPatients(
  truth: SpectrumGenerator,
  design: StudyDesign,
  seed: number,
  testTruth?: SpectrumGenerator,
): Patient[] {
  const patients: Patient[] = [];
  const n = truth.points;
  const P = truth.layout.size;
  const grid = truth.model.grid;
  design.groups.forEach((group, label) => {
    const g = truth.groups.indexOf(group);
    if (g < 0) {
      throw new InputError(`no group '${group}'`, {
        file: truth.cohort.name,
        field: 'groups',
        expected: truth.groups.join(', '),
      });
    }
    const count = design.prior[label] + design.test[label];
    for (let i = 0; i < count; i++) {
      const row = new Float64Array(P);
      const fd = new Float64Array(2 * n);
      const td = new Float64Array(2 * n);
      const role = i < design.prior[label] ? 'prior' : 'test';
      (role === 'test' && testTruth ? testTruth : truth).generate({ seed, group: g, index: i }, row, 0, {
        fd,
        td,
      });
      patients.push({
        id: `${group}-${String(i + 1).padStart(2, '0')}`,
        group,
        label,
        role,
        fid: {
          data: td,
          points: n,
          dwellTime: grid.dwellTime,
          spectrometerFrequency: grid.spectrometerFrequency,
          ppmReference: grid.ppmReference,
          nucleus: '1H',
        },
        truth: row,
      });
    }
  });
  return patients;
}

/** The design's class prior: positive patients / all patients. */
export function designPrior(d: StudyDesign): number {
  const pos = d.prior[1] + d.test[1];
  return pos / (pos + d.prior[0] + d.test[0]);
}

/**
 * One repeat of the study on the given patients (virtual or real): NLLS fits, priors, the networks trained on
 * the priors' spectra, then every arm (arms/) scoring the patients from what these stages made once, and the
 * quantification comparison. Each network is seeded from the repeat's seed (qCNN seed, cCNN seed + 1, held-out
 * quantification set seed + 2, bootstrap resamples seed + 4), so a repeat's results do not depend on the arms run.
 */
export async function runRepeat(
  ctx: StudyContext,
  s: StudySettings,
  patients: Patient[],
  repeat: number,
  seed: number,
): Promise<RepeatResult> {
  const clock = stageClock();
  const say = (stage: string, message: string) => ctx.onEvent?.({ repeat, stage, message });

  // 1. NLLS fits of every patient (prior patients feed the priors; test patients the conventional pipeline).
  say('nlls', `fitting ${patients.length} spectra`);
  const fitted = await fitPatients(ctx, s, patients);
  clock.lap('nlls');
  // 2. Priors from the prior patients' fits.
  say('priors', 'estimating priors from the prior patients');
  const estimated = await estimateRepeatPriors(ctx, s, patients, fitted, repeat);
  const priors = estimated.priors;
  clock.lap('priors');

  // 3. Networks trained on spectra simulated from the priors, then what an arm alone needs (the spectral bound).
  const t = trainingContext(ctx, s, priors, seed, say);
  const quantRepeat = s.quantSpectra > 0 && repeat <= s.quantRepeats;
  const q = await trainRepeatQcnn(t, quantRepeat ? (s.quantTrainSpectra ?? s.trainSpectra) : s.trainSpectra);
  clock.lap('qcnn');
  const c = await trainRepeatCcnn(t, estimated);
  clock.lap('ccnn');
  const arms = STUDY_ARMS.filter((arm) => arm.applies?.(t) ?? true);
  for (const arm of arms) {
    if (!arm.train) continue;
    await arm.train(t);
    clock.lap(arm.name);
  }

  // 4. Every arm scores the patients.
  say('classify', 'classifying the test patients');
  const scoring = await armContext(t, patients, fitted.fits, q, c);
  const scores: Partial<Record<ArmName, ArmScores>> = {};
  for (const arm of arms) scores[arm.name] = await arm.score(scoring);
  const metrics = armMetrics(
    scores,
    scoring.testIdx.map((i) => patients[i].label),
    scoring.priorLabels,
  );
  clock.lap('classify');

  // 5. Quantification: qCNN vs NLLS on a held-out simulated set (the first quantRepeats repeats).
  const quantification = quantRepeat ? await heldOutQuantification(t, q) : undefined;
  if (quantification) clock.lap('quantification');
  const last = (h: { validationLoss?: number }[]) => h[h.length - 1]?.validationLoss;
  return {
    repeat,
    seed,
    classPrior: scoring.classPrior,
    ...metrics,
    patients: patientResults(ctx, scoring, scores, fitted.fits, estimated.excluded),
    priors,
    priorAccuracy: ctx.truth
      ? priorAccuracy(ctx.truth.cohort, priors.cohort, s.design.groups, ctx.components)
      : undefined,
    qcnn: {
      epochs: q.history.length,
      bestEpoch: Number(q.model.training.bestEpoch),
      seconds: q.seconds,
      varianceScale: q.model.varianceScale,
      validationLoss: last(q.history),
    },
    ccnn: {
      epochs: c.history.length,
      bestEpoch: Number(c.model.training.bestEpoch),
      seconds: c.seconds,
      calibration: c.model.calibration,
      priorPatientTemperature: scores.ccnn?.temperature ?? 1,
    },
    quantification,
    seconds: clock.total(),
    ...(ctx.keepNetworks === repeat
      ? { networks: { qcnn: { net: q.net, model: q.model }, ccnn: { net: c.net, model: c.model } } }
      : {}),
  };
}

/** Seconds per stage of a repeat, each lap timing the stage since the previous one. */
function stageClock(): { lap: (stage: string) => void; total: () => Record<string, number> } {
  const seconds: Record<string, number> = {};
  const t0 = performance.now();
  let last = t0;
  return {
    lap: (stage) => {
      const now = performance.now();
      seconds[stage] = (now - last) / 1000;
      last = now;
    },
    total: () => {
      seconds.total = (performance.now() - t0) / 1000;
      return seconds;
    },
  };
}

/** What the repeat's networks train with: spectra simulated from its priors, with the study's settings. */
function trainingContext(
  ctx: StudyContext,
  s: StudySettings,
  priors: StudyPriors,
  seed: number,
  say: (stage: string, message: string) => void,
): TrainingContext {
  const grid = cohortGrid(ctx.template);
  const source = {
    cohort: priors.cohort,
    basis: ctx.basis,
    groups: s.design.groups,
    targets: ctx.components,
    pipeline: inputPipeline(grid),
    threads: s.threads.simulation,
    realism: trainingRealism(s.trainRealism ?? 'none'),
  };
  return {
    settings: s,
    study: ctx,
    seed,
    training: {
      source,
      protocol: cohortProtocol(ctx.template),
      spectra: s.trainSpectra,
      epochs: s.epochs,
      validation: s.validationSpectra,
      threads: s.threads.torch,
      signal: ctx.signal,
    },
    bound: ctx.bound ?? { seed: seed + 3 },
    say,
    progress: (stage) => (e) =>
      say(stage, `epoch ${e.epoch + 1}: validation loss ${e.validationLoss?.toFixed(3)}`),
  };
}

/**
 * The qCNN against NLLS on held-out spectra (seed + 2) from the truth cohort (virtual studies) or, without one,
 * the repeat's priors (quant-comparison.ts).
 */
function heldOutQuantification(t: TrainingContext, q: TrainedQcnn): Promise<QuantComparison> {
  const { settings: s, study: ctx } = t;
  t.say('quantification', `qCNN vs NLLS on ${s.quantSpectra} simulated spectra`);
  return compareQuantification({
    cohort: ctx.truth?.cohort ?? t.training.source.cohort,
    source: ctx.truth ? 'truth' : 'priors',
    basis: ctx.basis,
    groups: s.design.groups,
    components: ctx.components,
    spectra: s.quantSpectra,
    seed: t.seed + 2,
    qcnn: q,
    pipeline: t.training.source.pipeline,
    fitSetup: nllsSetup(ctx, s.fitOptions),
    threads: s.threads,
    realism: heldOutRealism(s.realism ?? 'none'),
    signal: ctx.signal,
    onProgress: (done, total) => t.say('quantification', `NLLS ${done}/${total}`),
  });
}

/** What every arm scores from: the patients, their fits, the networks' outputs and every patient's input. */
async function armContext(
  t: TrainingContext,
  patients: readonly Patient[],
  fits: readonly SpectrumFit[],
  q: TrainedQcnn,
  c: TrainedCcnn,
): Promise<ArmContext> {
  const pipeline = t.training.source.pipeline;
  const inputs = networkInputs(patients, pipeline);
  const inputLength = pipeline.model.points;
  const priorIdx = patients.flatMap((p, i) => (p.role === 'prior' ? [i] : []));
  return {
    ...t,
    patients,
    priorIdx,
    testIdx: patients.flatMap((p, i) => (p.role === 'test' ? [i] : [])),
    priorLabels: priorIdx.map((i) => patients[i].label),
    classPrior: t.settings.classPrior ?? designPrior(t.settings.design),
    components: t.study.components.length,
    nlls: Float64Array.from(fits.flatMap((f) => f.amplitudes)),
    inputs,
    inputLength,
    qcnn: await predictQcnn(q.net, q.model, inputs),
    ccnn: { net: c.net, model: c.model, logits: await ccnnLogits(c.net, inputs, inputLength) },
  };
}

/**
 * Each arm's metrics on the test patients at the paper's 0.5, and at the threshold that maximised Youden's J on
 * its held-out probabilities of the prior patients (absent when it has none or no finite threshold).
 */
function armMetrics(
  scores: Partial<Record<ArmName, ArmScores>>,
  labels: readonly number[],
  priorLabels: readonly number[],
): Pick<RepeatResult, 'arms' | 'youden'> {
  const arms: Partial<Record<ArmName, ClassificationMetrics>> = {};
  const youden: NonNullable<RepeatResult['youden']> = {};
  for (const arm of ARMS) {
    const p = scores[arm]?.test;
    if (!p) continue;
    arms[arm] = classificationMetrics(labels, p);
    const pp = scores[arm]?.outOfFold;
    if (pp) {
      const threshold = youdenThreshold(priorLabels, pp);
      if (Number.isFinite(threshold))
        youden[arm] = { threshold, ...classificationMetrics(labels, p, threshold) };
    }
  }
  return { arms, youden };
}

/** Every patient's record: NLLS fit, network outputs, each arm's probability (test patients), truth. */
function patientResults(
  ctx: StudyContext,
  a: ArmContext,
  scores: Partial<Record<ArmName, ArmScores>>,
  fits: readonly SpectrumFit[],
  excluded: ReadonlyMap<number, string>,
): PatientResult[] {
  const K = a.components;
  const truthIdx = ctx.truth ? amplitudeColumns(ctx.truth.generator, ctx.components) : undefined;
  return a.patients.map((p, i) => {
    const t = a.testIdx.indexOf(i);
    const probabilities: Partial<Record<ArmName, number>> = {};
    if (t >= 0)
      for (const arm of ARMS) if (scores[arm]) probabilities[arm] = (scores[arm] as ArmScores).test[t];
    return {
      id: p.id,
      group: p.group,
      label: p.label,
      role: p.role,
      probabilities,
      nlls: fits[i].amplitudes,
      nllsCrlb: fits[i].crlb,
      ...(fits[i].status ? { nllsStatus: fits[i].status } : {}),
      ...(excluded.has(i) ? { excludedFromPriors: excluded.get(i) } : {}),
      ccnnLogit: a.ccnn.logits[i],
      qcnn: Array.from(a.qcnn.values.subarray(i * K, (i + 1) * K)),
      qcnnSd: Array.from(a.qcnn.sd.subarray(i * K, (i + 1) * K)),
      ...(p.truth && truthIdx ? { truth: truthIdx.map((j) => (p.truth as Float64Array)[j]) } : {}),
    };
  });
}

/** Mean of each component per group under the truth and under the estimated priors. */
function priorAccuracy(
  truth: Cohort,
  estimated: Cohort,
  groups: readonly string[],
  components: readonly string[],
): RepeatResult['priorAccuracy'] {
  const out: NonNullable<RepeatResult['priorAccuracy']> = [];
  for (const g of groups) {
    for (const c of components) {
      const t = truth.groups[g]?.amplitudes[c];
      const e = estimated.groups[g]?.amplitudes[c];
      if (!t || !e) continue;
      out.push({
        component: c,
        group: g,
        truthMean: makeDistribution(t).mean(),
        estimatedMean: makeDistribution(e).mean(),
      });
    }
  }
  return out;
}
