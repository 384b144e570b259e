import FFT from 'fft.js';
import { fft, ifft, isPowerOfTwo } from './fft.js';
import { parabolicOffset, shiftFidInPlace } from './shift.js';
import type { SpectralGrid } from '../core/grid.js';

/**
 * The canonical frame of a liver spectrum: frequency and zero-order phase referenced on the methylene lipid peak
 * (L13, (CH2)n at 1.30 ppm), the largest peak of every water-suppressed liver spectrum (Hamilton et al., NMR
 * Biomed 2011;24:784: ~70 % of the fat signal). A network sees every spectrum in this frame, in training and at
 * inference alike, so what referencing on the scanner left (a frequency offset, a receiver phase) is taken out
 * before the network instead of being learnt from a prior fitted to a few patients.
 *
 * Estimator (robust, no fit): the largest local maximum of |S| within ±`searchPpm` of `peakPpm`, refined by a parabola
 * through the three bins around it (the magnitude of a Voigt line peaks at its centre whatever its phase); the
 * zero-order phase is the argument of S at that frequency (an absorption line is real and positive at its centre).
 * The correction multiplies the FID by e^{+i2πΔf t} e^{-iφ} (core/fid.ts: a shift Δf > 0 moves peaks to higher
 * ppm and is e^{-i2πΔf t}), so the peak lands on `peakPpm` with zero phase: exact for any shift, no
 * interpolation.
 */
export interface CanonicalFrameSettings {
  method: 'lipid-peak';
  /** Where the reference peak is put (ppm). */
  peakPpm: number;
  /** Half-width of the search window around peakPpm (ppm). */
  searchPpm: number;
}

export const DEFAULT_CANONICAL_FRAME: CanonicalFrameSettings = {
  method: 'lipid-peak',
  peakPpm: 1.3,
  searchPpm: 0.45,
};

/** The grid a canonical spectrum is made on. */
export type CanonicalGrid = SpectralGrid;

/** What the canonical step measured and removed. */
export interface CanonicalCorrection {
  /** Frequency offset of the reference peak from peakPpm (Hz; > 0: it was at higher ppm). */
  shiftHz: number;
  /** Zero-order phase removed (degrees, −180..180). */
  phaseDeg: number;
  /** Height |S| of the reference peak (the spectrum's units). */
  peakHeight: number;
}

/**
 * Measures the reference peak of a spectrum (fftshift order, interleaved complex, on `grid`). Returns null when
 * the search window holds no bin or the spectrum is zero there.
 */
