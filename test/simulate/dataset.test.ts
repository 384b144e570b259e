import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/io/csv.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeNiftiMrs } from '../../src/io/nifti-mrs/nifti-mrs.js';
import { writeNiftiMrsFile } from '../../src/io/nifti-mrs/write-file.js';
import {
  datasetToMrs,
  datasetToMrs32,
  resynthesize,
  simulateDataset,
  startDataset,
  truthCsv,
  writeTruthCsv,
} from '../../src/simulate/dataset.js';
import { cropBins, defaultPreprocess, preprocessFid } from '../../src/simulate/preprocess.js';
import { trainingBatches } from '../../src/simulate/stream.js';
import { builtinCohort, expectFloatPrecision, maxAbs } from './helpers.js';
import { defaultLiverBasis } from '../../src/physics/index.js';

const basis = defaultLiverBasis();
const cohort = builtinCohort('truth-hbv');

describe('simulated data sets', () => {
  it('do not depend on the number of worker threads', async () => {
    const one = await simulateDataset({ cohort, basis, perGroup: 40, seed: 7, threads: 1, chunk: 16 });
    const two = await simulateDataset({
      cohort,
      basis,
      perGroup: 40,
      seed: 7,
      threads: 2,
      chunk: 7,
      truthRows: true,
    });
    expect(two.count).toBe(80);
    expect(Buffer.from(two.fids.buffer).equals(Buffer.from(one.fids.buffer))).toBe(true);
    expect(Buffer.from(two.params.buffer).equals(Buffer.from(one.params.buffer))).toBe(true);
    // truth.csv rows formatted while the workers run (out of order chunks) are the rows formatted afterwards
    expect(two.truthRows).toHaveLength(80);
    expect(truthCsv(two)).toBe(truthCsv({ ...two, truthRows: undefined }));
    // and a spectrum does not depend on how many spectra are drawn or which groups are included
    const hccOnly = await simulateDataset({ cohort, basis, groups: ['LC-HCC'], perGroup: 5, seed: 7 });
    expect(hccOnly.fids.subarray(0, 2048)).toEqual(one.fids.subarray(40 * 2048, 41 * 2048));
  });

  it('stream truth.csv and the NIfTI-MRS file while they are simulated: the bytes written afterwards', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'livermrs-stream-'));
    try {
      const run = startDataset({
        cohort,
        basis,
        perGroup: 30,
        seed: 3,
        threads: 2,
        chunk: 5,
        truthRows: true,
      });
      const mrs = datasetToMrs32(run.ds);
      const nifti = writeNiftiMrsFile(join(dir, 'spectra.nii'), mrs, { gzip: false, ready: run.ready });
      const truth = writeTruthCsv(join(dir, 'truth.csv'), run, 7);
      const ds = await run.done;
      await Promise.all([nifti, truth]);
      expect(readFileSync(join(dir, 'truth.csv'), 'utf8')).toBe(truthCsv(ds));
      const after = encodeNiftiMrs(
        { ...datasetToMrs(ds), extension: mrs.extension },
        { gzip: false, dataType: 'complex64' },
      );
      expect(new Uint8Array(readFileSync(join(dir, 'spectra.nii')))).toEqual(after);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('can be re-synthesised from truth.csv rows to float precision', async () => {
    const ds = await simulateDataset({ cohort, basis, perGroup: 6, seed: 123 });
    const table = parseCsv(truthCsv(ds));
    expect(table.header.slice(0, 5)).toEqual(['index', 'group', 'group_index', 'seed', 'Ala']);
    expect(new Set(table.rows.map((r) => r[1]))).toEqual(new Set(['LC', 'LC-HCC']));
    expectFloatPrecision(resynthesize(table, cohort, basis), ds.fids);
  });
});

describe('training stream', () => {
  it('yields preprocessed, balanced batches identical for any thread count, and stops when asked', async () => {
    const collect = async (threads: number) => {
      const out = [];
      for await (const b of trainingBatches({ cohort, basis, seed: 9, batchSize: 10, spectra: 35, threads }))
        out.push(b);
      return out;
    };
    const a = await collect(0);
    const b = await collect(2);
    expect(a.map((x) => x.size)).toEqual([10, 10, 10, 5]);
    const L = cropBins(
      defaultPreprocess({
        points: 1024,
        dwellTime: 1 / 2000,
        spectrometerFrequency: 127.76,
        ppmReference: 4.65,
      }),
    ).length;
    expect(a[0].inputShape).toEqual([10, 2, L]);
    expect(a[0].targets.length).toBe(10 * 20);
    for (let i = 0; i < a.length; i++) {
      expect(b[i].inputs).toEqual(a[i].inputs);
      expect(b[i].targets).toEqual(a[i].targets);
    }
    expect(Array.from(a[0].labels)).toEqual([0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
    // max-abs normalisation: the largest |value| of each input is 1
    for (let s = 0; s < 10; s++)
      expect(maxAbs(a[0].inputs.subarray(s * 2 * L, (s + 1) * 2 * L))).toBeCloseTo(1, 6);
    // an endless stream can be left early
    const endless = trainingBatches({ cohort, basis, seed: 9, batchSize: 4, threads: 1 });
    let n = 0;
    for await (const batch of endless) {
      n += batch.size;
      if (n >= 12) break;
    }
    expect(n).toBe(12);
  });

  it('keeps at most `queue` batches ahead of a consumer that stops pulling (bounded memory)', async () => {
    const stream = trainingBatches({ cohort, basis, seed: 1, batchSize: 8, threads: 1, queue: 3 });
    await stream.next();
    await new Promise((r) => setTimeout(r, 300)); // the worker could make many batches in this time
    expect(stream.requested).toBe((1 + 3) * 8);
    await stream.next();
    expect(stream.requested).toBe((2 + 3) * 8);
    await stream.close();
    expect((await stream.next()).done).toBe(true);
  });

  it('prepares a measured FID exactly like a simulated one', async () => {
    const ds = await simulateDataset({ cohort, basis, perGroup: 1, seed: 3 });
    const config = defaultPreprocess({
      points: 1024,
      dwellTime: 1 / 2000,
      spectrometerFrequency: 127.76,
      ppmReference: 4.65,
    });
    const fid = {
      data: Float64Array.from(ds.fids.subarray(0, 2048)),
      points: 1024,
      dwellTime: 1 / 2000,
      spectrometerFrequency: 127.76,
      ppmReference: 4.65,
      nucleus: '1H',
    };
    const { input } = preprocessFid(config, fid);
    let first: Float32Array | undefined;
    for await (const b of trainingBatches({ cohort, basis, seed: 3, batchSize: 1, spectra: 1, threads: 0 }))
      first = b.inputs;
    let err = 0;
    for (let i = 0; i < input.length; i++) err = Math.max(err, Math.abs(input[i] - first![i]));
    expect(err).toBeLessThan(1e-5);
    expect(() => preprocessFid(config, { ...fid, spectrometerFrequency: 123.2 })).toThrow(/the model's grid/);
  });
});
