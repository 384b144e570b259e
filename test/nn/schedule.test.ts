import { describe, expect, it } from 'vitest';
import { learningRateAt } from '../../src/nn/schedule.js';

describe('learning-rate schedules', () => {
  it('constant and step decay', () => {
    expect(learningRateAt({ kind: 'constant' }, 0.1, 1000)).toBe(0.1);
    const step = { kind: 'step', stepSize: 10, gamma: 0.5 } as const;
    expect(learningRateAt(step, 0.1, 9)).toBe(0.1);
    expect(learningRateAt(step, 0.1, 10)).toBe(0.05);
    expect(learningRateAt(step, 0.1, 25)).toBe(0.025);
  });

  it('cosine: base at 0, the midpoint halfway, minLr at the end and after', () => {
    const s = { kind: 'cosine', totalSteps: 100, minLr: 0.01 } as const;
    expect(learningRateAt(s, 0.1, 0)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(s, 0.1, 50)).toBeCloseTo(0.055, 12);
    expect(learningRateAt(s, 0.1, 100)).toBeCloseTo(0.01, 12);
    expect(learningRateAt(s, 0.1, 500)).toBeCloseTo(0.01, 12);
  });

  it('warm-up then cosine', () => {
    const s = { kind: 'warmup_cosine', warmupSteps: 10, totalSteps: 110 } as const;
    expect(learningRateAt(s, 1, 0)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(s, 1, 4)).toBeCloseTo(0.5, 12);
    expect(learningRateAt(s, 1, 10)).toBeCloseTo(1, 12);
    expect(learningRateAt(s, 1, 60)).toBeCloseTo(0.5, 12);
    expect(learningRateAt(s, 1, 110)).toBeCloseTo(0, 12);
  });

  it('one-cycle: base/25 at the start, the base rate at 30 %, base/25e4 at the end (PyTorch OneCycleLR)', () => {
    const s = { kind: 'one_cycle', totalSteps: 100 } as const;
    expect(learningRateAt(s, 1, 0)).toBeCloseTo(0.04, 12);
    expect(learningRateAt(s, 1, 29)).toBeCloseTo(1, 12);
    expect(learningRateAt(s, 1, 99)).toBeCloseTo(0.04 / 1e4, 12);
    const rates = Array.from({ length: 100 }, (_, k) => learningRateAt(s, 1, k));
    expect(rates.indexOf(Math.max(...rates))).toBe(29);
    // rising before the peak, falling after it
    expect(rates.slice(0, 30).every((r, k) => k === 0 || r > rates[k - 1])).toBe(true);
    expect(rates.slice(29).every((r, k) => k === 0 || r < rates[28 + k])).toBe(true);
  });
});
