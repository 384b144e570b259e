import type { SequenceKind } from '../core/acquisition.js';
import type { BaselineKind } from '../fit/baseline.js';
import type { ModelName } from '../fit/fit.js';
import type { Status } from '../fit/status.js';
import type { Analysis, WaterSuppressionMode } from '../fit/water-fat/detect.js';
import type { RelaxationChoice } from '../fit/water-fat/relaxation.js';
import type { LineshapeMode } from '../fit/water-fat/reference-lineshape.js';
import type { EccMode } from '../fit/water-fat/self-ecc.js';
import type { FatModelKind } from '../fit/water-fat/water-fat-fit.js';
import type { HeaderValues } from './input.js';

/** Every result's verdict: ok, doubtful (numbers with reasons to doubt them) or failed (no numbers). */
export interface AnalysisStatus {
  status: Status;
  statusReasons: string[];
}

/**
 * The choices of the analysis options, each listed once (this module has no runtime imports, so the command line
 * takes its help and its checks from here at start-up). Each list's type is the option's type.
 */
/** Window, model and scaling defaults: the liver protocol, the ISMRM 2016 fitting challenge, or generic. */
export const PRESETS = ['liver', 'ismrm2016', 'generic'] as const;
export type Preset = (typeof PRESETS)[number];
export const BASELINES = ['spline', 'poly', 'gaussian'] as const satisfies readonly BaselineKind[];
export const LINE_MODELS = ['voigt', 'lorentzian'] as const satisfies readonly ModelName[];
/** The noise of the CRLB: the fit residual or a signal-free region. */
export const NOISE_SOURCES = ['residual', 'region'] as const;
export const WATER_SUPPRESSION_MODES = [
  'auto',
  'on',
  'off',
] as const satisfies readonly WaterSuppressionMode[];
/** The analysis a spectrum gets, forced: metabolites means water-suppressed, water-fat unsuppressed. */
export const ANALYSIS_KINDS = ['metabolites', 'water-fat'] as const satisfies readonly Analysis[];
export const FAT_MODELS = ['fixed', 'chain'] as const satisfies readonly FatModelKind[];
/** Water lines of the water–fat fit: auto (the second kept when it lowers the residual), one or two. */
export const WATER_LINE_CHOICES = ['auto', '1', '2'] as const;
export const LINESHAPE_MODES = ['reference', 'voigt', 'auto'] as const satisfies readonly LineshapeMode[];
export const ECC_MODES = ['auto', 'off'] as const satisfies readonly EccMode[];

/**
 * Options of analyseFile (the `livermrs fit` options, in its units: ms, Hz, MHz). Header values a file lacks
 * (HeaderValues) come first; then the metabolite fit's, then the water–fat fit's.
 */
export interface AnalysisOptions extends HeaderValues {
  /** LCModel .BASIS file; default: the liver basis simulated for the data. */
  basis?: string;
  preset: Preset;
  ppm?: [number, number];
  baseline?: (typeof BASELINES)[number];
  baselineEd?: number;
  baselineOrder?: number;
  model?: (typeof LINE_MODELS)[number];
  reference?: string;
  addLipids?: boolean;
  waterConcentration?: number;
  noise?: (typeof NOISE_SOURCES)[number];
  /** Sequence when the header does not say (or to override it). */
  sequence?: SequenceKind;
  waterSuppression?: WaterSuppressionMode;
  fatModel?: FatModelKind;
  waterLines?: 1 | 2;
  /** Water–fat fit: lineshape model (fit/water-fat/reference-lineshape.ts). */
  lineshape?: LineshapeMode;
  /** Water-unsuppressed spectra: eddy-current correction from the spectrum's own water line (default auto). */
  ecc?: EccMode;
  /** Water–fat fit: relaxation for the single-TE PDFF (tissue table and/or the user's values). */
  relaxation?: RelaxationChoice;
  /** Simulate the liver basis with real RF pulses: a pulse-set file or 'default' (docs/physics-shaped.md). */
  pulses?: string;
  /** Positions per slice direction with `pulses` (default 64). */
  grid?: number;
  /**
   * With `pulses`: worker threads for the shaped systems (physics/basis-parallel.ts; default 1, this thread).
   * Batch fits leave it at 1: they already run one file per core.
   */
  shapedThreads?: number;
}
