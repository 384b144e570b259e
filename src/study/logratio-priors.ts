import { symmetricEigen } from '../linalg/eigen.js';
import { normalCdf } from '../simulate/special.js';

/**
 * Group priors in the coordinates the chemistry lives in (compositional data analysis: Aitchison, The
 * Statistical Analysis of Compositional Data, 1986). The amplitudes are split into blocks (the lipid resonances,
 * the metabolites); within a block of two or more components each amplitude is taken against the block's
 * geometric-mean total (the centred log-ratio, clr_i = ln a_i − mean_B ln a), and the block's log total
 * t_B = mean_B ln a is a coordinate of its own. The map ln a ↔ (clr, t) is linear and invertible
 * (ln a_i = clr_i + t_B), so a Gaussian in these coordinates is a Gaussian in ln a: lognormal marginals with a
 * Gaussian copula, exactly the family the simulator draws from. A difference of composition (L21 up against the
 * other lipids) is one clr coordinate with the small spread of the composition, not a shift hidden under the
 * several-fold spread of total fat.
 *
 * Pure arithmetic on arrays of ln a; study-priors.ts applies it to a cohort.
 */

/** Component indices of each block; a block of one component is a coordinate of its own. */
export type Blocks = readonly (readonly number[])[];

/** Number of log-ratio coordinates of the blocks: |B| clr coordinates and one total per block of ≥ 2. */
export function logRatioSize(blocks: Blocks): number {
  return blocks.reduce((s, b) => s + (b.length >= 2 ? b.length + 1 : 1), 0);
}

/** ln a → [clr of block 1…, total of block 1, clr of block 2…, total of block 2, …]. */
export function toLogRatio(x: ArrayLike<number>, blocks: Blocks): number[] {
  const out: number[] = [];
  for (const b of blocks) {
    if (b.length < 2) {
      out.push(x[b[0]]);
      continue;
    }
    const t = b.reduce((s, i) => s + x[i], 0) / b.length;
    for (const i of b) out.push(x[i] - t);
    out.push(t);
  }
  return out;
}

/**
 * Inverse of toLogRatio: ln a_i = clr_i + t_B. A clr vector that does not sum to zero is taken at its centred
 * part (the projection onto the clr plane), so the inverse of any vector is defined.
 */
export function fromLogRatio(y: ArrayLike<number>, blocks: Blocks, size: number): number[] {
  const x = new Array<number>(size).fill(0);
  let o = 0;
  for (const b of blocks) {
    if (b.length < 2) {
      x[b[0]] = y[o++];
      continue;
    }
    let m = 0;
    for (let k = 0; k < b.length; k++) m += y[o + k] / b.length;
    const t = y[o + b.length];
    b.forEach((i, k) => {
      x[i] = y[o + k] - m + t;
    });
    o += b.length + 1;
  }
  return x;
}

/** A two-groups (spike-and-slab) fit of standardised differences and each one's shrinkage factor. */
export interface SparseShrinkage {
  /** Fraction of coordinates with a real difference (the slab's weight). */
  nonNull: number;
  /** Variance of the real differences, in standard errors². */
  tau2: number;
  /** Posterior mean / observed value, per coordinate (0 for a coordinate without a spread). */
  factors: number[];
}

const NON_NULL_GRID = Array.from({ length: 41 }, (_, i) => i / 40);
const TAU2_GRID = Array.from({ length: 61 }, (_, i) => 10 ** (-1 + i / 15)); // 0.1 … 10⁴

/**
 * Empirical-Bayes shrinkage across coordinates with a sparse prior (the two-groups model; Efron, Large-Scale
 * Inference, 2010, ch. 5; Johnstone & Silverman, Ann Stat 2004;32:1594). Each standardised difference
 * z_k = d_k / se_k ~ N(δ_k, 1), and δ_k = 0 with probability 1 − π or ~ N(0, τ²) with probability π; (π, τ²) are
 * the marginal maximum-likelihood values over a grid, shared by all coordinates. The posterior mean is
 * E[δ_k | z_k] = P(real | z_k) · τ²/(1 + τ²) · z_k, so a coordinate keeps its difference by standing out against
 * what the other coordinates say real differences look like: with several coordinates at z ≈ 5, a chance total-
 * fat difference at z ≈ 1.5 is taken as noise; when every coordinate is noise, the fit puts π or τ² near 0 and
 * every difference shrinks toward 0. The James–Stein rule is the special case π = 1 (one factor for all).
 */
