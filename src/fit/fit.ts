import type { BasisSet } from '../core/basis.js';
import { InputError } from '../core/errors.js';
import type { Fid } from '../core/fid.js';
import { type BaselineDesign, type BaselineOptions, buildBaseline, evaluateBaseline } from './baseline.js';
import type { Diagnostic } from './diagnostics.js';
import { amplitudeCovariance, combinedVariance, correlationMatrix, covariance, parameterSd } from './crlb.js';
import { FftWork } from './fft-work.js';
import { emitRows, type FitGrid, gatherWindow, makeGrid } from './grid.js';
import { type Combination, componentGroups, defaultCombinations } from './groups.js';
import { globalStarts, type StartCandidate } from './global-start.js';
import { initialParameters, wrap } from './init.js';
import { LorentzianModel } from './models/lorentzian.js';
import type { ResidualWaterOptions } from './models/residual-water.js';
import { VoigtModel, type VoigtOptions } from './models/voigt.js';
import { estimateNoise, type NoiseEstimate } from './noise.js';
import { resampleBasis } from './resample.js';
import { type Prior, type VarproOptions, type VarproResult, VarproSolver } from './varpro.js';

export type ModelName = 'voigt' | 'lorentzian';

export interface FitOptions {
  /** Fit window (ppm). Default [0.2, 4.2]; the liver preset uses [0.5, 5.7]. */
  ppmRange?: [number, number];
  /** Lineshape model. Default 'voigt'. */
  model?: ModelName;
  baseline?: BaselineOptions;
  /** One Lorentzian width per component group (default) or per component. */
  damping?: 'group' | 'component';
  /** One frequency shift for all components, or one per group (default). */
  shift?: 'global' | 'group';
  /** Component → group overrides (groups otherwise come from the basis or the component name). */
  groups?: Record<string, string>;
  /**
   * Component → damping group overrides on top of `groups`, for a component that has a Lorentzian width of
   * its own but shares its group's shift (the liver preset: glycogen).
   */
  dampingGroups?: Record<string, string>;
  /** Fit first-order phase (default true). */
  phase1?: boolean;
  /**
   * Residual water lines. Default: 3 lines when the window covers 4.4–4.9 ppm, none otherwise. `false` or
   * `{ lines: 0 }` disables.
   */
  residualWater?: ResidualWaterOptions | boolean;
  /** Zero-filling of data and model before the FFT (default 1: none; noise stays uncorrelated). */
  zeroFill?: number;
  /** Bounds. */
  maxShiftPpm?: number;
  maxDampingHz?: number;
  maxGaussianHz?: number;
  maxPhase1DegPerPpm?: number;
  /** Initial extra Lorentzian width (Hz). Default 2. */
  initDampingHz?: number;
  /**
   * Soft Gaussian priors on the extra Lorentzian width (Hz FWHM) of damping groups, applied to the groups the
   * fit has (a group left out by include/exclude is skipped, unlike `priors`, where an unknown name is an error).
   */
  widthPriors?: Record<string, { meanHz: number; sdHz: number }>;
  /** Soft Gaussian priors on nonlinear parameters (internal units: rad, rad/ppm, Hz, Hz²). */
  priors?: { param: string; mean: number; sd: number }[];
  /** Noise used for the CRLB: 'residual' (default; σ² = RSS / (rows − dof)) or 'region' (signal-free ppm). */
  noise?: 'residual' | 'region';
  noiseRegions?: [number, number][];
  /** Sums reported with their own CRLB. Default: standard sums present in the basis and total lipid. */
  combinations?: Combination[];
  /** Use only these components (default all) / drop these. */
  include?: string[];
  exclude?: string[];
  maxIterations?: number;
  tolerance?: number;
  /** Stop when a Levenberg–Marquardt step gains less than this many noise variances (Δχ²). Default 0.1. */
  minGain?: number;
  /**
   * Basis amplitudes held ≥ 0 ('nonnegative', default: concentrations cannot be negative) or unconstrained
   * ('signed'). A non-negative estimate of a component far below its CRLB is biased upward (it is |noise|-like);
   * signed estimates are not, so their mean over spectra estimates the population mean (the study's
   * `--prior-amplitudes signed`). 'signed' keeps the nonlinear parameters of the non-negative fit and re-solves
   * the amplitudes unconstrained at them: with signed amplitudes in the nonlinear fit, (φ0 + π, −x) fits as well
   * as (φ0, x), and Levenberg–Marquardt ended in the sign-flipped basin for 1 of 6 simulated study patients
   * (every amplitude negative). CRLBs mean the same in both (they bound the unconstrained problem at the same
   * θ); a negative amplitude reports crlbPercent Infinity.
   *
   * 'signed-refit': as 'signed', but Levenberg–Marquardt then continues from the non-negative fit's θ with
   * signed amplitudes (so it stays in that phase basin). 'signed' alone is still biased upward for a component
   * below its CRLB that overlaps a large one (lactate under the 1.3 ppm lipid): where the bound held it at 0, the
   * nonlinear parameters (lipid Lorentzian/Gaussian split, shift) had already absorbed its negative excursion,
   * and re-solving at that θ gives ≈ 0 again (docs/fit-validation.md, "Bias on simulated liver spectra").
   * The refit removes that bias but its errors are heavy-tailed (far wider than the CRLB for such components).
   */
  amplitudes?: 'nonnegative' | 'signed' | 'signed-refit';
  /**
   * Global stage before Levenberg–Marquardt (global-start.ts: starts from an amplitude-weighted matched filter
   * over shift and phase and a few widths, restarts while the residual stays above 1.2× the noise). Default
   * false (the single start of init.ts): the liver preset turns it on; generic and water–fat fits keep the
   * start they were validated with.
   */
  globalStart?: boolean;
}

