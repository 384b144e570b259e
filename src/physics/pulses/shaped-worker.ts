import { parentPort } from 'node:worker_threads';
import type { CoupledSystem } from '../spin-space.js';
import type { ShapedSequence } from './sequence.js';
import { type PulseGroup, runPulseGroup, type ShapedRun, shapedRun } from './simulate.js';

/**
 * Worker thread of shaped-pool.ts (its URL is resolved next to that module, in src/ or dist/src/): runs pulse groups of shaped sequences at a range of slice positions and
 * answers with the summed density matrix. It keeps each system's run (its spaces and the propagators of its
 * positions) until released, so PRESS's second refocusing pulse reuses the first one's propagators.
 */
export type ShapedWorkerMessage =
  | { type: 'sequence'; sequence: number; steps: ShapedSequence }
  | { type: 'release'; run: string }
  | {
      type: 'group';
      id: number;
      run: string;
      sequence: number;
      system: CoupledSystem;
      group: PulseGroup;
      from: number;
      to: number;
    };

const sequences = new Map<number, ShapedSequence>();
const runs = new Map<string, ShapedRun>();

parentPort?.on('message', (m: ShapedWorkerMessage) => {
  if (m.type === 'sequence') {
    sequences.set(m.sequence, m.steps);
    return;
  }
  if (m.type === 'release') {
    runs.delete(m.run);
    return;
  }
  try {
    let run = runs.get(m.run);
    if (!run) {
      const sequence = sequences.get(m.sequence);
      if (!sequence) throw new Error(`unknown sequence ${m.sequence}`);
      run = shapedRun(m.system, sequence);
      runs.set(m.run, run);
    }
    const acc = runPulseGroup(run, m.group, m.from, m.to);
    // Copied, not transferred: detaching an ArrayBuffer invalidates V8's detach protector for the whole thread,
    // after which every typed-array access in the propagator loops is checked. Measured on glucose (D = 128):
    // 12.1 s of worker CPU with transfer, 8.8 s copying 2 x 262 kB per answer (8.5 s in one thread).
    parentPort?.postMessage({ id: m.id, re: acc.re, im: acc.im });
  } catch (err) {
    parentPort?.postMessage({ id: m.id, error: (err as Error)?.message ?? String(err) });
  }
});
