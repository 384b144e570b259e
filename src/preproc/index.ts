/** Preprocessing steps: pure functions on MrsData, each recording itself in the NIfTI-MRS provenance. */
export { type AlignOptions, alignTransients, type Registration, spectralRegistration } from './align.js';
export { type AverageOptions, type AverageReport, averageTransients } from './average.js';
export { type CombineOptions, combineCoils } from './combine.js';
export { eddyCurrentCorrect } from './ecc.js';
export { type HlsvdComponent, type HlsvdOptions, hlsvd, removeResidualWater } from './hlsvd.js';
export { estimatePhase, type PhaseOptions, zeroOrderPhase } from './phase.js';
export { LANDMARKS, peakPpm, type ReferenceOptions, referenceToPeak } from './reference.js';
export { type ProvenanceEntry, type ProvenanceMethod, recordStep } from './provenance.js';
export { preprocess, type PreprocessOptions } from './pipeline.js';
