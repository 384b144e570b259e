import type { Network } from '../../nn/engine.js';
import type { EpochReport } from '../../nn/trainer.js';
import type { CcnnModel } from '../../networks/ccnn.js';
import type { QcnnPrediction } from '../../networks/qcnn.js';
import type { NetworkTrainOptions } from '../../networks/training.js';
import type { Patient, StudyContext, StudySettings } from '../virtual-study.js';

/**
 * The study's methods ("arms") behind one interface: each turns what a repeat has made once for all of them
 * (the patients, their NLLS fits, the networks trained on the priors' spectra, every patient's network input)
 * into a probability of the positive group for each test patient, and for each prior patient from a model that
 * did not train on it (where the Youden threshold is chosen). runRepeat (virtual-study.ts) builds the context
 * and loops over the arms (arms/index.ts STUDY_ARMS, in the order of the reports).
 */
export type ArmName = 'ccnn' | 'conventional' | 'qcnnLogistic' | 'spectralBound' | 'oracle';

/** What every network of a repeat trains with, and the repeat's progress messages. */
export interface TrainingContext {
  settings: StudySettings;
  study: StudyContext;
  /** The repeat's seed. */
  seed: number;
  /** Options common to the repeat's networks: the priors' simulated spectra, counts, epochs, threads. */
  training: Omit<NetworkTrainOptions, 'architecture' | 'seed'>;
  /** The run's spectral-bound cCNN (StudyContext.bound, or this repeat's own when the run keeps none). */
  bound: NonNullable<StudyContext['bound']>;
  say: (stage: string, message: string) => void;
  /** Epoch reports of a stage's training as progress messages. */
  progress: (stage: string) => (e: EpochReport) => void;
}

/** What an arm scores from: everything a repeat made once for all arms. */
export interface ArmContext extends TrainingContext {
  patients: readonly Patient[];
  /** Indices (into patients) of the prior patients and of the test patients. */
  priorIdx: readonly number[];
  testIdx: readonly number[];
  /** Labels of the prior patients (priorIdx order). */
  priorLabels: readonly number[];
  /** The class prior every arm decides under. */
  classPrior: number;
  /** Number of amplitude components: the row length of nlls and of the qCNN values (StudyContext.components order). */
  components: number;
  /** Every patient's NLLS amplitudes, [patients, components] row-major. */
  nlls: Float64Array;
  /** Every patient's network input, [patients, 2, length] with the norms, and the input length. */
  inputs: { n: number; inputs: Float32Array; norms: Float64Array };
  inputLength: number;
  /** The repeat's qCNN amplitudes of every patient. */
  qcnn: QcnnPrediction;
  /** The repeat's cCNN and its calibrated logits (training prior) of every patient. */
  ccnn: { net: Network; model: CcnnModel; logits: Float64Array };
}

/** An arm's probabilities of the positive group, under the class prior. */
export interface ArmScores {
  /** Of the test patients (ArmContext.testIdx order). */
  test: number[];
  /** Of the prior patients (priorIdx order), each from a model that did not train on it; absent: none. */
  outOfFold?: number[];
  /** The temperature refitted on the prior patients (the cCNN's 'prior-patients' calibration). */
  temperature?: number;
}

export interface StudyArm {
  name: ArmName;
  /** Name in reports and tables. */
  label: string;
  /** Short name for figure axes. */
  short: string;
  /** Whether the arm runs in this repeat (absent: always). */
  applies?: (t: TrainingContext) => boolean;
  /** Trains what this arm alone needs, after the repeat's qCNN and cCNN (seconds[name] times it). */
  train?: (t: TrainingContext) => Promise<void>;
  score: (c: ArmContext) => Promise<ArmScores>;
}
