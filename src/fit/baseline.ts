import { InputError } from '../core/errors.js';
import { invertSpd } from '../linalg/index.js';
import { DEFAULT_GAUSSIAN_BASELINE } from './models/gaussian-baseline.js';

/**
 * Baseline designs over the fit window. A baseline is a complex curve b(ν) = Σ_j (y_j + i y'_j) S_j(ν) whose
 * coefficients are linear parameters of the fit (solved with the amplitudes in every iteration), so it is
 * unaffected by the zero-order phase. The real design S (window bins × functions) is stored by rows as a band:
 * row r has `width` nonzero values starting at column first[r].
 *
 * - `spline`: cubic B-splines on equally spaced knots (default every 0.15 ppm, LCModel's DKNTMN default),
 *   with a second-difference roughness penalty λ‖D y‖² (P-splines: Eilers & Marx, Stat Sci 1996;11:89). The
 *   smoothness is set as effective dimensions per ppm, ED = tr((SᵀS + λDᵀD)⁻¹SᵀS) / window width, the quantity
 *   spant's ABfit uses (Wilson, MRM 2021;85:13), and converted to λ by bisection.
 * - `poly`: Legendre polynomials of a given order over the window, unpenalised (FSL-MRS style).
 * - `gaussian`: broad Gaussian lines at fixed knots with complex coefficients, phased with the spectrum and
 *   unpenalised: the simulator's baseline, so the liver fit model holds every baseline the cohorts draw. It is
 *   part of the spectral model (models/gaussian-baseline.ts), not a design built here.
 * - `none`: no baseline.
 */
export type BaselineKind = 'spline' | 'poly' | 'gaussian' | 'none';

export interface BaselineOptions {
  kind?: BaselineKind;
  /** Spline knot spacing (ppm). Default 0.15. */
  knotSpacingPpm?: number;
  /** Spline smoothness: effective dimensions per ppm of window (real part). Default 1.5. */
  edPerPpm?: number;
  /** Polynomial order (0 = constant). Default 2. */
  order?: number;
  /** Gaussian baseline: centres (ppm) of its lines. Default 0, 1, …, 6 ppm (the cohorts' knots). */
  knotsPpm?: number[];
  /** Gaussian baseline: FWHM (ppm) of its lines. Default 1.2. */
  fwhmPpm?: number;
}

export const DEFAULT_BASELINE: Required<BaselineOptions> = {
  kind: 'spline',
  knotSpacingPpm: 0.15,
  edPerPpm: 1.5,
  order: 2,
  knotsPpm: DEFAULT_GAUSSIAN_BASELINE.knotsPpm,
  fwhmPpm: DEFAULT_GAUSSIAN_BASELINE.fwhmPpm,
};

export interface BaselineDesign {
  kind: BaselineKind;
  /** Window bins (rows of S). */
  bins: number;
  /** Basis functions (columns of S) per real/imaginary part. */
  functions: number;
  width: number;
  first: Int32Array;
  values: Float64Array;
  /** λ·DᵀD (functions × functions), or null when unpenalised. */
  penalty: Float64Array | null;
  lambda: number;
  /** Effective dimension of the real part (tr of the hat matrix); equals `functions` when unpenalised. */
  effectiveDimension: number;
}

/** Builds the baseline design for a window of `bins` bins spanning `windowPpm` ppm. */
export function buildBaseline(
  bins: number,
  windowPpm: number,
  options: BaselineOptions = {},
): BaselineDesign {
  const o = { ...DEFAULT_BASELINE, ...options };
  if (o.kind === 'none' || bins === 0) {
    return {
      kind: 'none',
      bins,
      functions: 0,
      width: 0,
      first: new Int32Array(bins),
      values: new Float64Array(0),
      penalty: null,
      lambda: 0,
      effectiveDimension: 0,
    };
  }
  if (o.kind === 'poly') return polynomialBaseline(bins, o.order);
  if (o.kind === 'gaussian') {
    throw new InputError('a Gaussian baseline is part of the spectral model, not a baseline design', {
      field: 'baseline.kind',
      expected: "VoigtOptions.gaussianBaseline (the Fitter does this for baseline kind 'gaussian')",
    });
  }
  return splineBaseline(bins, windowPpm, o.knotSpacingPpm, o.edPerPpm);
}

export function polynomialBaseline(bins: number, order: number): BaselineDesign {
  if (!Number.isInteger(order) || order < 0 || order > 20) {
    throw new InputError(`polynomial baseline order ${order}`, {
      field: 'baseline.order',
      expected: 'an integer 0..20',
    });
  }
  const m = order + 1;
  const first = new Int32Array(bins);
  const values = new Float64Array(bins * m);
  for (let r = 0; r < bins; r++) {
    const x = bins > 1 ? (2 * r) / (bins - 1) - 1 : 0;
    // Legendre recurrence: (k+1) P_{k+1} = (2k+1) x P_k − k P_{k−1}.
    let p0 = 1;
    let p1 = x;
    values[r * m] = 1;
    if (m > 1) values[r * m + 1] = x;
    for (let k = 1; k + 1 < m; k++) {
      const p2 = ((2 * k + 1) * x * p1 - k * p0) / (k + 1);
      values[r * m + k + 1] = p2;
      p0 = p1;
      p1 = p2;
    }
  }
  return {
    kind: 'poly',
    bins,
    functions: m,
    width: m,
    first,
    values,
    penalty: null,
    lambda: 0,
    effectiveDimension: m,
  };
}

