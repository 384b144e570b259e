import { type CanonicalFrameSettings, CanonicalWork, canonicaliseSpectrum } from '../spectra/canonical.js';
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

/**
 * Where dataset jobs write: the parameter rows and FIDs of the whole data set, in shared memory
 * (SharedArrayBuffer) when the jobs run on worker threads, so each worker fills its part in place and nothing
 * is copied or transferred; a DatasetChunk is then a view of its part.
 */
export interface DatasetOutput {
  params: Float64Array;
  fids: Float32Array;
}

export interface BatchSetup {
  preprocess: PreprocessConfig;
  /** Parameter columns to return as targets. */
  targets: readonly string[];
  /**
   * Bring each spectrum into the canonical frame (spectra/canonical.ts) before the crop, as a network's input
   * step does for measured spectra: the whole spectrum is then synthesised, not only the window.
   */
  canonical?: CanonicalFrameSettings;
}

/**
 * Runs one job. Dataset jobs write into `output` when given (and return views of it), else into fresh arrays;
 * the other results are freshly allocated (they are transferred to the caller).
 */
export function runJob(
  gen: SpectrumGenerator,
  job: Job,
  batch?: BatchSetup,
  output?: DatasetOutput,
): JobResult {
  const P = gen.layout.size;
  const n = gen.points;
  const row = new Float64Array(P);
  const fd = new Float64Array(2 * n);
  if (job.kind === 'dataset') {
    const { start, count } = job;
    const params = output
      ? output.params.subarray(start * P, (start + count) * P)
      : new Float64Array(count * P);
    const fids = output
      ? output.fids.subarray(start * 2 * n, (start + count) * 2 * n)
      : new Float32Array(count * 2 * n);
    for (let c = 0; c < count; c++) {
      const i = start + c;
      const g = Math.floor(i / job.perGroup);
      // The FID goes straight into its float32 place (the same rounding as a float64 copy set into it).
      const td = fids.subarray(c * 2 * n, (c + 1) * 2 * n);
      gen.generate({ seed: job.seed, group: g, index: i - g * job.perGroup }, row, 0, { fd, td });
      params.set(row, c * P);
    }
    return { kind: 'dataset', start, count, params, fids };
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
  const canonical = batch.canonical;
  const work = canonical ? new CanonicalWork(n) : undefined;
  for (let c = 0; c < job.count; c++) {
    const i = job.start + c;
    const g = i % G;
    const id = { seed: job.seed, group: g, index: Math.floor(i / G) };
    if (canonical) {
      gen.generate(id, row, 0, { fd });
      canonicaliseSpectrum(fd, gen.model.grid, canonical, work);
    } else gen.generate(id, row, 0, { fd, bins: crop });
    divisors[c] = preprocessInto(batch.preprocess, fd, inputs, c * size, crop);
    for (let t = 0; t < cols.length; t++) targets[c * cols.length + t] = row[cols[t]];
    labels[c] = g;
  }
  return { kind: 'batch', start: job.start, count: job.count, inputs, targets, divisors, labels };
}

/** The typed-array buffers of a result, for a zero-copy transfer between threads (shared memory stays). */
export function transferList(r: JobResult): ArrayBuffer[] {
  const arrays = r.kind === 'dataset' ? [r.params, r.fids] : [r.inputs, r.targets, r.divisors, r.labels];
  return arrays.map((a) => a.buffer).filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
}
