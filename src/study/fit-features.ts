import { Matrix, solve } from 'ml-matrix';
import { dot, gramRows } from '../linalg/index.js';
import type { Diagnostic } from '../fit/diagnostics.js';
import type { FitOptions, FitResult } from '../fit/fit.js';
import { LIVER_FIT_OPTIONS } from '../fit/liver.js';
import { fitStatus, type ResultStatus } from '../fit/status.js';

/**
 * From an NLLS fit to the per-spectrum values priors estimation needs, in the simulator's parameter names
 * (truth.csv columns, docs/simulation.md §1): amplitudes with their CRLB (`crlb_<c>`), and the nuisance
 * parameters from the fit's nonlinear parameters with their SDs (`sd_<column>`), converted to the simulator's
 * definitions:
 *
 * - `lw_<c>`: the Lorentzian damping (Hz FWHM) of the component's damping group; `gauss_hz`: the Gaussian FWHM.
 * - `shift_hz`: the global shift (positive = higher ppm in both models).
 * - phases: the fitter's phase is φ0 + φ1·(δ − δc) about the window centre δc, the simulator's φ0' + φ1·(δ −
 *   ppmReference), so φ0' = φ0 + φ1·(ppmReference − δc) (wrapped to ±180°).
 * - `snr`: the simulator's definition (max of the real, phased, noise-free spectrum within 1.3 ± 0.2 ppm, moved
 *   by the shift, over the SD of the real frequency-domain noise), on the fitted model and the residual noise.
 * - residual water: the fitted water lines (their complex amplitudes recovered by least squares from the fitted
 *   water spectrum and their analytic DFTs) as one line: amplitude and phase of Σα_j (the FID's first point),
 *   offset from the |α|²-weighted mean frequency relative to 4.65 ppm, width of the strongest line; a line
 *   broader than 100 Hz models baseline under the water and is left out.
 * The baseline amplitude has no counterpart in the fit's spline baseline and is left to the template cohort.
 */
export interface SpectrumFit {
  amplitudes: number[];
  crlb: number[];
  /** truth.csv nuisance columns (and lw_<component>). */
  columns: Record<string, number>;
  /** SDs of the columns that have one (from the fit's covariance). */
  sd: Record<string, number>;
  converged: boolean;
  seconds: number;
  warnings: Diagnostic[];
  /** The fit's status (fit/status.ts): a failed fit is left out of the priors. */
  status?: ResultStatus;
}

/**
 * A "fit" that returns given amplitudes exactly (no CRLB, no nuisance columns): the plug-in analyses of the
 * prior estimators on true amplitudes (bench/study-information.ts).
 */
export function exactFit(amplitudes: number[]): SpectrumFit {
  return {
    amplitudes,
    crlb: amplitudes.map(() => 0),
    columns: {},
    sd: {},
    converged: true,
    seconds: 0,
    warnings: [],
  };
}

/** The fit settings of the virtual study (docs/validation.md): the liver preset with the changes listed there. */
export const STUDY_FIT_OPTIONS: FitOptions = {
  ...LIVER_FIT_OPTIONS,
  // The simulator's baseline (broad Gaussians at 0..6 ppm) needs a more flexible spline than the 1.0 ED/ppm of
  // the preset: at 1.0 the lipid errors were 3–6× their CRLB, at 4 ED/ppm consistent with it (z RMS ≈ 1).
  baseline: { kind: 'spline', knotSpacingPpm: 0.15, edPerPpm: 4 },
  // The signal model has one frequency shift and its own Lorentzian width for glycogen.
  shift: 'global',
  groups: { Glyc: 'glycogen' },
};

export interface NuisanceContext {
  ppmReference: number;
  spectrometerFrequency: number;
  points: number;
  /** Residual-water centre of the signal model (ppm). */
  waterPpm?: number;
  snrPeak?: { ppm: number; halfWidthPpm: number };
}

