import { FftWork } from '../fft-work.js';
import { emitRows, type FitGrid, gatherWindow } from '../grid.js';
import type { ParamSpec, SpectralModel } from './model.js';
import { GaussianBaselineLines, type GaussianBaselineOptions } from './gaussian-baseline.js';
import { ResidualWaterLines, type ResidualWaterOptions } from './residual-water.js';

/**
 * Voigt linear-combination model (the FSL-MRS `voigt` / LCModel class of model):
 *
 *   S(ν) = e^{i(φ0 + φ1·(δ(ν) − δc))} · F[ Σ_k c_k b_k(t) · e^{−(πγ_{g(k)} + i2πΔf_{s(k)}) t} · e^{−π²G t²/(4 ln 2)} ](ν)
 *          + e^{i(φ0 + φ1·(δ(ν) − δc))} Σ_j α_j F[w_j](ν)   (residual water, see residual-water.ts)
 *          + e^{i(φ0 + φ1·(δ(ν) − δc))} Σ_j β_j L_j(ν)      (optional Gaussian-line baseline, gaussian-baseline.ts)
 *
 * b_k: basis FIDs on the data's time grid; c_k ≥ 0 amplitudes (linear); γ_g extra Lorentzian FWHM (Hz) per
 * damping group (a group of components, or each component); Δf_s frequency shift (Hz, positive = to higher
 * ppm) per shift group; G = (Gaussian FWHM in Hz)², shared by all components (parametrised by its square so the
 * gradient does not vanish at zero width); φ0 zero-order phase (rad); φ1 first-order phase (rad/ppm) about the
 * window centre δc. F is the (zero-filled) DFT in the internal convention.
 */
export interface VoigtOptions {
  /** Damping group of each component (names); components sharing a name share γ. */
  dampingGroups: string[];
  /** Shift group of each component. */
  shiftGroups: string[];
  /** Fit the shared Gaussian width. Default true. */
  gaussian?: boolean;
  /** Fit first-order phase. Default true. */
  phase1?: boolean;
  /** Bounds. */
  maxShiftHz?: number;
  maxDampingHz?: number;
  maxGaussianHz?: number;
  maxPhase1RadPerPpm?: number;
  /** Initial values. */
  initDampingHz?: number;
  initGaussianHz?: number;
  /** Residual water lines (omit or lines: 0 for none). */
  water?: ResidualWaterOptions;
  /** Lorentzian FWHM already in the basis (Hz), for reported linewidths. */
  basisLinewidthHz?: number;
  /** Baseline of broad Gaussian lines with complex coefficients, phased with the spectrum (omit for none). */
  gaussianBaseline?: GaussianBaselineOptions;
}

interface Pair {
  damping: number;
  shift: number;
  components: number[];
}

export class VoigtModel implements SpectralModel {
  readonly name: string = 'voigt';
  readonly grid: FitGrid;
  readonly params: ParamSpec[] = [];
  readonly nonnegColumns: number;
  readonly freeColumns: number;
  readonly columnNames: string[];
  readonly dampingNames: string[];
  readonly shiftNames: string[];
  private readonly basis: Float64Array[];
  private readonly pairs: Pair[];
  private readonly pairOf: Int32Array;
  private readonly hasGauss: boolean;
  private readonly hasPhase1: boolean;
  private readonly pPhase1: number;
  private readonly pShift: number;
  private readonly pDamp: number;
  private readonly pGauss: number;
  private readonly pWater: number;
  private readonly water: ResidualWaterLines | null;
  private readonly gbase: GaussianBaselineLines | null;
  private readonly gbase0: number;
  private readonly fftw: FftWork;
  private readonly decay: Float64Array;
  private readonly gaussT: Float64Array;
  private readonly phaseRe: Float64Array;
  private readonly phaseIm: Float64Array;
  /** Phased complex window spectrum of each component at the last forward call (K × 2·bins). */
  readonly componentWindow: Float64Array;
  /** Unphased window spectra of the lineshaped components (cache for phase-only changes). */
  private readonly rawWindow: Float64Array;
  private readonly lastShape: Float64Array;
  private shapeValid = false;
  private readonly dppm: Float64Array;
  private readonly tmp: Float64Array;
  private readonly sum: Float64Array;
  private readonly pairSum: Float64Array;
  private readonly basisLw: number;

