import type { LineSink } from '../sequences.js';
import type { SequenceRunner } from '../simulate-molecule.js';
import type { CoupledSystem } from '../spin-space.js';
import type { ShapedSequence } from './sequence.js';
import { runShapedSequence, shapedGain, singletSignal } from './simulate.js';

/** One coupled system (with its weight) to run through a shaped sequence. */
export interface ShapedJob {
  system: CoupledSystem;
  weight: number;
}

/** Lines of shaped jobs computed elsewhere (worker threads), by `shapedJobKey`. */
export type SolvedJobs = ReadonlyMap<string, LineSink>;

export function shapedJobKey(job: ShapedJob): string {
  const { twoS, offsetHz, couplingHz } = job.system;
  return JSON.stringify([Array.from(twoS), Array.from(offsetHz), Array.from(couplingHz), job.weight]);
}

/** The shaped-pulse engine as a SequenceRunner for simulateMolecule; `solved` jobs are taken as computed. */
export function shapedRunner(sequence: ShapedSequence, solved?: SolvedJobs): SequenceRunner {
  return {
    gain: () => shapedGain(sequence),
    run: (system, weight, sink) => {
      const done = solved?.get(shapedJobKey({ system, weight }));
      if (!done) {
        runShapedSequence(system, sequence, weight, sink);
        return;
      }
      for (let k = 0; k < done.hz.length; k++) {
        sink.hz.push(done.hz[k]);
        sink.re.push(done.re[k]);
        sink.im.push(done.im[k]);
      }
    },
    singlet: (offsetHz) => singletSignal(sequence, offsetHz),
  };
}

/** A runner that only records the coupled systems simulateMolecule would run (singlets and the gain are cheap). */
export function recordingRunner(sequence: ShapedSequence, jobs: ShapedJob[]): SequenceRunner {
  return {
    gain: () => shapedGain(sequence),
    run: (system, weight) => {
      jobs.push({ system, weight });
    },
    singlet: (offsetHz) => singletSignal(sequence, offsetHz),
  };
}
