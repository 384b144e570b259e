import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { auc } from '../../src/networks/classification-metrics.js';
import { loadCohort } from '../../src/simulate/cohort-files.js';
import { SpectrumGenerator } from '../../src/simulate/generator.js';
import { loadCohortBasis } from '../../src/simulate/cohort-files.js';
import { exactFit } from '../../src/study/fit-features.js';
import {
  type Blocks,
  estimateLogRatio,
  fitShrinkageLda,
  fromLogRatio,
  gaussianBayesAuc,
  ilrBasis,
  ldaScores,
  logRatioSize,
  perCoordinateJamesStein,
  sparseShrinkage,
  toLogRatio,
} from '../../src/study/logratio-priors.js';
import { estimateStudyPriors } from '../../src/study/study-priors.js';

// Five "lipids" (0–4) and four "metabolites" (5–8), as the study's blocks.
const blocks: Blocks = [
  [0, 1, 2, 3, 4],
  [5, 6, 7, 8],
];
const P = 9;

/** ln a of one patient: a shared lipid total (SD 0.8), composition noise (SD 0.1), independent metabolites (SD 0.3). */
function drawLn(rng: Rng, shift: readonly number[]): number[] {
  const t = 3 + 0.8 * rng.normal();
  return Array.from(
    { length: P },
    (_, i) => (i < 5 ? t + 0.1 * rng.normal() : 1 + 0.3 * rng.normal()) + shift[i],
  );
}

/** A composition-only difference: lipid 2 up by δ against the lipid total, the geometric-mean total unchanged. */
const composition = (delta: number) =>
  Array.from({ length: P }, (_, i) => (i < 5 ? delta * ((i === 2 ? 1 : 0) - 0.2) : 0));

const cosine = (a: number[], b: number[]) =>
  a.reduce((s, v, i) => s + v * b[i], 0) /
  Math.sqrt(a.reduce((s, v) => s + v * v, 0) * b.reduce((s, v) => s + v * v, 0));

describe('log-ratio coordinates', () => {
  it('round-trips ln a through clr + log totals, and a shared lipid factor moves only the lipid total', () => {
    const rng = new Rng(3);
    const x = Array.from({ length: P }, () => 3 * rng.normal());
    const y = toLogRatio(x, blocks);
    expect(y).toHaveLength(logRatioSize(blocks));
    expect(logRatioSize(blocks)).toBe(11);
    // clr of each block sums to 0; the total is the mean of ln a.
    expect(y.slice(0, 5).reduce((s, v) => s + v, 0)).toBeCloseTo(0, 12);
    expect(y[5]).toBeCloseTo(x.slice(0, 5).reduce((s, v) => s + v, 0) / 5, 12);
    const back = fromLogRatio(y, blocks, P);
    for (const [i, v] of back.entries()) expect(v).toBeCloseTo(x[i], 12);
    // All lipids × e (one more unit of ln a): the lipid clr stays, the lipid total rises by exactly 1.
    const y2 = toLogRatio(
      x.map((v, i) => (i < 5 ? v + 1 : v)),
      blocks,
    );
    for (const [k, v] of y2.entries()) expect(v - y[k]).toBeCloseTo(k === 5 ? 1 : 0, 12);
    // A singleton block is its own coordinate.
    expect(toLogRatio([2, 5], [[0], [1]])).toEqual([2, 5]);
  });

  it('has an orthonormal isometric basis whose composition rows are contrasts and whose total row is 1/√p', () => {
    const A = ilrBasis(blocks, P);
    expect(A).toHaveLength(P);
    for (let q = 0; q < P; q++)
      for (let r = 0; r < P; r++) {
        const d = A[q].reduce((s, v, i) => s + v * A[r][i], 0);
        expect(d).toBeCloseTo(q === r ? 1 : 0, 12);
      }
    // Rows 0–3: lipid contrasts (sum 0, no metabolite weight); row 4: the lipid total; row 8: the metabolites'.
    for (let q = 0; q < 4; q++) expect(A[q].reduce((s, v) => s + v, 0)).toBeCloseTo(0, 12);
    expect(A[4].slice(0, 5)).toEqual(new Array(5).fill(1 / Math.sqrt(5)));
    expect(A[8].slice(5)).toEqual(new Array(4).fill(1 / 2));
    expect(A[0].slice(0, 2)).toEqual([-1 / Math.SQRT2, 1 / Math.SQRT2]);
  });
});