  constructor(grid: FitGrid, basisFids: Float64Array[], names: string[], opts: VoigtOptions) {
    this.grid = grid;
    const k = basisFids.length;
    if (opts.dampingGroups.length !== k || opts.shiftGroups.length !== k) {
      throw new RangeError('voigt: one damping and one shift group per component');
    }
    this.basis = basisFids;
    this.hasGauss = opts.gaussian ?? true;
    this.hasPhase1 = opts.phase1 ?? true;
    this.basisLw = opts.basisLinewidthHz ?? 0;
    this.dampingNames = unique(opts.dampingGroups);
    this.shiftNames = unique(opts.shiftGroups);
    const dIdx = opts.dampingGroups.map((g) => this.dampingNames.indexOf(g));
    const sIdx = opts.shiftGroups.map((g) => this.shiftNames.indexOf(g));
    this.pairs = [];
    this.pairOf = new Int32Array(k);
    for (let c = 0; c < k; c++) {
      let p = this.pairs.findIndex((q) => q.damping === dIdx[c] && q.shift === sIdx[c]);
      if (p < 0) {
        p = this.pairs.length;
        this.pairs.push({ damping: dIdx[c], shift: sIdx[c], components: [] });
      }
      this.pairs[p].components.push(c);
      this.pairOf[c] = p;
    }
    const maxShift = opts.maxShiftHz ?? 0.2 * grid.spectrometerFrequency;
    const maxDamp = opts.maxDampingHz ?? 100;
    const maxGauss = opts.maxGaussianHz ?? 100;
    const maxPh1 = opts.maxPhase1RadPerPpm ?? (30 * Math.PI) / 180;
    this.params.push({
      name: 'phase0',
      role: 'phase0',
      lower: -4 * Math.PI,
      upper: 4 * Math.PI,
      init: 0,
      unit: 'rad',
    });
    this.pPhase1 = this.params.length;
    if (this.hasPhase1) {
      this.params.push({
        name: 'phase1',
        role: 'phase1',
        lower: -maxPh1,
        upper: maxPh1,
        init: 0,
        unit: 'rad/ppm',
      });
    }
    this.pShift = this.params.length;
    for (const s of this.shiftNames) {
      this.params.push({
        name: `shift.${s}`,
        role: 'shift',
        group: s,
        lower: -maxShift,
        upper: maxShift,
        init: 0,
        unit: 'Hz',
      });
    }
    this.pDamp = this.params.length;
    for (const d of this.dampingNames) {
      this.params.push({
        name: `damping.${d}`,
        role: 'damping',
        group: d,
        lower: 0,
        upper: maxDamp,
        init: Math.min(maxDamp, opts.initDampingHz ?? 2),
        unit: 'Hz',
      });
    }
    this.pGauss = this.params.length;
    if (this.hasGauss) {
      const g0 = Math.min(maxGauss, opts.initGaussianHz ?? 4);
      this.params.push({
        name: 'gauss',
        role: 'gauss',
        lower: 0,
        upper: maxGauss * maxGauss,
        init: g0 * g0,
        unit: 'Hz²',
      });
    }
    this.pWater = this.params.length;
    this.water = opts.water && (opts.water.lines ?? 3) > 0 ? new ResidualWaterLines(grid, opts.water) : null;
    if (this.water) this.params.push(...this.water.params);
    this.nonnegColumns = k;
    this.gbase = opts.gaussianBaseline ? new GaussianBaselineLines(grid, opts.gaussianBaseline) : null;
    this.gbase0 = k + (this.water ? this.water.freeColumns : 0);
    this.freeColumns = this.gbase0 - k + (this.gbase ? this.gbase.freeColumns : 0);
    this.columnNames = [
      ...names,
      ...(this.water ? this.water.columnNames() : []),
      ...(this.gbase ? this.gbase.columnNames() : []),
    ];
    const n = grid.points;
    this.fftw = new FftWork(grid.fftSize);
    this.decay = new Float64Array(this.pairs.length * 2 * n);
    this.gaussT = new Float64Array(n);
    this.phaseRe = new Float64Array(grid.bins);
    this.phaseIm = new Float64Array(grid.bins);
    this.componentWindow = new Float64Array(k * 2 * grid.bins);
    this.rawWindow = new Float64Array(k * 2 * grid.bins);
    this.lastShape = new Float64Array(this.params.length);
    const centre = 0.5 * (grid.ppm[0] + grid.ppm[grid.bins - 1]);
    this.dppm = grid.ppm.map((p) => p - centre);
    this.tmp = new Float64Array(2 * grid.bins);
    this.sum = new Float64Array(2 * grid.bins);
    this.pairSum = new Float64Array(this.pairs.length * 2 * n);
  }

