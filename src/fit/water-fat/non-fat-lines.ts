import { choleskyInPlace, choleskySolveInPlace } from '../../linalg/real.js';
import { WATER_PPM } from '../../physics/chemistry.js';
import { FftWork } from '../fft-work.js';
import { type FitResult, realSd } from '../fit.js';
import type { FitGrid } from '../grid.js';
import { GramNnls } from '../nnls.js';

/**
 * A nuisance stage for signals that are neither water nor fat, run after the water–fat fit with every one of its
 * parameters held: the fat fraction and its SD are those of the water–fat fit, whatever this stage finds.
 *
 * Water references of the brain (and, at high SNR, of other tissues) hold metabolites and macromolecules at
 * ~1/4,000 of water (NAA 2.01, creatine 3.03/3.91, choline 3.19 ppm, …) that a water–fat model has no component
 * for; they leave the residual at 3–4× the noise on the real references of docs/water-fat.md §3b. Fitting such
 * lines jointly with water and fat moved the fat fraction far beyond its SD (at 1.5 T NAA and fat's 2.1 ppm line
 * are not separable), so here they are fitted to the residual only:
 *
 *   residual(ν) ≈ Σ_i a_i·L_i(ν),  a_i ≥ 0,
 *
 * L_i the water line's own lineshape (the reference kernel, or the Voigt water line) moved to line i's shift,
 * with one extra Lorentzian width shared by the singlets, a fixed one for multiplets and macromolecules; one shift
 * offset shared by all lines (brain temperature and referencing move metabolites against water by a few
 * hundredths of a ppm). The amplitudes are non-negative least squares on the complex phased residual; the offset
 * and the extra width are searched on a grid. The stage is kept only when the residual SD falls below
 * KEEP_NON_FAT × the water–fat fit's; its lines are never counted as fat.
 *
 * Water sidebands: gradient vibration modulates the phase of the water signal, W(t)·e^{iβ sin 2πf_s t}, which
 * puts lines of the water's own shape at water ± f_s with amplitudes ±J₁(β)·W, of opposite sign (amplitude
 * modulation gives equal signs; Clayton et al., J Magn Reson 2001;153:203). On the 7 T STEAM references of
 * test/extdata one sits at 2.87 ppm (−27 noise SDs, water − 544 Hz; its partner at 6.53 ppm, outside the window).
 * One pair is searched (f_s ≥ SIDEBAND_MIN_PPM from water, a signed amplitude for each of its lines that lies in
 * the window) on the residual left by the lines above, and taken only when it explains at least
 * SIDEBAND_MIN_CHI2 noise variances. Lines are fitted before sidebands: a sideband that falls on a metabolite's
 * shift is taken by that line (neither is fat).
 *
 * The result is a nuisance record: the water–fat numbers, and the fat fraction's SD, are the fit's; only the
 * residual the status judges is the whole model's (water, fat and these lines).
 *
 * Shifts: Govindaraju et al., NMR Biomed 2000;13:129 (metabolites); macromolecules Behar et al., MRM
 * 1994;32:294 (0.90, 1.21, 1.39, 1.67, 2.05, 2.29, 3.00 ppm), their T2 of 20–40 ms (Cudalbu et al., NMR Biomed
 * 2021;34:e4393) giving Lorentzian widths of at least ~10 Hz.
 */
export interface NonFatLineSpec {
  name: string;
  ppm: number;
  /** 'singlet': water's width plus the searched extra; 'multiplet' / 'macromolecule': broader, fixed. */
  kind: 'singlet' | 'multiplet' | 'macromolecule';
}

