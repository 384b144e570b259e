import { describe, expect, it } from 'vitest';
import { classificationMetrics } from '../../src/networks/classification-metrics.js';
import {
  type ArmSummary,
  pairedComparisons,
  pairedText,
  summariseStudy,
} from '../../src/study/study-summary.js';
import type { ArmName, RepeatResult } from '../../src/study/virtual-study.js';
import { normalSf } from '../../src/study/wilcoxon.js';

/** A repeat with the given test-patient probabilities per arm (only what the summary reads). */
function repeat(r: number, labels: number[], probs: Partial<Record<ArmName, number[]>>): RepeatResult {
  const arms: RepeatResult['arms'] = {};
  for (const [arm, p] of Object.entries(probs) as [ArmName, number[]][]) {
    arms[arm] = classificationMetrics(labels, p);
  }
  const patients = labels.map((label, i) => ({
    id: `r${r}p${i}`,
    group: label ? 'LC-HCC' : 'LC',
    label,
    role: 'test',
    probabilities: Object.fromEntries(Object.entries(probs).map(([a, p]) => [a, p[i]])),
  }));
  return {
    repeat: r,
    seed: r,
    classPrior: 0.5,
    arms,
    patients,
    seconds: { total: 1 },
  } as unknown as RepeatResult;
}

describe('paired comparison of methods over repeats', () => {
  it('ranks a perfect classifier above a coin in every repeat, with the exact signed-rank P', () => {
    const labels = [1, 1, 1, 0, 0, 0];
    const results = [1, 2, 3, 4, 5, 6].map((r) =>
      repeat(r, labels, {
        ccnn: [0.9, 0.8, 0.7, 0.3, 0.2, 0.1], // AUC 1
        conventional: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5], // AUC 0.5
      }),
    );
    const s = summariseStudy(results);
    // Only the pair whose two arms ran: qCNN + LR and the bound are absent.
    expect(s.paired.map((c) => [c.a, c.b])).toEqual([['ccnn', 'conventional']]);
    const [c] = s.paired;
    expect(c).toMatchObject({ repeats: 6, higher: 6, lower: 0, ties: 0, medianDifference: 0.5 });
    expect(c.pooledDifference).toBeCloseTo(0.5, 12);
    // Six positive differences, all tied at 0.5 (ranks 3.5): normal approximation with tie and continuity
    // correction, W+ = 21, mean 10.5, var = 6·7·13/24 − (6³ − 6)/48 = 18.375 (scipy's wilcoxon, correction=True).
    const z = (21 - 10.5 - 0.5) / Math.sqrt(18.375);
    expect(c.pAbove).toBeCloseTo(normalSf(z), 12);
    expect(c.pTwoSided).toBeCloseTo(2 * normalSf(z), 12);
    expect(pairedText(s.paired, (a) => a)[0]).toMatch(/^ccnn vs conventional: AUC higher in 6 of 6 repeats/);
  });

  it('matches the exact Wilcoxon P of known differences (W− = 1 of n = 6: two-sided 4/64)', () => {
    const d = [0.1, 0.2, 0.3, 0.4, -0.05, 0.5];
    const results = d.map((x, i) => ({
      repeat: i + 1,
      arms: { ccnn: { auc: 0.6 + x }, qcnnLogistic: { auc: 0.6 } },
    })) as unknown as RepeatResult[];
    const arms = [
      { arm: 'ccnn', pooled: { auc: 0.8 } },
      { arm: 'qcnnLogistic', pooled: { auc: 0.6 } },
    ] as unknown as ArmSummary[];
    const [c] = pairedComparisons(results, arms);
    expect(c).toMatchObject({ a: 'ccnn', b: 'qcnnLogistic', higher: 5, lower: 1, ties: 0 });
    expect(c.pTwoSided).toBeCloseTo(4 / 64, 12);
    expect(c.pAbove).toBeCloseTo(2 / 64, 12);
    expect(c.medianDifference).toBeCloseTo(0.25, 12);
    expect(c.pooledDifference).toBeCloseTo(0.2, 12);
  });

  it('needs two repeats to compare', () => {
    const r = repeat(1, [1, 0], { ccnn: [0.9, 0.1], conventional: [0.1, 0.9] });
    expect(summariseStudy([r]).paired).toEqual([]);
  });
});
