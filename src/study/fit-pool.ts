import type { BasisSet } from '../core/basis.js';
import { LivermrsError } from '../core/errors.js';
import { type DataHeader, type FitOptions, Fitter } from '../fit/fit.js';
import { siblingModule, WorkerPool, type WorkerTask } from '../parallel/pool.js';
import { type NuisanceContext, type SpectrumFit, spectrumFit } from './fit-features.js';

/**
 * NLLS fits of many FIDs of one geometry on worker threads (one prepared Fitter per thread): the prior
 * patients, the test patients and the ≥ 2,000 spectra of the quantification comparison. Results come back in
 * submission order and do not depend on the number of threads.
 */
export interface FitSetup {
  basis: BasisSet;
  header: DataHeader;
  options: FitOptions;
  context: NuisanceContext;
}

/** Fits `count` FIDs stored one after the other (2·points numbers each) with a fitter prepared once. */
export function fitBlock(setup: FitSetup): (fids: Float64Array, count: number) => SpectrumFit[] {
  const fitter = new Fitter(setup.basis, setup.header, setup.options);
  const n = setup.header.points;
  return (fids, count) => {
    const out: SpectrumFit[] = [];
    for (let i = 0; i < count; i++) {
      const data = fids.subarray(2 * n * i, 2 * n * (i + 1));
      out.push(spectrumFit(fitter.fit({ ...setup.header, data }), setup.context));
    }
    return out;
  };
}

/** A block of FIDs for one worker: `count` FIDs one after the other. */
interface FitBlockJob {
  fids: Float64Array;
  count: number;
}

/** The task of an NLLS worker thread: prepares one Fitter, then fits the blocks of FIDs it is sent. */
export function createTask(setup: FitSetup): WorkerTask<FitBlockJob, SpectrumFit[]> {
  const run = fitBlock(setup);
  return { run: (job) => run(job.fids, job.count) };
}

export interface FitManyOptions {
  /** Worker threads; 0 fits in this thread. */
  threads: number;
  /** FIDs per message (default 8). */
  chunk?: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/** Fits every FID of `fids` (count × 2·points). */
export async function fitMany(
  setup: FitSetup,
  fids: Float64Array,
  count: number,
  o: FitManyOptions,
): Promise<SpectrumFit[]> {
  const n = setup.header.points;
  const chunk = Math.max(1, o.chunk ?? 8);
  const results: SpectrumFit[] = new Array(count);
  if (o.threads <= 0 || count <= chunk) {
    const run = fitBlock(setup);
    for (let i = 0; i < count; i += chunk) {
      if (o.signal?.aborted) throw new LivermrsError('fitting interrupted');
      const c = Math.min(chunk, count - i);
      run(fids.subarray(2 * n * i, 2 * n * (i + c)), c).forEach((f, j) => {
        results[i + j] = f;
      });
      o.onProgress?.(i + c, count);
    }
    return results;
  }
  const pool = new WorkerPool<FitBlockJob, SpectrumFit[]>({
    task: siblingModule(import.meta.url, 'fit-pool'),
    setup,
    threads: Math.min(o.threads, Math.ceil(count / chunk)),
    name: 'NLLS',
  });
  let done = 0;
  let onAbort: (() => void) | undefined;
  try {
    const interrupted = new Promise<never>((_, reject) => {
      onAbort = () => reject(new LivermrsError('fitting interrupted'));
      if (o.signal?.aborted) onAbort();
      else o.signal?.addEventListener('abort', onAbort, { once: true });
    });
    const blocks: Promise<void>[] = [];
    for (let start = 0; start < count; start += chunk) {
      const c = Math.min(chunk, count - start);
      const block = fids.slice(2 * n * start, 2 * n * (start + c));
      blocks.push(
        pool.run({ fids: block, count: c }, [block.buffer]).then((fits) => {
          fits.forEach((f, j) => {
            results[start + j] = f;
          });
          done += fits.length;
          o.onProgress?.(done, count);
        }),
      );
    }
    await Promise.race([Promise.all(blocks), interrupted]);
  } finally {
    if (onAbort) o.signal?.removeEventListener('abort', onAbort);
    await pool.close();
  }
  return results;
}
