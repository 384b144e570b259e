import { invertSpdScaled } from '../linalg/index.js';
import type { VarproSolver } from './varpro.js';

/**
 * Cramér–Rao lower bounds. For white complex Gaussian noise of variance σ² per real row, the Fisher
 * information of the full model (nonlinear parameters θ, amplitudes, free columns and baseline coefficients)
 * is F = JᵀJ/σ², J the Jacobian of the model rows with respect to all parameters at the estimate (Cavassila
 * et al., NMR Biomed 2001;14:278). The baseline roughness penalty and soft priors enter as prior information
 * (van Trees' Bayesian bound), which is what keeps a flexible spline baseline from making every bound
 * infinite. The covariance bound is Cov = F⁻¹; CRLB_k = √Cov_kk. It is the variance of an unbiased
 * estimator: for components that sit at their non-negativity bound it is still reported (the fit is biased
 * there and the bound describes the unconstrained problem).
 */
export interface CovarianceResult {
  /**
   * Covariance (size × size), parameter order [θ, columns, baseline]; only the rows and columns of θ and the
   * linear columns are computed (the baseline-baseline block is zero).
   */
  matrix: Float64Array;
  size: number;
  nParams: number;
  nCols: number;
}

export function covariance(solver: VarproSolver, noiseVariance: number): CovarianceResult {
  const info = solver.fullInformation();
  const inv = invertSpdScaled(info.matrix, info.size, solver.nParams + solver.nCols);
  for (let i = 0; i < inv.length; i++) inv[i] *= noiseVariance;
  return { matrix: inv, size: info.size, nParams: solver.nParams, nCols: solver.nCols };
}

/** Covariance sub-matrix of the first `count` linear columns (the basis amplitudes). */
export function amplitudeCovariance(cov: CovarianceResult, count: number): Float64Array {
  const out = new Float64Array(count * count);
  const o = cov.nParams;
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < count; j++) out[i * count + j] = cov.matrix[(o + i) * cov.size + o + j];
  }
  return out;
}

/** Standard deviations of the nonlinear parameters. */
export function parameterSd(cov: CovarianceResult): Float64Array {
  const out = new Float64Array(cov.nParams);
  for (let p = 0; p < cov.nParams; p++) out[p] = Math.sqrt(Math.max(0, cov.matrix[p * cov.size + p]));
  return out;
}

/** Correlation matrix from a covariance matrix (n × n). */
export function correlationMatrix(c: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const d = Math.sqrt(c[i * n + i] * c[j * n + j]);
      out[i * n + j] = d > 0 ? c[i * n + j] / d : i === j ? 1 : 0;
    }
  }
  return out;
}

/** Variance of Σ_{i∈members} w_i x_i from a covariance matrix (n × n). */
export function combinedVariance(c: Float64Array, n: number, members: number[], weights?: number[]): number {
  let s = 0;
  members.forEach((i, a) => {
    members.forEach((j, b) => {
      s += (weights ? weights[a] * weights[b] : 1) * c[i * n + j];
    });
  });
  return Math.max(0, s);
}
