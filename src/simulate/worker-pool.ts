import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BasisSet } from '../core/basis.js';
import { LivermrsError } from '../core/errors.js';
import type { Cohort } from './cohort-schema.js';
import { SpectrumGenerator } from './generator.js';
import { type BatchSetup, type Job, type JobResult, runJob } from './jobs.js';

/**
 * Starts a simulation worker. Running from the TypeScript sources (tests, development) the worker first
 * imports the .ts entry point through tsx's tsImport (tsx is a dev dependency; Node 20 cannot load .ts itself,
 * and `--import tsx` does not reach worker threads).
 */
function startWorker(setup: PoolSetup): Worker {
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./simulate-worker.js', import.meta.url), { workerData: setup });
  const entry = new URL('./simulate-worker.ts', import.meta.url).href;
  const tsxDir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const api = pathToFileURL(join(tsxDir, 'dist', 'esm', 'api', 'index.mjs')).href; // tsx/esm/api
  const boot = `import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}))`;
  return new Worker(boot, { eval: true, workerData: setup });
}

/** Jobs a worker holds at once (the one it runs and the next). */
const JOBS_PER_WORKER = 2;

/** Everything a worker needs to build its generator (plain data: it is structured-cloned into each thread). */
export interface PoolSetup {
  cohort: Cohort;
  basis: BasisSet;
  groups: readonly string[];
  batch?: BatchSetup;
}

/**
 * Runs simulation jobs on `threads` worker threads (0: in the calling thread). Jobs are handed out in
 * submission order, each to the worker with the fewest jobs, and a worker holds up to `JOBS_PER_WORKER` jobs:
 * when it finishes one, the next is already in its message queue, so it never waits for the main thread
 * (which may be busy, e.g. with a training step) to send more. Results arrive as transferred typed arrays.
 * Because every spectrum depends only on (seed, group, index), the results do not depend on the number of
 * threads.
 */
export class SimulationPool {
  readonly threads: number;
  private readonly workers: Worker[] = [];
  /** Jobs sent to each worker and not yet answered. */
  private readonly load: number[] = [];
  private readonly waiting: { id: number; job: Job }[] = [];
  private readonly pending = new Map<
    number,
    { resolve: (r: JobResult) => void; reject: (e: Error) => void }
  >();
  private readonly local?: SpectrumGenerator;
  private readonly setup: PoolSetup;
  private nextId = 0;
  private closed = false;

  constructor(setup: PoolSetup, threads: number) {
    this.setup = setup;
    this.threads = Math.max(0, Math.floor(threads));
    if (this.threads === 0) {
      this.local = new SpectrumGenerator(setup.cohort, setup.basis, { groups: setup.groups });
      return;
    }
    for (let t = 0; t < this.threads; t++) {
      const w = startWorker(setup);
      w.on('message', (msg: { id: number; result?: JobResult; error?: string }) => this.onMessage(t, msg));
      w.on('error', (err) => this.failAll(err));
      w.unref();
      this.workers.push(w);
      this.load.push(0);
    }
  }

  /** Runs a job; resolves with its result. */
  run(job: Job): Promise<JobResult> {
    if (this.closed) return Promise.reject(new LivermrsError('simulation pool is closed'));
    if (this.local) {
      try {
        return Promise.resolve(runJob(this.local, job, this.setup.batch));
      } catch (err) {
        return Promise.reject(err);
      }
    }
    const id = this.nextId++;
    const p = new Promise<JobResult>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.waiting.push({ id, job });
    this.dispatch();
    return p;
  }

  /** Stops the workers; pending jobs are rejected. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.failAll(new LivermrsError('simulation pool closed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private dispatch(): void {
    while (this.waiting.length > 0) {
      let t = 0;
      for (let u = 1; u < this.workers.length; u++) if (this.load[u] < this.load[t]) t = u;
      if (this.load[t] >= JOBS_PER_WORKER) return;
      if (this.load[t]++ === 0) this.workers[t].ref();
      this.workers[t].postMessage(this.waiting.shift()!);
    }
  }

  private onMessage(t: number, msg: { id: number; result?: JobResult; error?: string }): void {
    const p = this.pending.get(msg.id);
    this.pending.delete(msg.id);
    if (--this.load[t] === 0) this.workers[t].unref();
    this.dispatch();
    if (!p) return;
    if (msg.error !== undefined) p.reject(new LivermrsError(`simulation worker: ${msg.error}`));
    else p.resolve(msg.result!);
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    this.waiting.length = 0;
  }
}
