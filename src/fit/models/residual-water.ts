import { FftWork } from '../fft-work.js';
import { emitRows, type FitGrid, gatherWindow, ppmToFidHz } from '../grid.js';
import type { ParamSpec } from './model.js';

/**
 * Residual water inside the fit window, modelled rather than cut out: a few Lorentzian lines
 * w_j(t) = exp((i2πf_j − πd_j) t), each with a free complex amplitude (two unconstrained linear columns, so
 * absorptive, dispersive and mixed-phase residuals are all representable) and nonlinear frequency f_j (Hz, FID
 * convention) and width d_j (Hz FWHM). This is the parametric form HLSVD filters use (Pijnappel et al., J Magn
 * Reson 1992;97:122) fitted jointly with the metabolites, so a water tail under the 4.2–5.3 ppm lipid and
 * glycogen signals is estimated together with them instead of being subtracted beforehand.
 *
 * The lines are phased with the spectrum (the caller's phase factors e^{i(φ0 + φ1·(δ − δc))} per bin): the
 * complex amplitude takes φ0 and the water's own phase, and the first-order phase bends the water line as it
 * bends every other line (the simulator's model, simulate/signal-model.ts, applies φ1 after the FFT to all).
 */
export interface ResidualWaterOptions {
  /** Number of lines; 0 disables. Default 3. */
  lines?: number;
  /** Range (ppm) the line centres may move in. Default [4.35, 4.95]. */
  ppmRange?: [number, number];
  /** Allowed Lorentzian FWHM range (Hz). Default [5, 150]: narrower lines would fit noise spikes. */
  widthHz?: [number, number];
}

export const DEFAULT_RESIDUAL_WATER: Required<ResidualWaterOptions> = {
  lines: 3,
  ppmRange: [4.35, 4.95],
  widthHz: [5, 150],
};

export class ResidualWaterLines {
  readonly lines: number;
  readonly params: ParamSpec[] = [];
  private readonly grid: FitGrid;
  private readonly fftw: FftWork;
  private readonly win: Float64Array;
  /** Window spectrum of each line at the last forward call (lines × 2·bins). */
  private readonly lineWin: Float64Array;
  private readonly derivWin: Float64Array;
  private readonly last: Float64Array;
  private valid = false;

  constructor(grid: FitGrid, opts: ResidualWaterOptions = {}) {
    const o = { ...DEFAULT_RESIDUAL_WATER, ...opts };
    this.grid = grid;
    this.lines = o.lines;
    const [plo, phi] = [Math.min(...o.ppmRange), Math.max(...o.ppmRange)];
    const fA = ppmToFidHz(grid, phi);
    const fB = ppmToFidHz(grid, plo);
    for (let j = 0; j < o.lines; j++) {
      const ppm0 = o.lines === 1 ? 0.5 * (plo + phi) : plo + ((j + 0.5) * (phi - plo)) / o.lines;
      this.params.push({
        name: `water.frequency.${j + 1}`,
        role: 'water-frequency',
        lower: Math.min(fA, fB),
        upper: Math.max(fA, fB),
        init: ppmToFidHz(grid, ppm0),
        unit: 'Hz',
      });
      this.params.push({
        name: `water.width.${j + 1}`,
        role: 'water-damping',
        lower: o.widthHz[0],
        upper: o.widthHz[1],
        init: Math.min(o.widthHz[1], Math.max(o.widthHz[0], 20)),
        unit: 'Hz',
      });
    }
    this.fftw = new FftWork(grid.fftSize);
    this.win = new Float64Array(2 * grid.bins);
    this.lineWin = new Float64Array(o.lines * 2 * grid.bins);
    this.derivWin = new Float64Array(2 * grid.bins);
    this.last = new Float64Array(2 * o.lines);
  }

  get freeColumns(): number {
    return 2 * this.lines;
  }

  columnNames(): string[] {
    const out: string[] = [];
    for (let j = 0; j < this.lines; j++) out.push(`water${j + 1}.re`, `water${j + 1}.im`);
    return out;
  }

  /** Writes the 2·lines free columns starting at row-block `col0` of cols; θ offset p0; phase factors per bin. */
  forward(
    theta: Float64Array,
    p0: number,
    cols: Float64Array,
    col0: number,
    phaseRe: Float64Array,
    phaseIm: Float64Array,
  ): void {
    const g = this.grid;
    const rows = g.rows;
    const nb2 = 2 * g.bins;
    for (let j = 0; j < this.lines; j++) {
      const f = theta[p0 + 2 * j];
      const w = theta[p0 + 2 * j + 1];
      if (f !== this.last[2 * j] || w !== this.last[2 * j + 1] || !this.valid) {
        this.lineSpectrum(f, w, 0, this.win);
        this.lineWin.set(this.win, j * nb2);
        this.last[2 * j] = f;
        this.last[2 * j + 1] = w;
      } else {
        this.win.set(this.lineWin.subarray(j * nb2, (j + 1) * nb2));
      }
      rotate(this.win, phaseRe, phaseIm, g.bins);
      emitRows(g, this.win, cols, (col0 + 2 * j) * rows);
      // i·w: (re, im) -> (−im, re)
      for (let b = 0; b < g.bins; b++) {
        const re = this.win[2 * b];
        this.win[2 * b] = -this.win[2 * b + 1];
        this.win[2 * b + 1] = re;
      }
      emitRows(g, this.win, cols, (col0 + 2 * j + 1) * rows);
    }
    this.valid = true;
  }

