import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import type { Cohort } from '../../src/simulate/cohort-schema.js';
import type { SpectrumFit } from '../../src/study/fit-features.js';
import { loadCohort } from '../../src/simulate/cohort-files.js';
import {
  priorsTable,
  shrinkDifferences,
  shrinkDifferencesEb,
  shrinkDifferencesWhitened,
} from '../../src/study/study-priors.js';

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

  it('shrinks differences by the empirical-Bayes factor τ²/(τ² + v) with τ² shared by the components', () => {
    const cohort = {
      groups: {
        N: {
          amplitudes: {
            X: { dist: 'lognormal', mu: 0, sigma: 1 },
            Y: { dist: 'lognormal', mu: 0, sigma: 1 },
          },
        },
        P: {
          amplitudes: {
            X: { dist: 'lognormal', mu: 2, sigma: 1 },
            Y: { dist: 'lognormal', mu: 0.5, sigma: 1 },
          },
        },
      },
    } as unknown as Cohort;
    // ln values {−1, 0, 1} around each group's mean: sample variance 1 per group, n = 3, so v = 2/3 for both
    // components (the CRLB floor (0.01/a)² is far below). d = (2, 0.5): τ² = ((4 − 2/3) + (0.25 − 2/3))/2 = 35/24.
    const around = (m: number) => [-1, 0, 1].map((l) => Math.exp(m + l));
    const fitXY = (x: number, y: number): SpectrumFit => ({
      ...fitOf(x),
      amplitudes: [x, y],
      crlb: [0.01, 0.01],
    });
    const nx = around(0);
    const px = around(2);
    const py = around(0.5);
    const patients = [
      ...nx.map((x, i) => ({ group: 'N', fit: fitXY(x, nx[i]) })),
      ...px.map((x, i) => ({ group: 'P', fit: fitXY(x, py[i]) })),
    ];
    const tau2 = 35 / 24;
    const lambda = tau2 / (tau2 + 2 / 3);
    const f = shrinkDifferencesEb(cohort, patients, ['N', 'P'], ['X', 'Y']);
    expect(f.X).toBeCloseTo(lambda, 10);
    expect(f.Y).toBeCloseTo(lambda, 10);
    const p = cohort.groups.P.amplitudes.Y as { mu: number };
    expect(p.mu).toBeCloseTo(0.25 + lambda * 0.25, 5);
  });

  it('empirical Bayes removes every difference when none exceeds its sampling error, and the CRLB floors the variance', () => {
    const make = () =>
      ({
        groups: {
          N: { amplitudes: { X: { dist: 'lognormal', mu: 0, sigma: 0.1 } } },
          P: { amplitudes: { X: { dist: 'lognormal', mu: 0.3, sigma: 0.1 } } },
        },
      }) as unknown as Cohort;
    // Tight values (sample SD of ln a 0.1, d = 0.3 ≫ √v ≈ 0.08): kept when the fits are precise…
    const near = (m: number) => [-0.1, 0, 0.1].map((l) => Math.exp(m + l));
    const patients = (crlb: number) => [
      ...near(0).map((a) => ({ group: 'N', fit: { ...fitOf(a), crlb: [crlb] } })),
      ...near(0.3).map((a) => ({ group: 'P', fit: { ...fitOf(a), crlb: [crlb] } })),
    ];
    expect(shrinkDifferencesEb(make(), patients(0.001), ['N', 'P'], ['X']).X).toBeGreaterThan(0.8);
    // …and removed when the CRLBs say each fit is uncertain by 100%: the small scatter was luck.
    const c = make();
    expect(shrinkDifferencesEb(c, patients(1.2), ['N', 'P'], ['X']).X).toBe(0);
    expect(c.groups.N.amplitudes.X).toEqual(c.groups.P.amplitudes.X);
  });
});

