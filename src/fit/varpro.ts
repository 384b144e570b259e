import type { BaselineDesign } from './baseline.js';
import { designGram } from './baseline.js';
import { choleskyInPlace, choleskySolveInPlace, crossRows, gramRows, invertSpd } from '../linalg/index.js';
import type { SpectralModel } from './models/model.js';
import { GramNnls } from './nnls.js';

/**
 * Variable projection (Golub & Pereyra, SIAM J Numer Anal 1973;10:413) with Levenberg–Marquardt for the
 * nonlinear parameters and bounded least squares for the linear ones.
 *
 * For nonlinear parameters θ the cost is
 *   F(θ) = min_{x, y} ‖d − A(θ)x − By‖² + yᵀΛy + Σ_p σ²_prior ((θ_p − μ_p)/s_p)²,   x_i ≥ 0 for basis columns
 * (setSignedAmplitudes frees them: the inner problem is then plain least squares),
 * where A(θ) are the model columns (basis components, then free columns such as residual water), B the
 * baseline design (constant) and Λ its roughness penalty. The inner problem is solved exactly: the baseline
 * block is eliminated with a precomputed (BᵀB + Λ)⁻¹ (Schur complement), and the remaining few tens of
 * amplitudes by Lawson–Hanson NNLS on the reduced Gram matrix, warm-started from the previous iteration.
 *
 * Gradient: by Danskin's theorem ∇F = −2 J_θᵀ r with J_θ = ∂(A x)/∂θ at the optimal x (exact also when some
 * amplitudes sit on their bound). Gauss–Newton matrix: Kaufman's VarPro approximation J_θᵀ P⊥ J_θ, with P⊥ the
 * projector orthogonal to the passive amplitude columns and the (penalised) baseline.
 */
export interface Prior {
  /** Parameter index. */
  index: number;
  mean: number;
  sd: number;
}

export interface VarproOptions {
  maxIterations?: number;
  /** Relative cost change that ends the iteration. */
  tolerance?: number;
  priors?: Prior[];
  /** Noise variance per row that scales the prior penalties (they are in units of χ²). */
  priorNoiseVariance?: number;
  /**
   * Stop when an accepted step gains less than this many noise variances (Δχ²). Default 0.1: a smaller gain moves
   * no estimate by a meaningful fraction of its CRLB (measured: 0.08 CRLB rms against a fit run to 1e-4).
   */
  minGain?: number;
}

export interface VarproResult {
  theta: Float64Array;
  cost: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
}

export class VarproSolver {
  readonly model: SpectralModel;
  readonly data: Float64Array;
  readonly baseline: BaselineDesign;
  readonly nParams: number;
  readonly nCols: number;
  /** Number of baseline coefficients (2 per function for complex rows, 1 for real rows). */
  readonly nBase: number;
  readonly rows: number;
  readonly free: Uint8Array;
  priors: Prior[] = [];
  priorNoiseVariance = 0;

  // State of the last evaluate() call.
  readonly theta: Float64Array;
  readonly cols: Float64Array;
  readonly coef: Float64Array;
  readonly baseCoef: Float64Array;
  readonly residual: Float64Array;
  cost = Number.POSITIVE_INFINITY;
  rss = Number.POSITIVE_INFINITY;

  private readonly L: number;
  private readonly mb: Float64Array;
  private readonly btd: Float64Array;
  private readonly g: Float64Array;
  private readonly ad: Float64Array;
  private readonly e: Float64Array;
  private readonly emb: Float64Array;
  private readonly gr: Float64Array;
  private readonly hr: Float64Array;
  private readonly nnls: GramNnls;
  private readonly jac: Float64Array;
  private readonly tmpB: Float64Array;
  private readonly tmpB2: Float64Array;
  // Work arrays of normalEquations (no allocation per iteration).
  private readonly passive: Int32Array;
  private readonly vB: Float64Array;
  private readonly mbvB: Float64Array;
  private readonly u: Float64Array;
  private readonly grf: Float64Array;
  private readonly col: Float64Array;
  private readonly sol: Float64Array;
  evaluations = 0;

