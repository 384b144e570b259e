import { describe, expect, it } from 'vitest';
import { sigmoid } from '../../src/networks/calibration.js';
import type { ArmContext, TrainingContext } from '../../src/study/arms/arm.js';
import { ccnnArm } from '../../src/study/arms/ccnn.js';
import { heldOutPredictions, heldOutScores } from '../../src/study/arms/held-out.js';
import { ARM_LABELS, ARMS, STUDY_ARMS } from '../../src/study/arms/index.js';
import { nllsRegressionArm } from '../../src/study/arms/nlls-regression.js';
import { oracleArm } from '../../src/study/arms/oracle.js';
import { spectralBoundArm } from '../../src/study/arms/spectral-bound.js';
import { DEFAULT_SETTINGS, type StudySettings } from '../../src/study/virtual-study.js';

const settings = (over: Partial<StudySettings> = {}): StudySettings => ({
  ...DEFAULT_SETTINGS,
  repeats: 1,
  seed: 1,
  ...over,
});

/** A scoring context of `prior` prior patients (labels alternating 0, 1) then `test` test patients. */
function context(labels: { prior: number[]; test: number[] }, over: Partial<ArmContext> = {}): ArmContext {
  const all = [...labels.prior, ...labels.test];
  const patients = all.map((label, i) => ({
    id: `p${i}`,
    group: label ? 'LC-HCC' : 'LC',
    label,
    role: i < labels.prior.length ? ('prior' as const) : ('test' as const),
    fid: undefined as never,
  }));
  const priorIdx = labels.prior.map((_, i) => i);
  return {
    settings: settings(),
    patients,
    priorIdx,
    testIdx: labels.test.map((_, i) => labels.prior.length + i),
    priorLabels: labels.prior,
    classPrior: 17 / 37,
    ...over,
  } as unknown as ArmContext;
}

describe('study arms', () => {
  it('are listed once, in the order of the stored results and reports', () => {
    expect(ARMS).toEqual(['ccnn', 'conventional', 'qcnnLogistic', 'spectralBound', 'oracle']);
    expect(new Set(STUDY_ARMS.map((a) => a.label)).size).toBe(5);
    expect(ARM_LABELS.conventional).toBe('NLLS + logistic regression');
  });

  it('the oracle and the spectral bound run only where a truth cohort exists', () => {
    const t = (truth: boolean, spectralBound: boolean) =>
      ({
        settings: settings({ spectralBound }),
        study: truth ? { truth: {} } : {},
      }) as unknown as TrainingContext;
    expect(oracleArm.applies?.(t(true, false))).toBe(true);
    expect(oracleArm.applies?.(t(false, true))).toBe(false);
    expect(spectralBoundArm.applies?.(t(true, true))).toBe(true);
    expect(spectralBoundArm.applies?.(t(true, false))).toBe(false);
    expect(spectralBoundArm.applies?.(t(false, true))).toBe(false);
  });

  it('held-out predictions: each prior patient from a model that did not train on it, 10 folds at most', () => {
    const priorIdx = Array.from({ length: 13 }, (_, j) => 100 + j);
    const priorLabels = priorIdx.map((_, j) => j % 2);
    const calls: { train: number[]; predict: number[] }[] = [];
    const r = heldOutPredictions(priorIdx, priorLabels, [7, 8], (train, predict) => {
      calls.push({ train, predict });
      return predict.map((i) => i / 1000);
    });
    expect(calls).toHaveLength(11); // 10 folds, then all prior patients → the test patients
    for (const c of calls.slice(0, 10)) for (const i of c.predict) expect(c.train).not.toContain(i);
    expect(r.outOfFold).toEqual(priorIdx.map((i) => i / 1000));
    expect(calls[10]).toEqual({ train: priorIdx, predict: [7, 8] });
    expect(r.test).toEqual([0.007, 0.008]);
  });

  it('held-out scores move the training share of positives to the class prior (Bayes rule)', () => {
    // A classifier that says the training share for everyone says the class prior once moved.
    const balanced = context({ prior: [0, 1, 0, 1, 0, 1], test: [0, 1] });
    const r = heldOutScores(balanced, (_, predict) => predict.map(() => 0.5));
    for (const p of [...r.test, ...r.outOfFold]) expect(p).toBeCloseTo(17 / 37, 12);
    const skewed = context({ prior: [0, 0, 0, 1, 0, 0, 0, 1], test: [1] });
    const s = heldOutScores(skewed, (_, predict) => predict.map(() => 0.25));
    expect(s.test[0]).toBeCloseTo(17 / 37, 12);
  });

  it('the NLLS regression reads each patient’s row of amplitudes', async () => {
    // Two components: the first separates the groups (1 vs 10), the second is constant. Row-major [patients, 2].
    const prior = [0, 1, 0, 1, 0, 1, 0, 1, 0, 1];
    const test = [1, 0, 0, 1];
    const nlls = Float64Array.from(
      [...prior, ...test].flatMap((l, i) => [l ? 10 + (i % 3) : 1 + (i % 3) / 10, 2]),
    );
    const r = await nllsRegressionArm.score(context({ prior, test }, { nlls, components: 2 }));
    expect(r.test[0]).toBeGreaterThan(r.test[1]);
    expect(r.test[3]).toBeGreaterThan(r.test[2]);
    for (const [j, p] of (r.outOfFold as number[]).entries())
      expect(p > 0.5, `prior patient ${j}`).toBe(prior[j] === 1);
  });

  it('the cCNN with the simulated calibration: logit moved from the balanced training prior to the class prior', async () => {
    const logits = Float64Array.from([0, 0, 0, 0, 0, 2]);
    const c = context(
      { prior: [0, 1, 0, 1], test: [0, 1] },
      {
        settings: settings({ ccnnCalibration: 'simulated' }),
        ccnn: { logits, model: { trainingPrior: 0.5 } } as unknown as ArmContext['ccnn'],
      },
    );
    const r = await ccnnArm.score(c);
    expect(r.temperature).toBe(1);
    expect(r.test[0]).toBeCloseTo(17 / 37, 12);
    expect(r.test[1]).toBeCloseTo(sigmoid(2 + Math.log(17 / 20)), 12);
  });
});
