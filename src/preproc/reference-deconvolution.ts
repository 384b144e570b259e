import { InputError } from '../core/errors.js';
import type { Fid } from '../core/fid.js';
import { envelopeFwhm } from '../spectra/lineshape.js';
import { shiftFidInPlace } from '../spectra/shift.js';
import { FAT_PEAKS, WATER_PPM } from '../physics/chemistry.js';
import { type HlsvdComponent, hlsvd, subtractComponents } from './hlsvd.js';

/**
 * Reference deconvolution with a water reference (QUALITY: de Graaf et al., MRM 1990;13:343; Morris et al.,
 * J Magn Reson 1997;125:221). Every resonance of a voxel shares the lineshape that B0 inhomogeneity, motion and
 * eddy currents give its water line, so the water reference's envelope w(t) (its water line moved to 0 Hz,
 * w(0) = 1) is that lineshape in the time domain. The data are multiplied by
 *
 *   c(t) = v(t) conj(w(t)) / max(|w(t)|², (v(t)/G)²),   v(t) = exp(−t/T2w − (π Γ_G t)² / (4 ln 2)),
 *
 * where v is the lineshape the networks are trained on (the cohorts' nuisance model: a Gaussian for B0, times
 * each line's own T2 decay) for the water line: the water's T2 decay e^{−t/T2w} (liver at 3 T by default) and the
 * Gaussian whose Voigt with it has the measured water FWHM (Olivero & Longbothum, JQSRT 1977;17:233). What a real
 * lineshape adds — Lorentzian-like tails of a B0 distribution, shoulders, asymmetry, eddy-current phase — is
 * removed; the width stays. A water line that is already this Voigt gives c ≈ 1.
 *
 * v(0) = w(0) = 1, so c(0) = 1 (areas are kept). G = MAX_GAIN keeps |c| ≤ G where |w| dips (nodes of a split
 * line); where the water line has decayed (|w| < 2 %) c is blended back to 1, so the data's late noise is left
 * as it is. Turning Lorentzian tails into a Gaussian sharpens the lines and raises the noise: |c| ≤ 2 for a
 * Lorentzian B0 lineshape.
 */
export interface ReferenceDeconvolution {
  /** Lorentzian FWHM (Hz) of the water T2 assumed, and the Gaussian FWHM (Hz) of the target lineshape. */
  lorentzHz: number;
  gaussHz: number;
  /** FWHM (Hz) of the water line's real part, as measured. */
  waterFwhmHz: number;
  /** RMS of |w| − v while |w| ≥ 0.5 %: how far the water line was from the target lineshape. */
  nonVoigt: number;
  /** The largest phase (rad) of w(t) removed (eddy currents, an asymmetric line). */
  maxPhaseRad: number;
  /** Time (ms) up to which the water envelope was above 0.5 % of its start (where c is applied). */
  envelopeMs: number;
  /** HLSVD components that make up the water line. */
  components: number;
  /** The reference it came from (file name). */
  reference: string;
}

/** One line saying what a deconvolution did, for the reports and the browser page. */
export function describeDeconvolution(d: ReferenceDeconvolution): string {
  return `the water lineshape of ${d.reference} (FWHM ${d.waterFwhmHz.toFixed(1)} Hz) replaced by a Gaussian of ${d.gaussHz.toFixed(1)} Hz × water T2 (${d.lorentzHz.toFixed(1)} Hz); departure from it ${d.nonVoigt.toFixed(3)} RMS, phase up to ${d.maxPhaseRad.toFixed(2)} rad removed`;
}

/** The largest amplification c may apply at any time point. */
export const MAX_GAIN = 4;

/** The correction c(t) on the data's sample times and what it measured. */
export interface DeconvolutionFilter {
  /** Interleaved complex c(t), `points` samples. */
  filter: Float64Array;
  info: ReferenceDeconvolution;
}

/**
 * HLSVD model order for the water reference. 16 holds the water line and a fatty liver's main fat lines; 25
 * fitted spurious pairs of large, cancelling components to some simulated references (a Gaussian water line
 * came out 50 % too wide).
 */
export const HLSVD_ORDER = 16;

