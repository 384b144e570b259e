import { binFrequencyHz, type Fid } from '../core/fid.js';
import { fidToSpectrum } from '../spectra/fft.js';

/**
 * Noise standard deviation of the real (and imaginary) part of the spectrum, per point, from signal-free
 * regions: by default the parts of the spectral range below −1 ppm and above 10.5 ppm, without the outer 5% on
 * each side (anti-aliasing filter roll-off). A straight line is removed from each region and each part (real,
 * imaginary) before the SD, so a sloping baseline does not count as noise. Returns undefined when fewer than
 * 32 points qualify (narrow spectral widths), in which case callers fall back to the fit residual.
 */
export interface NoiseEstimate {
  sd: number;
  points: number;
  regions: [number, number][];
}

export const DEFAULT_NOISE_REGIONS: [number, number][] = [
  [Number.NEGATIVE_INFINITY, -1],
  [10.5, Number.POSITIVE_INFINITY],
];

export function estimateNoise(
  fid: Fid,
  regions: [number, number][] = DEFAULT_NOISE_REGIONS,
): NoiseEstimate | undefined {
  const n = fid.points;
  const spec = fidToSpectrum(fid.data);
  const edge = Math.ceil(0.05 * n);
  let ss = 0;
  let count = 0;
  const used: [number, number][] = [];
  for (const [lo, hi] of regions) {
    const idx: number[] = [];
    for (let k = edge; k < n - edge; k++) {
      const ppm = fid.ppmReference - binFrequencyHz(k, n, fid.dwellTime) / fid.spectrometerFrequency;
      if (ppm >= lo && ppm <= hi) idx.push(k);
    }
    if (idx.length < 8) continue;
    used.push([lo, hi]);
    for (const part of [0, 1]) {
      const y = idx.map((k) => spec[2 * k + part]);
      ss += detrendedSumSquares(idx, y);
      count += idx.length - 2;
    }
  }
  if (count < 2 * 32) return undefined;
  return { sd: Math.sqrt(ss / count), points: count / 2, regions: used };
}

function detrendedSumSquares(x: number[], y: number[]): number {
  const m = x.length;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < m; i++) {
    sx += x[i];
    sy += y[i];
  }
  const mx = sx / m;
  const my = sy / m;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < m; i++) {
    sxx += (x[i] - mx) ** 2;
    sxy += (x[i] - mx) * (y[i] - my);
  }
  const b = sxx > 0 ? sxy / sxx : 0;
  let ss = 0;
  for (let i = 0; i < m; i++) ss += (y[i] - my - b * (x[i] - mx)) ** 2;
  return ss;
}
