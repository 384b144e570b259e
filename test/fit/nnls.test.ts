import { describe, expect, it } from 'vitest';
import { buildBaseline } from '../../src/fit/baseline.js';
import { GramNnls } from '../../src/fit/nnls.js';

/** Brute force: the best of all 2^n passive sets whose unconstrained solution is feasible. */
function bruteForce(a: number[][], b: number[], free: number[]): number[] {
  const n = a[0].length;
  let best: number[] = [];
  let bestCost = Number.POSITIVE_INFINITY;
  for (let mask = 0; mask < 1 << n; mask++) {
    const idx = [...Array(n).keys()].filter((i) => free[i] || mask & (1 << i));
    // Solve the normal equations on idx by Gaussian elimination.
    const m = idx.length;
    const g = idx.map((i) => idx.map((j) => a.reduce((s, row) => s + row[i] * row[j], 0)));
    const h = idx.map((i) => a.reduce((s, row, r) => s + row[i] * b[r], 0));
    for (let c = 0; c < m; c++) {
      for (let r = c + 1; r < m; r++) {
        const f = g[r][c] / g[c][c];
        for (let k = c; k < m; k++) g[r][k] -= f * g[c][k];
        h[r] -= f * h[c];
      }
    }
    const z = new Array(m).fill(0);
    for (let r = m - 1; r >= 0; r--) {
      let s = h[r];
      for (let k = r + 1; k < m; k++) s -= g[r][k] * z[k];
      z[r] = s / g[r][r];
    }
    const x = new Array(n).fill(0);
    idx.forEach((i, k) => {
      x[i] = z[k];
    });
    if (x.some((v, i) => !free[i] && v < 0)) continue;
    const cost = a.reduce((s, row, r) => s + (row.reduce((t, v, i) => t + v * x[i], 0) - b[r]) ** 2, 0);
    if (cost < bestCost) {
      bestCost = cost;
      best = x;
    }
  }
  return best;
}

describe('GramNnls (Lawson–Hanson on the normal equations, with free variables)', () => {
  it('matches the brute-force optimum over all passive sets', () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648 - 0.5;
    };
    for (let trial = 0; trial < 20; trial++) {
      const n = 5;
      const rows = 12;
      const a = Array.from({ length: rows }, () => Array.from({ length: n }, rand));
      const b = Array.from({ length: rows }, rand);
      const free = [0, 0, 0, 1, trial % 2];
      const g = new Float64Array(n * n);
      const h = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) g[i * n + j] = a.reduce((s, row) => s + row[i] * row[j], 0);
        h[i] = a.reduce((s, row, r) => s + row[i] * b[r], 0);
      }
      const x = new Float64Array(n);
      new GramNnls(n).solve(g, h, Uint8Array.from(free), x);
      const ref = bruteForce(a, b, free);
      for (let i = 0; i < n; i++) expect(x[i]).toBeCloseTo(ref[i], 9);
    }
  });
});

describe('baseline designs', () => {
  it('sets the spline penalty so the effective dimension matches the request', () => {
    const d = buildBaseline(400, 4, { kind: 'spline', knotSpacingPpm: 0.15, edPerPpm: 1.5 });
    expect(d.functions).toBe(30); // ceil(4/0.15) = 27 segments + 3
    expect(d.effectiveDimension).toBeCloseTo(6, 3);
    // Cubic B-splines form a partition of unity.
    for (let r = 0; r < d.bins; r += 37) {
      let s = 0;
      for (let q = 0; q < 4; q++) s += d.values[4 * r + q];
      expect(s).toBeCloseTo(1, 12);
    }
  });
  it('builds Legendre polynomials of the requested order', () => {
    const d = buildBaseline(101, 4, { kind: 'poly', order: 2 });
    expect(d.functions).toBe(3);
    // P2(1) = 1, P2(0) = -1/2 at the window centre.
    expect(d.values[100 * 3 + 2]).toBeCloseTo(1, 12);
    expect(d.values[50 * 3 + 2]).toBeCloseTo(-0.5, 12);
  });
});