  /** Index of the first shift / damping parameter, for callers that address them by group. */
  paramIndex(name: string): number {
    return this.params.findIndex((p) => p.name === name);
  }

  forward(theta: Float64Array, cols: Float64Array): void {
    const g = this.grid;
    const n = g.points;
    const nb = g.bins;
    const rows = g.rows;
    // Lineshape parameters (shifts, widths, Gaussian) need new FFTs; a change of phase alone does not.
    let same = this.shapeValid;
    for (let p = this.pShift; p < this.pWater; p++) {
      if (this.lastShape[p] !== theta[p]) same = false;
      this.lastShape[p] = theta[p];
    }
    this.shapeValid = true;
    this.prepare(theta, !same);
    const inp = this.fftw.input;
    const raw = this.rawWindow;
    const cw = this.componentWindow;
    const idx = g.fftIndex;
    for (let c = 0; c < this.basis.length; c++) {
      const base = c * 2 * nb;
      if (!same) {
        const b = this.basis[c];
        const d = this.decay;
        const off = this.pairOf[c] * 2 * n;
        for (let i = 0; i < 2 * n; i += 2) {
          const br = b[i];
          const bi = b[i + 1];
          const dr = d[off + i];
          const di = d[off + i + 1];
          inp[i] = br * dr - bi * di;
          inp[i + 1] = br * di + bi * dr;
        }
        const out = this.fftw.forward();
        for (let j = 0; j < nb; j++) {
          const kk = idx[j];
          raw[base + 2 * j] = out[2 * kk];
          raw[base + 2 * j + 1] = out[2 * kk + 1];
        }
      }
      for (let j = 0; j < nb; j++) {
        const sr = raw[base + 2 * j];
        const si = raw[base + 2 * j + 1];
        const pr = this.phaseRe[j];
        const pi = this.phaseIm[j];
        cw[base + 2 * j] = sr * pr - si * pi;
        cw[base + 2 * j + 1] = sr * pi + si * pr;
      }
      emitRows(g, cw.subarray(base, base + 2 * nb), cols, c * rows);
    }
    if (this.water) {
      this.water.forward(theta, this.pWater, cols, this.basis.length, this.phaseRe, this.phaseIm);
    }
    if (this.gbase) this.gbase.forward(this.phaseRe, this.phaseIm, cols, this.gbase0);
  }