export interface ComponentResult {
  name: string;
  group: string;
  /** Amplitude in basis units (data ≈ amplitude × basis FID). */
  amplitude: number;
  /** Cramér–Rao lower bound of the amplitude (SD, same units). */
  crlb: number;
  /** CRLB as % of the amplitude (Infinity when the amplitude is 0). */
  crlbPercent: number;
  /** Protons per molecule when the basis says (BasisSet.components). */
  protons?: number;
}

export interface CombinedResult extends ComponentResult {
  members: string[];
}

export interface ParameterResult {
  name: string;
  /** Value in report units: degrees, deg/ppm, Hz, ppm. */
  value: number;
  sd: number;
  unit: string;
}

export interface FitQuality {
  /** SD of the residual's real part in the window (per point, spectrum units). */
  residualSd: number;
  /** SD of the noise from signal-free regions, when the spectral range has them. */
  noiseSd?: number;
  /** σ used for the CRLB. */
  crlbNoiseSd: number;
  crlbNoiseSource: 'residual' | 'region';
  /** residualSd / noiseSd: 1 for a fit down to the noise. */
  residualToNoise?: number;
  /** max(real model without baseline and water) / noise SD (region SD when available, else residual SD). */
  snr: number;
  /** Model linewidth (FWHM) of the first group: Hz and ppm. */
  fwhmHz: number;
  fwhmPpm: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  seconds: number;
}

export interface FitSpectra {
  /** ppm of each window point (descending). */
  ppm: Float64Array;
  /** Complex (interleaved) window spectra, all multiplied by e^{−iφ(ppm)} so the real part is absorptive. */
  data: Float64Array;
  fit: Float64Array;
  baseline: Float64Array;
  water: Float64Array;
  residual: Float64Array;
  /** Each component's contribution (amplitude × lineshaped, phased basis), complex interleaved. */
  components: Float64Array[];
  /** True when only the real part of the data was available (LCModel .COORD input). */
  realOnly: boolean;
}

export interface FitResult {
  components: ComponentResult[];
  combined: CombinedResult[];
  /** Correlation matrix of the amplitudes (row-major, components × components). */
  correlation: Float64Array;
  /** Covariance (CRLB) matrix of the amplitudes (row-major, components × components). */
  covariance: Float64Array;
  parameters: ParameterResult[];
  /** Lineshape FWHM (Hz) per damping group. */
  linewidthsHz: Record<string, number>;
  quality: FitQuality;
  /** What the fit noticed about its result (fit/diagnostics.ts: diagnosticMessage gives the sentence). */
  warnings: Diagnostic[];
  spectra: FitSpectra;
  settings: {
    model: ModelName;
    ppmRange: [number, number];
    points: number;
    dwellTime: number;
    spectrometerFrequency: number;
    ppmReference: number;
    zeroFill: number;
    baseline: { kind: string; functions: number; effectiveDimension: number; lambda: number };
    residualWaterLines: number;
    basisResampling: string;
    /** The basis's sequence and echo time, when it says (set by the caller that chose the basis). */
    basisSequence?: string;
    basisEchoTime?: number;
  };
}

