import { describe, expect, it } from 'vitest';
import { ppmAxis, ppmToBin, ppmToHz } from '../../src/core/fid.js';
import { chirpZ, fft, fidToSpectrum, ifft, spectrumToFid } from '../../src/spectra/fft.js';

function naiveDft(x: Float64Array): Float64Array {
  const n = x.length / 2;
  const out = new Float64Array(2 * n);
  for (let k = 0; k < n; k++) {
    let re = 0;
    let im = 0;
    for (let j = 0; j < n; j++) {
      const a = (-2 * Math.PI * k * j) / n;
      re += x[2 * j] * Math.cos(a) - x[2 * j + 1] * Math.sin(a);
      im += x[2 * j] * Math.sin(a) + x[2 * j + 1] * Math.cos(a);
    }
    out[2 * k] = re;
    out[2 * k + 1] = im;
  }
  return out;
}

function randomComplex(n: number, seed: number): Float64Array {
  const x = new Float64Array(2 * n);
  let s = seed;
  for (let i = 0; i < x.length; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    x[i] = s / 2147483648 - 0.5;
  }
  return x;
}

describe('fft', () => {
  for (const n of [8, 64, 7, 100, 255]) {
    it(`matches the direct DFT for N = ${n}`, () => {
      const x = randomComplex(n, n);
      const a = fft(x);
      const b = naiveDft(x);
      for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 9);
      const back = ifft(a);
      for (let i = 0; i < x.length; i++) expect(back[i]).toBeCloseTo(x[i], 12);
    });
  }

  for (const [k, points, theta] of [
    [37, 50, 0.0123],
    [300, 128, -0.731],
    [1, 5, 2.5],
  ]) {
    it(`chirpZ matches the direct sum (K = ${k}, ${points} points, theta = ${theta})`, () => {
      const x = randomComplex(k, k + points);
      const z = chirpZ(x, points, (m) => (theta * m * m) / 2);
      for (let j = 0; j < points; j++) {
        let re = 0;
        let im = 0;
        for (let m = 0; m < k; m++) {
          const a = theta * j * m;
          re += x[2 * m] * Math.cos(a) - x[2 * m + 1] * Math.sin(a);
          im += x[2 * m] * Math.sin(a) + x[2 * m + 1] * Math.cos(a);
        }
        expect(z[2 * j]).toBeCloseTo(re, 10);
        expect(z[2 * j + 1]).toBeCloseTo(im, 10);
      }
    });
  }

  it('puts a resonance at its chemical shift under the internal convention', () => {
    const h = { points: 1024, dwellTime: 1 / 2000, spectrometerFrequency: 127.76, ppmReference: 4.65 };
    const ppm = 1.3;
    const nu = ppmToHz(ppm, h);
    const x = new Float64Array(2 * h.points);
    for (let n = 0; n < h.points; n++) {
      const t = n * h.dwellTime;
      // internal convention: exp(-i 2 pi (d - ref) MHz t) == exp(+i 2 pi nu t) with nu = (ref - d) MHz
      x[2 * n] = Math.cos(2 * Math.PI * nu * t) * Math.exp(-t / 0.05);
      x[2 * n + 1] = Math.sin(2 * Math.PI * nu * t) * Math.exp(-t / 0.05);
    }
    const s = fidToSpectrum(x);
    let best = 0;
    for (let k = 1; k < h.points; k++) if (s[2 * k] > s[2 * best]) best = k;
    const axis = ppmAxis(h);
    expect(Math.abs(axis[best] - ppm)).toBeLessThan(2000 / 1024 / 127.76);
    expect(Math.abs(ppmToBin(ppm, h) - best)).toBeLessThan(1);
    expect(axis[0]).toBeGreaterThan(axis[h.points - 1]);
    const back = spectrumToFid(s);
    for (let i = 0; i < 20; i++) expect(back[i]).toBeCloseTo(x[i], 10);
  });
});