/**
 * The water window: components of the reference within ±WATER_HALF_WIDTH_PPM of its water line. A lineshape
 * that is not Lorentzian is modelled by several components, and the broad ones of a 15–20 Hz measured line lie
 * 0.4–0.6 ppm from its peak at 3 T (a ±0.35 ppm window left 5 % of the line out and biased the lipids: robustness
 * benchmark, lipid error 2.1–3.0× the in-distribution error with it, 1.3–1.4× with ±0.8 ppm; docs/robustness.md).
 */
export const WATER_HALF_WIDTH_PPM = 0.8;

/** Shift of the fat's methylene line from water (Hamilton et al. 2011: 1.30 against 4.70 ppm). */
const METHYLENE_FROM_WATER_PPM = FAT_PEAKS.find((p) => p.label === 'methylene')!.ppm - WATER_PPM;

/** The triglyceride lines within the water window (glycerol 4.1/4.3/5.21, olefinic 5.31 ppm), from water. */
const FAT_NEAR_WATER_PPM = FAT_PEAKS.map((p) => p.ppm - WATER_PPM).filter(
  (d) => Math.abs(d) <= WATER_HALF_WIDTH_PPM,
);

/**
 * The components of the water line: those within the water window of the largest one, except, when the
 * reference holds fat (a methylene line at 1.3 ppm of at least 1 % of the water's), the components within
 * 0.06 ppm of a triglyceride line in that window: those are the fat's, not the water lineshape's.
 */
function waterLineComponents(comps: HlsvdComponent[], top: HlsvdComponent, mhz: number): HlsvdComponent[] {
  const fromTop = (c: HlsvdComponent) => (top.frequencyHz - c.frequencyHz) / mhz; // ppm, + is higher ppm
  const methylene = comps
    .filter((c) => Math.abs(fromTop(c) - METHYLENE_FROM_WATER_PPM) <= 0.3)
    .reduce((s, c) => s + c.amplitude, 0);
  const fatty = methylene >= 0.01 * top.amplitude;
  return comps.filter((c) => {
    const d = fromTop(c);
    if (Math.abs(d) > WATER_HALF_WIDTH_PPM) return false;
    return !(fatty && c !== top && FAT_NEAR_WATER_PPM.some((f) => Math.abs(d - f) <= 0.06));
  });
}

/**
 * c(t) for data of `points` samples every `dwellTime` s from a water reference FID (water-unsuppressed, its
 * water line the largest peak within ±0.8 ppm of 4.65 ppm).
 *
 * The water line is taken as a sum of damped exponentials (HLSVD, hlsvd.ts: K = HLSVD_ORDER on the first 1,024 points):
 * the components within ±0.8 ppm of the largest one near 4.65 ppm, without the glycerol (4.1–4.3, 5.21 ppm) and
 * olefinic (5.31 ppm) fat lines of a fatty liver's reference (waterLineComponents); a cut band of the spectrum would put ripples into
 * w(t). The model is noise-free and known at any time, so w needs no cut and no resampling. The frequency of its
 * centre is removed (removeCentreFrequency), so c does not move the spectrum.
 */
