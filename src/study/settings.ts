import type { RealismLevel } from '../core/acquisition.js';
import type { StudySettings } from './virtual-study.js';

/**
 * The study's settings without code: the allowed values of each mode (one list each, for the settings' types,
 * the command line's choices and help, and its validation), the paper's design and the defaults. Light (no
 * imports but types), so the command line can show its options without loading the study.
 */

/** Nuisance priors: pooled over both groups' prior patients, per group, or pooled with the unlabelled test spectra. */
export const NUISANCE_MODES = ['pooled', 'per-group', 'transductive'] as const;
export type NuisanceMode = (typeof NUISANCE_MODES)[number];

/** Group differences of the amplitude priors (study-priors.ts; 'logratio' re-estimates them in log-ratio coordinates). */
export const AMPLITUDE_MODES = ['separate', 'shrunk', 'whitened', 'eb', 'logratio', 'logratio-js'] as const;
export type AmplitudeMode = (typeof AMPLITUDE_MODES)[number];

/** Amplitude correlations of the priors: per group, or one matrix pooled within groups. */
export const CORRELATION_MODES = ['group', 'pooled'] as const;
export type CorrelationMode = (typeof CORRELATION_MODES)[number];

/** Amplitude priors from non-negative NLLS fits or from moments of signed fits. */
export const PRIOR_AMPLITUDE_MODES = ['nonnegative', 'signed'] as const;
export type PriorAmplitudeMode = (typeof PRIOR_AMPLITUDE_MODES)[number];

/** The cCNN's decision: its calibrated logit, or a head refitted on its trunk features (ccnn-head.ts). */
export const CCNN_HEADS = ['calibrated', 'features'] as const;
export type CcnnHead = (typeof CCNN_HEADS)[number];

/** Where the cCNN's temperature comes from: the labelled prior patients or the simulated validation set. */
export const CALIBRATION_MODES = ['prior-patients', 'simulated'] as const;
export type CalibrationMode = (typeof CALIBRATION_MODES)[number];

export interface StudyDesign {
  /** [negative, positive] groups of the truth cohort. */
  groups: [string, string];
  /** Prior patients per group (fitted, feed the priors; the conventional pipeline trains on them). */
  prior: [number, number];
  /** Test patients per group. */
  test: [number, number];
}

/** The paper's design: 20 LC and 17 LC-HCC patients; the first 10 + 10 give the priors; 10 + 7 are tested. */
export const PAPER_DESIGN: StudyDesign = { groups: ['LC', 'LC-HCC'], prior: [10, 10], test: [10, 7] };

/**
 * Every default of the study's settings but the fit options (virtual-study.ts DEFAULT_SETTINGS adds those). The
 * key order is the order the settings are written in (repeats/NNN.json, metrics.json).
 */
export const STUDY_DEFAULTS = {
  design: PAPER_DESIGN,
  trainSpectra: 80_000,
  epochs: 6,
  validationSpectra: 2000,
  quantSpectra: 2000,
  quantRepeats: 1,
  qcnn: { architecture: 'deep', layout: 'joint' },
  ccnn: { architecture: 'deep', members: 1 },
  nuisance: 'pooled',
  amplitudes: 'separate',
  ccnnCalibration: 'prior-patients',
  spectralBound: true,
  realism: 'none',
  trainRealism: 'typical',
  threads: { torch: 1, simulation: 1, fit: 2 },
} satisfies Omit<StudySettings, 'repeats' | 'seed' | 'fitOptions'>;

/**
 * What an optional setting means when it is absent: the study reads it so, and settings stored before the
 * setting existed read back so (study/store.ts compares them that way). Not always today's default: networks
 * stored before `trainRealism` existed were trained without distortions.
 */
export const ABSENT_SETTINGS = {
  bootstrapResamples: 0,
  priorSource: 'fits',
  ccnnHead: 'calibrated',
  correlation: 'group',
  realism: 'none',
  trainRealism: 'none',
  priorAmplitudes: 'nonnegative',
} as const satisfies {
  bootstrapResamples: number;
  priorSource: NonNullable<StudySettings['priorSource']>;
  ccnnHead: CcnnHead;
  correlation: CorrelationMode;
  realism: RealismLevel;
  trainRealism: RealismLevel;
  priorAmplitudes: PriorAmplitudeMode;
};

/**
 * Defaults of `livermrs study` (= `npm start`): the study's, with 3 repeats and a qCNN of the quantification
 * comparison trained on twice the spectra, to finish within 15 minutes on 2 free cores; patients drawn from
 * the truth-hbv cohort with the hbv-lc cohort as template.
 */
export const STUDY_COMMAND_DEFAULTS = {
  repeats: 3,
  seed: 1,
  truth: 'truth-hbv',
  template: 'hbv-lc',
  trainSpectra: STUDY_DEFAULTS.trainSpectra,
  epochs: STUDY_DEFAULTS.epochs,
  quantSpectra: STUDY_DEFAULTS.quantSpectra,
  quantTrainSpectra: 2 * STUDY_DEFAULTS.trainSpectra,
  bootstrap: ABSENT_SETTINGS.bootstrapResamples,
} as const;