/** What the uncertainty step gives the report step (Fitter.uncertainty). */
interface Uncertainty {
  /** Noise variance used for the CRLB, and where it came from. */
  sigma2: number;
  source: FitQuality['crlbNoiseSource'];
  /** Covariance of the amplitudes (components × components). */
  ampCov: Float64Array;
  /** SD of each nonlinear parameter (internal units). */
  parameterSd: Float64Array;
  components: ComponentResult[];
  combined: CombinedResult[];
}

/** Header of the data a Fitter is built for. */
export type DataHeader = Pick<
  Fid,
  'points' | 'dwellTime' | 'spectrometerFrequency' | 'ppmReference' | 'nucleus'
>;

/**
 * A fitter prepared once for a basis and a data geometry (resampled basis, window, baseline design, model,
 * solver work arrays) and reused for every spectrum of that geometry: the per-spectrum cost is the fit alone.
 */
export class Fitter {
  readonly options: FitOptions;
  readonly grid: FitGrid;
  readonly names: string[];
  readonly groups: string[];
  readonly protons: (number | undefined)[];
  readonly model: VoigtModel;
  readonly baseline: BaselineDesign;
  readonly solver: VarproSolver;
  readonly combinations: Combination[];
  readonly prepWarnings: Diagnostic[];
  readonly resampling: string;
  private readonly fftw: FftWork;
  private readonly win: Float64Array;
  private readonly rowsBuf: Float64Array;

  constructor(
    basis: BasisSet,
    header: DataHeader,
    options: FitOptions = {},
    gridOverride?: Partial<FitGrid>,
  ) {
    this.options = options;
    const selected = selectComponents(basis, options);
    const resampled = resampleBasis(selected, header, String(basis.meta?.file ?? '<basis>'));
    this.prepWarnings = [...resampled.warnings];
    this.resampling = resampled.method;
    const b = resampled.basis;
    const ppmRange = options.ppmRange ?? [0.2, 4.2];
    this.grid = makeGrid(header, {
      ppmRange,
      zeroFill: options.zeroFill ?? 1,
      complexRows: gridOverride?.complexRows ?? true,
    });
    this.names = b.names;
    this.groups = componentGroups(b, options.groups);
    this.protons = b.names.map((n) => b.components?.[n]?.protons);
    const dampingGroups =
      options.damping === 'component'
        ? [...b.names]
        : this.groups.map((g, k) => options.dampingGroups?.[b.names[k]] ?? g);
    const shiftGroups = options.shift === 'global' ? b.names.map(() => 'all') : [...this.groups];
    const mhz = header.spectrometerFrequency;
    const waterOpt = residualWaterFor(this.grid, options.residualWater);
    const gaussian = options.baseline?.kind === 'gaussian';
    const vopts: VoigtOptions = {
      dampingGroups,
      shiftGroups,
      phase1: options.phase1 ?? true,
      maxShiftHz: (options.maxShiftPpm ?? 0.15) * mhz,
      maxDampingHz: options.maxDampingHz ?? 100,
      maxGaussianHz: options.maxGaussianHz ?? 100,
      maxPhase1RadPerPpm: ((options.maxPhase1DegPerPpm ?? 30) * Math.PI) / 180,
      initDampingHz: options.initDampingHz ?? 2,
      water: waterOpt,
      basisLinewidthHz: b.linewidthHz ?? 0,
      gaussianBaseline: gaussian
        ? { knotsPpm: options.baseline?.knotsPpm, fwhmPpm: options.baseline?.fwhmPpm }
        : undefined,
    };
    this.model =
      options.model === 'lorentzian'
        ? new LorentzianModel(this.grid, b.fids, b.names, vopts)
        : new VoigtModel(this.grid, b.fids, b.names, vopts);
    const windowPpm = this.grid.ppm[0] - this.grid.ppm[this.grid.bins - 1];
    // A Gaussian-line baseline is part of the model (phased free columns); the baseline design is then empty.
    this.baseline = buildBaseline(this.grid.bins, windowPpm, gaussian ? { kind: 'none' } : options.baseline);
    if (
      options.amplitudes !== undefined &&
      !(['nonnegative', 'signed', 'signed-refit'] as unknown[]).includes(options.amplitudes)
    ) {
      throw new InputError(`amplitudes '${String(options.amplitudes)}'`, {
        field: 'amplitudes',
        expected: "'nonnegative', 'signed' or 'signed-refit'",
      });
    }
    this.solver = new VarproSolver(this.model, this.baseline);
    this.combinations = options.combinations ?? defaultCombinations(this.names, this.groups);
    for (const c of this.combinations) {
      const missing = c.members.filter((m) => !this.names.includes(m));
      if (missing.length) {
        throw new InputError(`combination ${c.name} names ${missing.join(', ')}, not in the basis`, {
          field: 'combinations',
          expected: `components of the basis (${this.names.join(', ')})`,
        });
      }
    }
    this.fftw = new FftWork(this.grid.fftSize);
    this.win = new Float64Array(2 * this.grid.bins);
    this.rowsBuf = new Float64Array(this.grid.rows);
  }

