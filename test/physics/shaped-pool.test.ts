import { describe, expect, it } from 'vitest';
import { simulateBasisParallel } from '../../src/physics/basis-parallel.js';
import {
  DEFAULT_PROTOCOL,
  simulateBasis,
  simulateLineLists,
  simulateLineListsAsync,
} from '../../src/physics/index.js';
import { defaultPulseSet } from '../../src/physics/pulses/index.js';
import { ShapedPool } from '../../src/physics/pulses/shaped-pool.js';

describe('shaped-pulse engine over worker threads (split by slice position)', () => {
  it('gives the single-thread line lists for PRESS and semi-LASER pairs (sums reordered only)', async () => {
    const pool = new ShapedPool(2);
    try {
      const slaser = {
        ...DEFAULT_PROTOCOL,
        sequence: 'slaser' as const,
        te: 0.03,
        te1: undefined,
        te2: undefined,
      };
      for (const protocol of [DEFAULT_PROTOCOL, slaser]) {
        const options = { pulses: defaultPulseSet(7), cache: false };
        const names = ['Lac', 'Glu', 'GSH', 'Cr'];
        const a = simulateLineLists(protocol, names, options);
        const b = await simulateLineListsAsync(protocol, names, options, pool.solve);
        for (const name of names) {
          expect(b[name].hz.length).toBe(a[name].hz.length);
          for (let k = 0; k < a[name].hz.length; k++) {
            expect(Math.abs(b[name].hz[k] - a[name].hz[k])).toBeLessThan(1e-9);
            expect(
              Math.abs(b[name].re[k] - a[name].re[k]) + Math.abs(b[name].im[k] - a[name].im[k]),
            ).toBeLessThan(1e-12); // measured 2e-16
          }
        }
      }
    } finally {
      await pool.close();
    }
  });

  it('simulateBasisParallel gives simulateBasis on 2 threads, and runs ideal pulses in this thread', async () => {
    const options = { pulses: defaultPulseSet(5), cache: false };
    const names = ['Lac', 'GPC'];
    const one = simulateBasis(DEFAULT_PROTOCOL, names, options);
    const two = await simulateBasisParallel(DEFAULT_PROTOCOL, names, options, 2);
    expect(two.names).toEqual(names);
    expect(two.meta?.generator).toBe(one.meta?.generator);
    for (let k = 0; k < names.length; k++) {
      let peak = 0;
      let diff = 0;
      for (let i = 0; i < one.fids[k].length; i++) {
        peak = Math.max(peak, Math.abs(one.fids[k][i]));
        diff = Math.max(diff, Math.abs(two.fids[k][i] - one.fids[k][i]));
      }
      expect(peak).toBeGreaterThan(0.5); // Lac: 3 + 1 protons, GPC: more; a basis FID starts near its proton count
      expect(diff).toBeLessThan(1e-12);
    }
    const ideal = await simulateBasisParallel(DEFAULT_PROTOCOL, names, { cache: false }, 2);
    expect(ideal.fids[0]).toEqual(simulateBasis(DEFAULT_PROTOCOL, names, { cache: false }).fids[0]);
  });
});
