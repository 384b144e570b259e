/**
 * The small interface every spectral model implements (one model per file, after FSL-MRS's models/). A model
 * maps nonlinear parameters θ to the columns of the linear-combination design matrix on the fit window; the
 * fitter solves the linear coefficients (basis amplitudes ≥ 0, free columns unconstrained, baseline) by
 * variable projection and moves θ by Levenberg–Marquardt with the model's analytic Jacobian.
 */
import type { FitGrid } from '../grid.js';

/** What a nonlinear parameter does; the initialiser and reports use it. */
export type ParamRole =
  | 'phase0'
  | 'phase1'
  | 'shift'
  | 'damping'
  | 'gauss'
  | 'water-frequency'
  | 'water-damping';

export interface ParamSpec {
  /** Unique name, e.g. `shift.metabolite`, `damping.lipid`, `phase0`. */
  name: string;
  role: ParamRole;
  /** Component group or component the parameter belongs to, when it has one. */
  group?: string;
  lower: number;
  upper: number;
  init: number;
  /** Internal unit: rad, rad/ppm, Hz, Hz² (Gaussian FWHM squared). */
  unit: string;
}

export interface SpectralModel {
  readonly name: string;
  readonly grid: FitGrid;
  readonly params: ParamSpec[];
  /** Leading columns constrained to be ≥ 0: the basis components, in basis order. */
  readonly nonnegColumns: number;
  /** Unconstrained columns after them (e.g. residual-water lines, real and imaginary coefficient). */
  readonly freeColumns: number;
  readonly columnNames: string[];
  /** Fills `cols` ((nonneg + free) × grid.rows, row-major) for parameters θ. */
  forward(theta: Float64Array, cols: Float64Array): void;
  /** Fills `jac` (params × grid.rows): ∂/∂θ_p of Σ_c coef_c · col_c(θ), at the θ of the last forward call. */
  jacobian(theta: Float64Array, coef: Float64Array, jac: Float64Array): void;
  /** Lineshape summary for reports: FWHM (Hz) of the model lineshape of each damping group at θ. */
  linewidths(theta: Float64Array): Record<string, number>;
}
