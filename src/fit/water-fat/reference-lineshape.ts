import type { Fid } from '../../core/fid.js';
import { ifft } from '../../spectra/fft.js';
import { envelopeFwhm } from '../../spectra/lineshape.js';
import { type FitOptions, type FitResult, Fitter } from '../fit.js';
import { WATER_PPM } from '../../physics/chemistry.js';
import type { WaterFatFitter } from './water-fat-fit.js';

/**
 * A non-parametric lineshape for the water–fat fit: the water line itself is the reference lineshape of every
 * resonance (reference deconvolution, Morris et al. J Magn Reson 1997;125:221; QUALITY, de Graaf et al. MRM
 * 1990;13:343): B0 inhomogeneity, eddy currents and motion shape every line of the voxel alike, so the part of
 * the water line that is not Voigt is a kernel k(t) that multiplies every component's FID.
 *
 * The model of a component is a·b(t)·k(t)·V(t): b the singlets (water; Hamilton fat), V the Voigt envelope of the
 * engine (one Lorentzian width and shift per group — fat's own width is its extra broadening for T2 differences
 * —, a shared Gaussian, phases). k starts at 1 (the Voigt fit) and is refined a few times:
 *
 *   1. the residual of the current fit, in a band of ±BAND_PPM around the fitted water line (cosine taper over
 *      its outer 30 %), back in the time domain: r(t), the part of the water line the model misses, with the fat
 *      model (and the baseline) already taken out;
 *   2. k ← k·(1 + w(t)·r(t)/M(t)), M(t) the fitted water FID, w(t) a weight that is 1 where |M| is well above
 *      the band's noise and falls to 0 where the water signal sinks into it (there the kernel stays what it
 *      was, the Voigt shape by default): noise is not deconvolved into the kernel;
 *   3. k(0) = 1, so the water amplitude stays the area of a fitted component and the fat amplitudes theirs;
 *   4. refit with the basis multiplied by k.
 *
 * The refinement stops when the residual no longer falls by REFINE_GAIN; the fit with the smallest residual is
 * returned. Water far beyond the band (wings) is still the Voigt part of the model.
 */
export type LineshapeModel = 'voigt' | 'reference';
/** The user's choice: one model, or 'auto' (water-lines.ts: the reference kept when it lowers the residual). */
export type LineshapeMode = LineshapeModel | 'auto';

/**
 * Band half-width around water (ppm). Real water lines have wings far beyond a few linewidths (eddy currents,
 * shim): on the real water references of test/extdata a band of 20 FWHMs (≤ 1.5 ppm) left 4.5–5× the noise and
 * ±1.5 ppm 3.5–4× (bench water-fat-lineshape). ±1.5 ppm keeps the resolved fat lines (0.9–2.75 ppm) outside; the
 * fat lines under water (4.1–5.3 ppm) are inside, but the band holds only the residual after the fat model, so
 * they stay the fat component's (simulated FF error no worse than Voigt's, docs/water-fat.md §3b).
 */
export const BAND_PPM = 1.5;
/** Reliability of the water signal in the band (|M| over the band's time-domain noise): weight 0 below, 1 above. */
const RELIABLE: [number, number] = [4, 16];
const MAX_ITERATIONS = 4;
/** Water's width and shift held by priors this tight (Hz) while the kernel is refined. */
const FROZEN_SD_HZ = 0.01;
/** A further refinement must lower the residual SD by at least this fraction. */
const REFINE_GAIN = 0.02;

export interface ReferenceLineshapeReport {
  model: 'reference';
  iterations: number;
  /** Half-width of the band around water the kernel is taken from (Hz). */
  bandHz: number;
  /** Time up to which the kernel departs from the Voigt shape (water above the band's noise), ms. */
  reliableMs: number;
  /** Residual / noise of the Voigt fit and of the kept reference fit. */
  residualToNoise: { voigt?: number; reference?: number };
  note: string;
}

/** k(t) of the refined model (complex, one value per FID point); the Gaussian of the Voigt fit at the start. */
export interface Kernel {
  re: Float64Array;
  im: Float64Array;
}

