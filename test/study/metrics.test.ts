import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import {
  auc,
  classificationMetrics,
  confusion,
  rocCurve,
  youdenThreshold,
} from '../../src/networks/classification-metrics.js';
import { fitLogistic, fitLogisticCv, predictLogistic } from '../../src/study/logistic-regression.js';
import { normalCdf, wilcoxonOneSample, wilcoxonSignedRank } from '../../src/study/wilcoxon.js';

describe('classification metrics', () => {
  it('Youden threshold: the cut that maximises sensitivity + specificity, between the two scores around it', () => {
    // Scores 0.1..0.8; labels 0 0 1 0 1 1 1 0: cuts at 0.25 (J = 4/4 + 1/4 − 1 = 0.25), 0.45 (J = 3/4 + 3/4 − 1 =
    // 0.5), 0.75 (J = 0 + ...). The best is between 0.4 and 0.5.
    const labels = [0, 0, 1, 0, 1, 1, 1, 0];
    const scores = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
    expect(youdenThreshold(labels, scores)).toBeCloseTo(0.45, 12);
    const m = classificationMetrics(labels, scores, 0.45);
    expect([m.sensitivity, m.specificity]).toEqual([0.75, 0.75]);
    // Perfectly separated: any cut in the gap; the midpoint is returned.
    expect(youdenThreshold([0, 0, 1, 1], [1, 2, 5, 6])).toBe(3.5);
    expect(youdenThreshold([1, 1], [0.2, 0.3])).toBeNaN();
  });

  it("reproduce the paper's counts on a hand-made confusion matrix", () => {
    // 7 LC-HCC all detected, 9 of 10 LC correct: sensitivity 7/7, specificity 9/10, accuracy 16/17.
    const labels = [1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const probs = [
      0.9, 0.8, 0.7, 0.95, 0.6, 0.55, 0.51, 0.1, 0.2, 0.3, 0.4, 0.45, 0.05, 0.15, 0.25, 0.35, 0.52,
    ];
    const m = classificationMetrics(labels, probs);
    expect(confusion(labels, probs)).toEqual({ tp: 7, fn: 0, tn: 9, fp: 1 });
    expect(m.sensitivity).toBe(1);
    expect(m.specificity).toBeCloseTo(0.9, 12);
    expect(m.accuracy).toBeCloseTo(16 / 17, 12);
    // One LC (0.52) outranks two HCC (0.51) ... (0.51 only): 69 of 70 pairs ordered -> AUC = 69/70.
    expect(m.auc).toBeCloseTo(69 / 70, 12);
  });

  it('AUC counts ties as one half and matches the ROC trapezoid', () => {
    const labels = [0, 0, 1, 1, 0, 1];
    const s = [0.1, 0.5, 0.5, 0.9, 0.3, 0.2];
    // pairs (pos,neg): 0.5 vs {0.1,0.5,0.3}: 1+0.5+1; 0.9: 3; 0.2 vs {0.1}: 1 -> 6.5 / 9
    expect(auc(labels, s)).toBeCloseTo(6.5 / 9, 12);
    const roc = rocCurve(labels, s);
    let area = 0;
    for (let i = 1; i < roc.length; i++)
      area += ((roc[i].fpr - roc[i - 1].fpr) * (roc[i].tpr + roc[i - 1].tpr)) / 2;
    expect(area).toBeCloseTo(6.5 / 9, 12);
    expect(roc.at(-1)).toMatchObject({ fpr: 1, tpr: 1 });
  });
});

describe('Wilcoxon signed-rank', () => {
  it("matches the exact test on Darwin's Zea mays differences (scipy.stats.wilcoxon: W = 24, p = 0.041259765625)", () => {
    const d = [6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75];
    const r = wilcoxonOneSample(d);
    expect(r.method).toBe('exact');
    expect(r.statistic).toBe(24);
    expect(r.pValue).toBeCloseTo(0.041259765625, 12);
    expect(wilcoxonOneSample(d, 'greater').pValue).toBeCloseTo(0.020629882812, 10);
  });

  it('uses the normal approximation for large n and detects a shift', () => {
    const rng = new Rng(5);
    const x: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const base = rng.normal();
      x.push(base + 0.1 + 0.5 * rng.normal());
      y.push(base + 0.5 * rng.normal());
    }
    const r = wilcoxonSignedRank(x, y, 'greater');
    expect(r.method).toBe('normal');
    expect(r.pValue).toBeLessThan(1e-6);
    // Under the null the p-value is not small.
    const r0 = wilcoxonSignedRank(
      y,
      y.map((v, i) => v + (i % 2 ? 1e-3 : -1e-3)),
    );
    expect(r0.pValue).toBeGreaterThan(0.5);
  });

  it('normal CDF is accurate', () => {
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.15865525393145707, 6);
  });
});

describe('logistic regression', () => {
  it('recovers known coefficients from a large sample', () => {
    const rng = new Rng(11);
    const x: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 4000; i++) {
      const a = rng.normal();
      const b = rng.normal();
      const p = 1 / (1 + Math.exp(-(0.5 + 2 * a - 1 * b)));
      x.push([a, b]);
      y.push(rng.uniform() < p ? 1 : 0);
    }
    const m = fitLogistic(x, y, 1e-6);
    // standardised coefficients: coef_j = beta_j * sd_j
    expect(m.coef[0] / m.sd[0]).toBeCloseTo(2, 0);
    expect(m.coef[1] / m.sd[1]).toBeCloseTo(-1, 0);
    const acc = predictLogistic(m, x).filter((p, i) => (p >= 0.5 ? 1 : 0) === y[i]).length / x.length;
    expect(acc).toBeGreaterThan(0.75);
  });

  it('cross-validates the penalty on a small separable set without blowing up', () => {
    const x = [[0], [1], [2], [3], [4], [5], [6], [7]];
    const y = [0, 0, 0, 0, 1, 1, 1, 1];
    const m = fitLogisticCv(x, y);
    const p = predictLogistic(m, [[0], [7]]);
    expect(p[0]).toBeLessThan(0.5);
    expect(p[1]).toBeGreaterThan(0.5);
    expect(Number.isFinite(m.coef[0])).toBe(true);
  });
});