export function sparseShrinkage(z: readonly number[]): SparseShrinkage {
  const usable = z.filter(Number.isFinite);
  const phi = (x: number, v: number) => Math.exp((-0.5 * x * x) / v) / Math.sqrt(2 * Math.PI * v);
  let best = { ll: Number.NEGATIVE_INFINITY, nonNull: 0, tau2: TAU2_GRID[0] };
  if (usable.length > 0) {
    const null0 = usable.map((x) => phi(x, 1));
    for (const tau2 of TAU2_GRID) {
      const slab = usable.map((x) => phi(x, 1 + tau2));
      for (const pi of NON_NULL_GRID) {
        let ll = 0;
        for (let k = 0; k < usable.length; k++) ll += Math.log((1 - pi) * null0[k] + pi * slab[k]);
        // Strictly better only: ties keep the sparser (smaller π) and, at π = 0, the first τ².
        if (ll > best.ll + 1e-9 || (Math.abs(ll - best.ll) <= 1e-9 && pi < best.nonNull)) {
          best = { ll, nonNull: pi, tau2 };
        }
      }
    }
  }
  const { nonNull: pi, tau2 } = best;
  const factors = z.map((x) => {
    if (!Number.isFinite(x) || pi === 0) return 0;
    const slab = pi * phi(x, 1 + tau2);
    const post = slab / (slab + (1 - pi) * phi(x, 1));
    return post * (tau2 / (1 + tau2));
  });
  return { nonNull: pi, tau2, factors };
}

/**
 * How the log-ratio group differences are shrunk: 'sparse' (sparseShrinkage, one two-groups model across the
 * coordinates) or 'james-stein' (each coordinate on its own, the positive-part James–Stein factor max(0, 1 − 1/z²):
 * no coordinate's difference is judged noise because the others look like noise).
 */
export type LogRatioRule = 'sparse' | 'james-stein';

/** The per-coordinate positive-part James–Stein factors max(0, 1 − 1/z²) (0 for a coordinate without a spread). */
export function perCoordinateJamesStein(z: readonly number[]): number[] {
  return z.map((x) => (Number.isFinite(x) && x !== 0 ? Math.max(0, 1 - 1 / (x * x)) : 0));
}

export interface LogRatioEstimate {
  /** Mean ln a of each group (after the shrinkage of their difference). */
  mu: [number[], number[]];
  /** SD of ln a, shared by both groups. */
  sigma: number[];
  /** Correlation of ln a, pooled within groups, shrunk in ilr coordinates; rounded, positive definite. */
  correlation: number[][];
  /** Standardised difference of each log-ratio coordinate, and the factor it was shrunk by. */
  z: number[];
  factors: number[];
  /** Shrinkage intensity of the ilr covariance toward its diagonal (0: the sample covariance, 1: the diagonal). */
  covarianceShrinkage: number;
  rule: LogRatioRule;
  /** The sparse rule's fit (π, τ²), when that rule was used. */
  shrinkage?: SparseShrinkage;
}

/** Within-group centred rows of both groups (the pooled within-group data, N − 2 degrees of freedom). */
function centred(groups: readonly (readonly (readonly number[])[])[]): number[][] {
  return groups.flatMap((rows) => {
    const p = rows[0].length;
    const m = new Array<number>(p).fill(0);
    for (const r of rows) for (let j = 0; j < p; j++) m[j] += r[j] / rows.length;
    return rows.map((r) => r.map((v, j) => v - m[j]));
  });
}

/**
 * An orthonormal basis of ln a that separates composition from totals (isometric log-ratios, Egozcue et al.,
 * Math Geol 2003;35:279): per block of p ≥ 2 components, p − 1 Helmert contrasts (component k against the mean of
 * the components before it, normalised) and the normalised total 1ᵀx/√p; a block of one is its own coordinate.
 * Row q of the P × P matrix is coordinate q.
 */
export function ilrBasis(blocks: Blocks, size: number): number[][] {
  const rows: number[][] = [];
  for (const b of blocks) {
    for (let k = 1; k < b.length; k++) {
      const row = new Array<number>(size).fill(0);
      const norm = Math.sqrt(k * (k + 1));
      for (let j = 0; j < k; j++) row[b[j]] = -1 / norm;
      row[b[k]] = k / norm;
      rows.push(row);
    }
    const total = new Array<number>(size).fill(0);
    for (const i of b) total[i] = 1 / Math.sqrt(b.length);
    rows.push(total);
  }
  return rows;
}

/**
 * The pooled within-group covariance of ln a, shrunk in isometric log-ratio coordinates (ilrBasis): there the
 * composition contrasts and the totals are separate coordinates, and the covariance is shrunk toward its own
 * diagonal (Schäfer & Strimmer, Stat Appl Genet Mol Biol 2005;4:32, target D: λ* = Σ Var(s_qr) / Σ s_qr² over
 * q ≠ r), so each composition's variance — the small eigenvalues that decide a composition difference, which a
 * covariance of ln a shrunk as a whole misstates (1 − r for r ≈ 0.97) — is kept as measured. λ is raised until the
 * rounded correlation of ln a is positive definite. With 10 patients per group the sample covariance of 20
 * components is singular; the shrunk one is not. `noise` (variance of ln a from the fit, per component) is
 * subtracted from the diagonal of ln a's covariance first, at most down to 10 %.
 */