export function deconvolutionFilter(
  water: Fid,
  points: number,
  dwellTime: number,
  source = '<water reference>',
  opts: DeconvolutionOptions = {},
): DeconvolutionFilter {
  const mhz = water.spectrometerFrequency;
  const ppmOf = (hz: number) => water.ppmReference - hz / mhz;
  const comps = hlsvd(water.data, water.dwellTime, { components: HLSVD_ORDER }).filter(
    (c) => c.dampingHz >= 0 && c.amplitude > 0,
  );
  const near = comps.filter((c) => Math.abs(ppmOf(c.frequencyHz) - 4.65) <= 0.8);
  if (near.length === 0) {
    throw new InputError('no water line within 0.8 ppm of 4.65 ppm', {
      file: source,
      field: 'water reference',
      expected: 'a water-unsuppressed spectrum of the same voxel',
    });
  }
  const top = near.reduce((b, c) => (c.amplitude > b.amplitude ? c : b));
  const line = waterLineComponents(comps, top, mhz);
  // w(t) = Σ a_k e^{iφ_k} e^{(−π d_k + i2π(f_k − f_top)) t} / w(0)
  let w0r = 0;
  let w0i = 0;
  for (const c of line) {
    w0r += c.amplitude * Math.cos(c.phase);
    w0i += c.amplitude * Math.sin(c.phase);
  }
  const m0 = w0r * w0r + w0i * w0i;
  if (!(m0 > 0)) {
    throw new InputError('the water line has no signal at t = 0', {
      file: source,
      field: 'water reference',
      expected: 'a water-unsuppressed spectrum of the same voxel',
    });
  }
  // The line's components moved by −f_top and divided by w(0) (its modulus and phase), summed on the data's grid.
  const m = Math.sqrt(m0);
  const phase0 = Math.atan2(w0i, w0r);
  const w = new Float64Array(2 * points);
  subtractComponents(
    w,
    dwellTime,
    line.map((c) => ({
      ...c,
      frequencyHz: c.frequencyHz - top.frequencyHz,
      amplitude: c.amplitude / m,
      phase: c.phase - phase0,
    })),
    +1,
  );
  removeCentreFrequency(w, dwellTime);
  const waterFwhmHz = envelopeFwhm(w, dwellTime);
  const lorentzHz = 1 / (Math.PI * (opts.waterT2 ?? LIVER_WATER_T2_3T));
  const gaussHz = gaussianForVoigtFwhm(waterFwhmHz, lorentzHz);
  // A line narrower than the assumed T2 allows: its own width as the Lorentzian, no Gaussian.
  const lorentz = Math.min(lorentzHz, waterFwhmHz);
  const made = envelopeFilter(w, dwellTime, voigtEnvelope(points, dwellTime, lorentz, gaussHz));
  return {
    filter: made.filter,
    info: {
      lorentzHz: lorentz,
      gaussHz,
      waterFwhmHz,
      nonVoigt: made.nonVoigt,
      maxPhaseRad: made.maxPhaseRad,
      envelopeMs: made.envelopeMs,
      components: line.length,
      reference: source.split(/[\\/]/).pop() ?? source,
    },
  };
}

/** What envelopeFilter made: c(t) and how far the envelope was from its target. */
export interface EnvelopeFilter {
  filter: Float64Array;
  nonVoigt: number;
  maxPhaseRad: number;
  envelopeMs: number;
}

/**
 * c(t) = v(t) conj(w(t)) / max(|w(t)|², (v(t)/G)²) on w's samples, for a lineshape envelope w (interleaved
 * complex, w(0) = 1, its centre frequency removed) and a real target v (v(0) = 1, e.g. voigtEnvelope); blended
 * back to 1 where |w| has decayed. Shared by the water-reference and the self-reference deconvolution.
 */
export function envelopeFilter(w: Float64Array, dwellTime: number, target: Float64Array): EnvelopeFilter {
  const points = w.length / 2;
  const filter = new Float64Array(2 * points);
  let rms = 0;
  let counted = 0;
  let maxPhase = 0;
  let envelopeEnd = 0;
  for (let n = 0; n < points; n++) {
    const wr = w[2 * n];
    const wi = w[2 * n + 1];
    const mag = Math.hypot(wr, wi);
    const v = target[n];
    if (mag >= TRUST_FROM) {
      rms += (mag - v) ** 2;
      counted++;
      maxPhase = Math.max(maxPhase, Math.abs(Math.atan2(wi, wr)));
      envelopeEnd = n;
    }
    // Where the envelope has decayed (|w| below TRUST_FROM … TRUST_FULL) c is blended back to 1.
    const trust = Math.min(1, Math.max(0, (mag - TRUST_FROM) / (TRUST_FULL - TRUST_FROM)));
    const den = Math.max(mag * mag, (v / MAX_GAIN) ** 2);
    const cr = den > 0 ? (v * wr) / den : 0;
    const ci = den > 0 ? (-v * wi) / den : 0;
    filter[2 * n] = trust * cr + (1 - trust);
    filter[2 * n + 1] = trust * ci;
  }
  return {
    filter,
    nonVoigt: Math.sqrt(rms / Math.max(1, counted)),
    maxPhaseRad: maxPhase,
    envelopeMs: 1000 * envelopeEnd * dwellTime,
  };
}

