import { describe, expect, it } from 'vitest';
import { ppmAxis } from '../../src/core/fid.js';
import { SpectrumGenerator } from '../../src/simulate/generator.js';
import { builtinCohort, referenceSpectrum } from './helpers.js';
import { defaultLiverBasis } from '../../src/physics/index.js';

/** SD of the residual of a quadratic least-squares fit to y (removes slowly varying line tails). */
function detrendedSd(y: number[]): number {
  const n = y.length;
  const x = y.map((_, i) => (2 * i) / (n - 1) - 1);
  // normal equations for a + b x + c x²
  const s = [0, 0, 0, 0, 0];
  const t = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < 5; p++) s[p] += x[i] ** p;
    for (let p = 0; p < 3; p++) t[p] += y[i] * x[i] ** p;
  }
  const m = [
    [s[0], s[1], s[2], t[0]],
    [s[1], s[2], s[3], t[1]],
    [s[2], s[3], s[4], t[2]],
  ];
  for (let c = 0; c < 3; c++) {
    for (let r = c + 1; r < 3; r++) {
      const f = m[r][c] / m[c][c];
      for (let k = c; k < 4; k++) m[r][k] -= f * m[c][k];
    }
  }
  const coef = [0, 0, 0];
  for (let r = 2; r >= 0; r--) {
    let v = m[r][3];
    for (let k = r + 1; k < 3; k++) v -= m[r][k] * coef[k];
    coef[r] = v / m[r][r];
  }
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (y[i] - coef[0] - coef[1] * x[i] - coef[2] * x[i] ** 2) ** 2;
  return Math.sqrt(ss / (n - 3));
}

describe('SNR', () => {
  it('measured on the generated spectra matches the requested SNR within 5 %', () => {
    const basis = defaultLiverBasis();
    const gen = new SpectrumGenerator(builtinCohort('hbv-lc'), basis);
    const L = gen.layout;
    const ppm = ppmAxis(basis);
    const row = new Float64Array(L.size);
    const fd = new Float64Array(2048);
    const ratios: number[] = [];
    const dataOnly: number[] = [];
    for (let i = 0; i < 150; i++) {
      gen.generate({ seed: 11, group: 0, index: i }, row, 0, { fd });
      const phi0 = (row[L.phi0] * Math.PI) / 180;
      const phi1 = (row[L.phi1] * Math.PI) / 180;
      // phase the noisy spectrum with the true phases: Re(S e^{-iφ0} e^{-iφ1(ppm - ref)})
      const re = (s: Float64Array, k: number) => {
        const a = -phi0 - phi1 * (ppm[k] - 4.65);
        return s[2 * k] * Math.cos(a) - s[2 * k + 1] * Math.sin(a);
      };
      // noise: signal-free ends of the spectrum, tails removed by a quadratic per region
      const region = (lo: number, hi: number) =>
        [...ppm.keys()].filter((k) => ppm[k] > lo && ppm[k] < hi).map((k) => re(fd, k));
      const a = region(-3.0, -1.0);
      const b = region(8.5, 12.3);
      const sd = Math.sqrt(
        (detrendedSd(a) ** 2 * (a.length - 3) + detrendedSd(b) ** 2 * (b.length - 3)) /
          (a.length + b.length - 6),
      );
      // height: from the independently computed noise-free spectrum, and from the noisy data alone
      const clean = referenceSpectrum(basis, L, row, gen.cohort.model);
      const centre = 1.3 + row[L.shift] / 127.76;
      const window = [...ppm.keys()].filter((k) => Math.abs(ppm[k] - centre) <= 0.2);
      const height = Math.max(...window.map((k) => re(clean, k)));
      ratios.push(height / sd / row[L.snr]);
      // data only: a parabola through the 5 bins around the noisy maximum
      const top = window.reduce((p, k) => (re(fd, k) > re(fd, p) ? k : p), window[0]);
      const ys = [-2, -1, 0, 1, 2].map((d) => re(fd, top + d));
      const c2 = (2 * (ys[0] + ys[4]) - ys[1] - ys[3] - 2 * ys[2]) / 14;
      const c1 = (-2 * ys[0] - ys[1] + ys[3] + 2 * ys[4]) / 10;
      const c0 = ys.reduce((x, y) => x + y, 0) / 5 - 2 * c2;
      const peak = c2 < 0 ? c0 - (c1 * c1) / (4 * c2) : ys[2];
      dataOnly.push(peak / sd / row[L.snr]);
    }
    const mean = (v: number[]) => v.reduce((x, y) => x + y, 0) / v.length;
    expect(Math.abs(mean(ratios) - 1)).toBeLessThan(0.05);
    expect(Math.abs(mean(dataOnly) - 1)).toBeLessThan(0.05);
    // each spectrum's noise SD is estimated from ~370 points (SE ≈ 4 %): nearly all within 12 %
    expect(ratios.filter((r) => Math.abs(r - 1) < 0.12).length).toBeGreaterThanOrEqual(0.95 * ratios.length);
  });
});