export function measureReferencePeak(
  spectrum: ArrayLike<number>,
  grid: CanonicalGrid,
  settings: CanonicalFrameSettings = DEFAULT_CANONICAL_FRAME,
): CanonicalCorrection | null {
  const n = grid.points;
  const binsPerPpm = grid.spectrometerFrequency * n * grid.dwellTime;
  const centre = (grid.ppmReference - settings.peakPpm) * binsPerPpm + (n >> 1);
  const W = Math.max(2, Math.round(BACKGROUND_HALF_WIDTH_PPM * binsPerPpm));
  const lo = Math.max(W + 2, Math.ceil(centre - settings.searchPpm * binsPerPpm));
  const hi = Math.min(n - W - 3, Math.floor(centre + settings.searchPpm * binsPerPpm));
  if (hi < lo) return null;
  // d = S − (mean of S over ±W bins): the smooth background (the tail of a large residual water line, a broad
  // hump) goes, a line of a few tens of Hz stays, with its phase.
  const from = lo - W - 2;
  const to = hi + W + 2;
  const cre = new Float64Array(to - from + 2);
  const cim = new Float64Array(to - from + 2);
  for (let k = from; k <= to; k++) {
    cre[k - from + 1] = cre[k - from] + spectrum[2 * k];
    cim[k - from + 1] = cim[k - from] + spectrum[2 * k + 1];
  }
  const dre = new Float64Array(to - from + 1);
  const dim = new Float64Array(to - from + 1);
  for (let k = from + W; k <= to - W; k++) {
    const a = k - W - from;
    const b = k + W + 1 - from;
    dre[k - from] = spectrum[2 * k] - (cre[b] - cre[a]) / (2 * W + 1);
    dim[k - from] = spectrum[2 * k + 1] - (cim[b] - cim[a]) / (2 * W + 1);
  }
  const m2 = (k: number) => dre[k - from] ** 2 + dim[k - from] ** 2;
  // The largest local maximum (over ±2 bins) inside the window.
  let best = -1;
  let bestValue = 0;
  for (let k = lo; k <= hi; k++) {
    const m = m2(k);
    if (m > bestValue && m >= m2(k - 1) && m >= m2(k + 1) && m >= m2(k - 2) && m >= m2(k + 2)) {
      bestValue = m;
      best = k;
    }
  }
  if (best < 0 || !(bestValue > 0) || !Number.isFinite(bestValue)) return null;
  const a = Math.sqrt(m2(best - 1));
  const b = Math.sqrt(bestValue);
  const c = Math.sqrt(m2(best + 1));
  const kp = best + Math.max(-0.5, Math.min(0.5, parabolicOffset(a, b, c)));
  // Complex value at the refined peak, linear between the two bins around it.
  const k0 = Math.floor(kp);
  const t = kp - k0;
  const re = (1 - t) * dre[k0 - from] + t * dre[k0 + 1 - from];
  const im = (1 - t) * dim[k0 - from] + t * dim[k0 + 1 - from];
  const ppm = grid.ppmReference - (kp - (n >> 1)) / binsPerPpm;
  return {
    shiftHz: (ppm - settings.peakPpm) * grid.spectrometerFrequency,
    phaseDeg: (Math.atan2(im, re) * 180) / Math.PI,
    peakHeight: Math.hypot(spectrum[2 * best], spectrum[2 * best + 1]),
  };
}

/** Half-width (ppm) of the running mean taken as the smooth background under the reference peak. */
const BACKGROUND_HALF_WIDTH_PPM = 0.25;

/**
 * A spectrum (fftshift order, interleaved complex) brought into the canonical frame, in place; returns what was
 * removed (null: no reference peak found, spectrum unchanged). `plan` may be passed to reuse an FFT plan of the
 * grid's size (the training workers do, once per spectrum).
 */
export function canonicaliseSpectrum(
  spectrum: Float64Array,
  grid: CanonicalGrid,
  settings: CanonicalFrameSettings = DEFAULT_CANONICAL_FRAME,
  work?: CanonicalWork,
): CanonicalCorrection | null {
  const c = measureReferencePeak(spectrum, grid, settings);
  if (!c) return null;
  const n = grid.points;
  const w = work ?? new CanonicalWork(n);
  // FID = ifft(ifftshift(S)); correct; S = fftshift(fft(FID)).
  const h = n >> 1;
  const shifted = w.a;
  shifted.set(spectrum.subarray(2 * h, 2 * n), 0);
  shifted.set(spectrum.subarray(0, 2 * h), 2 * (n - h));
  const fid = w.inverse(shifted);
  // e^{+i2πΔf t} e^{-iφ}: the shift and the phase measured, removed.
  shiftFidInPlace(fid, grid.dwellTime, -c.shiftHz, (-c.phaseDeg * Math.PI) / 180);
  const X = w.forward(fid);
  spectrum.set(X.subarray(2 * (n - h), 2 * n), 0);
  spectrum.set(X.subarray(0, 2 * (n - h)), 2 * h);
  return c;
}

/** FFT scratch for canonicaliseSpectrum (one per thread). */
export class CanonicalWork {
  readonly a: Float64Array;
  private readonly b: Float64Array;
  private readonly plan: FFT | null;
  constructor(readonly points: number) {
    this.a = new Float64Array(2 * points);
    this.b = new Float64Array(2 * points);
    this.plan = isPowerOfTwo(points) && points >= 4 ? new FFT(points) : null;
  }
  inverse(x: Float64Array): Float64Array {
    if (!this.plan) return ifft(x);
    this.plan.inverseTransform(this.b as unknown as number[], x as unknown as number[]);
    return this.b;
  }
  forward(x: Float64Array): Float64Array {
    if (!this.plan) return fft(x);
    this.plan.transform(this.a as unknown as number[], x as unknown as number[]);
    return this.a;
  }
}
