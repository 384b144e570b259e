import { describe, expect, it } from 'vitest';
import type { BasisSet } from '../../src/core/basis.js';
import { ppmAxis } from '../../src/core/fid.js';
import { Rng } from '../../src/core/random.js';
import { ParameterLayout } from '../../src/simulate/parameters.js';
import { DEFAULT_MODEL_SETTINGS, type ModelSettings, SignalModel } from '../../src/simulate/signal-model.js';
import { maxAbs, maxAbsDiff, referenceSpectrum } from './helpers.js';
import { defaultLiverBasis } from '../../src/physics/index.js';

/** An ideal singlet (no decay) of unit area at `ppm`. */
function singletBasis(ppm: number, points: number, sw = 2000, mhz = 127.76): BasisSet {
  const fid = new Float64Array(2 * points);
  const f = (4.65 - ppm) * mhz;
  for (let n = 0; n < points; n++) {
    fid[2 * n] = Math.cos((2 * Math.PI * f * n) / sw);
    fid[2 * n + 1] = Math.sin((2 * Math.PI * f * n) / sw);
  }
  return {
    names: ['S'],
    fids: [fid],
    points,
    dwellTime: 1 / sw,
    spectrometerFrequency: mhz,
    ppmReference: 4.65,
    nucleus: '1H',
  };
}

const NO_BASELINE: ModelSettings = { ...DEFAULT_MODEL_SETTINGS, baseline: { knotsPpm: [], fwhmPpm: 1 } };

function row(layout: ParameterLayout, values: Record<string, number>): Float64Array {
  const r = new Float64Array(layout.size);
  for (const [k, v] of Object.entries(values)) r[layout.indexOf(k)] = v;
  return r;
}

/** Full width at half maximum (Hz) of the real spectrum, by linear interpolation between bins. */
function fwhmHz(spec: Float64Array, dwell: number): number {
  const n = spec.length / 2;
  let kMax = 0;
  for (let k = 0; k < n; k++) if (spec[2 * k] > spec[2 * kMax]) kMax = k;
  const half = spec[2 * kMax] / 2;
  let lo = kMax;
  while (spec[2 * (lo - 1)] > half) lo--;
  let hi = kMax;
  while (spec[2 * (hi + 1)] > half) hi++;
  const left = lo - (spec[2 * lo] - half) / (spec[2 * lo] - spec[2 * (lo - 1)]);
  const right = hi + (spec[2 * hi] - half) / (spec[2 * hi] - spec[2 * (hi + 1)]);
  return (right - left) / (n * dwell);
}

