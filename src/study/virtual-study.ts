import type { BasisSet } from '../core/basis.js';
import { InputError, NumericalError } from '../core/errors.js';
import type { Fid } from '../core/fid.js';
import { Rng } from '../core/random.js';
import type { FitOptions } from '../fit/fit.js';
import type { ResultStatus } from '../fit/status.js';
import type { Network } from '../nn/engine.js';
import type { EpochReport } from '../nn/trainer.js';
import type { Cohort } from '../simulate/cohort-schema.js';
import { makeDistribution } from '../simulate/distributions.js';
import type { SpectrumGenerator } from '../simulate/generator.js';
import { heldOutRealism, trainingRealism } from '../simulate/lineshape-files.js';
import type { RealismLevel } from '../simulate/realism.js';
import { architecture, type QcnnLayout } from '../networks/architectures.js';
import { fitTemperature, logit, sigmoid } from '../networks/calibration.js';
import { type CcnnModel, ccnnFeatures, ccnnLogits, trainCcnn } from '../networks/ccnn.js';
import { fitFeatureHead, predictFeatureHead } from './ccnn-head.js';
import { type ClassificationMetrics, classificationMetrics } from '../networks/classification-metrics.js';
import { cohortGrid, cohortProtocol } from '../networks/cohorts.js';
import { classifyConcentrations, trainConcentrationClassifier } from './conventional.js';
import { STUDY_FIT_OPTIONS } from './fit-features.js';
import { type FitSetup, fitMany } from './fit-pool.js';
import { inputPipeline, type ModelProtocol, networkInput } from '../networks/input.js';
import { oracleProbabilities } from './oracle.js';
import { predictQcnn, type QcnnModel, trainQcnn } from '../networks/qcnn.js';
import { compareQuantification, type QuantComparison } from './quant-comparison.js';
import {
  type AmplitudeMode,
  bootstrapStudyPriors,
  estimateStudyPriors,
  type NuisanceMode,
  type StudyPriors,
  type StudyPriorsOptions,
} from './study-priors.js';
import {
  type CalibrationMode,
  type CcnnHead,
  type CorrelationMode,
  type PriorAmplitudeMode,
  STUDY_DEFAULTS,
  type StudyDesign,
} from './settings.js';
import { youdenThreshold } from '../networks/classification-metrics.js';

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

export type ArmName = 'ccnn' | 'conventional' | 'qcnnLogistic' | 'spectralBound' | 'oracle';
export const ARMS: ArmName[] = ['ccnn', 'conventional', 'qcnnLogistic', 'spectralBound', 'oracle'];
/** Short names for figure axes. */
export const ARM_SHORT: Record<ArmName, string> = {
  ccnn: 'cCNN',
  conventional: 'NLLS+LR',
  qcnnLogistic: 'qCNN+LR',
  spectralBound: 'cCNN(truth)',
  oracle: 'Oracle',
};
export const ARM_LABELS: Record<ArmName, string> = {
  ccnn: 'cCNN',
  conventional: 'NLLS + logistic regression',
  qcnnLogistic: 'qCNN + logistic regression',
  spectralBound: 'Spectral bound (cCNN trained on the truth cohort)',
  oracle: 'Oracle (true amplitudes)',
};

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
  bound?: { network?: Promise<Awaited<ReturnType<typeof trainCcnn>>>; seed: number };
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

