import { ppmAxis } from '../../src/core/fid.js';
import { fidCount, fidView, type MrsData } from '../../src/core/mrs-data.js';
import { fidToSpectrum } from '../../src/spectra/fft.js';

/**
 * Phase-independent spectrum of a data set for landmark tests: the sum over all FIDs of the magnitude spectrum
 * (works on uncombined coils and unaligned transients). Conjugating the FID would mirror this spectrum about
 * the ppm reference, so a peak found at its known shift (and not at the mirrored shift) shows the sign is right.
 */
export function magnitudeSpectrum(mrs: MrsData, fidLimit = 64): Float64Array {
  const out = new Float64Array(mrs.points);
  const n = Math.min(fidCount(mrs), fidLimit);
  for (let i = 0; i < n; i++) {
    const s = fidToSpectrum(fidView(mrs, i));
    for (let k = 0; k < mrs.points; k++) out[k] += Math.hypot(s[2 * k], s[2 * k + 1]);
  }
  return out;
}

/** Real part of the spectrum of FID `n` (for phased data). */
export function realSpectrum(mrs: MrsData, n = 0): Float64Array {
  const s = fidToSpectrum(fidView(mrs, n));
  const out = new Float64Array(mrs.points);
  for (let k = 0; k < mrs.points; k++) out[k] = s[2 * k];
  return out;
}

export interface Peak {
  ppm: number;
  height: number;
}

/** Highest point of `spectrum` between lo and hi ppm, refined by a parabola through the three top points. */
export function peakIn(mrs: MrsData, spectrum: Float64Array, lo: number, hi: number): Peak {
  const ax = ppmAxis({ ...mrs.header, points: mrs.points });
  let best = -1;
  for (let k = 1; k < mrs.points - 1; k++) {
    if (ax[k] < lo || ax[k] > hi) continue;
    if (best < 0 || spectrum[k] > spectrum[best]) best = k;
  }
  if (best < 0) throw new Error(`no points between ${lo} and ${hi} ppm`);
  const [a, b, c] = [spectrum[best - 1], spectrum[best], spectrum[best + 1]];
  const denom = a - 2 * b + c;
  const delta = denom !== 0 ? (0.5 * (a - c)) / denom : 0;
  const dppm = ax[best] - ax[best + 1];
  return { ppm: ax[best] - delta * dppm, height: b };
}

/** Median of |spectrum| between lo and hi ppm (a robust noise/baseline level). */
export function medianIn(mrs: MrsData, spectrum: Float64Array, lo: number, hi: number): number {
  const ax = ppmAxis({ ...mrs.header, points: mrs.points });
  const v: number[] = [];
  for (let k = 0; k < mrs.points; k++) if (ax[k] >= lo && ax[k] <= hi) v.push(Math.abs(spectrum[k]));
  v.sort((x, y) => x - y);
  return v[v.length >> 1];
}

/** Height of the spectrum at the bin nearest to `ppm`. */
export function heightAt(mrs: MrsData, spectrum: Float64Array, ppm: number): number {
  const ax = ppmAxis({ ...mrs.header, points: mrs.points });
  let best = 0;
  for (let k = 1; k < mrs.points; k++) if (Math.abs(ax[k] - ppm) < Math.abs(ax[best] - ppm)) best = k;
  return spectrum[best];
}

/** The spectrum reflected about the reference (bin floor(N/2)): what a conjugated FID would give. */
export function mirrorSpectrum(mrs: MrsData, spectrum: Float64Array): Float64Array {
  const n = mrs.points;
  const c = Math.floor(n / 2);
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = spectrum[(((2 * c - k) % n) + n) % n];
  return out;
}