  /** Fits one FID of the prepared geometry. */
  fit(fid: Fid): FitResult {
    this.checkGeometry(fid);
    const t0 = performance.now();
    const g = this.grid;
    const inp = this.fftw.input;
    inp.fill(0);
    inp.set(fid.data.subarray(0, 2 * g.points));
    gatherWindow(g, this.fftw.forward(), this.win);
    emitRows(g, this.win, this.rowsBuf, 0);
    const noise = estimateNoise(fid, this.options.noiseRegions);
    return this.run(this.rowsBuf, noise, t0);
  }

  /**
   * Fits window rows given directly (e.g. the real phased spectrum of an LCModel .COORD file on a grid built
   * with complexRows false), with an optional known noise SD.
   */
  fitRows(rows: Float64Array, noiseSd?: number): FitResult {
    const t0 = performance.now();
    if (rows.length !== this.grid.rows) {
      throw new InputError(`${rows.length} data points in the window`, {
        field: 'data',
        expected: `${this.grid.rows} points on the fit grid`,
      });
    }
    const noise: NoiseEstimate | undefined =
      noiseSd !== undefined ? { sd: noiseSd, points: rows.length, regions: [] } : undefined;
    return this.run(rows, noise, t0);
  }

  private checkGeometry(fid: Fid): void {
    const g = this.grid;
    if (
      fid.points !== g.points ||
      Math.abs(fid.dwellTime / g.dwellTime - 1) > 1e-9 ||
      Math.abs(fid.spectrometerFrequency / g.spectrometerFrequency - 1) > 1e-9 ||
      fid.ppmReference !== g.ppmReference
    ) {
      throw new InputError('data geometry differs from the one the fitter was prepared for', {
        field: 'points/dwellTime/spectrometerFrequency',
        expected: `${g.points} points, dwell ${g.dwellTime} s, ${g.spectrometerFrequency} MHz`,
      });
    }
    for (let i = 0; i < 2 * fid.points; i++) {
      if (!Number.isFinite(fid.data[i])) {
        throw new InputError(`non-finite sample at point ${i >> 1}`, {
          field: 'data',
          expected: 'finite numbers',
        });
      }
    }
  }

  /** One spectrum: solve, then the uncertainty of the solution, then the report of both. */
  private run(rows: Float64Array, noise: NoiseEstimate | undefined, t0: number): FitResult {
    const warnings = [...this.prepWarnings];
    const res = this.solve(rows, noise);
    const u = this.uncertainty(noise, warnings);
    return this.report(res, u, noise, warnings, t0);
  }

  /**
   * The priors of this fit: the caller's (on named parameters), the width priors of the damping groups the fit
   * has, and weak default priors on the residual-water lines.
   */
  private priors(): Prior[] {
    const o = this.options;
    const model = this.model;
    const priors: Prior[] = (o.priors ?? []).map((p) => {
      const index = model.params.findIndex((q) => q.name === p.param);
      if (index < 0) {
        throw new InputError(`prior on unknown parameter ${p.param}`, {
          field: 'priors',
          expected: model.params.map((q) => q.name).join(', '),
        });
      }
      if (!(p.sd > 0))
        throw new InputError(`prior SD ${p.sd} for ${p.param}`, { field: 'priors', expected: '> 0' });
      return { index, mean: p.mean, sd: p.sd };
    });
    for (const [group, w] of Object.entries(o.widthPriors ?? {})) {
      const index = model.params.findIndex((q) => q.role === 'damping' && q.group === group);
      if (index < 0 || priors.some((q) => q.index === index)) continue;
      if (!(w.sdHz > 0) || !Number.isFinite(w.meanHz)) {
        throw new InputError(`width prior ${w.meanHz} ± ${w.sdHz} Hz for ${group}`, {
          field: 'widthPriors',
          expected: 'a finite mean and an SD > 0 (Hz)',
        });
      }
      priors.push({ index, mean: w.meanHz, sd: w.sdHz });
    }
    // Weak default priors on residual-water lines keep a line that fades to zero amplitude from leaving a flat
    // direction in the cost (which slows Levenberg–Marquardt): centre ± 0.15 ppm, width 20 ± 40 Hz.
    model.params.forEach((p, index) => {
      if (priors.some((q) => q.index === index)) return;
      if (p.role === 'water-frequency')
        priors.push({ index, mean: p.init, sd: 0.15 * this.grid.spectrometerFrequency });
      if (p.role === 'water-damping') priors.push({ index, mean: p.init, sd: 40 });
    });
    return priors;
  }