/** Refines the Voigt fit `first` of the referenced FID `fid` with the water line as reference lineshape. */
export function refineWithReferenceLineshape(
  wf: WaterFatFitter,
  fid: Fid,
  first: FitResult,
): { fit: FitResult; report: ReferenceLineshapeReport; kernel: Kernel } {
  const n = fid.points;
  const g = wf.fitter.grid;
  const param = (name: string) => first.parameters.find((p) => p.name === name)?.value ?? 0;
  // The water line's Voigt parameters of the first fit are frozen: the kernel takes the Gaussian (so the model
  // is Lorentzian from here on) and whatever the residual shows; water's width and shift are held by tight
  // priors so that kernel and parameters cannot trade the same shape back and forth between refinements.
  const water = {
    gammaHz: param('damping.water'),
    shiftHz: param('shift.water'),
  };
  const ga = (Math.PI * param('gaussianFwhm')) ** 2 / (4 * Math.LN2);
  let kernel: Kernel = {
    re: Float64Array.from({ length: n }, (_, m) => Math.exp(-ga * (m * g.dwellTime) ** 2)),
    im: new Float64Array(n),
  };
  const options: FitOptions = {
    ...wf.fitOptions,
    model: 'lorentzian',
    priors: [
      ...(wf.fitOptions.priors ?? []),
      { param: 'damping.water', mean: water.gammaHz, sd: FROZEN_SD_HZ },
      { param: 'shift.water', mean: water.shiftHz, sd: FROZEN_SD_HZ },
    ],
  };
  let best = first;
  let bandHz = 0;
  let reliableMs = 0;
  let iterations = 0;
  for (let it = 0; it < MAX_ITERATIONS; it++) {
    const step = refineKernel(wf, best, kernel, water);
    if (!step) break;
    const fitter = new Fitter(
      { ...wf.basis, fids: wf.basis.fids.map((b) => multiply(b, step.kernel)) },
      fid,
      options,
    );
    const fit = fitter.fit(fid);
    const gain = fit.quality.residualSd < (1 - REFINE_GAIN) * best.quality.residualSd;
    if (fit.quality.residualSd < best.quality.residualSd) {
      best = fit;
      kernel = step.kernel;
      ({ bandHz, reliableMs } = step);
      iterations = it + 1;
    }
    if (!gain) break;
  }
  if (iterations > 0) setLinewidths(best, kernel, g.dwellTime);
  const f = (x: number | undefined) => (x === undefined ? '–' : x.toFixed(1));
  const residualToNoise = {
    voigt: first.quality.residualToNoise,
    reference: best.quality.residualToNoise,
  };
  return {
    fit: best,
    kernel,
    report: {
      model: 'reference',
      iterations,
      bandHz,
      reliableMs,
      residualToNoise,
      note:
        iterations === 0
          ? `reference lineshape: the water line gave no kernel that lowered the residual (Voigt kept, residual ${f(residualToNoise.voigt)} × noise)`
          : `reference lineshape from the water line (±${bandHz.toFixed(0)} Hz, ${reliableMs.toFixed(0)} ms, ${iterations} refinement${iterations > 1 ? 's' : ''}): residual ${f(residualToNoise.voigt)} → ${f(residualToNoise.reference)} × noise`,
    },
  };
}

/**
 * One refinement of the kernel from the residual around the water line (steps 1–3 above). The water model is
 * M(t) = a·b_w(t)·k(t)·e^{−(πγ + i2πΔf)t} with the frozen γ, Δf and the current amplitude a.
 */
