import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { LivermrsError } from '../../core/errors.js';
import { startModuleWorker } from '../../parallel/pool.js';
import type { ShapedSolver } from '../basis.js';
import type { LineSink } from '../sequences.js';
import type { ShapedJob } from './runner.js';
import type { ShapedSequence } from './sequence.js';
import { acquireShaped, type ComplexMatrix, type PulseGroup, shapedDriver, shapedRun } from './simulate.js';
import type { ShapedWorkerMessage } from './shaped-worker.js';

/**
 * The shaped-pulse engine over worker threads, split by slice position: for every pulse group (one pulse, or a
 * semi-LASER pair) of every coupled system, worker t gets the t-th block of positions, computes their propagators
 * (kept for the system's later pulses) and returns its part of the average, which this thread sums before the next
 * delay. All systems of a basis run at once, so the workers stay busy while one system waits for its sum. Block t
 * always goes to worker t, where that system's propagators of those positions live.
 */
export class ShapedPool {
  readonly threads: number;
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<
    number,
    { resolve: (m: ComplexMatrix) => void; reject: (e: Error) => void }
  >();
  private readonly sequenceIds = new WeakMap<ShapedSequence, number>();
  private nextId = 0;
  private nextSequence = 0;
  private nextRun = 0;

  /** `threads` workers (default: every core). */
  constructor(threads = availableParallelism()) {
    this.threads = Math.max(1, Math.floor(threads));
    for (let t = 0; t < this.threads; t++) {
      const w = startModuleWorker(import.meta.url, 'shaped-worker', undefined);
      w.on('message', (m: { id: number; re?: Float64Array; im?: Float64Array; error?: string }) => {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (this.pending.size === 0) for (const x of this.workers) x.unref();
        if (!p) return;
        if (m.error !== undefined) p.reject(new LivermrsError(`shaped-pulse worker: ${m.error}`));
        else p.resolve({ re: m.re as Float64Array, im: m.im as Float64Array });
      });
      w.on('error', (err) => this.failAll(err));
      w.unref();
      this.workers.push(w);
    }
  }

  /** The solver for simulateBasisAsync / simulateLineListsAsync. */
  readonly solve: ShapedSolver = (sequence, jobs) => {
    const id = this.sequenceId(sequence);
    return Promise.all(jobs.map((job) => this.runJob(id, sequence, job)));
  };

  async close(): Promise<void> {
    this.failAll(new LivermrsError('shaped-pulse pool closed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private sequenceId(sequence: ShapedSequence): number {
    let id = this.sequenceIds.get(sequence);
    if (id === undefined) {
      id = this.nextSequence++;
      this.sequenceIds.set(sequence, id);
      for (const w of this.workers) this.post(w, { type: 'sequence', sequence: id, steps: sequence });
    }
    return id;
  }

  private async runJob(sequenceId: number, sequence: ShapedSequence, job: ShapedJob): Promise<LineSink> {
    const run = shapedRun(job.system, sequence);
    const runId = `${sequenceId}:${this.nextRun++}`;
    const system = {
      twoS: Array.from(job.system.twoS),
      offsetHz: Array.from(job.system.offsetHz),
      couplingHz: Array.from(job.system.couplingHz),
    };
    try {
      const driver = shapedDriver(run);
      let next = driver.next();
      while (!next.done) {
        const group: PulseGroup = next.value;
        const parts = blocks(group.count, this.threads).map(([from, to], t) =>
          this.call(t, { type: 'group', id: 0, run: runId, sequence: sequenceId, system, group, from, to }),
        );
        next = driver.next(sum(await Promise.all(parts)));
      }
      const sink: LineSink = { hz: [], re: [], im: [] };
      acquireShaped(run, next.value, job.weight, sink);
      return sink;
    } finally {
      for (const w of this.workers) this.post(w, { type: 'release', run: runId });
    }
  }

  private call(t: number, message: Extract<ShapedWorkerMessage, { type: 'group' }>): Promise<ComplexMatrix> {
    const id = this.nextId++;
    const p = new Promise<ComplexMatrix>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    if (this.pending.size === 1) for (const w of this.workers) w.ref();
    this.post(this.workers[t], { ...message, id });
    return p;
  }

  private post(w: Worker, message: ShapedWorkerMessage): void {
    w.postMessage(message);
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}

/** [from, to) of `parts` near-equal blocks of 0..count (empty blocks left out). */
function blocks(count: number, parts: number): [number, number][] {
  const out: [number, number][] = [];
  for (let t = 0; t < parts; t++) {
    const from = Math.round((t * count) / parts);
    const to = Math.round(((t + 1) * count) / parts);
    if (to > from) out.push([from, to]);
  }
  return out;
}

function sum(parts: ComplexMatrix[]): ComplexMatrix {
  const out = parts[0];
  for (let k = 1; k < parts.length; k++) {
    for (let i = 0; i < out.re.length; i++) {
      out.re[i] += parts[k].re[i];
      out.im[i] += parts[k].im[i];
    }
  }
  return out;
}