  /**
   * The solve step: Levenberg–Marquardt (from the global stage's starts when asked for), the signed refit or
   * re-solve of the amplitudes when asked for. Leaves the solver at the solution.
   */
  private solve(rows: Float64Array, noise: NoiseEstimate | undefined): VarproResult {
    const o = this.options;
    const solver = this.solver;
    const g = this.grid;
    solver.setData(rows);
    let dataNorm = 0;
    for (let i = 0; i < rows.length; i++) dataNorm += rows[i] * rows[i];
    if (!(dataNorm > 0)) {
      throw new InputError('the data are zero in the fit window', { field: 'data', expected: 'a spectrum' });
    }
    const priors = this.priors();
    solver.priors = [];
    solver.setSignedAmplitudes(false);
    const global = o.globalStart ?? false;
    const starts = global ? globalStarts(solver) : [{ theta: initialParameters(solver), cost: 0 }];
    const noiseVarRow = noise ? noise.sd * noise.sd : solver.rss / g.rows;
    const solveOptions = {
      priors,
      priorNoiseVariance: noiseVarRow,
      maxIterations: o.maxIterations ?? 60,
      tolerance: o.tolerance ?? 1e-5,
      minGain: o.minGain,
    };
    let res = this.solveFromStarts(starts, solveOptions, global ? noise : undefined);
    if (o.amplitudes === 'signed-refit') {
      solver.setSignedAmplitudes(true);
      const refit = solver.solve(res.theta, solveOptions);
      res = {
        ...refit,
        iterations: res.iterations + refit.iterations,
        converged: res.converged && refit.converged,
      };
    }
    if (o.amplitudes === 'signed' || o.amplitudes === 'signed-refit') {
      solver.setSignedAmplitudes(true);
      solver.evaluate(res.theta);
    }
    return res;
  }

  /**
   * The uncertainty step at the solver's solution: the noise σ² of the CRLB (the residual's, over the degrees of
   * freedom, or the signal-free regions'), the covariance, and each component's and sum's amplitude with its CRLB.
   */
  private uncertainty(noise: NoiseEstimate | undefined, warnings: Diagnostic[]): Uncertainty {
    const o = this.options;
    const solver = this.solver;
    const g = this.grid;
    // Degrees of freedom: θ, the passive linear columns and the baseline's effective dimension.
    const K = this.model.nonnegColumns;
    const passive = solver.coef.reduce((s, v, i) => s + (solver.free[i] === 1 || v > 0 ? 1 : 0), 0);
    const dof = solver.nParams + passive + this.baseline.effectiveDimension * (g.complexRows ? 2 : 1);
    const resVar = solver.rss / Math.max(1, g.rows - dof);
    const useRegion = o.noise === 'region' && noise !== undefined;
    if (o.noise === 'region' && !noise) warnings.push({ code: 'no-noise-region' });
    const sigma2 = useRegion ? noise.sd * noise.sd : resVar;
    const cov = covariance(solver, sigma2);
    const ampCov = amplitudeCovariance(cov, K);
    const components: ComponentResult[] = this.names.map((name, k) => {
      const amplitude = solver.coef[k];
      const crlb = Math.sqrt(Math.max(0, ampCov[k * K + k]));
      const protons = this.protons[k];
      return {
        name,
        group: this.groups[k],
        amplitude,
        crlb,
        crlbPercent: percent(crlb, amplitude),
        ...(protons !== undefined ? { protons } : {}),
      };
    });
    const combined: CombinedResult[] = this.combinations.map((c) => {
      const idx = c.members.map((m) => this.names.indexOf(m));
      const amplitude = idx.reduce((s, i) => s + solver.coef[i], 0);
      const crlb = Math.sqrt(combinedVariance(ampCov, K, idx));
      return {
        name: c.name,
        group: 'combination',
        members: c.members,
        amplitude,
        crlb,
        crlbPercent: percent(crlb, amplitude),
      };
    });
    return {
      sigma2,
      source: useRegion ? 'region' : 'residual',
      ampCov,
      parameterSd: parameterSd(cov),
      components,
      combined,
    };
  }

