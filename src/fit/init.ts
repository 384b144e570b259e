import type { VarproSolver } from './varpro.js';

/**
 * Robust starting values for the nonlinear parameters, so Levenberg–Marquardt starts in the right basin:
 *
 * 1. Frequency shift: cross-correlate the magnitude spectrum of the data with that of the summed basis
 *    (each component scaled to unit norm, broadened by the initial linewidth) over integer bin lags within the
 *    shift bounds; the magnitude is blind to phase, so a misphased spectrum still aligns.
 * 2. Zero-order phase: the argument of the complex inner product of data and aligned summed basis.
 * 3. Refinement: the full VarPro cost (NNLS amplitudes + baseline) is evaluated on a small grid — the best
 *    few lags × phase ± 90°, 180° × a few Lorentzian widths — and the cheapest point is the start.
 */
export interface InitOptions {
  /** Candidate extra Lorentzian widths (Hz). Default [init, 3, 8, 16]. */
  dampingGridHz?: number[];
  /** Number of correlation maxima tried. Default 2. */
  lags?: number;
}

export function initialParameters(solver: VarproSolver, opts: InitOptions = {}): Float64Array {
  const model = solver.model;
  const grid = model.grid;
  const specs = model.params;
  const theta = Float64Array.from(specs.map((p) => p.init));
  const iPhase0 = specs.findIndex((p) => p.role === 'phase0');
  const shiftIdx = specs.flatMap((p, i) => (p.role === 'shift' ? [i] : []));
  const dampIdx = specs.flatMap((p, i) => (p.role === 'damping' ? [i] : []));
  const nb = grid.bins;
  const K = model.nonnegColumns;
  const rows = grid.rows;
  // Summed, unit-norm basis at the initial parameters (complex window values from the rows).
  const cols = new Float64Array((K + model.freeColumns) * rows);
  model.forward(theta, cols);
  const sumRe = new Float64Array(nb);
  const sumIm = new Float64Array(nb);
  for (let c = 0; c < K; c++) {
    let norm = 0;
    for (let i = 0; i < rows; i++) norm += cols[c * rows + i] ** 2;
    if (!(norm > 0)) continue;
    const s = 1 / Math.sqrt(norm);
    for (let j = 0; j < nb; j++) {
      if (grid.complexRows) {
        sumRe[j] += s * cols[c * rows + 2 * j];
        sumIm[j] += s * cols[c * rows + 2 * j + 1];
      } else {
        sumRe[j] += s * cols[c * rows + j];
      }
    }
  }
  const data = solver.data;
  const dRe = new Float64Array(nb);
  const dIm = new Float64Array(nb);
  for (let j = 0; j < nb; j++) {
    dRe[j] = grid.complexRows ? data[2 * j] : data[j];
    dIm[j] = grid.complexRows ? data[2 * j + 1] : 0;
  }
  const binHz = 1 / (grid.fftSize * grid.dwellTime);
  const maxShiftHz = shiftIdx.length ? Math.min(...shiftIdx.map((i) => specs[i].upper)) : 0;
  const maxLag = Math.min(Math.floor(maxShiftHz / binHz), Math.floor(nb / 3));
  // Magnitude cross-correlation C(m) = Σ_j |D_j| |R_{j+m}|; a maximum at m means the data sit m bins
  // towards higher ppm (lower index), i.e. shift = +m·binHz.
  const dMag = new Float64Array(nb);
  const rMag = new Float64Array(nb);
  for (let j = 0; j < nb; j++) {
    dMag[j] = Math.hypot(dRe[j], dIm[j]);
    rMag[j] = Math.hypot(sumRe[j], sumIm[j]);
  }
  const corr: { lag: number; value: number }[] = [];
  for (let m = -maxLag; m <= maxLag; m++) {
    let s = 0;
    const j0 = Math.max(0, -m);
    const j1 = Math.min(nb, nb - m);
    for (let j = j0; j < j1; j++) s += dMag[j] * rMag[j + m];
    corr.push({ lag: m, value: s / Math.max(1, j1 - j0) });
  }
  // Local maxima, best first.
  const peaks = corr.filter(
    (c, i) =>
      (i === 0 || c.value >= corr[i - 1].value) && (i === corr.length - 1 || c.value >= corr[i + 1].value),
  );
  peaks.sort((a, b) => b.value - a.value);
  // A second maximum is only worth a look when it is nearly as strong as the first.
  const top = peaks[0]?.value ?? 0;
  const lags = peaks
    .slice(0, opts.lags ?? 2)
    .filter((p, i) => i === 0 || p.value > 0.8 * top)
    .map((p) => p.lag);
  if (lags.length === 0) lags.push(0);
  const candidates: Float64Array[] = [];
  for (const lag of lags) {
    // Phase from the complex inner product at this lag.
    let pr = 0;
    let pi = 0;
    const j0 = Math.max(0, -lag);
    const j1 = Math.min(nb, nb - lag);
    for (let j = j0; j < j1; j++) {
      // D_j · conj(R_{j+lag})
      pr += dRe[j] * sumRe[j + lag] + dIm[j] * sumIm[j + lag];
      pi += dIm[j] * sumRe[j + lag] - dRe[j] * sumIm[j + lag];
    }
    const phi = grid.complexRows ? Math.atan2(pi, pr) : 0;
    const phases = [phi, phi + Math.PI];
    for (const ph of phases) {
      const t = Float64Array.from(theta);
      if (iPhase0 >= 0) t[iPhase0] = wrap(ph);
      for (const i of shiftIdx) t[i] = clamp(lag * binHz, specs[i].lower, specs[i].upper);
      candidates.push(t);
    }
  }
  let best = candidates[0];
  let bestCost = Number.POSITIVE_INFINITY;
  for (const t of candidates) {
    const c = solver.evaluate(t);
    if (c < bestCost) {
      bestCost = c;
      best = t;
    }
  }
  if (dampIdx.length > 0) {
    const grid0 = opts.dampingGridHz ?? [3, 8, 16];
    const start = Float64Array.from(best);
    for (const w of grid0) {
      // The start's own width was scored with the candidates above.
      if (dampIdx.every((i) => start[i] === clamp(w, specs[i].lower, specs[i].upper))) continue;
      const t = Float64Array.from(start);
      for (const i of dampIdx) t[i] = clamp(w, specs[i].lower, specs[i].upper);
      const c = solver.evaluate(t);
      if (c < bestCost) {
        bestCost = c;
        best = t;
      }
    }
  }
  solver.evaluate(best);
  return best;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

export function wrap(phi: number): number {
  let p = phi % (2 * Math.PI);
  if (p > Math.PI) p -= 2 * Math.PI;
  if (p <= -Math.PI) p += 2 * Math.PI;
  return p;
}
