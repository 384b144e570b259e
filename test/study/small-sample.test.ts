import { describe, expect, it } from 'vitest';
import { binomialCdf, bootstrapAucInterval, clopperPearson } from '../../src/study/small-sample.js';

describe('small-sample intervals', () => {
  it('binomial CDF: known values', () => {
    expect(binomialCdf(0, 3, 0.5)).toBeCloseTo(0.125, 12);
    expect(binomialCdf(1, 3, 0.5)).toBeCloseTo(0.5, 12);
    expect(binomialCdf(3, 3, 0.2)).toBe(1);
  });

  it('Clopper–Pearson 95 % intervals match the published tables', () => {
    // The exact intervals R gives for binom.test(k, 10): 7/10 0.3475–0.9333, 0/10 0–0.3085, 10/10 0.6915–1, 9/10 0.5550–0.9975.
    const near = (ci: [number, number], lo: number, hi: number) => {
      expect(ci[0]).toBeCloseTo(lo, 4);
      expect(ci[1]).toBeCloseTo(hi, 4);
    };
    near(clopperPearson(7, 10), 0.3475, 0.9333);
    near(clopperPearson(0, 10), 0, 0.3085);
    near(clopperPearson(10, 10), 0.6915, 1);
    near(clopperPearson(9, 10), 0.555, 0.9975);
    // n/n: the lower bound is 0.025^(1/n) exactly.
    expect(clopperPearson(3, 3)[0]).toBeCloseTo(0.025 ** (1 / 3), 10);
  });

  it('bootstrap AUC interval: degenerate when separated, wide with three per group, reproducible', () => {
    expect(bootstrapAucInterval([0, 0, 0, 1, 1, 1], [0.1, 0.2, 0.3, 0.7, 0.8, 0.9])).toEqual([1, 1]);
    const labels = [0, 0, 0, 1, 1, 1];
    const scores = [0.1, 0.6, 0.3, 0.5, 0.8, 0.2];
    const ci = bootstrapAucInterval(labels, scores);
    expect(ci[0]).toBeLessThan(0.3);
    expect(ci[1]).toBe(1);
    expect(bootstrapAucInterval(labels, scores)).toEqual(ci);
  });
});