  /** Jacobian rows for this term's parameters (2·lines rows starting at jac row p0). */
  jacobian(
    theta: Float64Array,
    p0: number,
    coef: Float64Array,
    c0: number,
    jac: Float64Array,
    phaseRe: Float64Array,
    phaseIm: Float64Array,
  ): void {
    const g = this.grid;
    const rows = g.rows;
    const d = this.derivWin;
    for (let j = 0; j < this.lines; j++) {
      const ar = coef[c0 + 2 * j];
      const ai = coef[c0 + 2 * j + 1];
      // FFT of t·w_j(t)
      this.lineSpectrum(theta[p0 + 2 * j], theta[p0 + 2 * j + 1], 1, this.win);
      // ∂/∂f = α · i2π · F[t w];  ∂/∂d = α · (−π) · F[t w]
      for (let b = 0; b < g.bins; b++) {
        const tr = this.win[2 * b];
        const ti = this.win[2 * b + 1];
        const pr = ar * tr - ai * ti;
        const pi = ar * ti + ai * tr;
        d[2 * b] = -2 * Math.PI * pi;
        d[2 * b + 1] = 2 * Math.PI * pr;
      }
      rotate(d, phaseRe, phaseIm, g.bins);
      emitRows(g, d, jac, (p0 + 2 * j) * rows);
      for (let b = 0; b < g.bins; b++) {
        const tr = this.win[2 * b];
        const ti = this.win[2 * b + 1];
        d[2 * b] = -Math.PI * (ar * tr - ai * ti);
        d[2 * b + 1] = -Math.PI * (ar * ti + ai * tr);
      }
      rotate(d, phaseRe, phaseIm, g.bins);
      emitRows(g, d, jac, (p0 + 2 * j + 1) * rows);
    }
  }

  /** out += e^{iφ} Σ_j α_j w_j, the complex window spectrum of the term at the last forward call. */
  addSpectrum(
    coef: Float64Array,
    c0: number,
    phaseRe: Float64Array,
    phaseIm: Float64Array,
    out: Float64Array,
  ): void {
    const nb2 = 2 * this.grid.bins;
    for (let j = 0; j < this.lines; j++) {
      const ar = coef[c0 + 2 * j];
      const ai = coef[c0 + 2 * j + 1];
      if (ar === 0 && ai === 0) continue;
      for (let b = 0; b < this.grid.bins; b++) {
        const lr = this.lineWin[j * nb2 + 2 * b];
        const li = this.lineWin[j * nb2 + 2 * b + 1];
        const vr = ar * lr - ai * li;
        const vi = ar * li + ai * lr;
        out[2 * b] += vr * phaseRe[b] - vi * phaseIm[b];
        out[2 * b + 1] += vr * phaseIm[b] + vi * phaseRe[b];
      }
    }
  }

  /** Window spectrum of t^power · exp((i2πf − πd)t). */
  private lineSpectrum(f: number, width: number, power: 0 | 1, out: Float64Array): void {
    const g = this.grid;
    const inp = this.fftw.input;
    const dt = g.dwellTime;
    // Recurrence z_n = z^n with z = exp((i2πf − πd)dt): one exp/cos/sin per line.
    const mag = Math.exp(-Math.PI * width * dt);
    const zr = mag * Math.cos(2 * Math.PI * f * dt);
    const zi = mag * Math.sin(2 * Math.PI * f * dt);
    let wr = 1;
    let wi = 0;
    for (let n = 0; n < g.points; n++) {
      const s = power === 1 ? g.time[n] : 1;
      inp[2 * n] = wr * s;
      inp[2 * n + 1] = wi * s;
      const nr = wr * zr - wi * zi;
      wi = wr * zi + wi * zr;
      wr = nr;
    }
    gatherWindow(g, this.fftw.forward(), out);
  }
}

/** v[b] ← v[b] · (re[b] + i·im[b]) over `bins` complex values. */
function rotate(v: Float64Array, re: Float64Array, im: Float64Array, bins: number): void {
  for (let b = 0; b < bins; b++) {
    const a = v[2 * b];
    const c = v[2 * b + 1];
    v[2 * b] = a * re[b] - c * im[b];
    v[2 * b + 1] = a * im[b] + c * re[b];
  }
}
