import { describe, expect, it } from 'vitest';
import { type GuardModel, guardScores, guardSnr, guardVerdict, sdFactor } from '../../src/networks/guard.js';

/** A guard in 4 dimensions: mean 0, axes e1 and e2 with variances 4 and 1, limits T² 9, Q 0.25. */
const guard: GuardModel = {
  format: 'livermrs-guard',
  version: 1,
  length: 4,
  mean: [0, 0, 0, 0],
  axes: [
    [1, 0, 0, 0],
    [0, 1, 0, 0],
  ],
  variances: [4, 1],
  limits: { t2: 9, q: 0.25, snr: [100, 2000], shiftHz: 30 },
  failFactor: 4,
  widening: { bands: [0.5, 1, 2], factors: [1, 1.2, 1.5] },
  calibration: { spectra: 0, seed: 0, realism: 'none' },
};

describe('input guard', () => {
  it('T² is the Mahalanobis distance in the principal scores, Q what lies off the axes', () => {
    const s = guardScores(guard, [4, 1, 0.3, 0.4]);
    expect(s.t2).toBeCloseTo(16 / 4 + 1, 12);
    expect(s.q).toBeCloseTo(0.09 + 0.16, 12);
    expect(s.distance).toBeCloseTo(Math.max(5 / 9, 1), 12);
  });

  it('ok inside the limits, doubtful beyond them, failed beyond failFactor times', () => {
    const m = { snr: 500, shiftHz: 3 };
    expect(guardVerdict(guard, [2, 1, 0.1, 0], m).status).toBe('ok');
    const d = guardVerdict(guard, [0, 0, 0.6, 0], m);
    expect(d.status).toBe('doubtful');
    expect(d.reasons[0]).toMatch(/residual Q 1\.4× the training 99\.5 % limit/);
    expect(guardVerdict(guard, [0, 0, 1.1, 0], m).status).toBe('failed');
    expect(guardVerdict(guard, [0, 0, 0, 0], { snr: 80, shiftHz: 0 }).status).toBe('failed');
    expect(guardVerdict(guard, [0, 0, 0, 0], { snr: 90, shiftHz: 0 }).status).toBe('doubtful');
    expect(guardVerdict(guard, [0, 0, 0, 0], { snr: 5000, shiftHz: 0 }).status).toBe('doubtful');
    expect(guardVerdict(guard, [0, 0, 0, 0], { snr: 500, shiftHz: -45 }).reasons[0]).toMatch(/45 Hz off/);
    expect(guardVerdict(guard, [0, 0, 0, 0], null).status).toBe('doubtful');
  });

  it('widens the SDs by distance band, and beyond the last band with √(d / d_last)', () => {
    expect(sdFactor(guard, 0.2)).toBe(1);
    expect(sdFactor(guard, 0.7)).toBe(1.2);
    expect(sdFactor(guard, 2)).toBe(1.5);
    expect(sdFactor(guard, 8)).toBeCloseTo(3, 12);
  });

  it('measures SNR as peak height over the first-difference noise SD of the spectrum edges', () => {
    const n = 1024;
    const s = new Float64Array(2 * n);
    // Alternating ±1 on the real part: first differences ±2, SD(Δ)/√2 = √2.
    for (let k = 0; k < n; k++) s[2 * k] = k % 2 ? 1 : -1;
    expect(guardSnr(s, n, 100)).toBeCloseTo(100 / Math.SQRT2, 6);
  });
});
