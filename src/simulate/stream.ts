import { availableParallelism } from 'node:os';
import type { BasisSet } from '../core/basis.js';
import type { Cohort } from './cohort-schema.js';
import { basisOnProtocol } from './generator.js';
import type { BatchChunk } from './jobs.js';
import type { CanonicalFrameSettings } from '../spectra/canonical.js';
import { channelCount, cropBins, defaultPreprocess, type PreprocessConfig } from './preprocess.js';
import type { Realism } from './realism.js';
import { SimulationPool } from './worker-pool.js';
import { gridOf } from '../core/grid.js';

/**
 * Training batches for the networks, simulated on the fly by a worker pool:
 *
 *   for await (const b of trainingBatches({ cohort, basis, seed: 1, batchSize: 64 })) model.step(b.inputs, b.targets)
 *
 * Spectrum i of the stream interleaves the groups (group i mod G, index ⌊i/G⌋ within it), so batches are
 * balanced and the stream is the same whatever the thread count. At most `queue` batches are being made or
 * waiting at any time (back-pressure): the workers stay ahead of the consumer by that much and no further, so
 * memory stays bounded however many spectra are streamed.
 */
export interface StreamOptions {
  cohort: Cohort;
  basis: BasisSet;
  seed: number;
  batchSize: number;
  /** Groups to draw from (default: all groups of the cohort). */
  groups?: readonly string[];
  /** Total number of spectra (default: unlimited). */
  spectra?: number;
  /** First spectrum index (to resume a stream). */
  start?: number;
  /** Worker threads (default: all cores); 0 simulates in the calling thread. */
  threads?: number;
  /** Batches in flight or waiting (default: 2 × threads, at least 2). */
  queue?: number;
  preprocess?: PreprocessConfig;
  /** Parameter columns to return as targets (default: the component amplitudes). */
  targets?: readonly string[];
  /** Distortions beyond the cohort's nuisance model (realism.ts; default none). */
  realism?: Realism;
  /** Canonical frame applied to each spectrum before the crop (spectra/canonical.ts; default none). */
  canonical?: CanonicalFrameSettings;
}

export interface TrainingBatch {
  /** Index of the first spectrum of the batch in the stream. */
  start: number;
  size: number;
  /** size × channels × length, channels-first per spectrum. */
  inputs: Float32Array;
  inputShape: [number, number, number];
  /** size × targetNames.length. */
  targets: Float32Array;
  targetNames: readonly string[];
  /** Normalisation divisor per spectrum (targets / divisor are in the units of the normalised input). */
  divisors: Float32Array;
  /** Group number per spectrum (index into `groups`). */
  labels: Int32Array;
  groups: readonly string[];
}

export interface TrainingStream extends AsyncIterableIterator<TrainingBatch> {
  readonly preprocess: PreprocessConfig;
  readonly groups: readonly string[];
  readonly targetNames: readonly string[];
  /** Spectra handed to the workers so far (yielded + in flight): at most (yielded batches + queue) × batchSize. */
  readonly requested: number;
  /** Stops the workers (also done when the loop ends or breaks). */
  close(): Promise<void>;
}

export function trainingBatches(opts: StreamOptions): TrainingStream {
  const groups = opts.groups ?? Object.keys(opts.cohort.groups);
  const basis = basisOnProtocol(opts.basis, opts.cohort);
  const preprocess = opts.preprocess ?? defaultPreprocess(gridOf(basis));
  const targetNames = opts.targets ?? basis.names;
  const threads = opts.threads ?? availableParallelism();
  const queue = Math.max(2, opts.queue ?? 2 * threads);
  const pool = new SimulationPool(
    {
      cohort: opts.cohort,
      basis,
      groups,
      realism: opts.realism,
      batch: { preprocess, targets: targetNames, canonical: opts.canonical },
    },
    threads,
  );
  const bs = Math.max(1, Math.floor(opts.batchSize));
  const start = opts.start ?? 0;
  const end = opts.spectra === undefined ? Number.POSITIVE_INFINITY : start + opts.spectra;
  const shape: [number, number] = [channelCount(preprocess), cropBins(preprocess).length];

  const inFlight: Promise<BatchChunk>[] = [];
  let nextStart = start;
  const fill = () => {
    while (inFlight.length < queue && nextStart < end) {
      const count = Math.min(bs, end - nextStart);
      inFlight.push(
        pool.run({ kind: 'batch', seed: opts.seed, start: nextStart, count }) as Promise<BatchChunk>,
      );
      nextStart += count;
    }
  };
  let done = false;
  const close = async () => {
    done = true;
    // Results still being made are dropped.
    for (const p of inFlight.splice(0)) p.catch(() => undefined);
    await pool.close();
  };

  const iterator: TrainingStream = {
    preprocess,
    groups,
    targetNames,
    get requested() {
      return nextStart - start;
    },
    close,
    async next(): Promise<IteratorResult<TrainingBatch>> {
      if (done) return { done: true, value: undefined };
      fill();
      const p = inFlight.shift();
      if (!p) {
        await close();
        return { done: true, value: undefined };
      }
      let c: BatchChunk;
      try {
        c = await p;
      } catch (err) {
        await close();
        throw err;
      }
      fill();
      return {
        done: false,
        value: {
          start: c.start,
          size: c.count,
          inputs: c.inputs,
          inputShape: [c.count, shape[0], shape[1]],
          targets: c.targets,
          targetNames,
          divisors: c.divisors,
          labels: c.labels,
          groups,
        },
      };
    },
    async return(): Promise<IteratorResult<TrainingBatch>> {
      await close();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return iterator;
}
