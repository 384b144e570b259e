import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import type { Fid } from '../../src/core/fid.js';
import {
  deconvolutionFilter,
  gaussianForVoigtFwhm,
  referenceDeconvolve,
} from '../../src/preproc/reference-deconvolution.js';
import { envelopeFwhm } from '../../src/spectra/lineshape.js';

const grid = { points: 1024, dwellTime: 1 / 2000, spectrometerFrequency: 127.76, ppmReference: 4.65 };
const T2W = 0.034;
const LW = 1 / (Math.PI * T2W);

/** Lines a e^{i2π f t} s(t) at the given ppm, all sharing the lineshape envelope `shape(t)` (complex). */
function fid(
  lines: { ppm: number; amp: number; decayHz: number }[],
  shape: (t: number) => [number, number],
  noise = 0,
): Fid {
  const data = new Float64Array(2 * grid.points);
  let seed = 7;
  const rnd = () => {
    // xorshift + Box–Muller: deterministic noise for the test
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return ((seed >>> 0) + 0.5) / 4294967296;
  };
  for (let n = 0; n < grid.points; n++) {
    const t = n * grid.dwellTime;
    const [sr, si] = shape(t);
    for (const l of lines) {
      const ang = -2 * Math.PI * (l.ppm - grid.ppmReference) * grid.spectrometerFrequency * t;
      const e = l.amp * Math.exp(-Math.PI * l.decayHz * t);
      const cr = e * Math.cos(ang);
      const ci = e * Math.sin(ang);
      data[2 * n] += cr * sr - ci * si;
      data[2 * n + 1] += cr * si + ci * sr;
    }
    if (noise > 0) {
      const r = Math.sqrt(-2 * Math.log(rnd()));
      const th = 2 * Math.PI * rnd();
      data[2 * n] += noise * r * Math.cos(th);
      data[2 * n + 1] += noise * r * Math.sin(th);
    }
  }
  return { ...grid, data, nucleus: '1H' };
}

const gauss =
  (fwhm: number) =>
  (t: number): [number, number] => [Math.exp(-((Math.PI * fwhm * t) ** 2) / (4 * Math.LN2)), 0];

/** The envelope of one line of `f` at `ppm`: the FID demodulated and divided by the line's amplitude. */
function lineEnvelope(f: Fid, ppm: number, amp: number, n: number): [number, number] {
  const t = n * f.dwellTime;
  const ang = 2 * Math.PI * (ppm - f.ppmReference) * f.spectrometerFrequency * t;
  const re = f.data[2 * n];
  const im = f.data[2 * n + 1];
  return [(re * Math.cos(ang) - im * Math.sin(ang)) / amp, (re * Math.sin(ang) + im * Math.cos(ang)) / amp];
}

