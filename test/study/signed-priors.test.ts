import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { loadCohort } from '../../src/simulate/cohort-files.js';
import { makeDistribution } from '../../src/simulate/distributions.js';
import type { SpectrumFit } from '../../src/study/fit-features.js';
import type { Cohort } from '../../src/simulate/cohort-schema.js';
import {
  estimateStudyPriors,
  SIGNED_MEAN_FLOOR,
  shrinkDifferences,
  signedAmplitudePrior,
} from '../../src/study/study-priors.js';

// Known answer: patients' amplitudes a ~ lognormal(μ = 0, σ = 0.5) (mean e^{0.125} = 1.1331, SD 1.1331 ·
// √(e^{0.25} − 1) = 0.6039), fitted with Gaussian noise of SD = CRLB = c. Signed estimates x = a + ε; the
// non-negative fit of an isolated component is max(0, x).
const MU = 0;
const SIGMA = 0.5;
const TRUE_MEAN = Math.exp(MU + SIGMA ** 2 / 2);
const TRUE_SD = TRUE_MEAN * Math.sqrt(Math.exp(SIGMA ** 2) - 1);

function draw(n: number, crlb: number, seed: number): { a: number[]; x: number[] } {
  const rng = Rng.stream(seed, 0);
  const a: number[] = [];
  const x: number[] = [];
  for (let i = 0; i < n; i++) {
    const ai = Math.exp(MU + SIGMA * rng.normal());
    a.push(ai);
    x.push(ai + crlb * rng.normal());
  }
  return { a, x };
}

describe('amplitude priors from signed fits', () => {
  it('recovers a lognormal mean and SD from signed estimates with CRLB 1.5 (noise 2.5× the spread)', () => {
    const n = 20000;
    const { x } = draw(n, 1.5, 31);
    const p = signedAmplitudePrior(x, new Array(n).fill(1.5));
    // Standard errors at n = 20,000: mean 0.011, SD 0.022; tolerances are about 3 of them. (At CRLB 2 the true
    // variance, 0.365, is below VARIANCE_FLOOR × the observed 4.36, and the floor would set the SD.)
    expect(Math.abs(p.mean - TRUE_MEAN)).toBeLessThan(0.035);
    expect(Math.abs(p.sd - TRUE_SD)).toBeLessThan(0.07);
    expect(p.floored).toBe(false);
    expect(p.deconvolved).toBeCloseTo(2.25, 12);
    const d = makeDistribution(p.spec);
    expect(d.mean()).toBeCloseTo(p.mean, 4);
    // The clipped (non-negative) estimates of the same patients are biased upward by E max(0, −x) = σφ(m/σ) −
    // mΦ(−m/σ) ≈ 0.23 for m = 1.13, σ = √(0.365 + 2.25) (x taken as normal).
    const clipped = x.map((v) => Math.max(0, v));
    const clippedMean = clipped.reduce((s, v) => s + v, 0) / n;
    expect(clippedMean - TRUE_MEAN).toBeGreaterThan(0.18);
  });

  it('floors a mean at or below zero at a fraction of the CRLB', () => {
    const p = signedAmplitudePrior([-3, -1, 1, -2, 0.5], [2, 2, 2, 2, 2]);
    expect(p.floored).toBe(true);
    expect(p.mean).toBeCloseTo(SIGNED_MEAN_FLOOR * 2, 12);
    // observed variance 2.8 < CRLB² = 4: the variance floor (10% of the observed) applies.
    expect(p.sd).toBeCloseTo(Math.sqrt(0.28), 10);
  });

  it('estimateStudyPriors: signed priors are unbiased where the non-negative ones are not', () => {
    const loaded = loadCohort('hbv-lc');
    const template = loaded.cohort;
    const groups = Object.keys(template.groups);
    const components = Object.keys(template.groups[groups[0]].amplitudes);
    const crlb = 2;
    const n = 1000;
    const fits = (g: number) =>
      Array.from({ length: n }, (_, i) => {
        const rng = Rng.stream(77 + g, i);
        const x = components.map(() => Math.exp(MU + SIGMA * rng.normal()) + crlb * rng.normal());
        const fit: SpectrumFit = {
          amplitudes: x.map((v) => Math.max(0, v)),
          crlb: components.map(() => crlb),
          columns: { snr: 20 + 5 * rng.normal() },
          sd: {},
          converged: true,
          seconds: 0,
          warnings: [],
        };
        return { group: groups[g], fit, signed: { amplitudes: x, crlb: fit.crlb } };
      });
    const patients = [...fits(0), ...fits(1)];
    const opts = { template, components, name: 'test', groups };
    const nonneg = estimateStudyPriors(patients, opts);
    const signed = estimateStudyPriors(patients, { ...opts, priorAmplitudes: 'signed' });
    for (const g of groups) {
      for (const c of components) {
        const s = makeDistribution(signed.cohort.groups[g].amplitudes[c]).mean();
        const nn = makeDistribution(nonneg.cohort.groups[g].amplitudes[c]).mean();
        // SE of the signed mean at n = 1000: √(4.36/1000) = 0.066; the non-negative bias ≈ 0.36 (above).
        expect(Math.abs(s - TRUE_MEAN), `${g} ${c}`).toBeLessThan(0.22);
        expect(nn - TRUE_MEAN, `${g} ${c}`).toBeGreaterThan(0.25);
      }
      // Nuisance priors are the same in both (from the non-negative fits).
      expect(signed.cohort.groups[g].nuisance).toEqual(nonneg.cohort.groups[g].nuisance);
    }
    expect(signed.cohort.description).toContain('from signed fits');
  });

  it('shrinks group differences of signed priors with the delta-method variance s²/(n x̄²)', () => {
    const cohort = {
      groups: {
        N: { amplitudes: { X: { dist: 'lognormal', mu: 0, sigma: 0.5 } } },
        P: { amplitudes: { X: { dist: 'lognormal', mu: 2, sigma: 0.5 } } },
      },
    } as unknown as Cohort;
    // Signed values N {−1, 1, 3} (s² = 4), P {0, 3, 6} (s² = 9); the non-negative fits hold a 0 (ln 0 = −∞) that
    // must not be used. x̄ = e^{μ + σ²/2}: v = 4/(3e^{0.25}) + 9/(3e^{4.25}), d = 2, λ = 1 − v/4.
    const patient = (group: string, signed: number) => ({
      group,
      fit: {
        amplitudes: [Math.max(0, signed)],
        crlb: [1],
        columns: {},
        sd: {},
        converged: true,
        seconds: 0,
        warnings: [],
      },
      signed: { amplitudes: [signed], crlb: [1] },
    });
    const patients = [...[-1, 1, 3].map((x) => patient('N', x)), ...[0, 3, 6].map((x) => patient('P', x))];
    const v = 4 / (3 * Math.exp(0.25)) + 9 / (3 * Math.exp(4.25));
    const lambda = shrinkDifferences(cohort, patients, ['N', 'P'], ['X'], 'signed');
    expect(lambda.X).toBeCloseTo(1 - v / 4, 12);
    const p = cohort.groups.P.amplitudes.X as { mu: number };
    expect(p.mu).toBeCloseTo(1 + lambda.X * (2 - 1), 5);
  });
});