  jacobian(theta: Float64Array, coef: Float64Array, jac: Float64Array): void {
    const g = this.grid;
    const n = g.points;
    const nb = g.bins;
    const rows = g.rows;
    const k = this.basis.length;
    // X = Σ c_k col_k (phased, complex window)
    const x = this.sum;
    x.fill(0);
    for (let c = 0; c < k; c++) {
      const a = coef[c];
      if (a === 0) continue;
      const base = c * 2 * nb;
      for (let i = 0; i < 2 * nb; i++) x[i] += a * this.componentWindow[base + i];
    }
    // Water and baseline lines share the phase (φ0, φ1 rows).
    if (this.water) this.water.addSpectrum(coef, k, this.phaseRe, this.phaseIm, x);
    if (this.gbase) this.gbase.addSpectrum(coef, this.gbase0, this.phaseRe, this.phaseIm, x);
    const t = this.tmp;
    // φ0: i·X
    for (let j = 0; j < nb; j++) {
      t[2 * j] = -x[2 * j + 1];
      t[2 * j + 1] = x[2 * j];
    }
    emitRows(g, t, jac, 0);
    if (this.hasPhase1) {
      for (let j = 0; j < nb; j++) {
        t[2 * j] = -x[2 * j + 1] * this.dppm[j];
        t[2 * j + 1] = x[2 * j] * this.dppm[j];
      }
      emitRows(g, t, jac, this.pPhase1 * rows);
    }
    // u_p(t) = decay_p(t) Σ_{k∈p} c_k b_k(t)
    const u = this.pairSum;
    u.fill(0);
    for (let p = 0; p < this.pairs.length; p++) {
      const off = p * 2 * n;
      for (const c of this.pairs[p].components) {
        const a = coef[c];
        if (a === 0) continue;
        const b = this.basis[c];
        for (let i = 0; i < 2 * n; i++) u[off + i] += a * b[i];
      }
      const d = this.decay;
      for (let i = 0; i < 2 * n; i += 2) {
        const ur = u[off + i];
        const ui = u[off + i + 1];
        u[off + i] = ur * d[off + i] - ui * d[off + i + 1];
        u[off + i + 1] = ur * d[off + i + 1] + ui * d[off + i];
      }
    }
    // Damping groups: −π · F[t Σ u_p]
    for (let dg = 0; dg < this.dampingNames.length; dg++) {
      this.transformSum((p) => p.damping === dg, 1, -Math.PI, 0);
      emitRows(g, t, jac, (this.pDamp + dg) * rows);
    }
    // Shift groups: −i2π · F[t Σ u_p]
    for (let sg = 0; sg < this.shiftNames.length; sg++) {
      this.transformSum((p) => p.shift === sg, 1, 0, -2 * Math.PI);
      emitRows(g, t, jac, (this.pShift + sg) * rows);
    }
    if (this.hasGauss) {
      this.transformSum(() => true, 2, -(Math.PI * Math.PI) / (4 * Math.LN2), 0);
      emitRows(g, t, jac, this.pGauss * rows);
    }
    if (this.water) this.water.jacobian(theta, this.pWater, coef, k, jac, this.phaseRe, this.phaseIm);
  }

  linewidths(theta: Float64Array): Record<string, number> {
    const out: Record<string, number> = {};
    const gHz = this.hasGauss ? Math.sqrt(Math.max(0, theta[this.pGauss])) : 0;
    this.dampingNames.forEach((name, i) => {
      out[name] = voigtFwhm(this.basisLw + theta[this.pDamp + i], gHz);
    });
    return out;
  }

  /** Number of residual-water lines. */
  get waterLines(): number {
    return this.water ? this.water.lines : 0;
  }

  /** Complex window spectrum of the Gaussian-line baseline at the last forward call (zeros when absent). */
  baselineSpectrum(coef: Float64Array, out: Float64Array): void {
    out.fill(0);
    if (this.gbase) this.gbase.addSpectrum(coef, this.gbase0, this.phaseRe, this.phaseIm, out);
  }

  /** Complex window spectrum of the residual-water term for coefficients `coef` (zeros when absent). */
  waterSpectrum(coef: Float64Array, out: Float64Array): void {
    out.fill(0);
    if (this.water) this.water.addSpectrum(coef, this.basis.length, this.phaseRe, this.phaseIm, out);
  }