describe('SignalModel', () => {
  it('matches a direct (exp-per-point) evaluation of the model with every term on', () => {
    const basis = defaultLiverBasis();
    const layout = new ParameterLayout(basis.names, DEFAULT_MODEL_SETTINGS.baseline.knotsPpm.length);
    const model = new SignalModel(basis, layout);
    const rng = new Rng(5);
    for (let trial = 0; trial < 3; trial++) {
      const r = new Float64Array(layout.size);
      basis.names.forEach((c, k) => {
        r[k] = c.startsWith('L') ? 500 * rng.uniform() : 5 * rng.uniform();
        r[layout.indexOf(`lw_${c}`)] = 5 + 25 * rng.uniform();
      });
      Object.assign(r, {});
      const set = (c: string, v: number) => {
        r[layout.indexOf(c)] = v;
      };
      set('gauss_hz', 3 + 10 * rng.uniform());
      set('shift_hz', -8 + 16 * rng.uniform());
      set('phi0_deg', -40 + 80 * rng.uniform());
      set('phi1_deg_per_ppm', -3 + 6 * rng.uniform());
      set('snr', 100);
      set('water_amp', 300);
      set('water_offset_hz', 4);
      set('water_lw_hz', 25);
      set('water_phase_deg', 70);
      for (let j = 1; j <= layout.baselineKnots; j++) set(`baseline_${j}`, 100 * (rng.uniform() - 0.3));
      const fd = new Float64Array(2 * basis.points);
      model.synthesize(r, 0, null, fd);
      const ref = referenceSpectrum(basis, layout, r, DEFAULT_MODEL_SETTINGS);
      expect(maxAbsDiff(fd, ref) / maxAbs(ref)).toBeLessThan(1e-9);
    }
  });

  it('works on grids that are not a power of two (Bluestein FFT path)', () => {
    const basis = singletBasis(3.2, 1000);
    const layout = new ParameterLayout(['S'], 0);
    const model = new SignalModel(basis, layout, NO_BASELINE);
    const r = row(layout, {
      S: 5,
      lw_S: 8,
      gauss_hz: 5,
      shift_hz: 3,
      phi0_deg: 20,
      phi1_deg_per_ppm: 1,
      snr: 20,
      water_amp: 2,
      water_lw_hz: 20,
    });
    const fd = new Float64Array(2000);
    const td = new Float64Array(2000);
    model.synthesize(r, 0, null, fd, td);
    const ref = referenceSpectrum(basis, layout, r, NO_BASELINE);
    expect(maxAbsDiff(fd, ref) / maxAbs(ref)).toBeLessThan(1e-9);
    // and the time domain is still the inverse transform
    const again = new Float64Array(2000);
    model.synthesize(r, 0, null, again);
    expect(
      maxAbsDiff(td.subarray(0, 2), [
        fd.reduce((a, v, i) => (i % 2 === 0 ? a + v : a), 0) / 1000,
        fd.reduce((a, v, i) => (i % 2 === 1 ? a + v : a), 0) / 1000,
      ]),
    ).toBeLessThan(1e-9 * maxAbs(td));
  });

  it('puts a singlet at its ppm, moves it up by shiftHz/MHz, and makes it absorptive after removing φ0', () => {
    const basis = singletBasis(2.0, 4096);
    const layout = new ParameterLayout(['S'], 0);
    const model = new SignalModel(basis, layout, NO_BASELINE);
    const ppm = ppmAxis(basis);
    for (const shift of [0, 12.776]) {
      const fd = new Float64Array(2 * basis.points);
      model.synthesize(row(layout, { S: 1, lw_S: 4, shift_hz: shift, phi0_deg: 0, snr: 10 }), 0, null, fd);
      let kMax = 0;
      for (let k = 0; k < basis.points; k++) if (fd[2 * k] > fd[2 * kMax]) kMax = k;
      expect(ppm[kMax]).toBeCloseTo(2.0 + shift / 127.76, 2);
    }
    // φ0 = 90° multiplies the whole spectrum by i; with φ0 = 0 the peak is absorptive (positive real maximum).
    const fd0 = new Float64Array(2 * basis.points);
    const fd90 = new Float64Array(2 * basis.points);
    model.synthesize(row(layout, { S: 1, lw_S: 4, phi0_deg: 0, snr: 10 }), 0, null, fd0);
    model.synthesize(row(layout, { S: 1, lw_S: 4, phi0_deg: 90, snr: 10 }), 0, null, fd90);
    const k = Math.round(model.ppmToBin(2.0));
    expect(fd0[2 * k]).toBeGreaterThan(0.9 * maxAbs(fd0));
    for (let i = 0; i < basis.points; i++) {
      expect(fd90[2 * i]).toBeCloseTo(-fd0[2 * i + 1], 8);
      expect(fd90[2 * i + 1]).toBeCloseTo(fd0[2 * i], 8);
    }
  });

  it('gives Lorentzian and Gaussian lines the FWHM their parameters state', () => {
    const basis = singletBasis(2.0, 8192, 4000);
    const layout = new ParameterLayout(['S'], 0);
    const model = new SignalModel(basis, layout, NO_BASELINE);
    const fd = new Float64Array(2 * basis.points);
    model.synthesize(row(layout, { S: 1, lw_S: 20, snr: 10 }), 0, null, fd);
    expect(fwhmHz(fd, basis.dwellTime)).toBeCloseTo(20, 0);
    model.synthesize(row(layout, { S: 1, lw_S: 0, gauss_hz: 15, snr: 10 }), 0, null, fd);
    expect(fwhmHz(fd, basis.dwellTime)).toBeCloseTo(15, 0);
  });

  it('sets the frequency-domain noise SD to (L13 peak height)/SNR, and the time domain is the inverse FFT', () => {
    const basis = singletBasis(1.3, 1024);
    basis.names = ['L13'];
    const layout = new ParameterLayout(['L13'], 0);
    const model = new SignalModel(basis, layout, NO_BASELINE);
    const r = row(layout, { L13: 1000, lw_L13: 20, snr: 50, phi0_deg: 30, phi1_deg_per_ppm: 2 });
    const clean = new Float64Array(2048);
    const res = model.synthesize(r, 0, null, clean);
    // Height: the real part of the phased spectrum at its maximum. A 20 Hz Lorentzian of area A sampled with
    // dwell dt has DFT height ≈ A / (1 - e^{-π·20·dt}) (geometric series), to within one bin's offset.
    const expected = 1000 / (1 - Math.exp((-Math.PI * 20) / 2000));
    expect(res.peakHeight / expected).toBeGreaterThan(0.97);
    expect(res.peakHeight / expected).toBeLessThan(1.001);
    expect(r[layout.indexOf('noise_sd')]).toBeCloseTo(res.peakHeight / 50, 9);
    const noisy = new Float64Array(2048);
    const td = new Float64Array(2048);
    model.synthesize(r, 0, new Rng(1, 2), noisy, td);
    let s2 = 0;
    for (let i = 0; i < 2048; i++) s2 += (noisy[i] - clean[i]) ** 2;
    expect(Math.sqrt(s2 / 2048) / res.noiseSd).toBeGreaterThan(0.94);
    expect(Math.sqrt(s2 / 2048) / res.noiseSd).toBeLessThan(1.06);
    // td = ifft(ifftshift(fd))
    const back = new Float64Array(2048);
    const h = 512;
    back.set(noisy.subarray(2 * h), 0);
    back.set(noisy.subarray(0, 2 * h), 2 * h);
    const n = 1024;
    for (const k of [0, 7, 300]) {
      let re = 0;
      let im = 0;
      for (let j = 0; j < n; j++) {
        const a = (2 * Math.PI * j * k) / n;
        re += back[2 * j] * Math.cos(a) - back[2 * j + 1] * Math.sin(a);
        im += back[2 * j] * Math.sin(a) + back[2 * j + 1] * Math.cos(a);
      }
      expect(td[2 * k]).toBeCloseTo(re / n, 6);
      expect(td[2 * k + 1]).toBeCloseTo(im / n, 6);
    }
  });
});