  /** The report step: window spectra, quality measures, parameters in report units and the warnings. */
  private report(
    res: VarproResult,
    u: Uncertainty,
    noise: NoiseEstimate | undefined,
    warnings: Diagnostic[],
    t0: number,
  ): FitResult {
    const o = this.options;
    const model = this.model;
    const g = this.grid;
    const theta = res.theta;
    const spectra = this.spectra(theta);
    const residualSd = realSd(spectra.residual);
    const noiseSd = noise?.sd;
    let peak = 0;
    const metab = new Float64Array(2 * g.bins);
    for (const c of spectra.components) for (let i = 0; i < metab.length; i++) metab[i] += c[i];
    for (let j = 0; j < g.bins; j++) peak = Math.max(peak, metab[2 * j]);
    const snr = peak / (noiseSd ?? residualSd);
    const lw = model.linewidths(theta);
    const firstGroup = this.groups.includes('metabolite') ? 'metabolite' : (Object.keys(lw)[0] ?? '');
    const fwhmHz = lw[firstGroup] ?? Object.values(lw)[0] ?? 0;
    const parameters = this.reportParameters(theta, u.parameterSd);
    this.addWarnings(warnings, res, theta, u.components, residualSd, noiseSd, spectra, metab);
    const seconds = (performance.now() - t0) / 1000;
    return {
      components: u.components,
      combined: u.combined,
      correlation: correlationMatrix(u.ampCov, model.nonnegColumns),
      covariance: u.ampCov,
      parameters,
      linewidthsHz: lw,
      quality: {
        residualSd,
        noiseSd,
        crlbNoiseSd: Math.sqrt(u.sigma2),
        crlbNoiseSource: u.source,
        residualToNoise: noiseSd ? residualSd / noiseSd : undefined,
        snr,
        fwhmHz,
        fwhmPpm: fwhmHz / g.spectrometerFrequency,
        iterations: res.iterations,
        evaluations: res.evaluations,
        converged: res.converged,
        seconds,
      },
      warnings,
      spectra,
      settings: {
        model: o.model ?? 'voigt',
        ppmRange: g.ppmRange,
        points: g.points,
        dwellTime: g.dwellTime,
        spectrometerFrequency: g.spectrometerFrequency,
        ppmReference: g.ppmReference,
        zeroFill: g.fftSize / g.points,
        baseline: this.baselineSettings(),
        residualWaterLines: model.waterLines,
        basisResampling: this.resampling,
      },
    };
  }

  /**
   * Levenberg–Marquardt from the best start; while the fit ends with a residual above RESTART_RESIDUAL× the
   * noise (a local minimum, or a model that misses signal), again from the next start whose parameters differ,
   * up to MAX_RESTARTS more, keeping the lowest cost. Without a noise estimate only the best start is run.
   */
  private solveFromStarts(
    starts: StartCandidate[],
    solveOptions: VarproOptions,
    noise: NoiseEstimate | undefined,
  ): VarproResult {
    const solver = this.solver;
    const rows = this.grid.rows;
    let best = solver.solve(starts[0].theta, solveOptions);
    let bestCoef = Float64Array.from(solver.coef);
    let total = best.iterations;
    const misfit = () => noise !== undefined && solver.rss / rows > (RESTART_RESIDUAL * noise.sd) ** 2;
    let restarts = 0;
    for (let s = 1; s < starts.length && restarts < MAX_RESTARTS && misfit(); s++) {
      if (!distinctStart(starts[s].theta, starts.slice(0, s), solver)) continue;
      restarts++;
      const r = solver.solve(starts[s].theta, solveOptions);
      total += r.iterations;
      if (r.cost < best.cost) {
        best = r;
        bestCoef = Float64Array.from(solver.coef);
      } else {
        solver.coef.set(bestCoef);
        solver.evaluate(best.theta);
      }
    }
    return { ...best, iterations: total };
  }

  private baselineSettings(): FitResult['settings']['baseline'] {
    if (this.options.baseline?.kind === 'gaussian') {
      const lines = this.model.freeColumns / 2 - this.model.waterLines;
      return { kind: 'gaussian', functions: lines, effectiveDimension: lines, lambda: 0 };
    }
    return {
      kind: this.baseline.kind,
      functions: this.baseline.functions,
      effectiveDimension: this.baseline.effectiveDimension,
      lambda: this.baseline.lambda,
    };
  }