describe('reference deconvolution', () => {
  it('leaves data alone when the water line is already the training lineshape (Gaussian B0 × water T2)', () => {
    const water = fid([{ ppm: 4.65, amp: 1000, decayHz: LW }], gauss(12), 1);
    const { filter, info } = deconvolutionFilter(water, grid.points, grid.dwellTime, '/x/sub-01/ref.nii.gz');
    expect(info.reference).toBe('ref.nii.gz');
    expect(info.gaussHz).toBeCloseTo(12, 0);
    expect(info.lorentzHz).toBeCloseTo(LW, 6);
    expect(filter[0]).toBeCloseTo(1, 9);
    for (let n = 0; n < 300; n++) {
      expect(Math.abs(filter[2 * n] - 1)).toBeLessThan(0.02);
      expect(Math.abs(filter[2 * n + 1])).toBeLessThan(0.02);
    }
  });

  it('keeps the fat lines of a fatty liver reference out of the water lineshape (glycerol and olefinic near water)', () => {
    // Water at 4.65 ppm and triglyceride lines at their distances from water (Hamilton 2011: water 4.70,
    // methylene 1.30, glycerol 4.10/4.30/5.21, olefinic 5.31 ppm), FF ~25 %, all with the training lineshape.
    const fat = (ppm: number, amp: number) => ({ ppm: 4.65 + ppm - 4.7, amp, decayHz: 5 });
    const water = fid(
      [
        { ppm: 4.65, amp: 1000, decayHz: LW },
        fat(1.3, 220),
        fat(4.1, 14),
        fat(4.3, 14),
        fat(5.21, 7),
        fat(5.31, 20),
      ],
      gauss(12),
      1,
    );
    const { filter, info } = deconvolutionFilter(water, grid.points, grid.dwellTime);
    expect(info.gaussHz).toBeCloseTo(12, 0);
    // With the fat lines taken for the water's lineshape the filter departs from 1 by 0.13; without, 0.04.
    for (let n = 0; n < 300; n++) {
      expect(Math.hypot(filter[2 * n] - 1, filter[2 * n + 1])).toBeLessThan(0.05);
    }
  });

  it('turns a Lorentzian B0 lineshape into the Gaussian of the same water FWHM, keeping each line’s own T2', () => {
    // B0 lineshape: a Lorentzian of 10 Hz (what the measured water lines of real files look like).
    const lb = 10;
    const shape = (t: number): [number, number] => [Math.exp(-Math.PI * lb * t), 0];
    const water = fid([{ ppm: 4.65, amp: 1000, decayHz: LW }], shape, 0.5);
    const data = fid([{ ppm: 1.3, amp: 50, decayHz: 6 }], shape);
    const { fid: out, correction } = referenceDeconvolve(data, water);
    // The water line's FWHM is lb + LW; the Gaussian that gives it with LW:
    const g = gaussianForVoigtFwhm(lb + LW, LW);
    expect(correction.waterFwhmHz).toBeCloseTo(lb + LW, 0);
    expect(correction.gaussHz).toBeCloseTo(g, 0);
    for (let n = 0; n < 160; n++) {
      const t = n * grid.dwellTime;
      const want = Math.exp(-Math.PI * 6 * t - (Math.PI * g * t) ** 2 / (4 * Math.LN2));
      const [re, im] = lineEnvelope(out, 1.3, 50, n);
      expect(Math.abs(re - want)).toBeLessThan(0.015);
      expect(Math.abs(im)).toBeLessThan(0.015);
    }
  });

  it('removes eddy-current phase shared by the water line and the metabolites (Klose)', () => {
    const eddy = (t: number): [number, number] => {
      const p = 1.2 * Math.exp(-t / 0.02);
      const g = gauss(10)(t)[0];
      return [g * Math.cos(p), g * Math.sin(p)];
    };
    const water = fid([{ ppm: 4.65, amp: 1000, decayHz: LW }], eddy, 0.5);
    const data = fid([{ ppm: 3.2, amp: 20, decayHz: 4 }], eddy);
    const { fid: out, correction } = referenceDeconvolve(data, water);
    expect(correction.maxPhaseRad).toBeGreaterThan(0.5);
    // What is left is a constant phase and a frequency shift (w is normalised at t = 0 and centred on its mean
    // frequency), which the canonical frame removes after: the phase is a straight line in t.
    const phase = Array.from({ length: 120 }, (_, n) => {
      const [re, im] = lineEnvelope(out, 3.2, 20, n);
      return Math.atan2(im, re);
    });
    const slope = (phase[119] - phase[0]) / 119;
    for (let n = 0; n < 120; n++) expect(Math.abs(phase[n] - phase[0] - slope * n)).toBeLessThan(0.05);
    // Without the deconvolution the phase is far from a straight line.
    const raw = Array.from({ length: 200 }, (_, n) => {
      const [re, im] = lineEnvelope(data, 3.2, 20, n);
      return Math.atan2(im, re);
    });
    const rawSlope = (raw[199] - raw[0]) / 199;
    expect(Math.max(...raw.map((p, n) => Math.abs(p - raw[0] - rawSlope * n)))).toBeGreaterThan(0.5);
  });

  it('finds the Gaussian of a Voigt line from its FWHM (Olivero–Longbothum)', () => {
    expect(gaussianForVoigtFwhm(12, 0)).toBeCloseTo(12, 9);
    expect(gaussianForVoigtFwhm(9, 9)).toBe(0);
    // A measured Voigt envelope of L 9.36 Hz, G 15 Hz: its FWHM maps back to 15 Hz within 0.2 Hz.
    const env: number[] = [];
    for (let n = 0; n < 4096; n++) {
      const t = n * 1e-4;
      env.push(Math.exp(-Math.PI * LW * t - (Math.PI * 15 * t) ** 2 / (4 * Math.LN2)), 0);
    }
    expect(Math.abs(gaussianForVoigtFwhm(envelopeFwhm(env, 1e-4), LW) - 15)).toBeLessThan(0.2);
  });

  it('refuses a reference without a water line, naming the file', () => {
    const noWater = fid([{ ppm: 1.3, amp: 100, decayHz: 20 }], gauss(10), 0.1);
    expect(() => deconvolutionFilter(noWater, grid.points, grid.dwellTime, 'ref.dat')).toThrow(InputError);
    expect(() => deconvolutionFilter(noWater, grid.points, grid.dwellTime, 'ref.dat')).toThrow(/ref\.dat/);
  });
});
