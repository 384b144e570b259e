import { initialParameters, wrap } from './init.js';
import type { VarproSolver } from './varpro.js';

/**
 * Global stage before Levenberg–Marquardt: several starting points for the nonlinear parameters, ranked by the
 * VarPro cost (NNLS amplitudes and baseline solved exactly at each), so the fitter can start in the right
 * basin and restart from the next one when a fit ends far above the noise.
 *
 * 1. Template: the fitted model at the default parameters (shift 0, default widths, the best of four zero-order
 *    phases): its amplitudes weight the components as the data do, so a lipid-dominated liver spectrum is
 *    aligned on its 1.3 ppm methylene peak rather than on metabolites it hardly holds (the unit-norm summed
 *    basis of init.ts weights every component alike).
 * 2. Matched filter: the complex cross-correlation C(m) = Σ_j D_j · conj(T_{j+m}) of data D and template T over
 *    the lags the shift bounds allow; |C| peaks at the shift (refined between bins by a parabola through the
 *    three values around the maximum) and arg C there is the phase still missing.
 * 3. Candidates: the strongest maxima of |C|, each with its phase at the default widths; then, at the best of
 *    them, a few common Lorentzian widths; all scored by the VarPro cost, best first. Eight cost evaluations
 *    with new lineshapes in all (the phase-only ones reuse their FFTs).
 * When the template is empty (no component fitted above zero at the default parameters) or the rows are real
 * only, the start of init.ts (magnitude correlation with the unit-norm summed basis) is the one candidate.
 */
export interface StartCandidate {
  theta: Float64Array;
  cost: number;
}

export interface GlobalStartOptions {
  /** Lorentzian widths (Hz) tried for every damping group. Default [4, 10, 20, 35]. */
  widthsHz?: number[];
  /** Correlation maxima tried. Default 3. */
  lags?: number;
}

export function globalStarts(solver: VarproSolver, opts: GlobalStartOptions = {}): StartCandidate[] {
  const model = solver.model;
  const grid = model.grid;
  const specs = model.params;
  const iPhase0 = specs.findIndex((p) => p.role === 'phase0');
  const shiftIdx = specs.flatMap((p, i) => (p.role === 'shift' ? [i] : []));
  const dampIdx = specs.flatMap((p, i) => (p.role === 'damping' ? [i] : []));
  const candidates: StartCandidate[] = [];
  const add = (theta: Float64Array) => {
    const c = { theta, cost: solver.evaluate(theta) };
    candidates.push(c);
    return c;
  };
  const fallback = () => {
    add(initialParameters(solver));
    return candidates;
  };
  if (!grid.complexRows || iPhase0 < 0) return fallback();

  // 1. Template at the default parameters and the best quadrant of φ0.
  const base = Float64Array.from(specs.map((p) => p.init));
  let bestPhase = 0;
  let bestCost = Number.POSITIVE_INFINITY;
  for (const ph of [0, 0.5 * Math.PI, Math.PI, -0.5 * Math.PI]) {
    base[iPhase0] = ph;
    const c = solver.evaluate(base);
    if (c < bestCost) {
      bestCost = c;
      bestPhase = ph;
    }
  }
  base[iPhase0] = bestPhase;
  solver.evaluate(base);
  const nb = grid.bins;
  const rows = grid.rows;
  const K = model.nonnegColumns;
  const tRe = new Float64Array(nb);
  const tIm = new Float64Array(nb);
  let any = false;
  for (let c = 0; c < K; c++) {
    const a = solver.coef[c];
    if (!(a > 0)) continue;
    any = true;
    for (let j = 0; j < nb; j++) {
      tRe[j] += a * solver.cols[c * rows + 2 * j];
      tIm[j] += a * solver.cols[c * rows + 2 * j + 1];
    }
  }
  if (!any) return fallback();

  // 2. Complex matched filter over the allowed lags.
  const data = solver.data;
  const binHz = 1 / (grid.fftSize * grid.dwellTime);
  const maxShiftHz = shiftIdx.length ? Math.min(...shiftIdx.map((i) => specs[i].upper)) : 0;
  const maxLag = Math.min(Math.floor(maxShiftHz / binHz), Math.floor(nb / 3));
  const lags = 2 * maxLag + 1;
  const mag = new Float64Array(lags);
  const arg = new Float64Array(lags);
  for (let m = -maxLag; m <= maxLag; m++) {
    let cr = 0;
    let ci = 0;
    const j0 = Math.max(0, -m);
    const j1 = Math.min(nb, nb - m);
    for (let j = j0; j < j1; j++) {
      const dr = data[2 * j];
      const di = data[2 * j + 1];
      const tr = tRe[j + m];
      const ti = tIm[j + m];
      cr += dr * tr + di * ti;
      ci += di * tr - dr * ti;
    }
    mag[m + maxLag] = Math.hypot(cr, ci);
    arg[m + maxLag] = Math.atan2(ci, cr);
  }
  const maxima: number[] = [];
  for (let i = 0; i < lags; i++) {
    if ((i === 0 || mag[i] >= mag[i - 1]) && (i === lags - 1 || mag[i] >= mag[i + 1])) maxima.push(i);
  }
  maxima.sort((a, b) => mag[b] - mag[a]);
  const top = mag[maxima[0]] ?? 0;
  const chosen = maxima.slice(0, opts.lags ?? 3).filter((i) => mag[i] > 0.5 * top);

  // 3. Candidates: each maximum with its phase at the default widths, then widths at the best of them.
  let best: StartCandidate | undefined;
  for (const i of chosen) {
    let frac = 0;
    if (i > 0 && i < lags - 1) {
      const den = mag[i - 1] - 2 * mag[i] + mag[i + 1];
      if (den < 0) frac = Math.max(-0.5, Math.min(0.5, (0.5 * (mag[i - 1] - mag[i + 1])) / den));
    }
    const shiftHz = (i - maxLag + frac) * binHz;
    const t = Float64Array.from(base);
    t[iPhase0] = wrap(bestPhase + arg[i]);
    for (const s of shiftIdx) t[s] = clamp(shiftHz, specs[s].lower, specs[s].upper);
    const c = add(t);
    if (!best || c.cost < best.cost) best = c;
  }
  if (!best) return fallback();
  for (const w of opts.widthsHz ?? [4, 10, 20, 35]) {
    const t = Float64Array.from(best.theta);
    let same = true;
    for (const d of dampIdx) {
      t[d] = clamp(w, specs[d].lower, specs[d].upper);
      if (t[d] !== best.theta[d]) same = false;
    }
    if (!same) add(t);
  }
  return rank(candidates);
}

function rank(c: StartCandidate[]): StartCandidate[] {
  return c.sort((a, b) => a.cost - b.cost);
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
