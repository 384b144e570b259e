export {
  type RfPulse,
  type CayleyKlein,
  amplitudeIntegral,
  peakB1Hz,
  pulseBandwidthHz,
  measureBandwidthHz,
  spinHalfPropagator,
  composeCK,
  singleSpinProfile,
  sampleCount,
} from './pulse.js';
export { hardPulse, sincPulse, hermitePulse, hyperbolicSecantPulse } from './shapes.js';
export { readPta, writePta, type PtaHeader, GAMMA_1H_HZ_PER_T } from './pta.js';
export {
  type ShapedSequence,
  type ShapedStep,
  type ShapedPulseStep,
  type SliceOptions,
  shapedPress,
  shapedSteam,
  shapedSemiLaser,
  sliceGrid,
  defaultPressPulses,
} from './sequence.js';
export {
  type FullSpace,
  type ComplexMatrix,
  fullSpace,
  pulsePropagator,
  runShapedSequence,
  shapedRun,
  shapedDriver,
  runPulseGroup,
  acquireShaped,
  type ShapedRun,
  type PulseGroup,
  shapedGain,
  singletSignal,
  spinRepresentation,
} from './simulate.js';
export { shapedRunner, type ShapedJob } from './runner.js';
export {
  type PulseSet,
  defaultPulseSet,
  defaultAdiabaticPulse,
  shapedSequenceFor,
  pulseSetKey,
  parsePulseSet,
} from './pulse-set.js';
export { type FslSequence, readFslSequence, writeFslSequence } from './fslmrs-sequence.js';
