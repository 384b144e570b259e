import { type Fid, ppmAxis } from '../core/fid.js';
import { fidToSpectrum } from './fft.js';

/**
 * A spectrum to look at: the FFT of a FID on its ppm axis, and the automatic zero-order phase of the displays
 * (the browser app and the quantify/classify reports draw the real part phased this way; no analysis uses it).
 */

/** Spectrum (fftshift(fft), interleaved complex) and its descending ppm axis, after optional line broadening. */
export function spectrumOf(fid: Fid, lineBroadeningHz = 0): { ppm: Float64Array; spectrum: Float64Array } {
  let data = fid.data;
  if (lineBroadeningHz > 0) {
    data = Float64Array.from(fid.data);
    for (let n = 0; n < fid.points; n++) {
      const w = Math.exp(-Math.PI * lineBroadeningHz * n * fid.dwellTime);
      data[2 * n] *= w;
      data[2 * n + 1] *= w;
    }
  }
  return { ppm: ppmAxis(fid), spectrum: fidToSpectrum(data) };
}

/**
 * Zero-order phase (radians) that maximises the integral of the real part over [lo, hi] ppm: the display's
 * automatic phasing (closed form: the phase of the complex integral).
 */
export function autoPhase0(
  ppm: ArrayLike<number>,
  spectrum: ArrayLike<number>,
  range: [number, number],
): number {
  let re = 0;
  let im = 0;
  for (let i = 0; i < ppm.length; i++) {
    if (ppm[i] < range[0] || ppm[i] > range[1]) continue;
    re += spectrum[2 * i];
    im += spectrum[2 * i + 1];
  }
  return -Math.atan2(im, re);
}

/** Real part of a spectrum after the automatic zero-order phase over `range` (autoPhase0). */
export function autoPhasedReal(
  ppm: ArrayLike<number>,
  spectrum: ArrayLike<number>,
  range: [number, number],
): Float64Array {
  const phi = autoPhase0(ppm, spectrum, range);
  const c = Math.cos(phi);
  const s = Math.sin(phi);
  return Float64Array.from({ length: ppm.length }, (_, i) => spectrum[2 * i] * c - spectrum[2 * i + 1] * s);
}
