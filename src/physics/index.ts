/**
 * Public API of the physics engine: spin systems as data, density-matrix simulation of ideal pulse-acquire,
 * PRESS and STEAM, and basis sets. Other concerns code against these names.
 * This Node entry point installs the built-in spin-system folder as the default library. The browser app bundles
 * it, so the Node-only parallel basis call (basis-parallel.ts, worker threads of pulses/shaped-pool.ts) is not
 * exported here but from the package entry (src/index.ts).
 */
import { setDefaultSpinSystemProvider } from './default-library.js';
import { builtinSpinSystems } from './library-files.js';

setDefaultSpinSystemProvider(builtinSpinSystems);

export {
  LIVER_METABOLITES,
  LIVER_LIPIDS,
  LIVER_COMPONENTS,
  BRAIN_METABOLITES,
  simulateBasis,
  simulateLineLists,
  simulateLineListsAsync,
  simulateBasisAsync,
  type ShapedSolver,
  defaultLiverBasis,
  liverBasisFor,
  isDefaultProtocol,
  type SimulateBasisOptions,
  type LineListStore,
  type LineListRequest,
} from './basis.js';
export {
  type Protocol,
  DEFAULT_PROTOCOL,
  checkProtocol,
  resolveTiming,
  type SequenceTiming,
} from './protocol.js';
export { simulateMolecule, type SimulationConditions } from './simulate-molecule.js';
export {
  WATER_PPM,
  FAT_PEAKS,
  LIVER_FAT,
  type FatPeak,
  type FatComposition,
  peakProtons,
  fatProtons,
  relativeAreas,
  fatIndices,
} from './chemistry.js';
export {
  type PulseSequence,
  type SequenceStep,
  pressSequence,
  steamSequence,
  semiLaserSequence,
  pulseAcquireSequence,
  sequenceGain,
} from './sequences.js';
export { SpinSystemLibrary } from './library.js';
export { setDefaultSpinSystemProvider, defaultSpinSystems } from './default-library.js';
export { builtinSpinSystems, loadSpinSystems, readSpinSystemTexts } from './library-files.js';
export { parseSpinSystem, spinSystemFileSchema } from './spin-system-schema.js';
export {
  type Molecule,
  type Fragment,
  type Spin,
  type Coupling,
  type Nucleus,
  type ComponentGroup,
  protonCount,
} from './spin-system.js';
export {
  type RfPulse,
  type PulseSet,
  type ShapedSequence,
  type SliceOptions,
  hardPulse,
  sincPulse,
  hermitePulse,
  hyperbolicSecantPulse,
  readPta,
  writePta,
  readFslSequence,
  writeFslSequence,
  defaultPulseSet,
  parsePulseSet,
  shapedPress,
  shapedSteam,
  shapedRunner,
  singleSpinProfile,
  measureBandwidthHz,
} from './pulses/index.js';