/** One repeat of the study on the given patients (virtual or real). */
export async function runRepeat(
  ctx: StudyContext,
  s: StudySettings,
  patients: Patient[],
  repeat: number,
  seed: number,
): Promise<RepeatResult> {
  const seconds: Record<string, number> = {};
  const t0 = performance.now();
  let tStage = t0;
  const lap = (name: string) => {
    const now = performance.now();
    seconds[name] = (now - tStage) / 1000;
    tStage = now;
  };
  const say = (stage: string, message: string) => ctx.onEvent?.({ repeat, stage, message });
  const groups = s.design.groups;
  const template = ctx.template;
  const grid = cohortGrid(template);
  const protocol: ModelProtocol = cohortProtocol(template);
  const pipeline = inputPipeline(grid);
  const K = ctx.components.length;

  // 1. NLLS fits of every patient (prior patients feed the priors; test patients the conventional pipeline).
  say('nlls', `fitting ${patients.length} spectra`);
  const fitSetup = nllsSetup(ctx, s.fitOptions);
  const fids = new Float64Array(patients.length * 2 * grid.points);
  patients.forEach((p, i) => {
    fids.set(p.fid.data, i * 2 * grid.points);
  });
  const fits = await fitMany(fitSetup, fids, patients.length, { threads: s.threads.fit, signal: ctx.signal });
  lap('nlls');

  // 2. Priors from the prior patients' fits.
  say('priors', 'estimating priors from the prior patients');
  const priorIdx = patients.map((p, i) => (p.role === 'prior' ? i : -1)).filter((i) => i >= 0);
  const signedFits =
    s.priorAmplitudes === 'signed'
      ? await fitMany(
          nllsSetup(ctx, { ...s.fitOptions, amplitudes: 'signed' }),
          priorIdx.reduce(
            (out, i, j) => {
              const n = 2 * grid.points;
              out.set(fids.subarray(n * i, n * (i + 1)), n * j);
              return out;
            },
            new Float64Array(priorIdx.length * 2 * grid.points),
          ),
          priorIdx.length,
          { threads: s.threads.fit, signal: ctx.signal },
        )
      : undefined;
  const priorsOptions: StudyPriorsOptions = {
    priorAmplitudes: s.priorAmplitudes ?? 'nonnegative',
    template,
    components: ctx.components,
    nuisance: s.nuisance,
    amplitudes: s.amplitudes,
    correlation: s.correlation ?? 'group',
    name: `study-repeat-${repeat}-priors`,
    groups,
    ...(s.nuisance === 'transductive'
      ? { unlabelled: patients.flatMap((p, i) => (p.role === 'test' ? [fits[i]] : [])) }
      : {}),
  };
  const truthColumns =
    s.priorSource === 'truth' && ctx.truth
      ? amplitudeColumns(ctx.truth.generator, ctx.components)
      : undefined;
  const priorPatients = priorIdx.map((i, j) => ({
    group: patients[i].group,
    // Diagnostic (virtual studies): the prior patients' true amplitudes with no fit noise, nuisance from the fit.
    fit: truthColumns
      ? {
          ...fits[i],
          amplitudes: truthColumns.map((c) => (patients[i].truth as Float64Array)[c]),
          crlb: truthColumns.map(() => 0),
        }
      : fits[i],
    ...(signedFits ? { signed: signedFits[j] } : {}),
  }));
  // A prior patient whose fit failed (no component above zero) says nothing about its group: left out of the
  // priors, with the reason kept in its result.
  const excluded = new Map<number, string>();
  priorIdx.forEach((i) => {
    const st = fits[i].status;
    if (st?.status === 'failed') excluded.set(i, `NLLS fit failed: ${st.reasons.join('; ')}`);
  });
  for (const g of groups) {
    const left = priorIdx.filter((i) => patients[i].group === g && !excluded.has(i)).length;
    if (left < 2) {
      throw new NumericalError(
        `the NLLS fits of ${g}'s prior patients failed for all but ${left}: ${priorIdx
          .filter((i) => excluded.has(i) && patients[i].group === g)
          .map((i) => `${patients[i].id} (${excluded.get(i)})`)
          .join(', ')}`,
      );
    }
  }
  const usedPriorPatients = priorPatients.filter((_, j) => !excluded.has(priorIdx[j]));
  const priors = estimateStudyPriors(usedPriorPatients, priorsOptions);
  lap('priors');

  // 3. Networks trained on spectra simulated from the priors.
  const source = {
    cohort: priors.cohort,
    basis: ctx.basis,
    groups,
    targets: ctx.components,
    pipeline,
    threads: s.threads.simulation,
    realism: trainingRealism(s.trainRealism ?? 'none'),
  };

  const common = {
    source,
    protocol,
    spectra: s.trainSpectra,
    epochs: s.epochs,
    validation: s.validationSpectra,
    threads: s.threads.torch,
    signal: ctx.signal,
  };
  const progress = (stage: string) => (e: EpochReport) =>
    say(stage, `epoch ${e.epoch + 1}: validation loss ${e.validationLoss?.toFixed(3)}`);
  const quantRepeat = s.quantSpectra > 0 && repeat <= s.quantRepeats;
  const qSpectra = quantRepeat ? (s.quantTrainSpectra ?? s.trainSpectra) : s.trainSpectra;
  say('qcnn', `training the qCNN on ${qSpectra} simulated spectra`);
  const q = await trainQcnn({
    ...common,
    spectra: qSpectra,
    architecture: architecture(s.qcnn.architecture),
    layout: s.qcnn.layout,
    seed,
    onEpoch: progress('qcnn'),
  });
  lap('qcnn');
  say('ccnn', `training the cCNN on ${s.trainSpectra} simulated spectra`);
  // Bootstrap priors for the cCNN: resamples of the prior patients, each estimated as the point priors are.
  const boot =
    (s.bootstrapResamples ?? 0) > 0
      ? bootstrapStudyPriors(usedPriorPatients, priorsOptions, s.bootstrapResamples ?? 0, seed + 4)
      : undefined;
  const c = await trainCcnn({
    ...common,
    ...(boot ? { source: { ...source, cohort: boot.cohort, groups: boot.groups, labels: boot.labels } } : {}),
    architecture: architecture(s.ccnn.architecture),
    members: s.ccnn.members,
    seed: seed + 1,
    onEpoch: progress('ccnn'),
  });
  lap('ccnn');
  // 3b. The spectral bound: the same cCNN (architecture, spectra, epochs), trained on spectra from the truth
  // cohort itself; once per run (ctx.bound), since it does not depend on the repeat's patients.
  let bound: Awaited<ReturnType<typeof trainCcnn>> | undefined;
  if (s.spectralBound && ctx.truth) {
    const holder = ctx.bound ?? { seed: seed + 3 };
    if (!holder.network) {
      say('bound', `training the spectral-bound cCNN on ${s.trainSpectra} spectra from the truth cohort`);
      holder.network = trainCcnn({
        ...common,
        source: { ...source, cohort: ctx.truth.cohort },
        architecture: architecture(s.ccnn.architecture),
        members: s.ccnn.members,
        seed: holder.seed,
        onEpoch: progress('bound'),
      });
    }
    bound = await holder.network;
    lap('spectralBound');
  }

  // 4. Classify the test patients.
  say('classify', 'classifying the test patients');
  const L = pipeline.model.points;
  const inputs = new Float32Array(patients.length * 2 * L);
  const norms = new Float64Array(patients.length);
  patients.forEach((p, i) => {
    const prep = networkInput(p.fid, pipeline, { source: p.id });
    inputs.set(prep.input, i * 2 * L);
    norms[i] = prep.norm;
  });
  const block = { n: patients.length, inputs, norms };
  const qPred = await predictQcnn(q.net, q.model, block);
  const cLogits = await ccnnLogits(c.net, block, L);
  const prior = s.classPrior ?? designPrior(s.design);
  const shift = logit(prior) - logit(c.model.trainingPrior);
  const testIdx = patients.map((p, i) => (p.role === 'test' ? i : -1)).filter((i) => i >= 0);
  const labels = testIdx.map((i) => patients[i].label);
  const priorLabels = priorIdx.map((i) => patients[i].label);
  const trainPrior = priorLabels.reduce((a, b) => a + b, 0) / priorLabels.length;
  const lrShift = logit(prior) - logit(trainPrior);
  const rowsOf = (values: ArrayLike<number>, idx: number[]) =>
    idx.map((i) => Array.from({ length: K }, (_, k) => values[i * K + k]));
  const nllsValues = Float64Array.from(fits.flatMap((f) => f.amplitudes));
  const probs: Partial<Record<ArmName, number[]>> = {};
  // Each arm's probabilities for the prior patients too, from models that did not train on them (the cCNN never
  // saw their spectra; the regressions predict each out of fold): the Youden threshold is chosen on them.
  const priorProbs: Partial<Record<ArmName, number[]>> = {};
  // Temperature from the simulated validation set is in the network; 'prior-patients' refits it on the real,
  // labelled prior patients (whose spectra the cCNN never saw, though their fits shaped its priors).
  const priorTemperature =
    s.ccnnCalibration === 'prior-patients'
      ? fitTemperature(
          priorLabels,
          priorIdx.map((i) => cLogits[i]),
        )
      : 1;
  const ccnnProb = (i: number) => sigmoid(cLogits[i] / priorTemperature + shift);
  probs.ccnn = testIdx.map(ccnnProb);
  priorProbs.ccnn = priorIdx.map(ccnnProb);
  if (bound) {
    const bLogits = await ccnnLogits(bound.net, block, L);
    const bShift = logit(prior) - logit(bound.model.trainingPrior);
    const boundProb = (i: number) => sigmoid(bLogits[i] + bShift);
    probs.spectralBound = testIdx.map(boundProb);
    priorProbs.spectralBound = priorIdx.map(boundProb);
  }
  // A classifier trained on the prior patients: its test probabilities (under the class prior) and its
  // out-of-fold probabilities for the prior patients themselves.
  const heldOut = (fitPredict: (train: number[], predict: number[]) => number[]) =>
    heldOutPredictions(priorIdx, priorLabels, testIdx, (train, predict) =>
      fitPredict(train, predict).map((p) => sigmoid(logit(p) + lrShift)),
    );
  const regression = (values: ArrayLike<number>) =>
    heldOut((train, predict) =>
      classifyConcentrations(
        trainConcentrationClassifier(
          rowsOf(values, train),
          train.map((i) => patients[i].label),
        ),
        rowsOf(values, predict),
      ),
    );
  if (s.ccnnHead === 'features') {
    // The cCNN's decision refitted on the prior patients from its logit and trunk features (ccnn-head.ts).
    const f = await ccnnFeatures(c.net, block, L);
    const head = heldOut((train, predict) =>
      predictFeatureHead(
        fitFeatureHead(
          cLogits,
          f.features,
          f.width,
          patients.length,
          train,
          train.map((i) => patients[i].label),
        ),
        cLogits,
        f.features,
        f.width,
        predict,
      ),
    );
    probs.ccnn = head.test;
    priorProbs.ccnn = head.outOfFold;
  }
  const conv = regression(nllsValues);
  probs.conventional = conv.test;
  priorProbs.conventional = conv.outOfFold;
  const qlr = regression(qPred.values);
  probs.qcnnLogistic = qlr.test;
  priorProbs.qcnnLogistic = qlr.outOfFold;
  if (ctx.truth) {
    const gen = ctx.truth.generator;
    const samplers = {
      negative: gen.samplers[gen.groups.indexOf(groups[0])],
      positive: gen.samplers[gen.groups.indexOf(groups[1])],
    };
    const oracleOf = (idx: number[]) =>
      oracleProbabilities(
        samplers,
        idx.map((i) => patients[i].truth as Float64Array),
        prior,
      );
    probs.oracle = oracleOf(testIdx);
    priorProbs.oracle = oracleOf(priorIdx);
  }
  const arms: Partial<Record<ArmName, ClassificationMetrics>> = {};
  const youden: NonNullable<RepeatResult['youden']> = {};
  for (const arm of ARMS) {
    const p = probs[arm];
    if (!p) continue;
    arms[arm] = classificationMetrics(labels, p);
    const pp = priorProbs[arm];
    if (pp) {
      const threshold = youdenThreshold(priorLabels, pp);
      if (Number.isFinite(threshold))
        youden[arm] = { threshold, ...classificationMetrics(labels, p, threshold) };
    }
  }
  lap('classify');

  const truthIdx = ctx.truth ? amplitudeColumns(ctx.truth.generator, ctx.components) : undefined;
  const patientResults: PatientResult[] = patients.map((p, i) => {
    const t = testIdx.indexOf(i);
    const probabilities: Partial<Record<ArmName, number>> = {};
    if (t >= 0) for (const arm of ARMS) if (probs[arm]) probabilities[arm] = (probs[arm] as number[])[t];
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
      ccnnLogit: cLogits[i],
      qcnn: Array.from(qPred.values.subarray(i * K, (i + 1) * K)),
      qcnnSd: Array.from(qPred.sd.subarray(i * K, (i + 1) * K)),
      ...(p.truth && truthIdx ? { truth: truthIdx.map((j) => (p.truth as Float64Array)[j]) } : {}),
    };
  });

  // 5. Quantification: qCNN vs NLLS on a held-out simulated set.
  let quantification: QuantComparison | undefined;
  if (quantRepeat) {
    const from = ctx.truth?.cohort ?? priors.cohort;
    say('quantification', `qCNN vs NLLS on ${s.quantSpectra} simulated spectra`);
    quantification = await compareQuantification({
      cohort: from,
      source: ctx.truth ? 'truth' : 'priors',
      basis: ctx.basis,
      groups,
      components: ctx.components,
      spectra: s.quantSpectra,
      seed: seed + 2,
      qcnn: q,
      pipeline,
      fitSetup,
      threads: s.threads,
      realism: heldOutRealism(s.realism ?? 'none'),
      signal: ctx.signal,
      onProgress: (done, total) => say('quantification', `NLLS ${done}/${total}`),
    });
    lap('quantification');
  }
  seconds.total = (performance.now() - t0) / 1000;
  const last = (h: { validationLoss?: number }[]) => h[h.length - 1]?.validationLoss;
  return {
    repeat,
    seed,
    classPrior: prior,
    arms,
    youden,
    patients: patientResults,
    priors,
    priorAccuracy: ctx.truth
      ? priorAccuracy(ctx.truth.cohort, priors.cohort, groups, ctx.components)
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
      priorPatientTemperature: priorTemperature,
    },
    quantification,
    seconds,
    ...(ctx.keepNetworks === repeat
      ? { networks: { qcnn: { net: q.net, model: q.model }, ccnn: { net: c.net, model: c.model } } }
      : {}),
  };
}

