import { symmetricEigen } from '../linalg/eigen.js';
import { SpectrumGenerator } from '../simulate/generator.js';
import type { GuardModel } from './guard.js';
import { guardScores } from './guard.js';
import { networkInput } from './input.js';
import type { QcnnPrediction } from './qcnn.js';
import type { SimulatedSource, SpectrumBlock } from './training-data.js';

/**
 * Calibration of a network's guard (guard.ts) on spectra simulated like its training spectra (same cohorts, same
 * realism; another seed), each prepared exactly as a measured spectrum is (networkInput: canonical frame, window,
 * normalisation). The first half sets the principal axes and the 99.5 % limits; the second half, run through the
 * network, sets the SD widening by distance band (qCNN), so neither is judged on the spectra it was fitted to.
 */
export interface GuardCalibrationOptions {
  source: SimulatedSource;
  seed: number;
  /** Calibration spectra (default 4000: half for the axes and limits, half for the widening). */
  spectra?: number;
  /** Principal axes kept (default 24). */
  axes?: number;
  /** The qCNN's predictions for a block (qCNN only: SD widening). */
  predict?: (block: Pick<SpectrumBlock, 'n' | 'inputs' | 'norms'>) => Promise<QcnnPrediction>;
  /** Beyond failFactor × a limit: failed (default 4). */
  failFactor?: number;
}

interface CalibrationSet {
  n: number;
  D: number;
  inputs: Float32Array;
  norms: Float64Array;
  amplitudes: Float64Array;
  snr: Float64Array;
  shift: Float64Array;
}

/** Simulated spectra through the measured-spectrum path (what quantify/classify do to a file). */
export function calibrationSet(src: SimulatedSource, seed: number, n: number): CalibrationSet {
  const gen = new SpectrumGenerator(src.cohort, src.basis, { groups: src.groups, realism: src.realism });
  const targets = src.targets ?? gen.layout.components;
  const cols = targets.map((t) => gen.layout.indexOf(t));
  const G = gen.groups.length;
  const grid = gen.model.grid;
  const row = new Float64Array(gen.layout.size);
  const fd = new Float64Array(2 * grid.points);
  const td = new Float64Array(2 * grid.points);
  const D = 2 * src.pipeline.model.points;
  const out: CalibrationSet = {
    n,
    D,
    inputs: new Float32Array(n * D),
    norms: new Float64Array(n),
    amplitudes: new Float64Array(n * cols.length),
    snr: new Float64Array(n),
    shift: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    gen.generate({ seed, group: i % G, index: Math.floor(i / G) }, row, 0, { fd, td });
    const prep = networkInput({ ...grid, data: td, nucleus: '1H' }, src.pipeline);
    out.inputs.set(prep.input, i * D);
    out.norms[i] = prep.norm;
    cols.forEach((c, k) => {
      out.amplitudes[i * cols.length + k] = row[c];
    });
    out.snr[i] = prep.snr ?? Number.NaN;
    out.shift[i] = prep.canonical?.shiftHz ?? Number.NaN;
  }
  return out;
}

function quantile(values: ArrayLike<number>, p: number): number {
  const v = Array.from(values)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  return v[Math.min(v.length - 1, Math.max(0, Math.round(p * (v.length - 1))))];
}

