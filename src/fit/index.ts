/** NLLS linear-combination fitting with Cramér–Rao bounds, water scaling and fat fraction. */
export { type BaselineKind, type BaselineOptions, buildBaseline, DEFAULT_BASELINE } from './baseline.js';
export { type CoordGrid, coordGrid, fitCoord } from './coord-fit.js';
export {
  type Diagnostic,
  type DiagnosticCode,
  diagnosticMessage,
  diagnosticMessages,
} from './diagnostics.js';
export {
  type CombinedResult,
  type ComponentResult,
  type DataHeader,
  type FitOptions,
  type FitQuality,
  type FitResult,
  type FitSpectra,
  Fitter,
  fitSpectrum,
  type ModelName,
  type ParameterResult,
} from './fit.js';
export { type Combination, defaultCombinations, inferGroup } from './groups.js';
export { type CohortBaselineShape, cohortFitOptions } from './liver-options.js';
export {
  LIVER_FIT_OPTIONS,
  LIVER_PPM_RANGE,
  type LiverSequence,
  liverBasis,
  liverProtocol,
} from './liver.js';
export { LorentzianModel } from './models/lorentzian.js';
export type { ParamRole, ParamSpec, SpectralModel } from './models/model.js';
export type { ResidualWaterOptions } from './models/residual-water.js';
export { VoigtModel, type VoigtOptions, voigtFwhm } from './models/voigt.js';
export { estimateNoise, type NoiseEstimate } from './noise.js';
export {
  attenuation,
  ISMRM2016_SCALING,
  LIVER_WATER_CONTENT,
  liverScaling,
  type Quantification,
  type QuantifiedComponent,
  quantify,
  type ScalingOptions,
} from './quantify.js';
export { resampleBasis, type ResampleResult } from './resample.js';
export { appendSimulatedComponents, LIPIDS_BRAIN, type SimulatedComponent } from './simulated-components.js';
export { peakHeight, type SyntheticSpec, synthesizeFid } from './synthesize.js';
export { fitWaterReference, type WaterReference } from './water-reference.js';
export { fitSeries, type SeriesOptions, type SeriesResult } from './water-fat/series.js';
export {
  type FatModelKind,
  WaterFatFitter,
  type WaterFatOptions,
  type WaterFatResult,
} from './water-fat/water-fat-fit.js';
