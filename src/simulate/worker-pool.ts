import type { BasisSet } from '../core/basis.js';
import { LivermrsError } from '../core/errors.js';
import { siblingModule, WorkerPool, type WorkerTask } from '../parallel/pool.js';
import type { Cohort } from './cohort-schema.js';
import { SpectrumGenerator } from './generator.js';
import type { Realism } from './realism.js';
import {
  type BatchSetup,
  type DatasetOutput,
  type Job,
  type JobResult,
  runJob,
  transferList,
} from './jobs.js';

/** Everything a worker needs to build its generator (plain data: it is structured-cloned into each thread). */
export interface PoolSetup {
  cohort: Cohort;
  basis: BasisSet;
  groups: readonly string[];
  batch?: BatchSetup;
  /** Distortions beyond the cohort's nuisance model (realism.ts). */
  realism?: Realism;
  /** Where dataset jobs write (shared memory for worker threads; see DatasetOutput). */
  output?: DatasetOutput;
}

/** The simulation task of a worker thread: builds the generator once, then runs jobs as they come. */
export function createTask(setup: PoolSetup): WorkerTask<Job, JobResult> {
  const generator = new SpectrumGenerator(setup.cohort, setup.basis, {
    groups: setup.groups,
    realism: setup.realism,
  });
  return { run: (job) => runJob(generator, job, setup.batch, setup.output), transfer: transferList };
}

/**
 * Runs simulation jobs on `threads` worker threads (0: in the calling thread). A worker holds up to two jobs:
 * when it finishes one, the next is already in its message queue, so it never waits for the main thread
 * (which may be busy, e.g. with a training step) to send more. Results arrive as transferred typed arrays.
 * Because every spectrum depends only on (seed, group, index), the results do not depend on the number of
 * threads.
 */
export class SimulationPool extends WorkerPool<Job, JobResult> {
  /** A promised setup starts the threads at once (they load their code meanwhile); jobs wait for it. */
  constructor(setup: PoolSetup | Promise<PoolSetup>, threads: number) {
    super({
      task: siblingModule(import.meta.url, 'worker-pool'),
      setup,
      threads,
      local: (s) => createTask(s as PoolSetup),
      jobsPerWorker: 2,
      name: 'simulation',
    });
  }
}

/**
 * Simulation workers started before their setup (the cohort's basis) is ready: the threads load their code
 * while the calling thread simulates the basis. provide() hands them the setup; close() stops them unused.
 */
export class PendingSimulationPool {
  readonly pool: SimulationPool;
  private provideSetup: (setup: PoolSetup) => void = () => {};
  private failSetup: (err: Error) => void = () => {};

  constructor(threads: number) {
    const setup = new Promise<PoolSetup>((resolve, reject) => {
      this.provideSetup = resolve;
      this.failSetup = reject;
    });
    setup.catch(() => {});
    this.pool = new SimulationPool(setup, threads);
  }

  provide(setup: PoolSetup): SimulationPool {
    this.provideSetup(setup);
    return this.pool;
  }

  close(): Promise<void> {
    this.failSetup(new LivermrsError('simulation workers not used'));
    return this.pool.close();
  }
}
