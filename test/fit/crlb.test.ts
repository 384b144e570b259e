import { describe, expect, it } from 'vitest';
import { crlbStudy, isUnbiased } from '../../bench/fit-crlb-study.js';

// Monte Carlo SD vs reported CRLB on simulated liver spectra with known truth (the full 3 × 500 study is
// bench/fit-crlb-study.ts, results in docs/fit-validation.md). With n = 60 the SD of each component is known
// to ±9% (1/√(2n)); the per-component band is ±40% and the median over components ±20%: a CRLB off by a
// factor 2 fails both.
describe('Cramér–Rao bounds against Monte Carlo', () => {
  it('MC SD matches the mean CRLB for unbiased components (SNR 100, 60 spectra)', () => {
    const r = crlbStudy(100, 60, 11);
    const unbiased = r.components.filter(isUnbiased);
    expect(unbiased.length).toBeGreaterThanOrEqual(15);
    for (const c of unbiased) {
      expect(c.ratio, c.name).toBeGreaterThan(0.6);
      expect(c.ratio, c.name).toBeLessThan(1.4);
    }
    const ratios = unbiased.map((c) => c.ratio).sort((a, b) => a - b);
    const median = ratios[Math.floor(ratios.length / 2)];
    expect(median).toBeGreaterThan(0.8);
    expect(median).toBeLessThan(1.2);
  });
});