export function spectrumFit(r: FitResult, ctx: NuisanceContext): SpectrumFit {
  const columns: Record<string, number> = {};
  const sd: Record<string, number> = {};
  const param = (name: string) => r.parameters.find((p) => p.name === name);
  const set = (col: string, value: number, s?: number) => {
    columns[col] = value;
    if (s !== undefined && Number.isFinite(s)) sd[col] = s;
  };
  for (const c of r.components) {
    const d = param(`damping.${c.group}`);
    if (d) set(`lw_${c.name}`, d.value, d.sd);
  }
  const g = param('gaussianFwhm');
  if (g) set('gauss_hz', g.value, g.sd);
  const shifts = r.parameters.filter((p) => p.name.startsWith('shift.'));
  const shift =
    shifts.find((p) => p.name === 'shift.all') ?? shifts.find((p) => p.name === 'shift.lipid') ?? shifts[0];
  const shiftHz = shift?.value ?? 0;
  if (shift) set('shift_hz', shift.value, shift.sd);
  const ph0 = param('phase0');
  const ph1 = param('phase1');
  const centre = 0.5 * (r.settings.ppmRange[0] + r.settings.ppmRange[1]);
  const lever = ctx.ppmReference - centre;
  if (ph0) {
    const v1 = ph1?.value ?? 0;
    const s1 = ph1?.sd ?? 0;
    set('phi0_deg', wrapDegrees(ph0.value + v1 * lever), Math.hypot(ph0.sd, s1 * lever));
  }
  if (ph1) set('phi1_deg_per_ppm', ph1.value, ph1.sd);
  const snr = fittedSnr(r, ctx, shiftHz);
  if (snr !== undefined) columns.snr = snr;
  Object.assign(columns, waterLine(r, ctx));
  return {
    amplitudes: r.components.map((c) => c.amplitude),
    crlb: r.components.map((c) => c.crlb),
    columns,
    sd,
    converged: r.quality.converged,
    seconds: r.quality.seconds,
    warnings: r.warnings,
    status: fitStatus(r).build(),
  };
}

export function wrapDegrees(d: number): number {
  const w = ((((d + 180) % 360) + 360) % 360) - 180;
  return w === -180 ? 180 : w;
}

function fittedSnr(r: FitResult, ctx: NuisanceContext, shiftHz: number): number | undefined {
  const peak = ctx.snrPeak ?? { ppm: 1.3, halfWidthPpm: 0.2 };
  const centre = peak.ppm + shiftHz / ctx.spectrometerFrequency;
  const s = r.spectra;
  let m = Number.NEGATIVE_INFINITY;
  let mAbs = 0;
  for (let j = 0; j < s.ppm.length; j++) {
    if (Math.abs(s.ppm[j] - centre) > peak.halfWidthPpm) continue;
    m = Math.max(m, s.fit[2 * j]);
    mAbs = Math.max(mAbs, Math.hypot(s.fit[2 * j], s.fit[2 * j + 1]));
  }
  // The residual noise (RSS / (rows − dof)): the SD of signal-free regions is inflated by the tails of the
  // broad lipid lines and the baseline (measured up to 2× on simulated liver spectra, residual 0.9–1.1×).
  const noise = r.quality.crlbNoiseSource === 'residual' ? r.quality.crlbNoiseSd : r.quality.residualSd;
  if (!(noise > 0) || !Number.isFinite(mAbs) || mAbs === 0) return undefined;
  return (m > 0 ? m : mAbs) / noise;
}