  constructor(model: SpectralModel, baseline: BaselineDesign) {
    const grid = model.grid;
    this.model = model;
    this.data = new Float64Array(grid.rows);
    this.baseline = baseline;
    this.rows = grid.rows;
    this.nParams = model.params.length;
    this.nCols = model.nonnegColumns + model.freeColumns;
    this.L = baseline.functions;
    this.nBase = grid.complexRows ? 2 * this.L : this.L;
    this.free = new Uint8Array(this.nCols);
    for (let c = model.nonnegColumns; c < this.nCols; c++) this.free[c] = 1;
    const L = this.L;
    // Mb = (SᵀS + Λ)⁻¹, shared by the real and imaginary blocks.
    if (L > 0) {
      const sts = designGram(baseline);
      if (baseline.penalty) for (let i = 0; i < L * L; i++) sts[i] += baseline.penalty[i];
      this.mb = invertSpd(sts, L);
    } else {
      this.mb = new Float64Array(0);
    }
    this.btd = new Float64Array(this.nBase);
    const k = this.nCols;
    this.theta = new Float64Array(this.nParams);
    this.cols = new Float64Array(k * this.rows);
    this.coef = new Float64Array(k);
    this.baseCoef = new Float64Array(this.nBase);
    this.residual = new Float64Array(this.rows);
    this.g = new Float64Array(k * k);
    this.ad = new Float64Array(k);
    this.e = new Float64Array(k * this.nBase);
    this.emb = new Float64Array(k * this.nBase);
    this.gr = new Float64Array(k * k);
    this.hr = new Float64Array(k);
    this.nnls = new GramNnls(k);
    this.jac = new Float64Array(this.nParams * this.rows);
    this.tmpB = new Float64Array(this.nBase);
    this.tmpB2 = new Float64Array(this.nBase);
    const P = this.nParams;
    this.passive = new Int32Array(k);
    this.vB = new Float64Array(P * this.nBase);
    this.mbvB = new Float64Array(P * this.nBase);
    this.u = new Float64Array(k * P);
    this.grf = new Float64Array(k * k);
    this.col = new Float64Array(k);
    this.sol = new Float64Array(k * P);
  }

  /**
   * Basis amplitude columns unconstrained (true) or held ≥ 0 (false, the default); the next evaluate() solves
   * afresh. FitOptions.amplitudes 'signed' switches this on after the non-negative fit (fit.ts).
   */
  setSignedAmplitudes(signed: boolean): void {
    for (let c = 0; c < this.model.nonnegColumns; c++) this.free[c] = signed ? 1 : 0;
    this.cost = Number.POSITIVE_INFINITY;
  }

  /** Replaces the data rows (same grid) and resets the warm start: the model and baseline set-up is reused. */
  setData(data: Float64Array): void {
    if (data.length !== this.rows) throw new RangeError('varpro: data length differs from grid rows');
    this.data.set(data);
    this.baselineTranspose(this.data, this.btd, 0);
    this.coef.fill(0);
    this.cost = Number.POSITIVE_INFINITY;
    this.evaluations = 0;
  }

  /** out[q] = (Bᵀ v)_q for a row vector v (offset into v). */
  private baselineTranspose(v: Float64Array, out: Float64Array, off: number): void {
    const b = this.baseline;
    const L = this.L;
    out.fill(0);
    if (L === 0) return;
    const w = b.width;
    const cplx = this.model.grid.complexRows;
    for (let j = 0; j < b.bins; j++) {
      const f = b.first[j];
      const vr = cplx ? v[off + 2 * j] : v[off + j];
      const vi = cplx ? v[off + 2 * j + 1] : 0;
      for (let q = 0; q < w; q++) {
        const s = b.values[j * w + q];
        out[f + q] += vr * s;
        if (cplx) out[L + f + q] += vi * s;
      }
    }
  }

  /** out = Mb · v blockwise (v, out of length nBase). */
  private applyMb(v: Float64Array, vo: number, out: Float64Array, oo: number): void {
    const L = this.L;
    const blocks = this.nBase / (L || 1);
    for (let blk = 0; blk < blocks; blk++) {
      for (let i = 0; i < L; i++) {
        let s = 0;
        for (let j = 0; j < L; j++) s += this.mb[i * L + j] * v[vo + blk * L + j];
        out[oo + blk * L + i] = s;
      }
    }
  }

  /** Baseline curve rows B·y added (sign +1) or subtracted (−1) into out. */
  addBaseline(y: Float64Array, out: Float64Array, sign: number): void {
    const b = this.baseline;
    const L = this.L;
    if (L === 0) return;
    const w = b.width;
    const cplx = this.model.grid.complexRows;
    for (let j = 0; j < b.bins; j++) {
      const f = b.first[j];
      let sr = 0;
      let si = 0;
      for (let q = 0; q < w; q++) {
        const s = b.values[j * w + q];
        sr += s * y[f + q];
        if (cplx) si += s * y[L + f + q];
      }
      if (cplx) {
        out[2 * j] += sign * sr;
        out[2 * j + 1] += sign * si;
      } else {
        out[j] += sign * sr;
      }
    }
  }

