import { describe, expect, it } from 'vitest';
import { parseCohort } from '../../src/simulate/cohort-schema.js';
import { SpectrumGenerator } from '../../src/simulate/generator.js';
import { builtinCohort } from './helpers.js';
import { defaultLiverBasis, LIVER_COMPONENTS } from '../../src/physics/index.js';

/** Mann–Whitney AUC of scores of positives vs negatives. */
function auc(neg: number[], pos: number[]): number {
  const all = [...neg.map((v) => [v, 0]), ...pos.map((v) => [v, 1])].sort((a, b) => a[0] - b[0]);
  let rankSum = 0;
  all.forEach(([, label], i) => {
    if (label === 1) rankSum += i + 1;
  });
  return (rankSum - (pos.length * (pos.length + 1)) / 2) / (pos.length * neg.length);
}

/** Oracle AUC of a built-in truth: the Bayes-optimal score (log density ratio of its two groups), 4,000 draws each. */
function oracleAuc(name: string, seed: number): number {
  const gen = new SpectrumGenerator(builtinCohort(name), defaultLiverBasis());
  const row = new Float64Array(gen.layout.size);
  const n = 4000;
  const score = (g: number) =>
    Array.from({ length: n }, (_, i) => {
      gen.sampleParameters(seed, g, i, row);
      return gen.samplers[1].amplitudeLogDensity(row) - gen.samplers[0].amplitudeLogDensity(row);
    });
  return auc(score(0), score(1));
}

describe('amplitude density (what the study oracle uses)', () => {
  it('equals the bivariate lognormal density for a two-component Gaussian copula', () => {
    const names = [...LIVER_COMPONENTS];
    const amps = names.map(
      (n) =>
        `      ${n}: ${n === 'Cho' ? '{ dist: lognormal, mu: 0.2, sigma: 0.5 }' : n === 'PCh' ? '{ dist: lognormal, mu: -0.3, sigma: 0.4 }' : 1}`,
    );
    const text = `name: t
protocol: { spectrometerFrequency: 127.76, spectralWidth: 2000, points: 1024 }
groups:
  A:
    amplitudes:
${amps.join('\n')}
    correlation: { components: [Cho, PCh], matrix: [[1, 0.6], [0.6, 1]] }
    nuisance: { lorentzianWidth: { all: 10 }, snr: 50 }
`;
    const gen = new SpectrumGenerator(parseCohort(text), defaultLiverBasis());
    const row = new Float64Array(gen.layout.size);
    for (const [x1, x2] of [
      [1.3, 0.7],
      [0.5, 1.4],
      [2.2, 0.2],
    ]) {
      row[gen.layout.indexOf('Cho')] = x1;
      row[gen.layout.indexOf('PCh')] = x2;
      const z1 = (Math.log(x1) - 0.2) / 0.5;
      const z2 = (Math.log(x2) + 0.3) / 0.4;
      const rho = 0.6;
      const expected =
        -Math.log(2 * Math.PI * 0.5 * 0.4 * Math.sqrt(1 - rho * rho)) -
        (z1 * z1 - 2 * rho * z1 * z2 + z2 * z2) / (2 * (1 - rho * rho)) -
        Math.log(x1) -
        Math.log(x2);
      expect(gen.samplers[0].amplitudeLogDensity(row)).toBeCloseTo(expected, 10);
    }
  });
});

describe('truth-hbv (hidden truth of the virtual study)', () => {
  it('separates LC from LC-HCC realistically: Bayes-optimal AUC from the true amplitudes in 0.85–0.95', () => {
    const a = oracleAuc('truth-hbv', 99);
    expect(a).toBeGreaterThan(0.85);
    expect(a).toBeLessThan(0.95);
  });

  it('differs from the built-in priors (the pipeline must not be handed the truth)', () => {
    const truth = builtinCohort('truth-hbv');
    expect(truth.groups.LC.amplitudes).not.toEqual(builtinCohort('hbv-lc').groups.LC.amplitudes);
    expect(truth.groups['LC-HCC'].amplitudes).not.toEqual(
      builtinCohort('hbv-lc-hcc').groups['LC-HCC'].amplitudes,
    );
  });
});

describe('further truth cohorts (generalisation of the virtual study)', () => {
  it('lipid composition and glycogen mechanisms separate realistically (oracle AUC 0.75–0.95)', () => {
    // Measured (4,000 draws per group): truth-lipid 0.880, truth-glycogen 0.878 (truth-hbv 0.892).
    for (const name of ['truth-lipid', 'truth-glycogen']) {
      const a = oracleAuc(name, 77);
      expect(a, name).toBeGreaterThan(0.75);
      expect(a, name).toBeLessThan(0.95);
    }
  });

  it('the low-SNR cohort has truth-hbv amplitudes and poorer spectra', () => {
    const low = builtinCohort('truth-lowsnr');
    const hbv = builtinCohort('truth-hbv');
    expect(low.groups['LC-HCC'].amplitudes).toEqual(hbv.groups['LC-HCC'].amplitudes);
    expect(low.groups.LC.nuisance).not.toEqual(hbv.groups.LC.nuisance);
  });

  it('the null cohort has no effect: the oracle score is 0 for every patient (AUC 0.5 with ties)', () => {
    const gen = new SpectrumGenerator(builtinCohort('truth-null'), defaultLiverBasis());
    const row = new Float64Array(gen.layout.size);
    for (const g of [0, 1]) {
      for (let i = 0; i < 200; i++) {
        gen.sampleParameters(5, g, i, row);
        expect(gen.samplers[1].amplitudeLogDensity(row) - gen.samplers[0].amplitudeLogDensity(row)).toBe(0);
      }
    }
  });
});
