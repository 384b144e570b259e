import type { Worker } from 'node:worker_threads';
import type { BasisSet } from '../core/basis.js';
import { LivermrsError } from '../core/errors.js';
import { type DataHeader, type FitOptions, Fitter } from '../fit/fit.js';
import { type NuisanceContext, type SpectrumFit, spectrumFit } from './fit-features.js';
import { startModuleWorker } from './worker-start.js';

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
  const workers: Worker[] = [];
  let next = 0;
  let done = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const feed = (w: Worker) => {
        if (o.signal?.aborted) return reject(new LivermrsError('fitting interrupted'));
        if (next >= count) return;
        const start = next;
        const c = Math.min(chunk, count - start);
        next += c;
        w.postMessage({ id: start, fids: fids.slice(2 * n * start, 2 * n * (start + c)), count: c });
      };
      const threads = Math.min(o.threads, Math.ceil(count / chunk));
      for (let t = 0; t < threads; t++) {
        const w = startModuleWorker(import.meta.url, 'fit-worker', setup);
        workers.push(w);
        w.on('error', reject);
        w.on('message', (msg: { id: number; fits?: SpectrumFit[]; error?: string }) => {
          if (msg.error !== undefined) return reject(new LivermrsError(`NLLS worker: ${msg.error}`));
          msg.fits?.forEach((f, j) => {
            results[msg.id + j] = f;
          });
          done += msg.fits?.length ?? 0;
          o.onProgress?.(done, count);
          if (done >= count) resolve();
          else feed(w);
        });
        feed(w);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
