import { parentPort, workerData } from 'node:worker_threads';
import { SpectrumGenerator } from './generator.js';
import { type Job, runJob, transferList } from './jobs.js';
import type { PoolSetup } from './worker-pool.js';

/** Worker thread of SimulationPool: builds the generator once, then runs jobs as they come. */
const setup = workerData as PoolSetup;
const generator = new SpectrumGenerator(setup.cohort, setup.basis, { groups: setup.groups });

parentPort?.on('message', (msg: { id: number; job: Job }) => {
  try {
    const result = runJob(generator, msg.job, setup.batch);
    parentPort?.postMessage({ id: msg.id, result }, transferList(result));
  } catch (err) {
    parentPort?.postMessage({ id: msg.id, error: (err as Error).message });
  }
});
