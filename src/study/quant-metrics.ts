import { normalQuantile } from '../simulate/special.js';

/**
 * Error measures of a quantification method against known truth, per component: what the paper compares
 * (absolute errors, paired between methods), the bias as a function of the true value (a network trained on
 * priors pulls estimates toward the training mean: Rizzo et al., MRM 2023), and the coverage of predicted
 * uncertainty intervals.
 */
export interface ErrorSummary {
  n: number;
  /** Mean absolute error (units of the amplitudes). */
  mae: number;
  /** Mean absolute percentage error, over spectra with a true value > 0. */
  mape: number;
  /** Median absolute error. */
  medianAe: number;
  /** Mean signed error (estimate − truth). */
  bias: number;
  rmse: number;
}

/** Column k of an [n, K] row-major array. */
export function column(a: ArrayLike<number>, n: number, K: number, k: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = a[i * K + k];
  return out;
}

export function absoluteErrors(truth: ArrayLike<number>, estimate: ArrayLike<number>): Float64Array {
  if (truth.length !== estimate.length) throw new RangeError('truth and estimate differ in length');
  return Float64Array.from({ length: truth.length }, (_, i) => Math.abs(estimate[i] - truth[i]));
}

export function errorSummary(truth: ArrayLike<number>, estimate: ArrayLike<number>): ErrorSummary {
  const n = truth.length;
  const ae = absoluteErrors(truth, estimate);
  let sAe = 0;
  let sApe = 0;
  let nApe = 0;
  let sE = 0;
  let sE2 = 0;
  for (let i = 0; i < n; i++) {
    const e = estimate[i] - truth[i];
    sAe += ae[i];
    sE += e;
    sE2 += e * e;
    if (truth[i] > 0) {
      sApe += ae[i] / truth[i];
      nApe++;
    }
  }
  return {
    n,
    mae: sAe / n,
    mape: nApe ? (100 * sApe) / nApe : Number.NaN,
    medianAe: quantile(ae, 0.5),
    bias: sE / n,
    rmse: Math.sqrt(sE2 / n),
  };
}

/** Two-sided normal quantile of a central interval: 0.68 -> 0.994, 0.95 -> 1.960. */
export function centralZ(level: number): number {
  if (!(level > 0 && level < 1)) throw new RangeError(`interval level ${level} not in (0, 1)`);
  return normalQuantile(0.5 + level / 2);
}

/**
 * Fraction of cases whose truth lies in the central `level` interval estimate ± z·sd of a normal predictive
 * distribution (a calibrated method covers `level` of them).
 */
export function coverage(
  truth: ArrayLike<number>,
  estimate: ArrayLike<number>,
  sd: ArrayLike<number>,
  level: number,
): number {
  const z = centralZ(level);
  let hit = 0;
  for (let i = 0; i < truth.length; i++) if (Math.abs(truth[i] - estimate[i]) <= z * sd[i]) hit++;
  return truth.length ? hit / truth.length : Number.NaN;
}

export interface BiasBin {
  /** True-value range of the bin [lo, hi]. */
  lo: number;
  hi: number;
  n: number;
  meanTruth: number;
  /** Mean of estimate − truth. */
  bias: number;
  mae: number;
}

export interface BiasByTruth {
  bins: BiasBin[];
  /** Least-squares slope of (estimate − truth) on truth: 0 unbiased, −1 estimates that ignore the data. */
  slope: number;
}

/**
 * Bias and MAE in `bins` bins of equal count along the true value (sorted by truth; ties stay together in
 * order), and the slope of the error on the truth.
 */
export function biasByTruth(truth: ArrayLike<number>, estimate: ArrayLike<number>, bins = 5): BiasByTruth {
  const n = truth.length;
  if (n !== estimate.length) throw new RangeError('truth and estimate differ in length');
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => truth[a] - truth[b]);
  const out: BiasBin[] = [];
  const nb = Math.max(1, Math.min(bins, n));
  for (let b = 0; b < nb; b++) {
    const from = Math.floor((b * n) / nb);
    const to = Math.floor(((b + 1) * n) / nb);
    if (to <= from) continue;
    let st = 0;
    let se = 0;
    let sa = 0;
    for (let j = from; j < to; j++) {
      const i = order[j];
      const e = estimate[i] - truth[i];
      st += truth[i];
      se += e;
      sa += Math.abs(e);
    }
    const m = to - from;
    out.push({
      lo: truth[order[from]],
      hi: truth[order[to - 1]],
      n: m,
      meanTruth: st / m,
      bias: se / m,
      mae: sa / m,
    });
  }
  let mt = 0;
  let me = 0;
  for (let i = 0; i < n; i++) {
    mt += truth[i] / n;
    me += (estimate[i] - truth[i]) / n;
  }
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    const dx = truth[i] - mt;
    sxy += dx * (estimate[i] - truth[i] - me);
    sxx += dx * dx;
  }
  return { bins: out, slope: sxx > 0 ? sxy / sxx : Number.NaN };
}

/** Quantile by linear interpolation between order statistics (type 7, R's default). */
export function quantile(values: ArrayLike<number>, p: number): number {
  const s = Array.from(values)
    .filter((v) => !Number.isNaN(v))
    .sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo] + (h - lo) * (s[hi] - s[lo]);
}

export interface Distribution {
  n: number;
  median: number;
  q1: number;
  q3: number;
  mean: number;
  sd: number;
  min: number;
  max: number;
}

/** Median, quartiles, mean ± SD (n − 1) of the finite values. */
export function distribution(values: ArrayLike<number>): Distribution {
  const v = Array.from(values).filter(Number.isFinite);
  const n = v.length;
  const mean = n ? v.reduce((a, b) => a + b, 0) / n : Number.NaN;
  const sd = n > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : Number.NaN;
  return {
    n,
    median: quantile(v, 0.5),
    q1: quantile(v, 0.25),
    q3: quantile(v, 0.75),
    mean,
    sd,
    min: n ? Math.min(...v) : Number.NaN,
    max: n ? Math.max(...v) : Number.NaN,
  };
}
