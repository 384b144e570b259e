import type { SequenceKind } from '../core/acquisition.js';
import type { Status } from '../fit/status.js';
import type { WaterSuppressionMode } from '../fit/water-fat/detect.js';
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

/** Window, model and scaling defaults: the liver protocol, the ISMRM 2016 fitting challenge, or generic. */
export type Preset = 'liver' | 'ismrm2016' | 'generic';

/**
 * Options of analyseFile (the `livermrs fit` options, in its units: ms, Hz, MHz). Header values a file lacks
 * (HeaderValues) come first; then the metabolite fit's, then the water–fat fit's.
 */
export interface AnalysisOptions extends HeaderValues {
  /** LCModel .BASIS file; default: the liver basis simulated for the data. */
  basis?: string;
  preset: Preset;
  ppm?: [number, number];
  baseline?: 'spline' | 'poly' | 'gaussian';
  baselineEd?: number;
  baselineOrder?: number;
  model?: 'voigt' | 'lorentzian';
  reference?: string;
  addLipids?: boolean;
  waterConcentration?: number;
  noise?: 'residual' | 'region';
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