function refineKernel(
  wf: WaterFatFitter,
  fit: FitResult,
  kernel: Kernel,
  water: { gammaHz: number; shiftHz: number },
): { kernel: Kernel; bandHz: number; reliableMs: number } | undefined {
  const g = wf.fitter.grid;
  const n = g.points;
  const nf = g.fftSize;
  const mhz = g.spectrometerFrequency;
  const dt = g.dwellTime;
  const a = fit.components[wf.waterIndex[0]]?.amplitude ?? 0;
  if (!(a > 0)) return undefined;
  const { gammaHz: gamma, shiftHz } = water;
  const bandHz = BAND_PPM * mhz;
  const centre = WATER_PPM + shiftHz / mhz;
  // Band-limited residual, in the unphased frame of the model (FitSpectra are phase-corrected), on the FFT grid.
  const { ppm, residual } = fit.spectra;
  const spec = new Float64Array(2 * nf);
  const taper = 0.3 * bandHz;
  let bins = 0;
  for (let j = 0; j < ppm.length; j++) {
    const d = Math.abs(ppm[j] - centre) * mhz;
    if (d >= bandHz) continue;
    const w = d <= bandHz - taper ? 1 : 0.5 * (1 + Math.cos((Math.PI * (d - bandHz + taper)) / taper));
    const k = g.fftIndex[j];
    spec[2 * k] = w * residual[2 * j];
    spec[2 * k + 1] = w * residual[2 * j + 1];
    bins += w * w;
  }
  if (bins < 3) return undefined;
  const r = ifft(spec);
  // Time-domain noise SD (per real part) of the band-limited residual: σ_f·√bins / N for an unnormalised FFT.
  const sigmaF = fit.quality.noiseSd ?? fit.quality.residualSd;
  const sigmaR = (sigmaF * Math.sqrt(bins)) / nf;
  // Fitted water FID (unphased), M(t) = a·b_w(t)·k(t)·e^{−(πγ + i2πΔf)t − π²G t²/(4 ln 2)}.
  const wBasis = 2 * Math.PI * (g.ppmReference - WATER_PPM) * mhz * dt;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  let reliable = 0;
  for (let m = 0; m < n; m++) {
    const t = m * dt;
    // u = a·b_w(t)·e^{−(πγ + i2πΔf)t}: M = u·k, and the refined kernel is k + w·r/u.
    const env = a * Math.exp(-Math.PI * gamma * t);
    const ph = wBasis * m - 2 * Math.PI * shiftHz * t;
    const ur = env * Math.cos(ph);
    const ui = env * Math.sin(ph);
    const mr = ur * kernel.re[m] - ui * kernel.im[m];
    const mi = ur * kernel.im[m] + ui * kernel.re[m];
    // Reliability: the water signal the data show here (model plus band residual) over the band's noise.
    const q = sigmaR > 0 ? Math.hypot(mr + r[2 * m], mi + r[2 * m + 1]) / sigmaR : Number.POSITIVE_INFINITY;
    const w =
      q <= RELIABLE[0]
        ? 0
        : q >= RELIABLE[1]
          ? 1
          : 0.5 * (1 - Math.cos((Math.PI * (q - RELIABLE[0])) / (RELIABLE[1] - RELIABLE[0])));
    re[m] = kernel.re[m];
    im[m] = kernel.im[m];
    const u2 = ur * ur + ui * ui;
    if (w === 0 || !(u2 > 0)) continue;
    if (w === 1) reliable = m;
    re[m] += (w * (r[2 * m] * ur + r[2 * m + 1] * ui)) / u2;
    im[m] += (w * (r[2 * m + 1] * ur - r[2 * m] * ui)) / u2;
  }
  // k(0) = 1: the amplitude stays the component's area.
  const n0 = re[0] * re[0] + im[0] * im[0];
  if (!(n0 > 0)) return undefined;
  const c0r = re[0] / n0;
  const c0i = -im[0] / n0;
  for (let m = 0; m < n; m++) {
    const x = re[m];
    re[m] = x * c0r - im[m] * c0i;
    im[m] = x * c0i + im[m] * c0r;
  }
  return { kernel: { re, im }, bandHz, reliableMs: 1000 * reliable * dt };
}

/**
 * The engine reports each group's Lorentzian width only; with the kernel the lines are k(t)·e^{−πγt}, so their
 * FWHM (real part of the spectrum, spectra/lineshape.ts envelopeFwhm) replaces it: the widths reported and judged
 * (the 60 Hz status limit) are those of the fitted lines.
 */
function setLinewidths(fit: FitResult, kernel: Kernel, dwellTime: number): void {
  const n = kernel.re.length;
  const widths: Record<string, number> = {};
  for (const group of Object.keys(fit.linewidthsHz)) {
    const gamma = fit.parameters.find((p) => p.name === `damping.${group}`)?.value ?? 0;
    const env = new Float64Array(2 * n);
    for (let m = 0; m < n; m++) {
      const d = Math.exp(-Math.PI * gamma * m * dwellTime);
      env[2 * m] = kernel.re[m] * d;
      env[2 * m + 1] = kernel.im[m] * d;
    }
    widths[group] = envelopeFwhm(env, dwellTime);
  }
  fit.linewidthsHz = widths;
  const first = Object.values(widths)[0];
  if (first !== undefined) {
    fit.quality.fwhmHz = first;
    fit.quality.fwhmPpm = first / fit.settings.spectrometerFrequency;
  }
}

function multiply(b: Float64Array, k: Kernel): Float64Array {
  const out = new Float64Array(b.length);
  for (let m = 0; m < b.length >> 1; m++) {
    out[2 * m] = b[2 * m] * k.re[m] - b[2 * m + 1] * k.im[m];
    out[2 * m + 1] = b[2 * m] * k.im[m] + b[2 * m + 1] * k.re[m];
  }
  return out;
}