export const NON_FAT_LINES: readonly NonFatLineSpec[] = [
  { name: 'NAA', ppm: 2.008, kind: 'singlet' },
  { name: 'Cr', ppm: 3.027, kind: 'singlet' },
  { name: 'Cr CH2', ppm: 3.913, kind: 'singlet' },
  { name: 'Cho', ppm: 3.19, kind: 'singlet' },
  { name: 'mI', ppm: 3.56, kind: 'multiplet' },
  { name: 'Glx 2.1', ppm: 2.1, kind: 'multiplet' },
  { name: 'Glx 2.35', ppm: 2.35, kind: 'multiplet' },
  { name: 'Glx 3.75', ppm: 3.75, kind: 'multiplet' },
  { name: 'NAA 2.6', ppm: 2.6, kind: 'multiplet' },
  { name: 'Tau/Glc 3.4', ppm: 3.4, kind: 'multiplet' },
  { name: 'MM 0.90', ppm: 0.9, kind: 'macromolecule' },
  { name: 'MM 1.21', ppm: 1.21, kind: 'macromolecule' },
  { name: 'MM 1.39', ppm: 1.39, kind: 'macromolecule' },
  { name: 'MM 1.67', ppm: 1.67, kind: 'macromolecule' },
  { name: 'MM 2.05', ppm: 2.05, kind: 'macromolecule' },
  { name: 'MM 2.29', ppm: 2.29, kind: 'macromolecule' },
  { name: 'MM 3.00', ppm: 3.0, kind: 'macromolecule' },
];

/** The stage is kept when the residual SD falls below this fraction of the water–fat fit's (10 % lower). */
export const KEEP_NON_FAT = 0.9;
/**
 * The stage is tried on water-dominated spectra only: signal fat fraction below this (percent). Beside fat lines
 * hundreds of times larger than any metabolite, what a fat-rich spectrum leaves is the fat lines' own shape, and
 * the lines here would take it under a metabolite's name: on the simulated sets of bench water-fat-lineshape
 * (no metabolites) the stage lowered the residual by 10 % only on spectra with signal FF 48–99 % (MM 1.67 and
 * NAA beside fat's 1.59 and 2.02 ppm lines), while the real brain and phantom references have FF ≤ 10 %.
 */
export const NON_FAT_MAX_FAT_FRACTION = 20;
/** Extra Lorentzian width of multiplets (ppm: their spread of J couplings and shifts). */
const MULTIPLET_PPM = 0.05;
/** Extra Lorentzian width of macromolecules: 0.1 ppm, at least MM_MIN_HZ (T2 20–40 ms). */
const MM_PPM = 0.1;
const MM_MIN_HZ = 10;
/** Shared shift offsets searched (ppm) and the singlets' extra Lorentzian widths (Hz, may narrow water's). */
const SHIFT_STEP_PPM = 0.01;
const SHIFT_MAX_PPM = 0.08;
const EXTRA_HZ = [-2, 0, 2, 4, 8];
/** Sidebands: at least this far from water (ppm; the reference kernel takes what is within ±1.5 ppm anyway). */
const SIDEBAND_MIN_PPM = 0.5;
/**
 * A sideband pair is taken when it lowers the residual sum of squares by this many noise variances. An artefact
 * must be plain to be fitted as one: on the real references the 7 T pairs explain 8,000–10,000, the best
 * candidates of the GE and Philips files 350–660 (there the metabolites and macromolecules already bring the
 * residual to ≤ 2× the noise); in noise alone the largest of ~2,000 positions' χ²₂ is ~15.
 */
const SIDEBAND_MIN_CHI2 = 2000;

export interface NonFatLinesReport {
  kept: boolean;
  /** Residual / noise of the water–fat fit and with the non-fat lines. */
  residualToNoise: { without?: number; with?: number };
  /** Shared shift offset (ppm) and the singlets' extra width (Hz) of the best fit. */
  shiftPpm?: number;
  extraWidthHz?: number;
  /** The lines fitted above zero: area in the units of the water amplitude, SD, and area over water's. */
  lines: { name: string; ppm: number; area: number; sd: number; toWater: number }[];
  /** A water sideband pair: its distance from water (Hz) and its lines in the window (signed areas, as above). */
  sidebands?: { offsetHz: number; lines: { ppm: number; area: number; sd: number; toWater: number }[] };
  note: string;
}

