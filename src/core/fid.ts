import type { Acquisition } from './acquisition.js';
import type { ComplexArray } from './complex.js';
import type { SpectralGrid } from './grid.js';

/**
 * The internal convention of livermrs (every reader converts into it, every writer out of it).
 *
 * - An FID is sampled at t_n = n * dwellTime, n = 0..points-1 (seconds), stored interleaved complex.
 * - Its spectrum is S = fftshift(fft(fid)) with the ordinary forward DFT (e^{-i 2 pi k n / N}). Bin k of S has
 *   frequency f_k = (k - floor(N/2)) / (N * dwellTime) Hz.
 * - Chemical shift: ppm = ppmReference - f / spectrometerFrequency (MHz). A resonance at chemical shift d thus
 *   appears in the FID as exp(-i 2 pi (d - ppmReference) * spectrometerFrequency * t). Along the spectrum array
 *   ppm DEcreases with the index, which is how spectroscopists draw it (high ppm on the left).
 *   This is what NIfTI-MRS, LCModel .RAW/.BASIS, Siemens and GE files store on disk; Philips SDAT and jMRUI text
 *   store the complex conjugate, and their readers conjugate (checked on the real files of test/extdata: NAA at 2.01 ppm).
 * - ppmReference is the chemical shift at the receiver centre frequency: 4.65 ppm by default (water at body
 *   temperature, the NIfTI-MRS and LCModel default); Siemens places it at 4.7 and readers record that.
 * - A positive frequency shift `shiftHz` in any livermrs model moves peaks to HIGHER ppm by shiftHz / MHz, i.e. it
 *   multiplies the FID by exp(-i 2 pi shiftHz t).
 * - Times are in seconds (dwellTime, echoTime, repetitionTime), frequencies in MHz (spectrometer) or Hz.
 */
export const DEFAULT_PPM_REFERENCE = 4.65;

export interface Fid extends SpectralGrid {
  /** Interleaved complex samples, length 2 * points. */
  data: ComplexArray;
  /** e.g. '1H'. */
  nucleus: string;
  echoTime?: number;
  repetitionTime?: number;
  /** What the file says of its acquisition beyond the grid (sequence, mixing time, water suppression, ...). */
  acquisition?: Partial<Acquisition>;
  /** Free-form header values kept from the source file (vendor fields, provenance). */
  meta?: Record<string, unknown>;
}

export function spectralWidth(fid: Pick<Fid, 'dwellTime'>): number {
  return 1 / fid.dwellTime;
}

/** Frequency (Hz) of bin k of fftshift(fft(x)) for N points. */
export function binFrequencyHz(k: number, points: number, dwellTime: number): number {
  return (k - Math.floor(points / 2)) / (points * dwellTime);
}

/** Chemical shift axis (ppm) of fftshift(fft(fid)); decreasing with index. */
export function ppmAxis(
  h: Pick<Fid, 'points' | 'dwellTime' | 'spectrometerFrequency' | 'ppmReference'>,
): Float64Array {
  const out = new Float64Array(h.points);
  for (let k = 0; k < h.points; k++) {
    out[k] = h.ppmReference - binFrequencyHz(k, h.points, h.dwellTime) / h.spectrometerFrequency;
  }
  return out;
}

/** Fractional bin index of a chemical shift (inverse of ppmAxis). */
export function ppmToBin(
  ppm: number,
  h: Pick<Fid, 'points' | 'dwellTime' | 'spectrometerFrequency' | 'ppmReference'>,
): number {
  const f = (h.ppmReference - ppm) * h.spectrometerFrequency;
  return f * h.points * h.dwellTime + Math.floor(h.points / 2);
}

/** Frequency offset (Hz) of a chemical shift relative to the receiver centre, in the sign used by the FID. */
export function ppmToHz(ppm: number, h: Pick<Fid, 'spectrometerFrequency' | 'ppmReference'>): number {
  return (h.ppmReference - ppm) * h.spectrometerFrequency;
}

/** Time axis (s). */
export function timeAxis(h: Pick<Fid, 'points' | 'dwellTime'>): Float64Array {
  const out = new Float64Array(h.points);
  for (let n = 0; n < h.points; n++) out[n] = n * h.dwellTime;
  return out;
}

/** Gyromagnetic ratio of 1H / (2 pi), MHz per tesla (CODATA 2018). */
export const GAMMA_1H_MHZ_PER_T = 42.577478518;

export function fieldToFrequencyMHz(tesla: number): number {
  return tesla * GAMMA_1H_MHZ_PER_T;
}
