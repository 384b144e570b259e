import { describe, expect, it } from 'vitest';
import type { Cohort } from '../../src/simulate/cohort-schema.js';
import type { SpectrumFit } from '../../src/study/fit-features.js';
import { priorsTable, shrinkDifferences } from '../../src/study/study-priors.js';

const fitOf = (a: number): SpectrumFit => ({
  amplitudes: [a],
  crlb: [0.1],
  columns: { snr: 100, lw_X: 10 },
  sd: { lw_X: 1 },
  converged: true,
  seconds: 0,
  warnings: [],
});

describe('study priors', () => {
  it('shrinks a group difference of two standard errors by the James-Stein factor 1 − v/d²', () => {
    const cohort = {
      groups: {
        N: { amplitudes: { X: { dist: 'lognormal', mu: 0, sigma: 1 } } },
        P: { amplitudes: { X: { dist: 'lognormal', mu: 2, sigma: 0.5 } } },
      },
    } as unknown as Cohort;
    // ln values: N {−1, 0, 1}, P {1, 2, 3}: each mean's variance 1/3, v = 2/3, d = 2 -> λ = 1 − (2/3)/4 = 5/6.
    const patients = [
      ...[-1, 0, 1].map((l) => ({ group: 'N', fit: fitOf(Math.exp(l)) })),
      ...[1, 2, 3].map((l) => ({ group: 'P', fit: fitOf(Math.exp(l)) })),
    ];
    const lambda = shrinkDifferences(cohort, patients, ['N', 'P'], ['X']);
    expect(lambda.X).toBeCloseTo(5 / 6, 12);
    const n = cohort.groups.N.amplitudes.X as { mu: number; sigma: number };
    const p = cohort.groups.P.amplitudes.X as { mu: number; sigma: number };
    expect(n.mu).toBeCloseTo(1 + (5 / 6) * (0 - 1), 5);
    expect(p.mu).toBeCloseTo(1 + (5 / 6) * (2 - 1), 5);
    const pooled = Math.sqrt((1 + 0.25) / 2);
    expect(n.sigma).toBeCloseTo(pooled + (5 / 6) * (1 - pooled), 5);
    expect(p.sigma).toBeCloseTo(pooled + (5 / 6) * (0.5 - pooled), 5);
  });

  it('removes a difference smaller than its standard error', () => {
    const cohort = {
      groups: {
        N: { amplitudes: { X: { dist: 'lognormal', mu: 0, sigma: 1 } } },
        P: { amplitudes: { X: { dist: 'lognormal', mu: 0.5, sigma: 1 } } },
      },
    } as unknown as Cohort;
    const patients = [
      ...[-1, 0, 1].map((l) => ({ group: 'N', fit: fitOf(Math.exp(l)) })),
      ...[-0.5, 0.5, 1.5].map((l) => ({ group: 'P', fit: fitOf(Math.exp(l)) })),
    ];
    expect(shrinkDifferences(cohort, patients, ['N', 'P'], ['X']).X).toBe(0);
    expect(cohort.groups.N.amplitudes.X).toEqual(cohort.groups.P.amplitudes.X);
  });

  it('writes the fits as a priors table with CRLB and SD columns', () => {
    const t = priorsTable([{ group: 'LC', fit: fitOf(2) }], ['X']);
    expect(t.header).toEqual(['group', 'X', 'crlb_X', 'snr', 'lw_X', 'sd_lw_X']);
    expect(t.rows[0]).toEqual(['LC', '2', '0.1', '100', '10', '1']);
  });
});
