import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ppmAxis } from '../../src/core/fid.js';
import { fidView, type MrsData } from '../../src/core/mrs-data.js';
import { readMrsFile } from '../../src/io/mrs-file.js';
import { averageTransients } from '../../src/preproc/average.js';
import { combineCoils } from '../../src/preproc/combine.js';
import { removeResidualWater } from '../../src/preproc/hlsvd.js';
import { preprocess } from '../../src/preproc/pipeline.js';
import { LANDMARKS, peakPpm } from '../../src/preproc/reference.js';
import { pearson } from '../../src/spectra/compare.js';
import { fidToSpectrum } from '../../src/spectra/fft.js';
import { EXTDATA } from '../paths.js';

/**
 * The FMRIB 7T STEAM test data (4 coils x 16 transients, water reference 4 coils x 2) processed by the livermrs
 * chain, compared with the same scan as processed by FSL-MRS (metab.nii.gz).
 */
const D = join(EXTDATA, 'nifti_mrs_7T_steam_fmrib');
const raw = readMrsFile(join(D, 'metab_raw.nii.gz'));
const wref = readMrsFile(join(D, 'wref_raw.nii.gz'));
const fsl = readMrsFile(join(D, 'metab.nii.gz'));

/** NAA height of the magnitude spectrum over the SD of the real spectrum in a signal-free band (-4 to -1 ppm). */
function snr(m: MrsData, fid = 0): number {
  const s = fidToSpectrum(fidView(m, fid));
  const ax = ppmAxis({ ...m.header, points: m.points });
  let peak = 0;
  const noise: number[] = [];
  for (let k = 0; k < m.points; k++) {
    if (ax[k] > 1.9 && ax[k] < 2.1) peak = Math.max(peak, Math.hypot(s[2 * k], s[2 * k + 1]));
    if (ax[k] > -4 && ax[k] < -1) noise.push(s[2 * k]);
  }
  const mean = noise.reduce((a, b) => a + b, 0) / noise.length;
  return peak / Math.sqrt(noise.reduce((a, b) => a + (b - mean) ** 2, 0) / (noise.length - 1));
}

/** Pearson correlation of two magnitude spectra sampled every 0.01 ppm between lo and hi. */
function spectralCorrelation(a: MrsData, b: MrsData, lo: number, hi: number): number {
  const sample = (m: MrsData) => {
    const s = fidToSpectrum(fidView(m, 0));
    const ax = ppmAxis({ ...m.header, points: m.points });
    const out: number[] = [];
    for (let p = hi; p >= lo; p -= 0.01) {
      let best = 0;
      for (let k = 1; k < m.points; k++) if (Math.abs(ax[k] - p) < Math.abs(ax[best] - p)) best = k;
      out.push(Math.hypot(s[2 * best], s[2 * best + 1]));
    }
    return out;
  };
  return pearson(sample(a), sample(b));
}

describe('preprocessing the 7T STEAM raw data (4 coils x 16 transients)', () => {
  const { data, reference } = preprocess(raw, { reference: wref });

  it('produces one spectrum with NAA at 2.01 and Cr at 3.03 ppm, referenced by the water (ECC)', () => {
    expect(data.dims).toEqual([]);
    expect(Math.abs(peakPpm(fidView(data, 0), data, LANDMARKS.naa.window) - 2.008)).toBeLessThan(0.015);
    expect(Math.abs(peakPpm(fidView(data, 0), data, LANDMARKS.cr.window) - 3.027)).toBeLessThan(0.015);
    expect(
      reference && Math.abs(peakPpm(fidView(reference, 0), reference, LANDMARKS.water.window) - 4.65),
    ).toBeLessThan(0.005);
    const steps = (data.extension.ProcessingApplied as { Method: string }[]).map((s) => s.Method);
    expect(steps).toEqual([
      'RF coil combination',
      'Eddy current correction',
      'Frequency and phase correction',
      'Signal averaging',
    ]);
  });

  it('reaches the SNR that 16 optimally combined transients allow', () => {
    const combined = combineCoils(raw, { reference: wref });
    const single = snr(combined, 0);
    // Averaging N transients gains sqrt(N) at best.
    expect(snr(data) / (single * Math.sqrt(16))).toBeGreaterThan(0.9);
    // The combination beats every single coil and a plain sum of the coils.
    const perCoil = [0, 1, 2, 3].map((c) => snr(raw, c));
    expect(single).toBeGreaterThan(Math.max(...perCoil));
    const plainSum = averageTransients(raw, { dim: 'DIM_COIL' });
    expect(single).toBeGreaterThan(1.2 * snr(plainSum, 0));
  });

  it('matches the FSL-MRS processing of the same scan in spectral shape', () => {
    // metab.nii.gz was processed by FSL-MRS from the complete acquisition, so its SNR is higher (about 136 vs
    // about 72 here, where 16 transients of 4 coils bound it), but its shape must agree.
    expect(spectralCorrelation(data, fsl, 0.5, 4.2)).toBeGreaterThan(0.96);
    const naive = averageTransients(averageTransients(raw, { dim: 'DIM_COIL' }));
    expect(spectralCorrelation(naive, fsl, 0.5, 4.2)).toBeLessThan(0.92);
  });
});

describe('HLSVD on the FSL-MRS processed 7T spectrum', () => {
  it('removes the residual water and keeps NAA and Cr', () => {
    const cleaned = removeResidualWater(fsl);
    const height = (m: MrsData, lo: number, hi: number) => {
      const s = fidToSpectrum(fidView(m, 0));
      const ax = ppmAxis({ ...m.header, points: m.points });
      let h = 0;
      for (let k = 0; k < m.points; k++)
        if (ax[k] >= lo && ax[k] <= hi) h = Math.max(h, Math.hypot(s[2 * k], s[2 * k + 1]));
      return h;
    };
    // The water peak (1.3x NAA here) is gone: what is left at 4.55-4.75 ppm is below the baseline next to it.
    expect(height(cleaned, 4.55, 4.75)).toBeLessThan(0.2 * height(fsl, 4.55, 4.75));
    expect(height(cleaned, 4.55, 4.75)).toBeLessThan(height(fsl, 4.2, 4.4));
    for (const [lo, hi] of [
      [1.95, 2.05],
      [2.98, 3.08],
    ]) {
      expect(Math.abs(height(cleaned, lo, hi) / height(fsl, lo, hi) - 1)).toBeLessThan(0.03);
    }
  });
});
