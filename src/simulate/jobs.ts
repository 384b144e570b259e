import type { SpectrumGenerator } from './generator.js';
import { cropBins, inputSize, type PreprocessConfig, preprocessInto } from './preprocess.js';

/**
 * Units of simulation work, run the same way in the calling thread and in worker threads (so the output
 * cannot depend on the thread count). Spectrum numbering:
 * - dataset jobs use group-major order: global index i -> group ⌊i / perGroup⌋, index i mod perGroup;
 * - batch (training) jobs interleave the groups: i -> group i mod G, index ⌊i / G⌋.
 */
export type Job =
  | { kind: 'dataset'; seed: number; start: number; count: number; perGroup: number }
  | { kind: 'batch'; seed: number; start: number; count: number };

export interface DatasetChunk {
  kind: 'dataset';
  start: number;
  count: number;
  /** Parameter rows (count × layout.size). */
  params: Float64Array;
  /** Time-domain FIDs, interleaved complex (count × 2·points), float32 as written to NIfTI-MRS. */
  fids: Float32Array;
}

export interface BatchChunk {
  kind: 'batch';
  start: number;
  count: number;
  /** Preprocessed spectra, count × inputSize (channels-first per spectrum). */
  inputs: Float32Array;
  /** Target columns, count × targets.length. */
  targets: Float32Array;
  /** Normalisation divisor of each spectrum (see preprocess.ts). */
  divisors: Float32Array;
  /** Group number (index into the generator's groups) of each spectrum. */
  labels: Int32Array;
}

export type JobResult = DatasetChunk | BatchChunk;

export interface BatchSetup {
  preprocess: PreprocessConfig;
  /** Parameter columns to return as targets. */
  targets: readonly string[];
}

/** Runs one job; the returned typed arrays are freshly allocated (they are transferred to the caller). */
export function runJob(gen: SpectrumGenerator, job: Job, batch?: BatchSetup): JobResult {
  const P = gen.layout.size;
  const n = gen.points;
  const row = new Float64Array(P);
  const fd = new Float64Array(2 * n);
  if (job.kind === 'dataset') {
    const params = new Float64Array(job.count * P);
    const fids = new Float32Array(job.count * 2 * n);
    const td = new Float64Array(2 * n);
    for (let c = 0; c < job.count; c++) {
      const i = job.start + c;
      const g = Math.floor(i / job.perGroup);
      gen.generate({ seed: job.seed, group: g, index: i - g * job.perGroup }, row, 0, { fd, td });
      params.set(row, c * P);
      fids.set(td, c * 2 * n);
    }
    return { kind: 'dataset', start: job.start, count: job.count, params, fids };
  }
  if (!batch) throw new Error('runJob: a batch job needs a BatchSetup');
  const G = gen.groups.length;
  const crop = cropBins(batch.preprocess);
  const size = inputSize(batch.preprocess);
  const cols = batch.targets.map((t) => {
    const k = gen.layout.indexOf(t);
    if (k < 0) throw new RangeError(`unknown target column '${t}'`);
    return k;
  });
  const inputs = new Float32Array(job.count * size);
  const targets = new Float32Array(job.count * cols.length);
  const divisors = new Float32Array(job.count);
  const labels = new Int32Array(job.count);
  for (let c = 0; c < job.count; c++) {
    const i = job.start + c;
    const g = i % G;
    gen.generate({ seed: job.seed, group: g, index: Math.floor(i / G) }, row, 0, { fd, bins: crop });
    divisors[c] = preprocessInto(batch.preprocess, fd, inputs, c * size, crop);
    for (let t = 0; t < cols.length; t++) targets[c * cols.length + t] = row[cols[t]];
    labels[c] = g;
  }
  return { kind: 'batch', start: job.start, count: job.count, inputs, targets, divisors, labels };
}

/** The typed-array buffers of a result, for a zero-copy transfer between threads. */
export function transferList(r: JobResult): ArrayBuffer[] {
  const arrays = r.kind === 'dataset' ? [r.params, r.fids] : [r.inputs, r.targets, r.divisors, r.labels];
  return arrays.map((a) => a.buffer as ArrayBuffer);
}