/** The lineshape every line carries: the water line's kernel (or 1), width and shift (Hz) of the fit. */
export interface WaterLineshape {
  kernel?: { re: Float64Array; im: Float64Array };
  gammaHz: number;
  shiftHz: number;
  /** Gaussian FWHM (Hz) of a Voigt fit (with a kernel the Gaussian is inside it). */
  gaussianHz: number;
}

/** Renders lines of the water's lineshape on the fit window (phased frame: the fit's components are). */
class LineRenderer {
  private readonly base: Float64Array;
  private readonly fftw: FftWork;
  constructor(
    readonly grid: FitGrid,
    readonly shape: WaterLineshape,
  ) {
    const n = grid.points;
    const dt = grid.dwellTime;
    const ga = (Math.PI * shape.gaussianHz) ** 2 / (4 * Math.LN2);
    this.base = new Float64Array(2 * n);
    for (let m = 0; m < n; m++) {
      const t = m * dt;
      const g = ga > 0 ? Math.exp(-ga * t * t) : 1;
      this.base[2 * m] = (shape.kernel?.re[m] ?? 1) * g;
      this.base[2 * m + 1] = (shape.kernel?.im[m] ?? 0) * g;
    }
    this.fftw = new FftWork(grid.fftSize);
  }

  /** The full zero-filled spectrum (fft order) of a unit line at `ppm` (water's frame) with `extraHz` width. */
  spectrum(ppm: number, extraHz: number): Float64Array {
    const { grid, shape, base } = this;
    const n = grid.points;
    const dt = grid.dwellTime;
    const gamma = Math.max(0, shape.gammaHz + extraHz);
    // The water line moved from WATER_PPM to `ppm`: e^{iωm}, as fit/water-fat/water-fat-fit.ts renderSinglets.
    const w = 2 * Math.PI * ((grid.ppmReference - ppm) * grid.spectrometerFrequency - shape.shiftHz) * dt;
    const inp = this.fftw.input;
    inp.fill(0);
    // e^{(−πγ·dt + iω)m} by recurrence (one complex product per point), re-seeded every 256 points.
    const mag = Math.exp(-Math.PI * gamma * dt);
    const zr = mag * Math.cos(w);
    const zi = mag * Math.sin(w);
    let cr = 1;
    let ci = 0;
    for (let m = 0; m < n; m++) {
      if ((m & 255) === 0) {
        const e = Math.exp(-Math.PI * gamma * m * dt);
        cr = e * Math.cos(w * m);
        ci = e * Math.sin(w * m);
      }
      inp[2 * m] = base[2 * m] * cr - base[2 * m + 1] * ci;
      inp[2 * m + 1] = base[2 * m] * ci + base[2 * m + 1] * cr;
      const t = cr * zr - ci * zi;
      ci = cr * zi + ci * zr;
      cr = t;
    }
    return this.fftw.forward();
  }

  /** The window part of a line (complex interleaved, 2·bins) into `out` at `offset`. */
  window(ppm: number, extraHz: number, out: Float64Array, offset: number): void {
    const s = this.spectrum(ppm, extraHz);
    const idx = this.grid.fftIndex;
    for (let j = 0; j < this.grid.bins; j++) {
      out[offset + 2 * j] = s[2 * idx[j]];
      out[offset + 2 * j + 1] = s[2 * idx[j] + 1];
    }
  }
}