  /** Window spectra at the solver's current state, phase-corrected for display. */
  private spectra(theta: Float64Array): FitSpectra {
    const g = this.grid;
    const s = this.solver;
    const model = this.model;
    const nb = g.bins;
    const K = model.nonnegColumns;
    const cplx = g.complexRows;
    const toComplex = (rowsV: Float64Array): Float64Array => {
      const out = new Float64Array(2 * nb);
      for (let j = 0; j < nb; j++) {
        out[2 * j] = cplx ? rowsV[2 * j] : rowsV[j];
        out[2 * j + 1] = cplx ? rowsV[2 * j + 1] : 0;
      }
      return out;
    };
    const data = toComplex(s.data);
    const residual = toComplex(s.residual);
    const baseline = new Float64Array(2 * nb);
    model.baselineSpectrum(s.coef, baseline);
    if (this.baseline.functions > 0) {
      const re = new Float64Array(nb);
      evaluateBaseline(this.baseline, s.baseCoef, re, 0);
      const im = new Float64Array(nb);
      if (cplx) evaluateBaseline(this.baseline, s.baseCoef, im, this.baseline.functions);
      for (let j = 0; j < nb; j++) {
        baseline[2 * j] = re[j];
        baseline[2 * j + 1] = im[j];
      }
    }
    const water = new Float64Array(2 * nb);
    model.waterSpectrum(s.coef, water);
    const components: Float64Array[] = [];
    for (let k = 0; k < K; k++) {
      const c = new Float64Array(2 * nb);
      const a = s.coef[k];
      for (let i = 0; i < 2 * nb; i++) c[i] = a * model.componentWindow[k * 2 * nb + i];
      components.push(c);
    }
    const fit = new Float64Array(2 * nb);
    for (let i = 0; i < 2 * nb; i++) fit[i] = data[i] - residual[i];
    if (!cplx) {
      // Only the real part was fitted; show the imaginary part of the model as computed.
      for (let j = 0; j < nb; j++) {
        let im = baseline[2 * j + 1] + water[2 * j + 1];
        for (const c of components) im += c[2 * j + 1];
        fit[2 * j + 1] = im;
      }
    }
    // Undo the fitted phase so the real part is absorptive (real-only data are already phased: the fitted
    // real part is what was compared).
    const ph1i = model.params.findIndex((p) => p.role === 'phase1');
    const centre = 0.5 * (g.ppm[0] + g.ppm[nb - 1]);
    const all = [data, fit, baseline, water, residual, ...components];
    for (let j = 0; j < nb && cplx; j++) {
      const ph = theta[0] + (ph1i >= 0 ? theta[ph1i] * (g.ppm[j] - centre) : 0);
      const c = Math.cos(-ph);
      const si = Math.sin(-ph);
      for (const v of all) {
        const re = v[2 * j];
        const im = v[2 * j + 1];
        v[2 * j] = re * c - im * si;
        v[2 * j + 1] = re * si + im * c;
      }
    }
    return {
      ppm: Float64Array.from(g.ppm),
      data,
      fit,
      baseline,
      water,
      residual,
      components,
      realOnly: !cplx,
    };
  }

  private reportParameters(theta: Float64Array, sd: Float64Array): ParameterResult[] {
    const mhz = this.grid.spectrometerFrequency;
    const deg = 180 / Math.PI;
    return this.model.params.map((p, i) => {
      const v = theta[i];
      switch (p.role) {
        case 'phase0':
          return { name: p.name, value: wrap(v) * deg, sd: sd[i] * deg, unit: 'deg' };
        case 'phase1':
          return { name: p.name, value: v * deg, sd: sd[i] * deg, unit: 'deg/ppm' };
        case 'gauss': {
          const fw = Math.sqrt(Math.max(0, v));
          // d(√G) = dG / (2√G)
          return {
            name: 'gaussianFwhm',
            value: fw,
            sd: fw > 0 ? sd[i] / (2 * fw) : Math.sqrt(sd[i]),
            unit: 'Hz',
          };
        }
        case 'water-frequency':
          return { name: p.name, value: this.grid.ppmReference - v / mhz, sd: sd[i] / mhz, unit: 'ppm' };
        case 'shift':
          return { name: p.name, value: v, sd: sd[i], unit: 'Hz' };
        default:
          return { name: p.name, value: v, sd: sd[i], unit: 'Hz' };
      }
    });
  }

