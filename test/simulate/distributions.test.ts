import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { parseCohort } from '../../src/simulate/cohort-schema.js';
import { makeDistribution } from '../../src/simulate/distributions.js';
import { SpectrumGenerator } from '../../src/simulate/generator.js';
import { erfc, normalCdf, normalQuantile } from '../../src/simulate/special.js';
import { fillNormal, fillNormalBlock } from '../../src/simulate/ziggurat.js';
import { ksTest } from './helpers.js';
import { defaultLiverBasis } from '../../src/physics/index.js';

describe('special functions', () => {
  it('match tabulated values of erfc and Φ⁻¹', () => {
    // Abramowitz & Stegun Table 7.1 / standard tables
    expect(erfc(0.5)).toBeCloseTo(0.4795001221869535, 15);
    expect(erfc(1)).toBeCloseTo(0.15729920705028513, 15);
    expect(erfc(3) / 2.209049699858544e-5).toBeCloseTo(1, 12);
    expect(erfc(-1)).toBeCloseTo(1.8427007929497148, 14);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 14);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 9);
    for (const p of [1e-8, 0.01, 0.3, 0.77, 0.999999])
      expect(normalCdf(normalQuantile(p)) / p).toBeCloseTo(1, 10);
  });
});

describe('fast normal deviates (ziggurat)', () => {
  it('are standard normal (KS), including the tails', () => {
    const n = 200_000;
    const x = new Float64Array(n);
    fillNormal(new Rng(11), x);
    expect(ksTest(x, normalCdf).p).toBeGreaterThan(0.001);
    const tail = x.filter((v) => Math.abs(v) > 3).length / n;
    // P(|z| > 3) = 0.0026998; binomial SD at n = 200k is 0.000116
    expect(Math.abs(tail - 0.0026998)).toBeLessThan(4 * 0.000116);
    expect(x.filter((v) => Math.abs(v) > 3.442619855899).length).toBeGreaterThan(0); // the tail path is used
  });

  it('are standard normal and uncorrelated across addressable blocks', () => {
    const key = Uint32Array.from([1, 2, 3, 4]);
    const blocks = 3000;
    const x = new Float64Array(64 * blocks);
    for (let b = 0; b < blocks; b++) fillNormalBlock(key, b, x, 64 * b, 64);
    expect(ksTest(x, normalCdf).p).toBeGreaterThan(0.001);
    // same element of neighbouring blocks: correlation ~ N(0, 1/√blocks)
    let s = 0;
    for (let b = 0; b + 1 < blocks; b++) s += x[64 * b] * x[64 * (b + 1)];
    expect(Math.abs(s / (blocks - 1))).toBeLessThan(4 / Math.sqrt(blocks));
    const again = new Float64Array(64);
    fillNormalBlock(key, 17, again, 0, 64);
    expect(again).toEqual(x.subarray(64 * 17, 64 * 18));
  });
});

