import { InputError } from '../../core/errors.js';
import { FftWork } from '../fft-work.js';
import { emitRows, type FitGrid, gatherWindow, ppmToFidHz } from '../grid.js';

/**
 * A baseline of broad Gaussian lines at fixed knots, in the form the cohort simulator draws
 * (simulate/signal-model.ts): Σ_j c_j e^{i2π f_j t} exp(−(π w t)²/(4 ln 2)), FWHM w, with a complex
 * coefficient c_j per knot, phased like the spectrum (zero- and first-order phase). Line j's window spectrum
 * L_j is computed as the data's is (same FID grid, same zero-filled DFT); the model holds it as two free linear
 * columns, e^{iφ(δ)} L_j and i·e^{iφ(δ)} L_j, so c_j is solved with the amplitudes and the baseline shares the
 * spectrum's phase, as in the simulator. Unpenalised: with the data's baseline inside the model, neither the
 * amplitudes nor their CRLBs carry a smoothing bias.
 */
export interface GaussianBaselineOptions {
  /** Centres (ppm) of the lines. Default 0, 1, …, 6 ppm (the cohorts' knots). */
  knotsPpm?: number[];
  /** FWHM (ppm) of the lines. Default 1.2. */
  fwhmPpm?: number;
}

export const DEFAULT_GAUSSIAN_BASELINE: Required<GaussianBaselineOptions> = {
  knotsPpm: [0, 1, 2, 3, 4, 5, 6],
  fwhmPpm: 1.2,
};

export class GaussianBaselineLines {
  readonly knots: number;
  /** Unphased window spectrum of each line (knots × 2·bins), unit RMS over the window. */
  private readonly lines: Float64Array;
  private readonly grid: FitGrid;
  private readonly win: Float64Array;

  constructor(grid: FitGrid, opts: GaussianBaselineOptions = {}) {
    const knots = opts.knotsPpm ?? DEFAULT_GAUSSIAN_BASELINE.knotsPpm;
    const fwhmPpm = opts.fwhmPpm ?? DEFAULT_GAUSSIAN_BASELINE.fwhmPpm;
    if (!(fwhmPpm > 0)) {
      throw new InputError(`Gaussian baseline FWHM ${fwhmPpm}`, {
        field: 'baseline.fwhmPpm',
        expected: 'a positive number of ppm',
      });
    }
    if (knots.length === 0 || knots.some((k) => !Number.isFinite(k))) {
      throw new InputError(`Gaussian baseline knots [${knots.join(', ')}]`, {
        field: 'baseline.knotsPpm',
        expected: 'one or more chemical shifts (ppm)',
      });
    }
    this.grid = grid;
    this.knots = knots.length;
    const nb = grid.bins;
    this.lines = new Float64Array(this.knots * 2 * nb);
    this.win = new Float64Array(2 * nb);
    const fftw = new FftWork(grid.fftSize);
    const dt = grid.dwellTime;
    const c = (Math.PI * fwhmPpm * grid.spectrometerFrequency * dt) ** 2 / (4 * Math.LN2);
    knots.forEach((ppm, j) => {
      const f = ppmToFidHz(grid, ppm);
      const inp = fftw.input;
      inp.fill(0);
      for (let t = 0; t < grid.points; t++) {
        const env = Math.exp(-c * t * t);
        const ang = 2 * Math.PI * f * t * dt;
        inp[2 * t] = env * Math.cos(ang);
        inp[2 * t + 1] = env * Math.sin(ang);
      }
      const line = this.lines.subarray(j * 2 * nb, (j + 1) * 2 * nb);
      gatherWindow(grid, fftw.forward(), line);
      // Unit RMS over the window: conditioning of the normal equations only.
      let ss = 0;
      for (let i = 0; i < 2 * nb; i++) ss += line[i] * line[i];
      const s = ss > 0 ? Math.sqrt(nb / ss) : 1;
      for (let i = 0; i < 2 * nb; i++) line[i] *= s;
    });
  }

  get freeColumns(): number {
    return 2 * this.knots;
  }

  columnNames(): string[] {
    const out: string[] = [];
    for (let j = 0; j < this.knots; j++) out.push(`baseline${j + 1}.re`, `baseline${j + 1}.im`);
    return out;
  }

  /** Writes the 2·knots columns e^{iφ}L_j and i·e^{iφ}L_j from column `col0` on (phase factors per bin). */
  forward(phaseRe: Float64Array, phaseIm: Float64Array, cols: Float64Array, col0: number): void {
    const g = this.grid;
    const nb = g.bins;
    const w = this.win;
    for (let j = 0; j < this.knots; j++) {
      const off = j * 2 * nb;
      for (let b = 0; b < nb; b++) {
        const lr = this.lines[off + 2 * b];
        const li = this.lines[off + 2 * b + 1];
        w[2 * b] = lr * phaseRe[b] - li * phaseIm[b];
        w[2 * b + 1] = lr * phaseIm[b] + li * phaseRe[b];
      }
      emitRows(g, w, cols, (col0 + 2 * j) * g.rows);
      for (let b = 0; b < nb; b++) {
        const re = w[2 * b];
        w[2 * b] = -w[2 * b + 1];
        w[2 * b + 1] = re;
      }
      emitRows(g, w, cols, (col0 + 2 * j + 1) * g.rows);
    }
  }

  /** out += Σ_j (a_j + i b_j) e^{iφ} L_j for the coefficients from coef[c0] on (complex window, 2·bins). */
  addSpectrum(
    coef: Float64Array,
    c0: number,
    phaseRe: Float64Array,
    phaseIm: Float64Array,
    out: Float64Array,
  ): void {
    const nb = this.grid.bins;
    for (let j = 0; j < this.knots; j++) {
      const ar = coef[c0 + 2 * j];
      const ai = coef[c0 + 2 * j + 1];
      if (ar === 0 && ai === 0) continue;
      const off = j * 2 * nb;
      for (let b = 0; b < nb; b++) {
        const lr = this.lines[off + 2 * b];
        const li = this.lines[off + 2 * b + 1];
        const pr = lr * phaseRe[b] - li * phaseIm[b];
        const pi = lr * phaseIm[b] + li * phaseRe[b];
        out[2 * b] += ar * pr - ai * pi;
        out[2 * b + 1] += ar * pi + ai * pr;
      }
    }
  }
}