/**
 * Predictions of a classifier trained on the prior patients: for the test patients (trained on all prior
 * patients) and for each prior patient out of fold (up to 10 folds, patient j in fold j mod folds;
 * leave-one-out for ≤ 10 patients). `fitPredict(train, predict)` takes patient indices.
 */
export function heldOutPredictions(
  priorIdx: readonly number[],
  priorLabels: readonly number[],
  testIdx: readonly number[],
  fitPredict: (train: number[], predict: number[]) => number[],
): { test: number[]; outOfFold: number[] } {
  const folds = Math.min(priorIdx.length, 10);
  const outOfFold = new Array<number>(priorIdx.length);
  for (let f = 0; f < folds; f++) {
    const fold = priorIdx.map((_, j) => j).filter((j) => j % folds === f);
    const rest = priorIdx.map((_, j) => j).filter((j) => j % folds !== f);
    if (new Set(rest.map((j) => priorLabels[j])).size < 2) continue;
    const p = fitPredict(
      rest.map((j) => priorIdx[j]),
      fold.map((j) => priorIdx[j]),
    );
    fold.forEach((j, q) => {
      outOfFold[j] = p[q];
    });
  }
  return { test: fitPredict([...priorIdx], [...testIdx]), outOfFold };
}

/** Fitter setup for the study's basis and grid. */
export function nllsSetup(ctx: Pick<StudyContext, 'template' | 'basis'>, options: FitOptions): FitSetup {
  const grid = cohortGrid(ctx.template);
  return {
    basis: ctx.basis,
    header: { ...grid, nucleus: '1H' },
    options,
    context: {
      ppmReference: grid.ppmReference,
      spectrometerFrequency: grid.spectrometerFrequency,
      points: grid.points,
      waterPpm: ctx.template.model.waterPpm,
      snrPeak: ctx.template.model.snrPeak,
    },
  };
}

function amplitudeColumns(gen: SpectrumGenerator, components: readonly string[]): number[] {
  return components.map((c) => {
    const j = gen.layout.indexOf(c);
    if (j < 0) throw new InputError(`the truth cohort has no component '${c}'`, { file: gen.cohort.name });
    return j;
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