describe('distributions', () => {
  const cases = [
    { dist: 'normal', mean: 2, sd: 3 },
    { dist: 'lognormal', mu: 1, sigma: 0.5 },
    { dist: 'uniform', min: -1, max: 4 },
    { dist: 'truncnormal', mean: 10, sd: 4, min: 6, max: 20 }, // rejection branch
    { dist: 'truncnormal', mean: 0, sd: 1, min: 2.5 }, // upper tail: inversion on the mirrored side
    { dist: 'truncnormal', mean: 0, sd: 1, max: -2 }, // lower tail: inversion
  ] as const;
  for (const spec of cases) {
    it(`sample and copula transform follow the CDF: ${JSON.stringify(spec)}`, () => {
      const d = makeDistribution(spec);
      const rng = new Rng(3);
      const n = 20_000;
      const direct = Float64Array.from({ length: n }, () => d.sample(rng));
      const viaCopula = Float64Array.from({ length: n }, () => d.fromStandardNormal(rng.normal()));
      expect(ksTest(direct, (x) => d.cdf(x)).p).toBeGreaterThan(0.001);
      expect(ksTest(viaCopula, (x) => d.cdf(x)).p).toBeGreaterThan(0.001);
      // and a wrong distribution is rejected by the same test (the check has power)
      const mean = direct.reduce((a, b) => a + b, 0) / n;
      const sd = Math.sqrt(direct.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
      const shifted = direct.map((x) => x + 0.1 * sd);
      expect(ksTest(shifted, (x) => d.cdf(x)).p).toBeLessThan(0.001);
    });
  }
});

const TEST_COHORT = `
name: families
protocol: { spectrometerFrequency: 127.76, spectralWidth: 2000, points: 1024 }
groups:
  A:
    amplitudes:
      Ala: { dist: lognormal, mean: 1.5, sd: 0.5 }
      Bet: { dist: truncnormal, mean: 1, sd: 0.5, min: 0 }
      Cho: { dist: uniform, min: 0.5, max: 1.5 }
      Cr: 0.8
      GPC: { dist: lognormal, mu: 0, sigma: 0.3 }
      PCh: { dist: lognormal, mu: 0, sigma: 0.3 }
      Glc: 6
      Glyc: 40
      Gln: 4
      Glu: 2.5
      GSH: 3
      Gly: 1.5
      Ins: 1
      Lac: 1.5
      Tau: 2
      L09: 250
      L13: 2000
      L21: 370
      L28: 12
      L53: 140
    correlation:
      components: [GPC, PCh, Cho]
      matrix: [[1, 0.8, 0.5], [0.8, 1, 0.3], [0.5, 0.3, 1]]
    nuisance:
      lorentzianWidth: { all: { dist: truncnormal, mean: 15, sd: 5, min: 5, max: 30 }, Glyc: { dist: uniform, min: 20, max: 40 } }
      gaussianWidth: { dist: lognormal, mean: 6, sd: 2 }
      shift: { dist: normal, mean: 1, sd: 3 }
      phase0: { dist: uniform, min: -20, max: 20 }
      snr: { dist: truncnormal, mean: 100, sd: 40, min: 20 }
`;

describe('GroupSampler', () => {
  const gen = new SpectrumGenerator(parseCohort(TEST_COHORT, 'families.yaml'), defaultLiverBasis());
  const n = 4000;
  const rows = Array.from({ length: n }, (_, i) => {
    const r = new Float64Array(gen.layout.size);
    gen.sampleParameters(2025, 0, i, r);
    return r;
  });
  const column = (c: string) => rows.map((r) => r[gen.layout.indexOf(c)]);

  it('draws every parameter from its configured marginal (KS per family)', () => {
    const sampler = gen.samplers[0];
    for (const c of [
      'Ala',
      'Bet',
      'Cho',
      'GPC',
      'lw_Cr',
      'lw_Glyc',
      'gauss_hz',
      'shift_hz',
      'phi0_deg',
      'snr',
    ]) {
      const d = sampler.marginal(c);
      expect(d, c).toBeDefined();
      const p = ksTest(column(c), (x) => d!.cdf(x)).p;
      expect(p, c).toBeGreaterThan(0.001);
    }
    expect(new Set(column('Cr')).size).toBe(1);
  });

  it('shares a class width between its components and draws named components separately', () => {
    for (const r of rows.slice(0, 50)) {
      expect(r[gen.layout.indexOf('lw_Cho')]).toBe(r[gen.layout.indexOf('lw_L13')]);
      expect(r[gen.layout.indexOf('lw_Glyc')]).not.toBe(r[gen.layout.indexOf('lw_Cho')]);
    }
  });

  it('reproduces the Gaussian-copula correlation on the normal scores', () => {
    const sampler = gen.samplers[0];
    const z = (c: string) => column(c).map((x) => sampler.marginal(c)!.toStandardNormal(x));
    const corr = (a: number[], b: number[]) => {
      const ma = a.reduce((s, v) => s + v, 0) / a.length;
      const mb = b.reduce((s, v) => s + v, 0) / b.length;
      let sab = 0;
      let saa = 0;
      let sbb = 0;
      for (let i = 0; i < a.length; i++) {
        sab += (a[i] - ma) * (b[i] - mb);
        saa += (a[i] - ma) ** 2;
        sbb += (b[i] - mb) ** 2;
      }
      return sab / Math.sqrt(saa * sbb);
    };
    // SE of r at n = 4000 is about (1 - r²)/√n ≤ 0.016
    expect(corr(z('GPC'), z('PCh'))).toBeCloseTo(0.8, 1);
    expect(Math.abs(corr(z('GPC'), z('Cho')) - 0.5)).toBeLessThan(0.05);
    expect(Math.abs(corr(z('PCh'), z('Cho')) - 0.3)).toBeLessThan(0.05);
    expect(Math.abs(corr(z('Ala'), z('Cho')))).toBeLessThan(0.05);
  });

  it('gives the same draw for the same seed, group and index, and different draws otherwise', () => {
    const a = new Float64Array(gen.layout.size);
    const b = new Float64Array(gen.layout.size);
    gen.sampleParameters(2025, 0, 17, a);
    expect(a).toEqual(rows[17]);
    gen.sampleParameters(2026, 0, 17, b);
    expect(b).not.toEqual(a);
  });
});