/** Least squares of `y` on columns (complex interleaved, `len` values each), some signed: coefficients, rest. */
function solveColumns(
  cols: Float64Array,
  k: number,
  len: number,
  y: Float64Array,
  free: Uint8Array,
): { x: Float64Array; rest: Float64Array } {
  const G = new Float64Array(k * k);
  const h = new Float64Array(k);
  for (let a = 0; a < k; a++) {
    for (let b = 0; b <= a; b++) {
      let s = 0;
      for (let i = 0; i < len; i++) s += cols[a * len + i] * cols[b * len + i];
      G[a * k + b] = s;
      G[b * k + a] = s;
    }
    let s = 0;
    for (let i = 0; i < len; i++) s += cols[a * len + i] * y[i];
    h[a] = s;
  }
  const x = new Float64Array(k);
  if (k > 0) new GramNnls(k).solve(G, h, free, x);
  const rest = Float64Array.from(y);
  for (let c = 0; c < k; c++) {
    if (x[c] === 0) continue;
    for (let i = 0; i < len; i++) rest[i] -= x[c] * cols[c * len + i];
  }
  return { x, rest };
}

/**
 * Fits the non-fat lines to the residual of `fit` (held). `water` is the water amplitude (for toWater).
 * Returns undefined when the fit has no noise estimate to judge the residual with.
 */
export function fitNonFatLines(
  fit: FitResult,
  grid: FitGrid,
  shape: WaterLineshape,
  water: number,
  lines: readonly NonFatLineSpec[] = NON_FAT_LINES,
): NonFatLinesReport | undefined {
  const noiseSd = fit.quality.noiseSd;
  if (!(noiseSd && noiseSd > 0)) return undefined;
  const without = fit.quality.residualToNoise;
  const { residual } = fit.spectra;
  const nb = grid.bins;
  const len = 2 * nb;
  const mhz = grid.spectrometerFrequency;
  const render = new LineRenderer(grid, shape);
  const inWindow = lines.filter((l) => l.ppm > grid.ppm[nb - 1] && l.ppm < grid.ppm[0]);
  const K = inWindow.length;
  const extraOf = (l: NonFatLineSpec, singlet: number) =>
    l.kind === 'singlet'
      ? singlet
      : l.kind === 'multiplet'
        ? MULTIPLET_PPM * mhz
        : Math.max(MM_PPM * mhz, MM_MIN_HZ);
  // Columns: the K lines, then (when found) the two sidebands.
  const cols = new Float64Array((K + 2) * len);
  const free = new Uint8Array(K + 2);
  free[K] = 1;
  free[K + 1] = 1;
  /** Renders the lines at `offset` with the singlets' `extra` width (only the singlets when the rest are there). */
  const renderLines = (offset: number, extra: number, singletsOnly = false) =>
    inWindow.forEach((l, c) => {
      if (singletsOnly && l.kind !== 'singlet') return;
      render.window(l.ppm + offset, extraOf(l, extra), cols, c * len);
    });
  type Best = { offset: number; extra: number; x: Float64Array; rest: Float64Array; sd: number };
  let best: Best | undefined;
  const tryAt = (offset: number, extra: number, singletsOnly = false) => {
    renderLines(offset, extra, singletsOnly);
    const r = solveColumns(cols, K, len, residual, free);
    const sd = realSd(r.rest);
    if (!best || sd < best.sd) best = { offset, extra, ...r, sd };
  };
  // The offset with the singlets at water's width (every second step, then the steps beside the best), then the
  // singlets' width at that offset.
  const steps = Math.round(SHIFT_MAX_PPM / SHIFT_STEP_PPM);
  for (let s = -steps; s <= steps; s += 2) tryAt(s * SHIFT_STEP_PPM, 0);
  const coarse = (best as Best | undefined)?.offset ?? 0;
  for (const d of [-1, 1]) {
    const o = coarse + d * SHIFT_STEP_PPM;
    if (Math.abs(o) <= SHIFT_MAX_PPM + 1e-9) tryAt(o, 0);
  }
  const offset0 = (best as Best | undefined)?.offset ?? 0;
  renderLines(offset0, 0);
  for (const e of EXTRA_HZ) if (e !== 0) tryAt(offset0, e, true);
  const b = best as Best | undefined;
  if (!b) return undefined;
  renderLines(b.offset, b.extra);
  // A water sideband pair on what the lines leave.
  const side = searchSideband(render, b.rest, noiseSd);
  let x = b.x;
  let rest = b.rest;
  let k = K;
  if (side) {
    side.ppm.forEach((p, i) => {
      render.window(p, 0, cols, (K + i) * len);
    });
    k = K + side.ppm.length;
    ({ x, rest } = solveColumns(cols, k, len, residual, free));
  }
  const sd = realSd(rest);
  const withRatio = sd / noiseSd;
  const f = (v: number | undefined) => (v === undefined ? '–' : v.toFixed(1));
  const kept = sd < KEEP_NON_FAT * fit.quality.residualSd;
  if (!kept) {
    return {
      kept: false,
      residualToNoise: { without, with: withRatio },
      lines: [],
      note: `non-fat lines not kept: residual ${f(without)} → ${f(withRatio)} × noise (needs < ${KEEP_NON_FAT} ×)`,
    };
  }
  // SDs: the inverse Gram matrix of the columns in use (lines above zero, sidebands), times the noise variance.
  const on = [...x.keys()].filter((c) => c < k && (c >= K || x[c] > 0));
  const sds = columnSds(cols, len, on, noiseSd);
  const sdOf = (c: number) => sds[on.indexOf(c)] ?? 0;
  const per = (v: number) => (water > 0 ? v / water : 0);
  const found = on
    .filter((c) => c < K)
    .map((c) => ({
      name: inWindow[c].name,
      ppm: inWindow[c].ppm + b.offset,
      area: x[c],
      sd: sdOf(c),
      toWater: per(x[c]),
    }));
  const named = found
    .filter((l) => l.area > 2 * l.sd)
    .sort((p, q) => q.area - p.area)
    .slice(0, 4)
    .map((l) => `${l.name} ${(1e4 * l.toWater).toFixed(1)}`)
    .join(', ');
  const sidebands = side
    ? {
        offsetHz: side.offsetHz,
        lines: side.ppm.map((p, i) => ({ ppm: p, area: x[K + i], sd: sdOf(K + i), toWater: per(x[K + i]) })),
      }
    : undefined;
  const sideText = sidebands
    ? `; water sidebands at ±${sidebands.offsetHz.toFixed(0)} Hz (${sidebands.lines.map((l) => `${l.ppm.toFixed(2)} ppm ${(1e4 * l.toWater).toFixed(1)}`).join(', ')} per 10,000 of water)`
    : '';
  return {
    kept: true,
    residualToNoise: { without, with: withRatio },
    shiftPpm: b.offset,
    extraWidthHz: b.extra,
    lines: found,
    ...(sidebands ? { sidebands } : {}),
    note:
      `non-fat lines (brain metabolites and macromolecules, not counted as fat; water–fat fit held) fitted to the ` +
      `residual: ${f(without)} → ${f(withRatio)} × noise${named ? `; largest per 10,000 of water: ${named}` : ''}${sideText}`,
  };
}