export async function calibrateGuard(o: GuardCalibrationOptions): Promise<GuardModel> {
  const n = o.spectra ?? 4000;
  const k = o.axes ?? 24;
  const set = calibrationSet(o.source, o.seed, n);
  const D = set.D;
  const half = Math.floor(n / 2);
  // Principal axes of the first half.
  const mean = new Float64Array(D);
  for (let i = 0; i < half; i++) for (let d = 0; d < D; d++) mean[d] += set.inputs[i * D + d] / half;
  const cov = new Float64Array(D * D);
  const r = new Float64Array(D);
  for (let i = 0; i < half; i++) {
    for (let d = 0; d < D; d++) r[d] = set.inputs[i * D + d] - mean[d];
    for (let a = 0; a < D; a++) {
      const ra = r[a] / (half - 1);
      if (ra === 0) continue;
      const rowA = a * D;
      for (let b = a; b < D; b++) cov[rowA + b] += ra * r[b];
    }
  }
  for (let a = 0; a < D; a++) for (let b = 0; b < a; b++) cov[a * D + b] = cov[b * D + a];
  const eig = symmetricEigen(cov, D);
  const axes: number[][] = [];
  const variances: number[] = [];
  for (let j = 0; j < Math.min(k, D); j++) {
    const col = D - 1 - j; // ascending eigenvalues: the largest last
    axes.push(Array.from({ length: D }, (_, i) => eig.vectors[i * D + col]));
    variances.push(Math.max(eig.values[col], 1e-30));
  }
  const guard: GuardModel = {
    format: 'livermrs-guard',
    version: 1,
    length: D,
    mean: Array.from(mean),
    axes,
    variances,
    limits: { t2: 1, q: 1, snr: [0, Number.POSITIVE_INFINITY], shiftHz: Number.POSITIVE_INFINITY },
    failFactor: o.failFactor ?? 4,
    calibration: {
      spectra: n,
      seed: o.seed,
      realism: o.source.realism ? 'as in training' : 'none',
    },
  };
  const t2 = new Float64Array(half);
  const q = new Float64Array(half);
  for (let i = 0; i < half; i++) {
    const s = guardScores(guard, set.inputs.subarray(i * D, (i + 1) * D));
    t2[i] = s.t2;
    q[i] = s.q;
  }
  guard.limits = {
    t2: quantile(t2, 0.995),
    q: quantile(q, 0.995),
    snr: [quantile(set.snr.subarray(0, half), 0.005), quantile(set.snr.subarray(0, half), 0.995)],
    shiftHz: quantile(Array.from(set.shift.subarray(0, half), Math.abs), 0.995),
  };
  if (o.predict) guard.widening = await widening(guard, set, half, o.predict);
  return guard;
}

/**
 * SD factors by distance band on the second half: bands at the 50/80/95/99 % quantiles of the distance and its
 * maximum; in each, the factor that puts at most 0.3 % of the z-scores (all components) beyond 3 (and their mean
 * square at 1 or below), never below 1.
 */
async function widening(
  guard: GuardModel,
  set: CalibrationSet,
  from: number,
  predict: NonNullable<GuardCalibrationOptions['predict']>,
): Promise<{ bands: number[]; factors: number[] }> {
  const D = set.D;
  const m = set.n - from;
  const block = {
    n: m,
    inputs: set.inputs.subarray(from * D),
    norms: set.norms.subarray(from),
  };
  const pred = await predict(block);
  const K = pred.components.length;
  const dist = new Float64Array(m);
  for (let i = 0; i < m; i++)
    dist[i] = guardScores(guard, block.inputs.subarray(i * D, (i + 1) * D)).distance;
  const bands = [0.5, 0.8, 0.95, 0.99].map((p) => quantile(dist, p));
  bands.push(Math.max(...dist));
  const factors: number[] = [];
  let lower = Number.NEGATIVE_INFINITY;
  for (const upper of bands) {
    const z: number[] = [];
    for (let i = 0; i < m; i++) {
      if (!(dist[i] > lower && dist[i] <= upper)) continue;
      for (let c = 0; c < K; c++) {
        const j = i * K + c;
        z.push(Math.abs(set.amplitudes[(from + i) * K + c] - pred.values[j]) / pred.sd[j]);
      }
    }
    const rms = Math.sqrt(z.reduce((s, x) => s + x * x, 0) / Math.max(1, z.length));
    const tail = quantile(z, 0.997) / 3;
    const f = Math.max(1, rms, Number.isFinite(tail) ? tail : 1);
    factors.push(Math.max(f, factors.length ? factors[factors.length - 1] : 1));
    lower = upper;
  }
  return { bands, factors };
}
