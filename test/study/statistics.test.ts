import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { parseCohort } from '../../src/simulate/cohort-schema.js';
import { GroupSampler } from '../../src/simulate/cohort-sampler.js';
import { ParameterLayout } from '../../src/simulate/parameters.js';
import {
  brierScore,
  expectedCalibrationError,
  fitTemperature,
  logLoss,
  sigmoid,
} from '../../src/networks/calibration.js';
import { classifyConcentrations, trainConcentrationClassifier } from '../../src/study/conventional.js';
import { oracleProbabilities, reweightPrior } from '../../src/study/oracle.js';
import {
  biasByTruth,
  centralZ,
  coverage,
  distribution,
  errorSummary,
  quantile,
} from '../../src/study/quant-metrics.js';
import { designPrior, PAPER_DESIGN } from '../../src/study/virtual-study.js';
import { auc } from '../../src/networks/classification-metrics.js';

/** Two groups differing in one lognormal component A (B fixed): the oracle's posterior has a closed form. */
function twoGroupSamplers(mu0: number, mu1: number, s0: number, s1: number) {
  const cohort = parseCohort(
    `name: toy
protocol: { spectrometerFrequency: 127.76, spectralWidth: 2000, points: 1024 }
groups:
  N:
    amplitudes: { A: { dist: lognormal, mu: ${mu0}, sigma: ${s0} }, B: 1 }
    nuisance: { lorentzianWidth: { all: 5 }, snr: 100 }
  P:
    amplitudes: { A: { dist: lognormal, mu: ${mu1}, sigma: ${s1} }, B: 1 }
    nuisance: { lorentzianWidth: { all: 5 }, snr: 100 }
`,
    'toy.yaml',
  );
  const layout = new ParameterLayout(['A', 'B'], 0);
  const classOf = () => 'metabolite' as const;
  return {
    layout,
    negative: new GroupSampler(cohort.groups.N, layout, classOf),
    positive: new GroupSampler(cohort.groups.P, layout, classOf),
  };
}

describe('oracle (Bayes-optimal posterior on true amplitudes)', () => {
  it('equals the analytic posterior of two lognormal classes with equal spread', () => {
    const [mu0, mu1, s] = [0, 0.5, 0.4];
    const g = twoGroupSamplers(mu0, mu1, s, s);
    const prior = 17 / 37;
    for (const x of [0.5, 1, 1.3, 2.5]) {
      const row = g.layout.fromObject(
        Object.fromEntries(g.layout.columns.map((c) => [c, c === 'A' ? x : c === 'B' ? 1 : 0])),
      );
      const [p] = oracleProbabilities(g, [row], prior);
      const l = Math.log(x);
      // ln p1 − ln p0 = [(l − μ0)² − (l − μ1)²] / (2σ²); the 1/x Jacobians cancel.
      const logOdds = ((l - mu0) ** 2 - (l - mu1) ** 2) / (2 * s * s) + Math.log(prior / (1 - prior));
      expect(p).toBeCloseTo(1 / (1 + Math.exp(-logOdds)), 10);
    }
  });

  it('includes the normalising terms when the spreads differ', () => {
    const [mu0, mu1, s0, s1] = [0.2, 0.2, 0.3, 0.6];
    const g = twoGroupSamplers(mu0, mu1, s0, s1);
    const x = 2;
    const row = g.layout.fromObject(
      Object.fromEntries(g.layout.columns.map((c) => [c, c === 'A' ? x : c === 'B' ? 1 : 0])),
    );
    const [p] = oracleProbabilities(g, [row], 0.5);
    const l = Math.log(x);
    const lp = (mu: number, s: number) => -0.5 * ((l - mu) / s) ** 2 - Math.log(s);
    expect(p).toBeCloseTo(sigmoid(lp(mu1, s1) - lp(mu0, s0)), 10);
  });

  it("moves probabilities between class priors by Bayes' rule and uses the design's prior", () => {
    expect(reweightPrior(0.5, 0.5, 0.2)).toBeCloseTo(0.2, 12);
    // odds 3 at prior 1/2 -> odds 3 · (1/3) = 1 at prior 1/4
    expect(reweightPrior(0.75, 0.5, 0.25)).toBeCloseTo(0.5, 12);
    expect(designPrior(PAPER_DESIGN)).toBeCloseTo(17 / 37, 12);
  });
});