  /** Solves the linear problem at θ; returns the cost. Keeps the warm start in `coef`. */
  evaluate(theta: Float64Array): number {
    if (this.cost !== Number.POSITIVE_INFINITY && this.theta.every((v, i) => v === theta[i]))
      return this.cost;
    this.evaluations++;
    this.theta.set(theta);
    const k = this.nCols;
    const rows = this.rows;
    const nB = this.nBase;
    const { cols, g, ad, e, emb, gr, hr, data } = this;
    this.model.forward(theta, cols);
    // G = A Aᵀ (columns stored as rows), Ad
    gramRows(cols, k, rows, g);
    for (let a = 0; a < k; a++) {
      const ra = a * rows;
      let s = 0;
      for (let i = 0; i < rows; i++) s += cols[ra + i] * data[i];
      ad[a] = s;
    }
    gr.set(g);
    hr.set(ad);
    if (nB > 0) {
      // E = A B, EMb = E Mb; Gr = G − EMb Eᵀ, hr = Ad − EMb Bᵀd
      for (let a = 0; a < k; a++) {
        this.baselineTranspose(cols, this.tmpB, a * rows);
        e.set(this.tmpB, a * nB);
        this.applyMb(e, a * nB, emb, a * nB);
      }
      for (let a = 0; a < k; a++) {
        let s = 0;
        for (let q = 0; q < nB; q++) s += emb[a * nB + q] * this.btd[q];
        hr[a] -= s;
        for (let b = 0; b <= a; b++) {
          let t = 0;
          for (let q = 0; q < nB; q++) t += emb[a * nB + q] * e[b * nB + q];
          gr[a * k + b] -= t;
          if (b !== a) gr[b * k + a] -= t;
        }
      }
    }
    this.nnls.solve(gr, hr, this.free, this.coef);
    // y = Mb (Bᵀd − Eᵀ x)
    const r = this.residual;
    r.set(data);
    for (let a = 0; a < k; a++) {
      const x = this.coef[a];
      if (x === 0) continue;
      const ra = a * rows;
      for (let i = 0; i < rows; i++) r[i] -= x * cols[ra + i];
    }
    let pen = 0;
    if (nB > 0) {
      const t = this.tmpB;
      for (let q = 0; q < nB; q++) {
        let s = this.btd[q];
        for (let a = 0; a < k; a++) s -= e[a * nB + q] * this.coef[a];
        t[q] = s;
      }
      this.applyMb(t, 0, this.baseCoef, 0);
      this.addBaseline(this.baseCoef, r, -1);
      pen = this.penaltyValue(this.baseCoef);
    }
    let rss = 0;
    for (let i = 0; i < rows; i++) rss += r[i] * r[i];
    this.rss = rss;
    this.cost = rss + pen + this.priorCost(theta);
    return this.cost;
  }

  /** yᵀΛy over both blocks. */
  penaltyValue(y: Float64Array): number {
    const p = this.baseline.penalty;
    if (!p) return 0;
    const L = this.L;
    let s = 0;
    for (let blk = 0; blk < this.nBase / L; blk++) {
      for (let i = 0; i < L; i++) {
        let t = 0;
        for (let j = 0; j < L; j++) t += p[i * L + j] * y[blk * L + j];
        s += y[blk * L + i] * t;
      }
    }
    return s;
  }

  private priorCost(theta: Float64Array): number {
    let s = 0;
    for (const p of this.priors) {
      const z = (theta[p.index] - p.mean) / p.sd;
      s += this.priorNoiseVariance * z * z;
    }
    return s;
  }