  private addWarnings(
    warnings: Diagnostic[],
    res: { converged: boolean; iterations: number },
    theta: Float64Array,
    components: ComponentResult[],
    residualSd: number,
    noiseSd: number | undefined,
    spectra: FitSpectra,
    metab: Float64Array,
  ): void {
    if (!res.converged) warnings.push({ code: 'not-converged', iterations: res.iterations });
    this.model.params.forEach((p, i) => {
      // Residual-water lines are nuisance terms: one that narrows or drifts to a bound just carries little signal.
      if (p.role === 'phase0' || p.role === 'water-frequency' || p.role === 'water-damping') return;
      const span = p.upper - p.lower;
      const atLower = theta[i] <= p.lower + 1e-4 * span && p.lower !== 0;
      const atUpper = theta[i] >= p.upper - 1e-4 * span;
      if (atLower || atUpper) {
        const side = atUpper ? 'upper' : 'lower';
        warnings.push({
          code: 'at-bound',
          parameter: p.name,
          side,
          ...(p.group !== undefined ? { group: p.group } : {}),
        });
      }
    });
    const uncertain = components
      .filter((c) => c.amplitude > 0 && c.crlbPercent > CRLB_WARN_PERCENT)
      .map((c) => c.name);
    if (uncertain.length > 0) {
      warnings.push({ code: 'crlb-high', components: uncertain, limitPercent: CRLB_WARN_PERCENT });
    }
    if (components.every((c) => c.amplitude === 0)) {
      warnings.push({ code: 'no-signal' });
    }
    if (noiseSd && residualSd > 1.2 * noiseSd) {
      warnings.push({ code: 'residual-high', ratio: residualSd / noiseSd });
    }
    let bMax = 0;
    let mMax = 0;
    for (let j = 0; j < this.grid.bins; j++) {
      bMax = Math.max(bMax, Math.abs(spectra.baseline[2 * j]));
      mMax = Math.max(mMax, Math.abs(metab[2 * j]));
    }
    if (mMax > 0 && bMax > 0.5 * mMax) {
      warnings.push({ code: 'baseline-large', percent: (100 * bMax) / mMax });
    }
  }
}

/** CRLB (% of the amplitude) above which a component is reported as not quantifiable. */
const CRLB_WARN_PERCENT = 50;

/** Residual SD over noise SD above which the fit is restarted from the next start of the global stage. */
const RESTART_RESIDUAL = 1.2;
const MAX_RESTARTS = 2;

/** A start worth a restart: its phase, a shift or a width differs from every start tried before by a meaningful step. */
function distinctStart(theta: Float64Array, before: StartCandidate[], solver: VarproSolver): boolean {
  const specs = solver.model.params;
  return before.every((b) =>
    specs.some((p, i) => {
      const d = Math.abs(theta[i] - b.theta[i]);
      if (p.role === 'phase0') return Math.abs(wrap(theta[i] - b.theta[i])) > 0.2;
      if (p.role === 'shift') return d > 1;
      if (p.role === 'damping') return d > 3;
      return false;
    }),
  );
}

function percent(sd: number, amplitude: number): number {
  return amplitude > 0 ? (100 * sd) / amplitude : Number.POSITIVE_INFINITY;
}

/** SD of the real parts of an interleaved complex array. */
export function realSd(c: Float64Array): number {
  const n = c.length >> 1;
  let s = 0;
  let ss = 0;
  for (let j = 0; j < n; j++) {
    s += c[2 * j];
    ss += c[2 * j] * c[2 * j];
  }
  const m = s / n;
  return Math.sqrt(Math.max(0, ss / n - m * m));
}

function selectComponents(basis: BasisSet, o: FitOptions): BasisSet {
  if (!o.include && !o.exclude) return basis;
  const unknown = [...(o.include ?? []), ...(o.exclude ?? [])].filter((n) => !basis.names.includes(n));
  if (unknown.length) {
    throw new InputError(`unknown component(s) ${unknown.join(', ')}`, {
      field: 'include/exclude',
      expected: `names in the basis (${basis.names.join(', ')})`,
    });
  }
  const keep = basis.names
    .map((n, i) => ({ n, i }))
    .filter(({ n }) => (!o.include || o.include.includes(n)) && !(o.exclude ?? []).includes(n));
  if (keep.length === 0) throw new InputError('no components left to fit', { field: 'include/exclude' });
  return { ...basis, names: keep.map((k) => k.n), fids: keep.map((k) => basis.fids[k.i]) };
}

function residualWaterFor(
  grid: FitGrid,
  opt: ResidualWaterOptions | boolean | undefined,
): ResidualWaterOptions | undefined {
  if (opt === false) return undefined;
  if (opt === true) return {};
  if (opt) return opt;
  const [lo, hi] = grid.ppmRange;
  return lo <= 4.4 && hi >= 4.9 ? {} : undefined;
}

/** One-shot convenience: prepare a fitter for this FID's geometry and fit it. */
export function fitSpectrum(fid: Fid, basis: BasisSet, options: FitOptions = {}): FitResult {
  return new Fitter(basis, fid, options).fit(fid);
}
