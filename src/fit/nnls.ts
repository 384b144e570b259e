import { choleskyInPlace, choleskySolveInPlace } from '../linalg/index.js';

/**
 * Bounded linear least squares on the normal equations: minimise ½ xᵀGx − hᵀx subject to x_i ≥ 0 for every i
 * that is not marked free. This is the Lawson–Hanson active-set NNLS (Lawson & Hanson, "Solving Least Squares
 * Problems", 1974, ch. 23) in the Gram-matrix form of Bro & De Jong (J Chemometrics 1997;11:393), extended with
 * unconstrained variables that stay in the passive set throughout. Working on G = AᵀA (a few tens of columns)
 * rather than on A (hundreds of rows) is what makes it cheap enough to run inside every nonlinear iteration.
 *
 * Warm start: pass the previous solution in `x` (any x ≥ 0 on the constrained entries); its positive entries
 * form the starting passive set, which usually makes the solve one Cholesky.
 */
export class GramNnls {
  readonly n: number;
  private readonly scale: Float64Array;
  private readonly gs: Float64Array;
  private readonly hs: Float64Array;
  private readonly sub: Float64Array;
  private readonly rhs: Float64Array;
  private readonly z: Float64Array;
  private readonly w: Float64Array;
  private readonly idx: Int32Array;
  private readonly passive: Uint8Array;
  /** Passive-set membership after the last solve (1 = free to move, 0 = held at zero). */
  readonly lastPassive: Uint8Array;

  constructor(n: number) {
    this.n = n;
    this.scale = new Float64Array(n);
    this.gs = new Float64Array(n * n);
    this.hs = new Float64Array(n);
    this.sub = new Float64Array(n * n);
    this.rhs = new Float64Array(n);
    this.z = new Float64Array(n);
    this.w = new Float64Array(n);
    this.idx = new Int32Array(n);
    this.passive = new Uint8Array(n);
    this.lastPassive = new Uint8Array(n);
  }

  /**
   * Solves in place: `x` holds the warm start on entry and the solution on exit. `free[i] = 1` marks an
   * unconstrained variable. Returns the number of passive-set changes made.
   */
  solve(g: Float64Array, h: Float64Array, free: Uint8Array, x: Float64Array): number {
    const n = this.n;
    const { scale, gs, hs, z, w, passive } = this;
    // Jacobi scaling to unit diagonal keeps tolerances meaningful whatever the column norms are.
    let hmax = 0;
    for (let i = 0; i < n; i++) {
      const d = g[i * n + i];
      scale[i] = d > 0 ? 1 / Math.sqrt(d) : 0;
    }
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) gs[i * n + j] = g[i * n + j] * scale[i] * scale[j];
      hs[i] = h[i] * scale[i];
      hmax = Math.max(hmax, Math.abs(hs[i]));
      // Scaled warm start; a column of zeros cannot move.
      x[i] = scale[i] > 0 ? x[i] / scale[i] : 0;
      if (!free[i] && !(x[i] > 0)) x[i] = 0;
      passive[i] = scale[i] > 0 && (free[i] === 1 || x[i] > 0) ? 1 : 0;
    }
    const tol = 1e-11 * (hmax > 0 ? hmax : 1);
    let changes = 0;
    const maxOuter = 3 * n + 10;
    for (let outer = 0; outer < maxOuter; outer++) {
      // Inner loop: solve on the passive set, step back to feasibility when a constrained entry goes <= 0.
      for (let inner = 0; inner < 3 * n + 10; inner++) {
        this.solvePassive(z);
        let alpha = 1;
        let blocked = false;
        for (let i = 0; i < n; i++) {
          if (!passive[i] || free[i]) continue;
          if (z[i] <= 0) {
            blocked = true;
            const denom = x[i] - z[i];
            const a = denom > 0 ? x[i] / denom : 0;
            if (a < alpha) alpha = a;
          }
        }
        if (!blocked) {
          for (let i = 0; i < n; i++) x[i] = passive[i] ? z[i] : 0;
          break;
        }
        for (let i = 0; i < n; i++) {
          if (!passive[i]) continue;
          x[i] += alpha * (z[i] - x[i]);
          if (!free[i] && x[i] <= 1e-14 * (1 + Math.abs(z[i]))) {
            x[i] = 0;
            passive[i] = 0;
            changes++;
          }
        }
      }
      // Gradient of the objective's negative: w = h − G x.
      let best = -1;
      let bestW = tol;
      for (let i = 0; i < n; i++) {
        let s = hs[i];
        const r = i * n;
        for (let j = 0; j < n; j++) s -= gs[r + j] * x[j];
        w[i] = s;
        if (!passive[i] && scale[i] > 0 && s > bestW) {
          bestW = s;
          best = i;
        }
      }
      if (best < 0) break;
      passive[best] = 1;
      changes++;
    }
    for (let i = 0; i < n; i++) {
      x[i] *= scale[i];
      this.lastPassive[i] = passive[i];
    }
    return changes;
  }

  /** z_P = G_PP⁻¹ h_P (scaled problem), zero elsewhere. */
  private solvePassive(z: Float64Array): void {
    const n = this.n;
    const { gs, hs, sub, rhs, idx, passive } = this;
    let m = 0;
    for (let i = 0; i < n; i++) if (passive[i]) idx[m++] = i;
    for (let a = 0; a < m; a++) {
      const ia = idx[a];
      for (let b = 0; b <= a; b++) sub[a * m + b] = gs[ia * n + idx[b]];
      rhs[a] = hs[ia];
    }
    choleskyInPlace(sub, m);
    choleskySolveInPlace(sub, m, rhs);
    z.fill(0);
    for (let a = 0; a < m; a++) z[idx[a]] = rhs[a];
  }
}