  /**
   * Gauss–Newton system at the current state: H (P×P) and g = J_θ r − prior gradient/2 (the descent
   * direction's right-hand side), with the VarPro projection of the passive linear columns.
   */
  normalEquations(h: Float64Array, grad: Float64Array): void {
    const P = this.nParams;
    const rows = this.rows;
    const k = this.nCols;
    const nB = this.nBase;
    const jac = this.jac;
    this.model.jacobian(this.theta, this.coef, jac);
    gramRows(jac, P, rows, h);
    for (let p = 0; p < P; p++) {
      let s = 0;
      for (let i = 0; i < rows; i++) s += jac[p * rows + i] * this.residual[i];
      grad[p] = s;
    }
    // Passive set F (amplitudes free to move) and the projections of J onto [A_F, B].
    const passive = this.passive;
    let f = 0;
    for (let a = 0; a < k; a++) if (this.free[a] || this.coef[a] > 0) passive[f++] = a;
    const { vB, mbvB } = this;
    if (nB > 0) {
      for (let p = 0; p < P; p++) {
        this.baselineTranspose(jac, this.tmpB, p * rows);
        vB.set(this.tmpB, p * nB);
        this.applyMb(vB, p * nB, mbvB, p * nB);
      }
      for (let p = 0; p < P; p++) {
        for (let q = 0; q <= p; q++) {
          let t = 0;
          for (let b = 0; b < nB; b++) t += vB[p * nB + b] * mbvB[q * nB + b];
          h[p * P + q] -= t;
          if (q !== p) h[q * P + p] -= t;
        }
      }
    }
    if (f > 0) {
      // u = A_F J − E_F Mb Bᵀ J   (f × P)
      const { u, grf, col, sol } = this;
      crossRows(this.cols, passive, f, jac, P, rows, u, P);
      if (nB > 0) {
        for (let ai = 0; ai < f; ai++) {
          const a = passive[ai];
          for (let p = 0; p < P; p++) {
            let s = 0;
            for (let b = 0; b < nB; b++) s += this.e[a * nB + b] * mbvB[p * nB + b];
            u[ai * P + p] -= s;
          }
        }
      }
      for (let ai = 0; ai < f; ai++) {
        for (let bi = 0; bi <= ai; bi++) grf[ai * f + bi] = this.gr[passive[ai] * k + passive[bi]];
      }
      choleskyInPlace(grf, f);
      for (let p = 0; p < P; p++) {
        for (let ai = 0; ai < f; ai++) col[ai] = u[ai * P + p];
        choleskySolveInPlace(grf, f, col);
        for (let ai = 0; ai < f; ai++) sol[ai * P + p] = col[ai];
      }
      for (let p = 0; p < P; p++) {
        for (let q = 0; q <= p; q++) {
          let t = 0;
          for (let ai = 0; ai < f; ai++) t += u[ai * P + p] * sol[ai * P + q];
          h[p * P + q] -= t;
          if (q !== p) h[q * P + p] -= t;
        }
      }
    }
    for (const pr of this.priors) {
      const w = this.priorNoiseVariance / (pr.sd * pr.sd);
      h[pr.index * P + pr.index] += w;
      grad[pr.index] -= w * (this.theta[pr.index] - pr.mean);
    }
    // Round-off can leave tiny negative diagonals after the projections.
    for (let p = 0; p < P; p++) if (h[p * P + p] < 0) h[p * P + p] = 0;
  }

  /** Levenberg–Marquardt from θ0 within the model's bounds. */
  solve(theta0: Float64Array, opts: VarproOptions = {}): VarproResult {
    const P = this.nParams;
    const lower = this.model.params.map((p) => p.lower);
    const upper = this.model.params.map((p) => p.upper);
    this.priors = opts.priors ?? this.priors;
    if (opts.priorNoiseVariance !== undefined) this.priorNoiseVariance = opts.priorNoiseVariance;
    // The priors may have changed since the last evaluation: refresh its cost without re-solving.
    if (this.cost !== Number.POSITIVE_INFINITY) {
      this.cost = this.rss + this.penaltyValue(this.baseCoef) + this.priorCost(this.theta);
    }
    const maxIt = opts.maxIterations ?? 60;
    const tol = opts.tolerance ?? 1e-5;
    const minGain = opts.minGain ?? 0.1;
    const theta = Float64Array.from(theta0);
    for (let p = 0; p < P; p++) theta[p] = Math.min(upper[p], Math.max(lower[p], theta[p]));
    let cost = this.evaluate(theta);
    const h = new Float64Array(P * P);
    const grad = new Float64Array(P);
    const a = new Float64Array(P * P);
    const step = new Float64Array(P);
    const trial = new Float64Array(P);
    const savedCoef = new Float64Array(this.nCols);
    const held = new Uint8Array(P);
    const dmax = new Float64Array(P);
    let mu = 1e-3;
    let it = 0;
    let converged = false;
    for (; it < maxIt; it++) {
      this.normalEquations(h, grad);
      let accepted = false;
      let relChange = 0;
      savedCoef.set(this.coef);
      // Marquardt scaling by the largest diagonal seen so far (Moré 1978), so a parameter whose curvature
      // collapses (e.g. a water line fading to zero amplitude) does not take wild steps.
      for (let p = 0; p < P; p++) dmax[p] = Math.max(dmax[p], h[p * P + p]);
      // Parameters on a bound whose descent direction points outward are held (projected LM).
      for (let p = 0; p < P; p++) {
        held[p] = (theta[p] <= lower[p] && grad[p] <= 0) || (theta[p] >= upper[p] && grad[p] >= 0) ? 1 : 0;
      }
      let predicted = 0;
      for (let tries = 0; tries < 12; tries++) {
        for (let p = 0; p < P; p++) {
          for (let q = 0; q < P; q++) a[p * P + q] = held[p] || held[q] ? (p === q ? 1 : 0) : h[p * P + q];
          if (!held[p]) a[p * P + p] += mu * dmax[p] + 1e-12 * (1 + h[p * P + p]);
          step[p] = held[p] ? 0 : grad[p];
        }
        choleskyInPlace(a, P);
        choleskySolveInPlace(a, P, step);
        predicted = 0;
        for (let p = 0; p < P; p++) predicted += step[p] * grad[p];
        let moved = 0;
        for (let p = 0; p < P; p++) {
          trial[p] = Math.min(upper[p], Math.max(lower[p], theta[p] + step[p]));
          moved += Math.abs(trial[p] - theta[p]);
        }
        if (moved === 0) break;
        const c = this.evaluate(trial);
        if (c < cost) {
          relChange = (cost - c) / Math.max(cost, 1e-300);
          theta.set(trial);
          cost = c;
          mu = Math.max(mu / 4, 1e-9);
          accepted = true;
          break;
        }
        this.coef.set(savedCoef);
        mu *= 6;
      }
      if (!accepted) {
        // No descent possible from here: restore the state at θ and stop.
        this.evaluate(theta);
        converged = true;
        break;
      }
      // Stop when the gain is negligible relative to the cost, or below a hundredth of one noise variance
      // (statistically irrelevant: Δχ² < 0.01).
      const absGain = relChange * (cost / (1 - relChange));
      if (relChange < tol || 2 * predicted < tol * cost || absGain < minGain * this.priorNoiseVariance) {
        converged = true;
        it++;
        break;
      }
    }
    if (this.theta.some((v, i) => v !== theta[i])) this.evaluate(theta);
    return { theta, cost, iterations: it, evaluations: this.evaluations, converged };
  }

