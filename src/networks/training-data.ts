import type { BasisSet } from '../core/basis.js';
import type { Batch } from '../nn/trainer.js';
import type { Cohort } from '../simulate/cohort-schema.js';
import type { Realism } from '../simulate/realism.js';
import { type TrainingBatch, type TrainingStream, trainingBatches } from '../simulate/stream.js';
import { type InputPipeline, normaliseInputs } from './input.js';

/**
 * Simulated spectra for the networks, from the simulator's worker stream (src/simulate/stream.ts): inputs cropped
 * to the window and normalised by their largest magnitude (input.ts), with the raw amplitude targets,
 * the normalisation divisors and the group labels. One stream feeds all epochs of a training run (an "epoch" is
 * a slice of fresh spectra: nothing is ever shown twice), while the workers simulate ahead of the trainer.
 */
export interface SimulatedSource {
  cohort: Cohort;
  basis: BasisSet;
  /** Groups to draw from, interleaved (label = index in this list, unless `labels` is given). */
  groups: readonly string[];
  /**
   * Class label of each group of `groups` (default: its index). A mixture of several cohorts' groups (bootstrap
   * priors, study-priors.ts) maps many groups to the two classes.
   */
  labels?: readonly number[];
  /** Amplitude columns to return (default: every basis component). */
  targets?: readonly string[];
  pipeline: InputPipeline;
  /** Simulation worker threads (0: in this thread). */
  threads: number;
  /** Distortions beyond the cohort's nuisance model (simulate/realism.ts): what real scanner data do. */
  realism?: Realism;
}

/** A block of preprocessed spectra held in memory. */
export interface SpectrumBlock {
  n: number;
  length: number;
  /** [n, 2, length], normalised. */
  inputs: Float32Array;
  /** [n, K] raw amplitudes. */
  amplitudes: Float32Array;
  targetNames: readonly string[];
  norms: Float64Array;
  labels: Int32Array;
}

function toBlock(b: TrainingBatch, length: number, labelOf?: readonly number[]): SpectrumBlock {
  const norms = normaliseInputs(b.inputs, b.size, length);
  const labels = labelOf ? b.labels.map((g) => labelOf[g]) : b.labels;
  return {
    n: b.size,
    length,
    inputs: b.inputs,
    amplitudes: b.targets,
    targetNames: b.targetNames,
    norms,
    labels,
  };
}

function openStream(src: SimulatedSource, seed: number, batchSize: number, spectra?: number): TrainingStream {
  return trainingBatches({
    cohort: src.cohort,
    basis: src.basis,
    groups: src.groups,
    targets: src.targets,
    seed,
    batchSize,
    spectra,
    threads: src.threads,
    preprocess: src.pipeline.stream,
    realism: src.realism,
    canonical: src.pipeline.model.canonical,
  });
}

/** `n` spectra (groups interleaved) as one block. */
export async function simulateBlock(src: SimulatedSource, seed: number, n: number): Promise<SpectrumBlock> {
  const length = src.pipeline.model.points;
  const parts: SpectrumBlock[] = [];
  for await (const b of openStream(src, seed, Math.min(n, 512), n))
    parts.push(toBlock(b, length, src.labels));
  return concatBlocks(parts);
}

export function concatBlocks(parts: SpectrumBlock[]): SpectrumBlock {
  const n = parts.reduce((s, p) => s + p.n, 0);
  const length = parts[0].length;
  const K = parts[0].targetNames.length;
  const out: SpectrumBlock = {
    n,
    length,
    inputs: new Float32Array(n * 2 * length),
    amplitudes: new Float32Array(n * K),
    targetNames: parts[0].targetNames,
    norms: new Float64Array(n),
    labels: new Int32Array(n),
  };
  let at = 0;
  for (const p of parts) {
    out.inputs.set(p.inputs, at * 2 * length);
    out.amplitudes.set(p.amplitudes, at * K);
    out.norms.set(p.norms, at);
    out.labels.set(p.labels, at);
    at += p.n;
  }
  return out;
}

/**
 * Training batches for `epochs` epochs of `perEpoch` fresh spectra each, made into network batches by `toBatch`.
 * `close()` stops the workers (also call it when training fails).
 */
export function epochSource(
  src: SimulatedSource,
  opts: { seed: number; batchSize: number; epochs: number; perEpoch: number },
  toBatch: (block: SpectrumBlock) => Batch,
): { batches: (epoch: number) => AsyncIterable<Batch>; close: () => Promise<void> } {
  const length = src.pipeline.model.points;
  const stream = openStream(src, opts.seed, opts.batchSize, opts.epochs * opts.perEpoch);
  const perEpochBatches = Math.max(1, Math.ceil(opts.perEpoch / opts.batchSize));
  return {
    batches: (_epoch: number) => ({
      async *[Symbol.asyncIterator]() {
        for (let i = 0; i < perEpochBatches; i++) {
          const r = await stream.next();
          if (r.done) return;
          yield toBatch(toBlock(r.value, length, src.labels));
        }
      },
    }),
    close: () => stream.close(),
  };
}