/**
 * The sideband pair at water ± f_s that explains most of `y`: a coarse search over whole bins of the zero-filled
 * spectrum (the water line moved by index), then the best position to a quarter bin by rendering. Undefined when
 * no pair lowers the sum of squares by SIDEBAND_MIN_CHI2 noise variances.
 */
function searchSideband(
  render: LineRenderer,
  y: Float64Array,
  noiseSd: number,
): { offsetHz: number; ppm: number[] } | undefined {
  const g = render.grid;
  const nf = g.fftSize;
  const nb = g.bins;
  const mhz = g.spectrometerFrequency;
  const df = 1 / (nf * g.dwellTime);
  const centre = WATER_PPM + render.shape.shiftHz / mhz;
  const t = Float64Array.from(render.spectrum(WATER_PPM, 0));
  const minBins = Math.ceil((SIDEBAND_MIN_PPM * mhz) / df);
  const maxBins = Math.floor(((g.ppm[0] - g.ppm[nb - 1]) * mhz) / df);
  // Only the lines of the pair whose centre lies in the window are fitted (a partner outside it would be fitted
  // by its tail alone, to whatever else lies there).
  const inside = (ppm: number) => ppm > g.ppm[nb - 1] && ppm < g.ppm[0];
  const pair = (hz: number) => [centre - hz / mhz, centre + hz / mhz].filter(inside);
  const a = new Float64Array(2 * nb);
  const bcol = new Float64Array(2 * nb);
  const shifted = (d: number, out: Float64Array) => {
    for (let j = 0; j < nb; j++) {
      const k = (((g.fftIndex[j] - d) % nf) + nf) % nf;
      out[2 * j] = t[2 * k];
      out[2 * j + 1] = t[2 * k + 1];
    }
  };
  /** The columns of the pair at `hz` (index-shifted or rendered) into a, bcol; how many. */
  const columns = (hz: number, exact: boolean): number => {
    const lines = pair(hz);
    const put = (ppm: number, out: Float64Array) => {
      if (exact) render.window(ppm, 0, out, 0);
      // A line at lower ppm sits at higher frequency: d bins up (grid.ts: ppm = reference − f / MHz).
      else shifted(Math.round(((centre - ppm) * mhz) / df), out);
    };
    lines.forEach((p, i) => {
      put(p, i === 0 ? a : bcol);
    });
    return lines.length;
  };
  let bestD = 0;
  let bestR = 0;
  for (let d = minBins; d <= maxBins; d++) {
    const r = reduction(a, bcol, columns(d * df, false), y);
    if (r > bestR) {
      bestR = r;
      bestD = d;
    }
  }
  if (bestR < SIDEBAND_MIN_CHI2 * noiseSd * noiseSd) return undefined;
  // Refine to a quarter bin with rendered lines (the shift of an index is exact only on the grid).
  let bestHz = bestD * df;
  let bestRefined = 0;
  for (const q of [-0.5, -0.25, 0, 0.25, 0.5]) {
    const hz = (bestD + q) * df;
    const r = reduction(a, bcol, columns(hz, true), y);
    if (r > bestRefined) {
      bestRefined = r;
      bestHz = hz;
    }
  }
  return { offsetHz: bestHz, ppm: pair(bestHz) };
}