function waterLine(r: FitResult, ctx: NuisanceContext): Record<string, number> {
  const s = r.spectra;
  const deg = Math.PI / 180;
  const ph0 = (r.parameters.find((p) => p.name === 'phase0')?.value ?? 0) * deg;
  const ph1 = (r.parameters.find((p) => p.name === 'phase1')?.value ?? 0) * deg;
  const centre = 0.5 * (r.settings.ppmRange[0] + r.settings.ppmRange[1]);
  const nb = s.ppm.length;
  // The displayed water was multiplied by e^{-iφ(δ)}: undo it to get the fitted (unphased) lines.
  const y = new Float64Array(2 * nb);
  for (let j = 0; j < nb; j++) {
    const phi = ph0 + ph1 * (s.ppm[j] - centre);
    const c = Math.cos(phi);
    const si = Math.sin(phi);
    y[2 * j] = s.water[2 * j] * c - s.water[2 * j + 1] * si;
    y[2 * j + 1] = s.water[2 * j] * si + s.water[2 * j + 1] * c;
  }
  // Each fitted line w(t) = e^{(i2πf − πd)t} has the DFT Σ_n z^n = (1 − z^N)/(1 − z), z = e^{(i2π(f − f_k) − πd)dt};
  // its complex amplitude α (= FID(0)) follows by least squares on the window.
  const mhz = ctx.spectrometerFrequency;
  const N = r.settings.points;
  const dt = r.settings.dwellTime;
  const lines = r.parameters
    .filter((p) => p.name.startsWith('water.frequency.'))
    .map((f) => {
      const w = r.parameters.find((p) => p.name === `water.width.${f.name.slice('water.frequency.'.length)}`);
      return { ppm: f.value, width: w?.value ?? 20 };
    });
  if (lines.length === 0) return {};
  const shapes = lines.map(({ ppm, width }) => {
    const f = (ctx.ppmReference - ppm) * mhz;
    const out = new Float64Array(2 * nb);
    for (let j = 0; j < nb; j++) {
      const fk = (ctx.ppmReference - s.ppm[j]) * mhz;
      const decay = -Math.PI * width * dt;
      const ang = 2 * Math.PI * (f - fk) * dt;
      const zr = Math.exp(decay) * Math.cos(ang);
      const zi = Math.exp(decay) * Math.sin(ang);
      const zNr = Math.exp(decay * N) * Math.cos(ang * N);
      const zNi = Math.exp(decay * N) * Math.sin(ang * N);
      const nr = 1 - zNr;
      const ni = -zNi;
      const dr = 1 - zr;
      const di = -zi;
      const den = dr * dr + di * di;
      out[2 * j] = (nr * dr + ni * di) / den;
      out[2 * j + 1] = (ni * dr - nr * di) / den;
    }
    return out;
  });
  const alpha = complexLeastSquares(shapes, y);
  let re = 0;
  let im = 0;
  let w = 0;
  let wp = 0;
  let width = lines[0].width;
  let best = -1;
  alpha.forEach(([ar, ai], j) => {
    // A line broader than BROAD_WATER_HZ stands in for baseline, not for the water resonance.
    if (lines[j].width > BROAD_WATER_HZ && lines.some((l) => l.width <= BROAD_WATER_HZ)) return;
    re += ar;
    im += ai;
    const m2 = ar * ar + ai * ai;
    w += m2;
    wp += m2 * lines[j].ppm;
    if (m2 > best) {
      best = m2;
      width = lines[j].width;
    }
  });
  if (!(w > 0)) return {};
  return {
    water_amp: Math.hypot(re, im),
    water_phase_deg: Math.atan2(im, re) / deg,
    water_offset_hz: (wp / w - (ctx.waterPpm ?? 4.65)) * mhz,
    water_lw_hz: width,
  };
}

export const BROAD_WATER_HZ = 100;

/** Complex α minimising ‖y − Σ_j α_j x_j‖² (normal equations, solved as a real system by SVD). */
function complexLeastSquares(x: Float64Array[], y: Float64Array): [number, number][] {
  const m = x.length;
  const len = y.length;
  const p = 2 * m;
  // Real form: rows [Re x_j, Im x_j] for α_j.re and [−Im x_j, Re x_j] for α_j.im over samples (re, im).
  const cols = new Float64Array(p * len);
  x.forEach((xj, j) => {
    const a = 2 * j * len;
    const b = a + len;
    for (let k = 0; k < len; k += 2) {
      cols[a + k] = xj[k];
      cols[a + k + 1] = xj[k + 1];
      cols[b + k] = -xj[k + 1];
      cols[b + k + 1] = xj[k];
    }
  });
  const gram = new Float64Array(p * p);
  gramRows(cols, p, len, gram);
  const g = Matrix.from1DArray(p, p, gram);
  const rhs = new Matrix(p, 1);
  for (let i = 0; i < p; i++) {
    rhs.set(i, 0, dot(cols.subarray(i * len, (i + 1) * len), y));
    g.set(i, i, g.get(i, i) * (1 + 1e-12) + 1e-300);
  }
  const sol = solve(g, rhs, true).to1DArray();
  return Array.from({ length: m }, (_, j) => [sol[2 * j], sol[2 * j + 1]] as [number, number]);
}