describe('sparse empirical-Bayes shrinkage', () => {
  it('keeps large standardised differences, removes chance ones among them, and shrinks pure noise toward 0', () => {
    const rng = new Rng(5);
    const z = [6, -5, 7, ...Array.from({ length: 17 }, () => rng.normal())];
    const s = sparseShrinkage(z);
    expect(s.factors[0]).toBeGreaterThan(0.9);
    expect(s.factors[2]).toBeGreaterThan(0.9);
    // A chance |z| ≈ 1.5 keeps little.
    const chance = sparseShrinkage([6, -5, 7, 1.5, ...z.slice(4)]).factors[3];
    expect(chance).toBeLessThan(0.2);
    // Pure noise: on average over many draws the shrunk vector keeps < 25 % of the raw one.
    let kept = 0;
    for (let r = 0; r < 50; r++) {
      const noise = Array.from({ length: 20 }, () => rng.normal());
      const f = sparseShrinkage(noise).factors;
      kept +=
        Math.sqrt(noise.reduce((a, v, k) => a + (v * f[k]) ** 2, 0) / noise.reduce((a, v) => a + v * v, 0)) /
        50;
    }
    expect(kept).toBeLessThan(0.25);
  });
});

describe('log-ratio priors', () => {
  it('give a correlation matrix even when the fit noise is near a component’s whole spread', () => {
    // Lipids that share their total (r ≈ 0.985) and fit noise at 95 % of lipid 0's variance: taken off the
    // diagonal in full it leaves no covariance (a truth-lipid study stopped on a correlation of −2.5).
    const rng = new Rng(5);
    const g0 = Array.from({ length: 10 }, () => drawLn(rng, new Array(P).fill(0)));
    const g1 = Array.from({ length: 10 }, () => drawLn(rng, composition(0.1)));
    const noise = [0.95 * 0.65, 0, 0.6, 0, 0, 0, 0, 0, 0];
    const est = estimateLogRatio([g0, g1], blocks, noise);
    for (const s of est.sigma) expect(s).toBeGreaterThan(0);
    for (const row of est.correlation) for (const v of row) expect(Math.abs(v)).toBeLessThanOrEqual(1);
    expect(est.correlation.every((row, i) => row.every((v, j) => v === est.correlation[j][i]))).toBe(true);
  });

  it('recover a difference that lies only in one composition direction and pool one correlation', () => {
    const rng = new Rng(11);
    const truth = composition(0.15); // 1.5 composition SDs; the lipid total spreads 8× as much
    const n = 20;
    const g0 = Array.from({ length: n }, () => drawLn(rng, new Array(P).fill(0)));
    const g1 = Array.from({ length: n }, () => drawLn(rng, truth));
    const est = estimateLogRatio([g0, g1], blocks);
    const d = est.mu[1].map((v, i) => v - est.mu[0][i]);
    expect(cosine(d, truth)).toBeGreaterThan(0.9);
    // The shrunk lipid total barely differs (its raw chance difference is about one standard error of 0.25).
    const dt = d.slice(0, 5).reduce((s, v) => s + v, 0) / 5;
    expect(Math.abs(dt)).toBeLessThan(0.05);
    // The lipids' pooled correlation is the block's: 0.64 / (0.64 + 0.01) ≈ 0.985.
    expect(est.correlation[0][1]).toBeGreaterThan(0.95);
    expect(Math.abs(est.correlation[5][6])).toBeLessThan(0.4);
    expect(est.sigma[0]).toBeGreaterThan(0.5);
    expect(est.sigma[0]).toBeLessThan(1.2);
  });

  it('shrinks a null difference toward 0', () => {
    const rng = new Rng(12);
    let kept = 0;
    const R = 20;
    for (let r = 0; r < R; r++) {
      const g0 = Array.from({ length: 10 }, () => drawLn(rng, new Array(P).fill(0)));
      const g1 = Array.from({ length: 10 }, () => drawLn(rng, new Array(P).fill(0)));
      const est = estimateLogRatio([g0, g1], blocks);
      const raw = est.z;
      const shrunk = est.z.map((z, k) => z * est.factors[k]);
      kept += Math.sqrt(shrunk.reduce((a, v) => a + v * v, 0) / raw.reduce((a, v) => a + v * v, 0)) / R;
    }
    expect(kept).toBeLessThan(0.3);
  });

  it("with rule 'james-stein' shrinks each log-ratio by its own factor and keeps a lone difference the sparse rule drops", () => {
    expect(perCoordinateJamesStein([2, -0.5, 0, Number.NaN])).toEqual([0.75, 0, 0, 0]);
    // One metabolite (6) lower by 0.25 in ln a (0.83 of its SD, as glycogen in truth-glycogen), nothing else:
    // with 10 patients per group its z is about 1.9, among ten coordinates that are noise.
    const rng = new Rng(21);
    const shift = Array.from({ length: P }, (_, i) => (i === 6 ? -0.25 : 0));
    const kept = { sparse: 0, js: 0 };
    const R = 40;
    for (let r = 0; r < R; r++) {
      const g0 = Array.from({ length: 10 }, () => drawLn(rng, new Array(P).fill(0)));
      const g1 = Array.from({ length: 10 }, () => drawLn(rng, shift));
      const sparse = estimateLogRatio([g0, g1], blocks);
      const js = estimateLogRatio([g0, g1], blocks, undefined, 'james-stein');
      expect(js.rule).toBe('james-stein');
      expect(js.shrinkage).toBeUndefined();
      expect(js.z).toEqual(sparse.z);
      expect(js.factors).toEqual(perCoordinateJamesStein(js.z));
      // The share of the true difference each rule keeps in ln a of metabolite 6.
      kept.sparse += (sparse.mu[1][6] - sparse.mu[0][6]) / -0.25 / R;
      kept.js += (js.mu[1][6] - js.mu[0][6]) / -0.25 / R;
    }
    // Measured: sparse keeps 0.43 of it on average, James–Stein 0.64.
    expect(kept.js).toBeGreaterThan(kept.sparse + 0.1);
    expect(kept.js).toBeGreaterThan(0.5);
  });

  it('shrinkage LDA on ln a reaches the analytic Bayes AUC on a large sample', () => {
    const rng = new Rng(13);
    const truth = composition(0.15);
    const n = 3000;
    const g0 = Array.from({ length: n }, () => drawLn(rng, new Array(P).fill(0)));
    const g1 = Array.from({ length: n }, () => drawLn(rng, truth));
    const model = fitShrinkageLda([g0, g1], blocks);
    const t0 = Array.from({ length: n }, () => drawLn(rng, new Array(P).fill(0)));
    const t1 = Array.from({ length: n }, () => drawLn(rng, truth));
    const labels = [...t0.map(() => 0), ...t1.map(() => 1)];
    const a = auc(labels, ldaScores(model, [...t0, ...t1]));
    // Mahalanobis distance of a composition shift: lipid ln a = t·1 + e with Cov(e) = 0.01 I; the shift
    // δ(u − 1/5) is orthogonal to 1, so Δ² = δ²·|u − 1/5·1|²/0.01 = 0.15²·0.8/0.01.
    const bayes = gaussianBayesAuc(Math.sqrt((0.15 ** 2 * 0.8) / 0.01));
    expect(bayes).toBeCloseTo(0.8286, 3);
    expect(Math.abs(a - bayes)).toBeLessThan(0.015);
  });

  it('gives the study cohorts that read back, with one correlation for both groups, from true truth-lipid amplitudes', () => {
    const truth = loadCohort('truth-lipid');
    const basis = loadCohortBasis(truth);
    const groups = ['LC', 'LC-HCC'];
    const gen = new SpectrumGenerator(truth.cohort, basis, { groups });
    const cols = basis.names.map((c) => gen.layout.indexOf(c));
    const row = new Float64Array(gen.layout.size);
    const patients = groups.flatMap((g, gi) =>
      Array.from({ length: 10 }, (_, i) => {
        gen.sampleParameters(7, gi, i, row, 0);
        return { group: g, fit: exactFit(cols.map((c) => row[c])) };
      }),
    );
    const template = {
      ...structuredClone(loadCohort('hbv-lc').cohort),
      protocol: truth.cohort.protocol,
      basis: truth.cohort.basis,
    };
    const est = estimateStudyPriors(patients, {
      template,
      components: basis.names,
      name: 'logratio-test',
      groups,
      amplitudes: 'logratio',
    });
    const [a, b] = groups.map((g) => est.cohort.groups[g]);
    expect(a.correlation?.components).toHaveLength(basis.names.length);
    expect(a.correlation).toEqual(b.correlation);
    for (const c of basis.names) {
      const sa = a.amplitudes[c] as { dist: string; sigma: number };
      const sb = b.amplitudes[c] as { dist: string; sigma: number };
      expect(sa.dist).toBe('lognormal');
      expect(sa.sigma).toBe(sb.sigma);
    }
    // The simulator accepts it.
    expect(() => new SpectrumGenerator(est.cohort, basis, { groups })).not.toThrow();
  });
});