  /**
   * tmp ← (phase) · (re + i·im) · F[t^power Σ_{p selected} u_p], the derivative spectrum of a group parameter.
   */
  private transformSum(select: (p: Pair) => boolean, power: 1 | 2, re: number, im: number): void {
    const g = this.grid;
    const n = g.points;
    const inp = this.fftw.input;
    for (let i = 0; i < 2 * n; i++) inp[i] = 0;
    for (let p = 0; p < this.pairs.length; p++) {
      if (!select(this.pairs[p])) continue;
      const off = p * 2 * n;
      for (let i = 0; i < 2 * n; i++) inp[i] += this.pairSum[off + i];
    }
    for (let m = 0; m < n; m++) {
      const s = power === 1 ? g.time[m] : g.time[m] * g.time[m];
      inp[2 * m] *= s;
      inp[2 * m + 1] *= s;
    }
    const out = this.fftw.forward();
    gatherWindow(g, out, this.tmp);
    const t = this.tmp;
    for (let j = 0; j < g.bins; j++) {
      const sr = t[2 * j];
      const si = t[2 * j + 1];
      // multiply by (re + i im), then by the phase factor
      const ar = sr * re - si * im;
      const ai = sr * im + si * re;
      const pr = this.phaseRe[j];
      const pi = this.phaseIm[j];
      t[2 * j] = ar * pr - ai * pi;
      t[2 * j + 1] = ar * pi + ai * pr;
    }
  }

  /** Decay per (damping, shift) pair and the phase ramp for θ. */
  private prepare(theta: Float64Array, shape: boolean): void {
    const g = this.grid;
    if (shape) this.prepareDecay(theta);
    const ph0 = theta[0];
    const ph1 = this.hasPhase1 ? theta[this.pPhase1] : 0;
    for (let j = 0; j < g.bins; j++) {
      const ph = ph0 + ph1 * this.dppm[j];
      this.phaseRe[j] = Math.cos(ph);
      this.phaseIm[j] = Math.sin(ph);
    }
  }

  private prepareDecay(theta: Float64Array): void {
    const g = this.grid;
    const n = g.points;
    const dt = g.dwellTime;
    const gauss = this.hasGauss ? Math.max(0, theta[this.pGauss]) : 0;
    const ga = (Math.PI * Math.PI * gauss) / (4 * Math.LN2);
    for (let m = 0; m < n; m++) this.gaussT[m] = ga > 0 ? Math.exp(-ga * g.time[m] * g.time[m]) : 1;
    for (let p = 0; p < this.pairs.length; p++) {
      const gam = theta[this.pDamp + this.pairs[p].damping];
      const df = theta[this.pShift + this.pairs[p].shift];
      const mag = Math.exp(-Math.PI * gam * dt);
      const zr = mag * Math.cos(-2 * Math.PI * df * dt);
      const zi = mag * Math.sin(-2 * Math.PI * df * dt);
      let wr = 1;
      let wi = 0;
      const off = p * 2 * n;
      for (let m = 0; m < n; m++) {
        // Re-anchor the recurrence every 256 steps so round-off cannot accumulate.
        if ((m & 255) === 0 && m > 0) {
          const e = Math.exp(-Math.PI * gam * g.time[m]);
          wr = e * Math.cos(-2 * Math.PI * df * g.time[m]);
          wi = e * Math.sin(-2 * Math.PI * df * g.time[m]);
        }
        const s = this.gaussT[m];
        this.decay[off + 2 * m] = wr * s;
        this.decay[off + 2 * m + 1] = wi * s;
        const nr = wr * zr - wi * zi;
        wi = wr * zi + wi * zr;
        wr = nr;
      }
    }
  }
}

function unique(a: string[]): string[] {
  return [...new Set(a)];
}

/** Voigt FWHM from Lorentzian and Gaussian FWHMs (Olivero & Longbothum, JQSRT 1977;17:233, 0.02% accuracy). */
export function voigtFwhm(lorentzHz: number, gaussHz: number): number {
  return 0.5346 * lorentzHz + Math.sqrt(0.2166 * lorentzHz * lorentzHz + gaussHz * gaussHz);
}