export function shrunkLogCovariance(
  groups: readonly (readonly (readonly number[])[])[],
  blocks: Blocks,
  noise?: readonly number[],
): { covariance: number[][]; correlation: number[][]; sigma: number[]; lambda: number } {
  const c = centred(groups);
  const N = c.length;
  const dof = N - groups.length;
  const p = c[0].length;
  const S0: number[][] = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (const r of c) for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) S0[i][j] += (r[i] * r[j]) / dof;
  const A = ilrBasis(blocks, p);
  // Taking the fit noise off the diagonal can leave S indefinite (noise near a component's whole spread, strong
  // correlations); then even the diagonal target is not a covariance (correlations beyond ±1 came out in a
  // truth-lipid study). The noise is then taken off by halves, down to none (S0 itself is a covariance).
  const noiseOff = (part: number) =>
    S0.map((row, i) =>
      row.map((v, j) => (i === j ? Math.max(v - part * Math.min(noise?.[i] ?? 0, 0.9 * v), 1e-12) : v)),
    );
  for (const part of [1, 0.5, 0.25]) {
    const est = shrinkInIlr(noiseOff(part), c, A, N, dof);
    if (est.valid) return est.result;
  }
  return shrinkInIlr(noiseOff(0), c, A, N, dof).result;
}

/** The shrinkage of S in ilr coordinates (see shrunkLogCovariance); `valid` when its correlation is one. */
function shrinkInIlr(
  S: number[][],
  c: number[][],
  A: number[][],
  N: number,
  dof: number,
): {
  valid: boolean;
  result: { covariance: number[][]; correlation: number[][]; sigma: number[]; lambda: number };
} {
  const p = S.length;
  // ilr coordinates of the centred rows, and their covariance (A S Aᵀ).
  const u = c.map((r) => A.map((a) => a.reduce((s, v, i) => s + v * r[i], 0)));
  const Su = A.map((a) =>
    A.map((b) => a.reduce((s, v, i) => s + v * S[i].reduce((t, w, j) => t + w * b[j], 0), 0)),
  );
  let num = 0;
  let den = 0;
  for (let q = 0; q < p; q++)
    for (let r = 0; r < p; r++) {
      if (q === r) continue;
      let wbar = 0;
      for (const x of u) wbar += (x[q] * x[r]) / N;
      let vw = 0;
      for (const x of u) vw += (x[q] * x[r] - wbar) ** 2;
      num += (N / dof ** 2) * (vw / (N - 1));
      den += Su[q][r] ** 2;
    }
  let lambda = den > 0 ? Math.min(1, Math.max(0, num / den)) : 1;
  for (;;) {
    const shrunk = Su.map((row, q) => row.map((v, r) => (q === r ? v : (1 - lambda) * v)));
    // Back to ln a: Aᵀ Su* A (A is orthogonal).
    const cov = Array.from({ length: p }, (_, i) =>
      Array.from({ length: p }, (_, j) => {
        let v = 0;
        for (let q = 0; q < p; q++) for (let r = 0; r < p; r++) v += A[q][i] * shrunk[q][r] * A[r][j];
        return v;
      }),
    );
    const sigma = cov.map((row, i) => Math.sqrt(row[i]));
    const correlation = cov.map((row, i) =>
      row.map((v, j) => (i === j ? 1 : Number((v / (sigma[i] * sigma[j])).toFixed(4)))),
    );
    const valid = sigma.every((x) => x > 0) && minEigen(correlation) > 1e-4;
    if (valid || lambda >= 1) return { valid, result: { covariance: cov, correlation, sigma, lambda } };
    lambda = Math.min(1, lambda + 0.05);
  }
}

function minEigen(m: number[][]): number {
  const p = m.length;
  return symmetricEigen(Float64Array.from(m.flat()), p).values[0];
}

/**
 * Group priors of ln a from two groups' rows of ln a: the difference of the group means in log-ratio
 * coordinates shrunk by `rule` (sparseShrinkage or perCoordinateJamesStein; each coordinate's standard error from
 * its pooled within-group SD), the
 * clr part re-centred, mapped back to ln a and split about the n-weighted pooled mean; one spread and one
 * correlation for both groups (shrunkLogCovariance: ten patients per group cannot tell two covariances apart).
 * The SDs of ln a are those of the shrunk covariance: shrinking the ilr off-diagonals changes the diagonal of ln a
 * too, so a marginal SD is not the sample SD of that component.
 */