/** The Voigt envelope e^{−π f_L t − (π f_G t)² / (4 ln 2)} (FWHM f_L, f_G in Hz) on `points` samples. */
export function voigtEnvelope(
  points: number,
  dwellTime: number,
  lorentzHz: number,
  gaussHz: number,
): Float64Array {
  const a = Math.PI * lorentzHz;
  const b = (Math.PI * gaussHz) ** 2 / (4 * Math.LN2);
  return Float64Array.from({ length: points }, (_, n) => {
    const t = n * dwellTime;
    return Math.exp(-a * t - b * t * t);
  });
}

/**
 * Removes, in place, the frequency of w's centre: the slope of its unwrapped phase over the samples where
 * |w| ≥ 0.2 (least squares through 0, weights |w|²). The model's components need not share one frequency (a
 * symmetric line is a sum of several), so the largest one's frequency is not the line's; what is left is the
 * phase that is not a shift (eddy currents, asymmetry).
 */
export function removeCentreFrequency(w: Float64Array, dwellTime: number): void {
  const n = w.length / 2;
  let prev = 0;
  let num = 0;
  let den = 0;
  for (let k = 0; k < n; k++) {
    const mag2 = w[2 * k] ** 2 + w[2 * k + 1] ** 2;
    if (mag2 < 0.04) break;
    let ph = Math.atan2(w[2 * k + 1], w[2 * k]);
    ph += 2 * Math.PI * Math.round((prev - ph) / (2 * Math.PI));
    prev = ph;
    const t = k * dwellTime;
    num += mag2 * t * ph;
    den += mag2 * t * t;
  }
  // A phase slope ω is a shift of ω/2π Hz: removed as spectra/shift.ts removes any shift.
  shiftFidInPlace(w, dwellTime, den > 0 ? num / den / (2 * Math.PI) : 0);
}

/** |w| below which c is 1, and above which c is fully applied. */
const TRUST_FROM = 0.005;
const TRUST_FULL = 0.02;

/**
 * The Gaussian FWHM whose Voigt with a Lorentzian of FWHM `lorentzHz` has FWHM `voigtHz` (Olivero & Longbothum:
 * f_V ≈ 0.5346 f_L + sqrt(0.2166 f_L² + f_G²), within 0.02 %); 0 when the Lorentzian alone is as wide.
 */
export function gaussianForVoigtFwhm(voigtHz: number, lorentzHz: number): number {
  const r = voigtHz - 0.5346 * lorentzHz;
  return Math.sqrt(Math.max(0, r * r - 0.2166 * lorentzHz * lorentzHz));
}

/** Liver water T2 at 3 T (de Bazelaire et al., Radiology 2004;230:652). */
export const LIVER_WATER_T2_3T = 0.034;

export interface DeconvolutionOptions {
  /** Water T2 (s) of the reference's tissue, the Lorentzian part of the target (default liver at 3 T, 34 ms). */
  waterT2?: number;
}

/**
 * The filters made from each water reference, by the data grid and T2 they were made for: one reference serves
 * a batch of spectra and both networks, and its HLSVD runs once.
 */
const filters = new WeakMap<Fid, Map<string, DeconvolutionFilter>>();

/** `fid` multiplied by the deconvolution filter of `water` (a new Fid; the input is not changed). */
export function referenceDeconvolve(
  fid: Fid,
  water: Fid,
  source = '<water reference>',
  opts: DeconvolutionOptions = {},
): { fid: Fid; correction: ReferenceDeconvolution } {
  const made = filters.get(water) ?? new Map<string, DeconvolutionFilter>();
  filters.set(water, made);
  const key = `${fid.points}:${fid.dwellTime}:${opts.waterT2 ?? ''}:${source}`;
  const found = made.get(key) ?? deconvolutionFilter(water, fid.points, fid.dwellTime, source, opts);
  made.set(key, found);
  return { fid: applyFilter(fid, found.filter), correction: { ...found.info } };
}

/** `fid` multiplied by c(t) (interleaved complex, fid.points samples): a new Fid. */
export function applyFilter(fid: Fid, filter: Float64Array): Fid {
  const data = new Float64Array(2 * fid.points);
  for (let n = 0; n < fid.points; n++) {
    const re = fid.data[2 * n];
    const im = fid.data[2 * n + 1];
    data[2 * n] = re * filter[2 * n] - im * filter[2 * n + 1];
    data[2 * n + 1] = re * filter[2 * n + 1] + im * filter[2 * n];
  }
  return { ...fid, data };
}
