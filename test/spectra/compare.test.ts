import { describe, expect, it } from 'vitest';
import { pearson } from '../../src/spectra/compare.js';

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
