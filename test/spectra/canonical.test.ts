import { describe, expect, it } from 'vitest';
import {
  canonicaliseSpectrum,
  DEFAULT_CANONICAL_FRAME,
  measureReferencePeak,
} from '../../src/spectra/canonical.js';
import { fidToSpectrum } from '../../src/spectra/fft.js';

const grid = { points: 1024, dwellTime: 1 / 2000, spectrometerFrequency: 127.76, ppmReference: 4.65 };

/**
 * Lorentzian lines (ppm, area, FWHM Hz, phase deg) shifted by `shiftHz` (a shift > 0 moves peaks to higher ppm:
 * e^{-i2πΔf t}, core/fid.ts), as a spectrum.
 */
function spectrum(lines: [number, number, number, number][], shiftHz = 0): Float64Array {
  const fid = new Float64Array(2 * grid.points);
  for (let n = 0; n < grid.points; n++) {
    const t = n * grid.dwellTime;
    for (const [ppm, a, lw, ph] of lines) {
      const w = -2 * Math.PI * ((ppm - grid.ppmReference) * grid.spectrometerFrequency + shiftHz) * t;
      const e = a * Math.exp(-Math.PI * lw * t);
      fid[2 * n] += e * Math.cos(w + (ph * Math.PI) / 180);
      fid[2 * n + 1] += e * Math.sin(w + (ph * Math.PI) / 180);
    }
  }
  fid[0] /= 2;
  fid[1] /= 2;
  return fidToSpectrum(fid);
}

const bin = (ppm: number) =>
  (grid.ppmReference - ppm) * grid.spectrometerFrequency * grid.points * grid.dwellTime + grid.points / 2;

describe('canonical frame', () => {
  it('measures a shift and a zero-order phase of the 1.3 ppm lipid peak', () => {
    const lipids: [number, number, number, number][] = [
      [1.3, 100, 22, 40],
      [0.9, 12, 22, 40],
      [2.1, 18, 22, 40],
    ];
    const c = measureReferencePeak(spectrum(lipids, 15.3), grid);
    expect(c).not.toBeNull();
    expect(c?.shiftHz).toBeCloseTo(15.3, 0);
    expect(Math.abs((c?.phaseDeg ?? 0) - 40)).toBeLessThan(3);
  });

  it('is not pulled off the lipid peak by a residual water line 20 times larger', () => {
    const s = spectrum([
      [1.3, 100, 22, 0],
      [4.65, 2000, 30, 120],
    ]);
    const c = measureReferencePeak(s, grid);
    expect(Math.abs(c?.shiftHz ?? 99)).toBeLessThan(2);
    expect(Math.abs(c?.phaseDeg ?? 99)).toBeLessThan(8);
  });

  it('puts the peak on 1.3 ppm, real and positive, and keeps the spectrum otherwise', () => {
    const s = spectrum([[1.3, 100, 20, -70]], -22);
    const c = canonicaliseSpectrum(s, grid);
    expect(c?.shiftHz).toBeCloseTo(-22, 0);
    // The largest real value now sits at the bin of 1.3 ppm (±1 bin, 1.95 Hz), the imaginary part there ~0.
    let best = 0;
    for (let k = 1; k < grid.points; k++) if (s[2 * k] > s[2 * best]) best = k;
    expect(Math.abs(best - bin(DEFAULT_CANONICAL_FRAME.peakPpm))).toBeLessThanOrEqual(1);
    expect(Math.abs(s[2 * best + 1]) / s[2 * best]).toBeLessThan(0.1);
    // A second pass finds nothing left to remove.
    const again = measureReferencePeak(s, grid);
    expect(Math.abs(again?.shiftHz ?? 99)).toBeLessThan(0.3);
    expect(Math.abs(again?.phaseDeg ?? 99)).toBeLessThan(1);
  });

  it('finds no peak in a zero spectrum', () => {
    expect(measureReferencePeak(new Float64Array(2 * grid.points), grid)).toBeNull();
  });
});