  /** The current Jacobian rows ∂(A x)/∂θ (P × rows), valid after normalEquations(). */
  get jacobian(): Float64Array {
    return this.jac;
  }

  /**
   * Information matrix of the full model at the current state, in cost units (multiply by 1/σ² for the Fisher
   * information): JᵀJ over all parameters [θ (P), linear columns (K'), baseline coefficients (nB)] plus the
   * baseline roughness penalty and the prior weights, i.e. the curvature of the cost the fit minimises.
   */
  fullInformation(): { matrix: Float64Array; size: number } {
    const P = this.nParams;
    const k = this.nCols;
    const nB = this.nBase;
    const rows = this.rows;
    const n = P + k + nB;
    const f = new Float64Array(n * n);
    const h = new Float64Array(P * P);
    const g = new Float64Array(P);
    this.normalEquations(h, g); // refreshes the Jacobian at the current θ
    const jac = this.jac;
    const cols = this.cols;
    const set = (i: number, j: number, v: number) => {
      f[i * n + j] = v;
      f[j * n + i] = v;
    };
    const dot = (a: Float64Array, ao: number, b: Float64Array, bo: number) => {
      let s = 0;
      for (let i = 0; i < rows; i++) s += a[ao + i] * b[bo + i];
      return s;
    };
    for (let p = 0; p < P; p++) {
      for (let q = 0; q <= p; q++) set(p, q, dot(jac, p * rows, jac, q * rows));
      for (let a = 0; a < k; a++) set(p, P + a, dot(jac, p * rows, cols, a * rows));
      if (nB > 0) {
        this.baselineTranspose(jac, this.tmpB2, p * rows);
        for (let b = 0; b < nB; b++) set(p, P + k + b, this.tmpB2[b]);
      }
    }
    for (let a = 0; a < k; a++) {
      for (let b = 0; b <= a; b++) set(P + a, P + b, dot(cols, a * rows, cols, b * rows));
      for (let b = 0; b < nB; b++) set(P + a, P + k + b, this.e[a * nB + b]);
    }
    if (nB > 0) {
      const L = this.L;
      const sts = designGram(this.baseline);
      const pen = this.baseline.penalty;
      for (let blk = 0; blk < nB / L; blk++) {
        for (let i = 0; i < L; i++) {
          for (let j = 0; j < L; j++) {
            f[(P + k + blk * L + i) * n + P + k + blk * L + j] = sts[i * L + j] + (pen ? pen[i * L + j] : 0);
          }
        }
      }
    }
    for (const pr of this.priors) f[pr.index * n + pr.index] += this.priorNoiseVariance / (pr.sd * pr.sd);
    return { matrix: f, size: n };
  }
}