describe('quantification metrics', () => {
  it('central normal quantiles', () => {
    expect(centralZ(0.95)).toBeCloseTo(1.959964, 5);
    expect(centralZ(0.68)).toBeCloseTo(0.994458, 5);
  });

  it('coverage counts the truths inside estimate ± z·sd', () => {
    // 100 cases with z-scores spread evenly over (−2.5, 2.5): 40 of them lie within ±0.994 (|z| < 0.994),
    // 78 within ±1.96 (|z| ≤ 1.925).
    const truth: number[] = [];
    const est: number[] = [];
    const sd: number[] = [];
    for (let i = 0; i < 100; i++) {
      const z = -2.475 + 0.05 * i;
      truth.push(10 + 2 * z);
      est.push(10);
      sd.push(2);
    }
    expect(coverage(truth, est, sd, 0.68)).toBeCloseTo(40 / 100, 12);
    expect(coverage(truth, est, sd, 0.95)).toBeCloseTo(78 / 100, 12);
  });

  it('bias against the truth: equal-count bins and the slope of a shrinking estimator', () => {
    // Estimates pulled halfway toward the mean 5.5: error = −0.5 (t − 5.5), slope −0.5.
    const truth = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
    const est = truth.map((t) => t - 0.5 * (t - 5.5));
    const b = biasByTruth(truth, est, 5);
    expect(b.slope).toBeCloseTo(-0.5, 12);
    expect(b.bins.map((x) => [x.lo, x.hi, x.n])).toEqual([
      [1, 2, 2],
      [3, 4, 2],
      [5, 6, 2],
      [7, 8, 2],
      [9, 10, 2],
    ]);
    // bin {1, 2}: errors 2.25 and 1.75 -> bias 2; then 1, 0, −1, −2.
    expect(b.bins.map((x) => x.bias)).toEqual([2, 1, 0, -1, -2].map((v) => expect.closeTo(v, 12)));
    expect(b.bins[0].mae).toBeCloseTo(2, 12);
    expect(b.bins[0].meanTruth).toBeCloseTo(1.5, 12);
  });

  it('error summary: MAE, MAPE over positive truths, bias, RMSE', () => {
    const e = errorSummary([1, 2, 0, 4], [2, 1, 1, 4]);
    expect(e.mae).toBeCloseTo(0.75, 12);
    expect(e.mape).toBeCloseTo((100 * (1 + 0.5 + 0)) / 3, 12);
    expect(e.bias).toBeCloseTo(0.25, 12);
    expect(e.rmse).toBeCloseTo(Math.sqrt(3 / 4), 12);
  });

  it("quantiles and distributions match R's type 7", () => {
    // R: quantile(c(1,2,3,4,10), c(.25,.5,.75)) -> 2 3 4
    expect([0.25, 0.5, 0.75].map((p) => quantile([10, 1, 3, 2, 4], p))).toEqual([2, 3, 4]);
    // R: quantile(1:4, .25) -> 1.75
    expect(quantile([1, 2, 3, 4], 0.25)).toBeCloseTo(1.75, 12);
    const d = distribution([1, 2, 3, 4, Number.NaN]);
    expect(d.n).toBe(4);
    expect(d.mean).toBeCloseTo(2.5, 12);
    expect(d.sd).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect([d.q1, d.median, d.q3]).toEqual([1.75, 2.5, 3.25]);
  });
});

describe('calibration', () => {
  it('temperature scaling recovers the temperature that made the labels', () => {
    const rng = new Rng(3);
    const T = 2.5;
    const logits: number[] = [];
    const labels: number[] = [];
    for (let i = 0; i < 20000; i++) {
      const z = 6 * rng.normal();
      logits.push(z);
      labels.push(rng.uniform() < sigmoid(z / T) ? 1 : 0);
    }
    const fitted = fitTemperature(labels, logits);
    expect(fitted).toBeGreaterThan(T * 0.93);
    expect(fitted).toBeLessThan(T * 1.07);
    expect(logLoss(labels, logits, fitted)).toBeLessThan(logLoss(labels, logits, 1));
  });

  it('expected calibration error and Brier score on a hand-made case', () => {
    // Bin [0.2, 0.3): p 0.25 ×4, one positive: rate 0.25, gap 0. Bin [0.8, 0.9): p 0.8 ×4, 2 positive: gap 0.3.
    const probs = [0.25, 0.25, 0.25, 0.25, 0.8, 0.8, 0.8, 0.8];
    const labels = [1, 0, 0, 0, 1, 1, 0, 0];
    const r = expectedCalibrationError(labels, probs);
    expect(r.ece).toBeCloseTo(0.5 * 0 + 0.5 * 0.3, 12);
    expect(r.bins).toHaveLength(2);
    expect(brierScore([1, 0], [0.8, 0.4])).toBeCloseTo((0.04 + 0.16) / 2, 12);
    // log loss of p = 0.5 for any label: ln 2
    expect(logLoss([1, 0, 1], [0, 0, 0])).toBeCloseTo(Math.LN2, 12);
  });
});

describe('conventional classifier (concentrations -> penalised logistic regression)', () => {
  it('separates groups that differ in one concentration and is invariant to zero amplitudes', () => {
    const rng = new Rng(9);
    const rows: number[][] = [];
    const labels: number[] = [];
    for (let i = 0; i < 40; i++) {
      const y = i % 2;
      labels.push(y);
      rows.push([
        Math.exp(rng.normal() * 0.2 + (y ? 1 : 0)),
        Math.exp(rng.normal() * 0.3),
        i % 5 === 0 ? 0 : 1,
      ]);
    }
    const c = trainConcentrationClassifier(rows.slice(0, 20), labels.slice(0, 20));
    const p = classifyConcentrations(c, rows.slice(20));
    expect(p.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(auc(labels.slice(20), p)).toBeGreaterThan(0.95);
  });
});
