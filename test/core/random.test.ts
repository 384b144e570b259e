import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';

describe('Rng', () => {
  it('is reproducible per seed and stream, and streams differ', () => {
    const a = Rng.stream(42, 7);
    const b = Rng.stream(42, 7);
    const c = Rng.stream(42, 8);
    const xa = [a.uniform(), a.uniform(), a.normal()];
    const xb = [b.uniform(), b.uniform(), b.normal()];
    const xc = [c.uniform(), c.uniform(), c.normal()];
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
  });

  it('draws standard normals with mean 0 and variance 1', () => {
    const r = new Rng(1);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const x = r.normal();
      s += x;
      s2 += x * x;
    }
    const mean = s / n;
    const variance = s2 / n - mean * mean;
    // 5 standard errors
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
  });

  it('draws uniforms on [0, 1) with the right mean', () => {
    const r = new Rng(3);
    let s = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      s += u;
    }
    expect(Math.abs(s / n - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
  });
});
