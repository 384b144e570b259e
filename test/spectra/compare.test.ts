import { describe, expect, it } from 'vitest';
import { binsIn, pearson, phasedRealCorrelation } from '../../src/spectra/compare.js';

describe('pearson', () => {
  const x = Float64Array.from({ length: 64 }, (_, i) => Math.sin(i / 5) + 0.01 * i);
  it('is 1 for a positive affine copy, -1 for a negative one', () => {
    expect(
      pearson(
        x,
        x.map((v) => 3 * v - 2),
      ),
    ).toBeCloseTo(1, 14);
    expect(
      pearson(
        x,
        x.map((v) => -0.5 * v + 7),
      ),
    ).toBeCloseTo(-1, 14);
  });
  it('is 0 for uncorrelated series and matches the textbook value on a small example', () => {
    expect(pearson([1, -1, 1, -1], [1, 1, -1, -1])).toBe(0);
    // x = 1..5, y = 2, 4, 5, 4, 5: r = 6 / sqrt(10 * 6) = 0.7746
    expect(pearson([1, 2, 3, 4, 5], [2, 4, 5, 4, 5])).toBeCloseTo(6 / Math.sqrt(60), 14);
  });
});

describe('binsIn and phasedRealCorrelation', () => {
  it('selects the bins inside a window, ends included', () => {
    expect(binsIn([5, 4, 3, 2, 1, 0], [1, 3])).toEqual([2, 3, 4]);
    expect(binsIn([5, 4], [0.5, 1])).toEqual([]);
  });
  it('finds r = 1 at the phase that undoes a known rotation, and less elsewhere', () => {
    // b = a turned by 30°: turning a by 30° makes the real parts equal.
    const n = 64;
    const a = new Float64Array(2 * n);
    for (let k = 0; k < n; k++) {
      a[2 * k] = 1 / (1 + ((k - 20) / 3) ** 2);
      a[2 * k + 1] = (k - 20) / 3 / (1 + ((k - 20) / 3) ** 2);
    }
    const t = (30 * Math.PI) / 180;
    const b = new Float64Array(2 * n);
    for (let k = 0; k < n; k++) {
      b[2 * k] = a[2 * k] * Math.cos(t) - a[2 * k + 1] * Math.sin(t);
      b[2 * k + 1] = a[2 * k] * Math.sin(t) + a[2 * k + 1] * Math.cos(t);
    }
    const bins = Array.from({ length: n }, (_, k) => k);
    expect(phasedRealCorrelation(a, b, bins, 30)).toBeCloseTo(1, 12);
    expect(phasedRealCorrelation(a, b, bins, 0)).toBeLessThan(0.99);
  });
});
