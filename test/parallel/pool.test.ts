import { describe, expect, it } from 'vitest';
import { loadCohort, loadCohortBasis } from '../../src/simulate/cohort-files.js';
import { SpectrumGenerator } from '../../src/simulate/generator.js';
import type { DatasetChunk } from '../../src/simulate/jobs.js';
import { PendingSimulationPool, SimulationPool } from '../../src/simulate/worker-pool.js';
import { fitMany } from '../../src/study/fit-pool.js';
import { STUDY_FIT_OPTIONS } from '../../src/study/fit-features.js';
import { nllsSetup } from '../../src/study/virtual-study.js';

const loaded = loadCohort('truth-hbv');
const basis = loadCohortBasis(loaded);
const groups = Object.keys(loaded.cohort.groups);

describe('parallel/pool: one worker pool for simulation, study fits and batch fits', () => {
  it('simulation jobs give the same numbers on two threads as in the calling thread', async () => {
    const setup = { cohort: loaded.cohort, basis, groups };
    const run = async (threads: number) => {
      const pool = new SimulationPool(setup, threads);
      try {
        const jobs = [0, 5, 10, 15].map((start) =>
          pool.run({ kind: 'dataset', seed: 7, start, count: 5, perGroup: 10 }),
        );
        return (await Promise.all(jobs)) as DatasetChunk[];
      } finally {
        await pool.close();
      }
    };
    const [local, threaded] = [await run(0), await run(2)];
    expect(threaded.map((c) => c.start)).toEqual([0, 5, 10, 15]);
    for (let k = 0; k < local.length; k++) {
      expect(threaded[k].fids).toEqual(local[k].fids);
      expect(threaded[k].params).toEqual(local[k].params);
    }
  });

  it('workers started before their setup give the same numbers; jobs wait for the setup', async () => {
    const job = { kind: 'dataset', seed: 7, start: 3, count: 4, perGroup: 10 } as const;
    const local = new SimulationPool({ cohort: loaded.cohort, basis, groups }, 0);
    const want = (await local.run(job)) as DatasetChunk;
    const pending = new PendingSimulationPool(2);
    const early = pending.pool.run(job); // before the setup: held until provide()
    const pool = pending.provide({ cohort: loaded.cohort, basis, groups });
    try {
      expect(((await early) as DatasetChunk).fids).toEqual(want.fids);
    } finally {
      await pool.close();
    }
    const unused = new PendingSimulationPool(1);
    const never = expect(unused.pool.run(job)).rejects.toThrow(/simulation (pool closed|workers not used)/);
    await unused.close();
    await never;
  });

  it('a closed pool refuses jobs, naming itself', async () => {
    const pool = new SimulationPool({ cohort: loaded.cohort, basis, groups }, 1);
    await pool.close();
    await expect(pool.run({ kind: 'dataset', seed: 1, start: 0, count: 1, perGroup: 1 })).rejects.toThrow(
      'simulation pool is closed',
    );
  });

  it('a job that throws in a worker rejects with the worker error, and the pool goes on', async () => {
    const pool = new SimulationPool({ cohort: loaded.cohort, basis, groups }, 1);
    try {
      const bad = pool.run({ kind: 'nonsense' } as never);
      const good = pool.run({ kind: 'dataset', seed: 1, start: 0, count: 1, perGroup: 1 });
      await expect(bad).rejects.toThrow(/^simulation worker: /);
      expect(((await good) as DatasetChunk).count).toBe(1);
    } finally {
      await pool.close();
    }
  });

  it('fitMany: NLLS on worker threads equals NLLS in this thread, in submission order, with progress', async () => {
    const gen = new SpectrumGenerator(loaded.cohort, basis, { groups });
    const n = gen.points;
    const count = 6;
    const fids = new Float64Array(count * 2 * n);
    const row = new Float64Array(gen.layout.size);
    const fd = new Float64Array(2 * n);
    const td = new Float64Array(2 * n);
    for (let i = 0; i < count; i++) {
      gen.sampleParameters(11, 0, i, row);
      gen.synthesize({ seed: 11, group: 0, index: i }, row, 0, { fd, td });
      fids.set(td, i * 2 * n);
    }
    const setup = nllsSetup({ template: loaded.cohort, basis }, STUDY_FIT_OPTIONS);
    const progress: number[] = [];
    const local = await fitMany(setup, fids, count, { threads: 0, chunk: 2 });
    const threaded = await fitMany(setup, fids, count, {
      threads: 2,
      chunk: 2,
      onProgress: (done) => progress.push(done),
    });
    const numbers = (fits: typeof local) => fits.map((f) => ({ ...f, seconds: 0 }));
    expect(numbers(threaded)).toEqual(numbers(local));
    expect(progress).toEqual([2, 4, 6]);
    const aborted = new AbortController();
    aborted.abort();
    await expect(
      fitMany(setup, fids, count, { threads: 2, chunk: 2, signal: aborted.signal }),
    ).rejects.toThrow('fitting interrupted');
  }, 120_000);
});