/** Reduction of the sum of squares of `y` by one (a) or two (a, b) signed columns: hᵀG⁻¹h. */
function reduction(a: Float64Array, b: Float64Array, count: number, y: Float64Array): number {
  let aa = 0;
  let bb = 0;
  let ab = 0;
  let ay = 0;
  let by = 0;
  for (let i = 0; i < a.length; i++) {
    aa += a[i] * a[i];
    ay += a[i] * y[i];
    if (count < 2) continue;
    bb += b[i] * b[i];
    ab += a[i] * b[i];
    by += b[i] * y[i];
  }
  if (count === 0 || !(aa > 0)) return 0;
  const det = aa * bb - ab * ab;
  if (count === 1 || !(det > 1e-12 * aa * bb)) return (ay * ay) / aa;
  return (bb * ay * ay - 2 * ab * ay * by + aa * by * by) / det;
}

/** SD of each column in `on` from (AᵀA)⁻¹σ², A the complex columns as real rows. */
function columnSds(cols: Float64Array, len: number, on: number[], noiseSd: number): number[] {
  const k = on.length;
  if (k === 0) return [];
  const g = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = 0; b <= a; b++) {
      let s = 0;
      const oa = on[a] * len;
      const ob = on[b] * len;
      for (let i = 0; i < len; i++) s += cols[oa + i] * cols[ob + i];
      g[a * k + b] = s;
      g[b * k + a] = s;
    }
  }
  choleskyInPlace(g, k);
  return on.map((_, i) => {
    const e = new Float64Array(k);
    e[i] = 1;
    choleskySolveInPlace(g, k, e);
    return noiseSd * Math.sqrt(Math.max(0, e[i]));
  });
}