export function splineBaseline(
  bins: number,
  windowPpm: number,
  knotSpacingPpm: number,
  edPerPpm: number,
): BaselineDesign {
  if (!(knotSpacingPpm > 0)) {
    throw new InputError(`knot spacing ${knotSpacingPpm}`, {
      field: 'baseline.knotSpacingPpm',
      expected: 'a positive number of ppm',
    });
  }
  if (!(edPerPpm > 0)) {
    throw new InputError(`baseline smoothness ${edPerPpm}`, {
      field: 'baseline.edPerPpm',
      expected: 'a positive number of effective dimensions per ppm',
    });
  }
  const segments = Math.max(1, Math.ceil(Math.abs(windowPpm) / knotSpacingPpm));
  const m = segments + 3;
  const first = new Int32Array(bins);
  const values = new Float64Array(bins * 4);
  for (let r = 0; r < bins; r++) {
    const x = bins > 1 ? (r / (bins - 1)) * segments : 0;
    let seg = Math.floor(x);
    if (seg >= segments) seg = segments - 1;
    const u = x - seg;
    const u2 = u * u;
    const u3 = u2 * u;
    first[r] = seg;
    values[4 * r] = (1 - u) ** 3 / 6;
    values[4 * r + 1] = (3 * u3 - 6 * u2 + 4) / 6;
    values[4 * r + 2] = (-3 * u3 + 3 * u2 + 3 * u + 1) / 6;
    values[4 * r + 3] = u3 / 6;
  }
  const design: BaselineDesign = {
    kind: 'spline',
    bins,
    functions: m,
    width: 4,
    first,
    values,
    penalty: null,
    lambda: 0,
    effectiveDimension: m,
  };
  const dtd = secondDifferencePenalty(m);
  const sts = designGram(design);
  const target = Math.min(m - 1e-6, Math.max(2 + 1e-6, edPerPpm * Math.abs(windowPpm)));
  // ED falls monotonically from m (λ→0) to 2 (λ→∞, the null space of second differences): bisect on log λ.
  const meanDiag = sts.reduce((s, v, i) => (i % (m + 1) === 0 ? s + v : s), 0) / m;
  let lo = -10;
  let hi = 14;
  for (let it = 0; it < 60; it++) {
    const mid = 0.5 * (lo + hi);
    const ed = effectiveDimension(sts, dtd, meanDiag * 10 ** mid, m);
    if (ed > target) lo = mid;
    else hi = mid;
  }
  const lambda = meanDiag * 10 ** (0.5 * (lo + hi));
  design.lambda = lambda;
  design.penalty = dtd.map((v) => v * lambda);
  design.effectiveDimension = effectiveDimension(sts, dtd, lambda, m);
  return design;
}

/** DᵀD for the second-difference operator D ((m−2) × m). */
export function secondDifferencePenalty(m: number): Float64Array {
  const p = new Float64Array(m * m);
  for (let r = 0; r + 2 < m; r++) {
    const d = [1, -2, 1];
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 3; b++) p[(r + a) * m + (r + b)] += d[a] * d[b];
    }
  }
  return p;
}

/** SᵀS (functions × functions) of a banded design. */
export function designGram(d: BaselineDesign): Float64Array {
  const m = d.functions;
  const g = new Float64Array(m * m);
  for (let r = 0; r < d.bins; r++) {
    const f = d.first[r];
    for (let a = 0; a < d.width; a++) {
      const va = d.values[r * d.width + a];
      for (let b = 0; b < d.width; b++) g[(f + a) * m + f + b] += va * d.values[r * d.width + b];
    }
  }
  return g;
}

function effectiveDimension(sts: Float64Array, dtd: Float64Array, lambda: number, m: number): number {
  const a = new Float64Array(m * m);
  for (let i = 0; i < m * m; i++) a[i] = sts[i] + lambda * dtd[i];
  const inv = invertSpd(a, m);
  let tr = 0;
  for (let i = 0; i < m; i++) for (let k = 0; k < m; k++) tr += inv[i * m + k] * sts[k * m + i];
  return tr;
}

/** Evaluates the real baseline curve S·y (bins) for coefficients y (functions). */
export function evaluateBaseline(
  d: BaselineDesign,
  y: ArrayLike<number>,
  out: Float64Array,
  offset = 0,
): void {
  for (let r = 0; r < d.bins; r++) {
    let s = 0;
    const f = d.first[r] + offset;
    for (let a = 0; a < d.width; a++) s += d.values[r * d.width + a] * y[f + a];
    out[r] = s;
  }
}
