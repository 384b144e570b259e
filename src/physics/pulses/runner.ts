import type { SequenceRunner } from '../simulate-molecule.js';
import type { ShapedSequence } from './sequence.js';
import { runShapedSequence, shapedGain, singletSignal } from './simulate.js';

/** The shaped-pulse engine as a SequenceRunner for simulateMolecule. */
export function shapedRunner(sequence: ShapedSequence): SequenceRunner {
  return {
    gain: () => shapedGain(sequence),
    run: (system, weight, sink) => {
      runShapedSequence(system, sequence, weight, sink);
    },
    singlet: (offsetHz) => singletSignal(sequence, offsetHz),
  };
}
