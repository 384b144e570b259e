import { ppmToHz } from '../core/fid.js';
import type { MrsData } from '../core/mrs-data.js';
import { fft, nextPowerOfTwo } from '../spectra/fft.js';
import { parabolicOffset } from '../spectra/shift.js';

/**
 * Locating a peak precisely: the magnitude spectrum of the FID zero-filled to 8x its length (at least), its
 * highest point in a ppm window, refined by a parabola through the neighbours. With 8x zero filling the
 * frequency error is a small fraction of a Hz, so the DTFT at that frequency gives the peak's phase (the
 * dispersion part vanishes at the exact resonance frequency).
 */
export function peakFrequencyHz(
  fid: Float64Array,
  mrs: Pick<MrsData, 'points' | 'header'>,
  window: [number, number],
): number {
  const n = fid.length >> 1;
  const p = nextPowerOfTwo(8 * n);
  const padded = new Float64Array(2 * p);
  padded.set(fid);
  const s = fft(padded);
  const h = mrs.header;
  const binHz = 1 / (p * h.dwellTime);
  // window edges in Hz (ppm decreases with frequency)
  const fLo = ppmToHz(window[1], h);
  const fHi = ppmToHz(window[0], h);
  const mag = (b: number) => {
    const k = ((b % p) + p) % p;
    return Math.hypot(s[2 * k], s[2 * k + 1]);
  };
  let best = Number.NaN;
  for (let b = Math.ceil(fLo / binHz); b <= Math.floor(fHi / binHz); b++) {
    if (Number.isNaN(best) || mag(b) > mag(best)) best = b;
  }
  if (Number.isNaN(best)) return (fLo + fHi) / 2;
  const a = mag(best - 1);
  const c = mag(best + 1);
  const m = mag(best);
  return (best + parabolicOffset(a, m, c)) * binHz;
}

/** The DTFT of an FID at frequency f (Hz): sum_n x_n exp(-i 2 pi f n dt). */
export function dtft(fid: Float64Array, f: number, dwellTime: number): [number, number] {
  let re = 0;
  let im = 0;
  const w = -2 * Math.PI * f * dwellTime;
  for (let k = 0; k < fid.length >> 1; k++) {
    const c = Math.cos(w * k);
    const s = Math.sin(w * k);
    re += fid[2 * k] * c - fid[2 * k + 1] * s;
    im += fid[2 * k] * s + fid[2 * k + 1] * c;
  }
  return [re, im];
}