describe('whitened shrinkage', () => {
  it('keeps a composition difference and removes a chance difference of the total, which per-component shrinkage cannot tell apart', () => {
    // Two strongly correlated components X, Y (ln X = t + e, ln Y = t − e, t the "total" with SD 1, e the
    // "composition" with SD 0.05; 12 patients per group). Group P: total higher by 0.5 (one standard error of a
    // 12-patient difference of the total: chance-like) and composition higher by 0.1 (four standard errors).
    const rng = new Rng(21);
    const n = 12;
    const draw = (dt: number, de: number) =>
      Array.from({ length: n }, () => {
        const t = rng.normal() + dt;
        const e = 0.05 * rng.normal() + de;
        return { x: Math.exp(t + e), y: Math.exp(t - e) };
      });
    const N0 = draw(0, 0);
    const P0 = draw(0.5, 0.1);
    const lnMean = (v: number[]) => v.reduce((a, b) => a + Math.log(b), 0) / v.length;
    const lnSd = (v: number[]) => {
      const m = lnMean(v);
      return Math.sqrt(v.reduce((a, b) => a + (Math.log(b) - m) ** 2, 0) / (v.length - 1));
    };
    const spec = (v: number[]) => ({ dist: 'lognormal', mu: lnMean(v), sigma: lnSd(v) });
    const make = () =>
      ({
        groups: {
          N: { amplitudes: { X: spec(N0.map((q) => q.x)), Y: spec(N0.map((q) => q.y)) } },
          P: { amplitudes: { X: spec(P0.map((q) => q.x)), Y: spec(P0.map((q) => q.y)) } },
        },
      }) as unknown as Cohort;
    const fitXY = (x: number, y: number): SpectrumFit => ({ ...fitOf(x), amplitudes: [x, y], crlb: [0, 0] });
    const patients = [
      ...N0.map((q) => ({ group: 'N', fit: fitXY(q.x, q.y) })),
      ...P0.map((q) => ({ group: 'P', fit: fitXY(q.x, q.y) })),
    ];
    const c = make();
    shrinkDifferencesWhitened(c, patients, ['N', 'P'], ['X', 'Y']);
    const mu = (g: string, k: string) => (c.groups[g].amplitudes[k] as { mu: number }).mu;
    const composition = (g: string) => (mu(g, 'X') - mu(g, 'Y')) / 2;
    const total = (g: string) => (mu(g, 'X') + mu(g, 'Y')) / 2;
    const before = make();
    const mu0 = (g: string, k: string) => (before.groups[g].amplitudes[k] as { mu: number }).mu;
    const comp0 = (mu0('P', 'X') - mu0('P', 'Y') - mu0('N', 'X') + mu0('N', 'Y')) / 2;
    // The composition difference (≈ 0.1, many standard errors) survives nearly whole…
    expect(composition('P') - composition('N')).toBeGreaterThan(0.8 * comp0);
    expect(comp0).toBeGreaterThan(0.05);
    // …while the total's difference, about one standard error, is mostly removed.
    const total0 = (mu0('P', 'X') + mu0('P', 'Y') - mu0('N', 'X') - mu0('N', 'Y')) / 2;
    expect(Math.abs(total('P') - total('N'))).toBeLessThan(0.5 * Math.abs(total0));
    // Per-component James–Stein sees each component's difference at about one standard error: both shrink alike,
    // and the composition loses as much as the total.
    const js = make();
    const f = shrinkDifferences(js, patients, ['N', 'P'], ['X', 'Y']);
    expect(Math.abs(f.X - f.Y)).toBeLessThan(0.5);
  });
});

describe('bootstrap and transductive priors', () => {
  it('builds one cohort of B resampled group pairs with class labels, which reads back', async () => {
    const { bootstrapStudyPriors, estimateStudyPriors } = await import('../../src/study/study-priors.js');
    const template = loadCohort('hbv-lc').cohort;
    const components = Object.keys(template.groups[Object.keys(template.groups)[0]].amplitudes);
    const groups = ['LC', 'LC-HCC'];
    let u = 0.3;
    const next = () => {
      u = (u * 9301 + 0.49297) % 1;
      return u;
    };
    const patient = (group: string, scale: number) => ({
      group,
      fit: {
        amplitudes: components.map(() => scale * (0.5 + next())),
        crlb: components.map(() => 0.1),
        columns: { snr: 300 + 200 * next(), shift_hz: next() - 0.5, phase0_deg: 10 * (next() - 0.5) },
        sd: {},
        converged: true,
        seconds: 0,
        warnings: [],
      } as SpectrumFit,
    });
    const patients = [
      ...Array.from({ length: 6 }, () => patient('LC', 1)),
      ...Array.from({ length: 6 }, () => patient('LC-HCC', 2)),
    ];
    const o = { template, components, name: 't', groups };
    const b = bootstrapStudyPriors(patients, o, 4, 7);
    expect(b.resamples).toBe(4);
    expect(b.groups).toEqual([
      'LC~1',
      'LC-HCC~1',
      'LC~2',
      'LC-HCC~2',
      'LC~3',
      'LC-HCC~3',
      'LC~4',
      'LC-HCC~4',
    ]);
    expect(b.labels).toEqual([0, 1, 0, 1, 0, 1, 0, 1]);
    // Resamples differ from each other and scatter around the point estimate.
    const mu = (g: string) => (b.cohort.groups[g].amplitudes[components[0]] as { mu: number }).mu;
    const point = estimateStudyPriors(patients, o).cohort.groups['LC-HCC'].amplitudes[components[0]] as {
      mu: number;
    };
    const mus = [1, 2, 3, 4].map((k) => mu(`LC-HCC~${k}`));
    expect(new Set(mus).size).toBeGreaterThan(1);
    expect(Math.min(...mus)).toBeLessThanOrEqual(point.mu + 0.3);
    expect(Math.max(...mus)).toBeGreaterThanOrEqual(point.mu - 0.3);
    // Same seed, same resamples.
    expect(bootstrapStudyPriors(patients, o, 4, 7).cohort).toEqual(b.cohort);

    // Transductive nuisance: unlabelled spectra with a much higher SNR move the pooled SNR prior up, and leave the
    // amplitude priors alone.
    const unlabelled = Array.from({ length: 12 }, () => {
      const p = patient('?', 1).fit;
      return { ...p, columns: { ...p.columns, snr: 2000 + 100 * next() } };
    });
    const plain = estimateStudyPriors(patients, o).cohort;
    const trans = estimateStudyPriors(patients, { ...o, nuisance: 'transductive', unlabelled }).cohort;
    const mean = (c: typeof plain) => {
      const s = c.groups.LC.nuisance.snr as { dist: string; mu?: number; sigma?: number; mean?: number };
      return s.dist === 'lognormal' ? Math.exp((s.mu ?? 0) + 0.5 * (s.sigma ?? 0) ** 2) : (s.mean ?? 0);
    };
    expect(mean(trans)).toBeGreaterThan(2 * mean(plain));
    expect(trans.groups['LC-HCC'].amplitudes).toEqual(plain.groups['LC-HCC'].amplitudes);
  });
});