export function estimateLogRatio(
  groups: readonly [readonly (readonly number[])[], readonly (readonly number[])[]],
  blocks: Blocks,
  noise?: readonly number[],
  rule: LogRatioRule = 'sparse',
): LogRatioEstimate {
  const [g0, g1] = groups;
  const n0 = g0.length;
  const n1 = g1.length;
  if (n0 < 3 || n1 < 3) throw new RangeError('estimateLogRatio: needs ≥ 3 rows per group');
  const P = g0[0].length;
  const y = groups.map((rows) => rows.map((r) => toLogRatio(r, blocks)));
  const Q = logRatioSize(blocks);
  const mean = (rows: number[][]) => {
    const m = new Array<number>(Q).fill(0);
    for (const r of rows) for (let k = 0; k < Q; k++) m[k] += r[k] / rows.length;
    return m;
  };
  const m0 = mean(y[0]);
  const m1 = mean(y[1]);
  const cy = centred(y);
  const dof = n0 + n1 - 2;
  const se = m0.map((_, k) => Math.sqrt((cy.reduce((s, r) => s + r[k] ** 2, 0) / dof) * (1 / n0 + 1 / n1)));
  const d = m1.map((v, k) => v - m0[k]);
  const z = d.map((v, k) => (se[k] > 1e-12 ? v / se[k] : Number.NaN));
  const shrinkage = rule === 'sparse' ? sparseShrinkage(z) : undefined;
  const factors = shrinkage ? shrinkage.factors : perCoordinateJamesStein(z);
  const dShrunk = d.map((v, k) => v * factors[k]);
  const dx = fromLogRatio(dShrunk, blocks, P);
  const N = n0 + n1;
  const pooled = new Array<number>(P).fill(0);
  for (const r of [...g0, ...g1]) for (let i = 0; i < P; i++) pooled[i] += r[i] / N;
  const cov = shrunkLogCovariance(groups, blocks, noise);
  return {
    mu: [pooled.map((v, i) => v - (n1 / N) * dx[i]), pooled.map((v, i) => v + (n0 / N) * dx[i])],
    sigma: cov.sigma,
    correlation: cov.correlation,
    z,
    factors,
    covarianceShrinkage: cov.lambda,
    rule,
    ...(shrinkage ? { shrinkage } : {}),
  };
}

/**
 * Shrinkage linear discriminant on ln a: w = Σ⁻¹ (m₁ − m₀) with Σ the shrunk pooled covariance
 * (shrunkLogCovariance) and the raw ('raw', classical LDA) or sparsely shrunk ('shrunk', estimateLogRatio)
 * difference of the group means; the score of x is wᵀ(x − (m₀ + m₁)/2), the log-odds of the two Gaussians at
 * equal priors. LDA is invariant under the invertible linear map to log-ratio coordinates; the log-ratio
 * structure enters through the covariance's shrinkage in ilr coordinates and, with 'shrunk', the difference's
 * coordinates. No density of the amplitudes is needed, only their first two moments.
 */
export interface LdaModel {
  weights: number[];
  centre: number[];
}

export function fitShrinkageLda(
  groups: readonly [readonly (readonly number[])[], readonly (readonly number[])[]],
  blocks: Blocks,
  difference: 'raw' | 'shrunk' = 'raw',
): LdaModel {
  const [g0, g1] = groups;
  const P = g0[0].length;
  const mean = (rows: readonly (readonly number[])[]) => {
    const m = new Array<number>(P).fill(0);
    for (const r of rows) for (let i = 0; i < P; i++) m[i] += r[i] / rows.length;
    return m;
  };
  let m0 = mean(g0);
  let m1 = mean(g1);
  if (difference === 'shrunk') [m0, m1] = estimateLogRatio(groups, blocks).mu;
  const { covariance } = shrunkLogCovariance(groups, blocks);
  const { values, vectors } = symmetricEigen(Float64Array.from(covariance.flat()), P);
  const d = m1.map((v, i) => v - m0[i]);
  const w = new Array<number>(P).fill(0);
  const floor = 1e-10 * Math.max(...values);
  for (let k = 0; k < P; k++) {
    let proj = 0;
    for (let i = 0; i < P; i++) proj += vectors[i * P + k] * d[i];
    proj /= Math.max(values[k], floor);
    for (let i = 0; i < P; i++) w[i] += vectors[i * P + k] * proj;
  }
  return { weights: w, centre: m0.map((v, i) => (v + m1[i]) / 2) };
}

/** The LDA score (log-odds at equal priors) of each row of ln a. */
export function ldaScores(model: LdaModel, rows: readonly (readonly number[])[]): number[] {
  return rows.map((r) => r.reduce((s, v, i) => s + model.weights[i] * (v - model.centre[i]), 0));
}

/** AUC of the Bayes classifier between N(μ₀, Σ) and N(μ₁, Σ): Φ(Δ/√2), Δ the Mahalanobis distance. */
export function gaussianBayesAuc(mahalanobis: number): number {
  return normalCdf(mahalanobis / Math.SQRT2);
}
