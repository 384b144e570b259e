import { logit, sigmoid } from '../../networks/calibration.js';
import { classifyConcentrations, trainConcentrationClassifier } from '../conventional.js';
import type { ArmContext, ArmScores } from './arm.js';

/**
 * Predictions of a classifier trained on the prior patients: for the test patients (trained on all prior
 * patients) and for each prior patient out of fold (up to 10 folds, patient j in fold j mod folds;
 * leave-one-out for ≤ 10 patients). `fitPredict(train, predict)` takes patient indices.
 */
export function heldOutPredictions(
  priorIdx: readonly number[],
  priorLabels: readonly number[],
  testIdx: readonly number[],
  fitPredict: (train: number[], predict: number[]) => number[],
): { test: number[]; outOfFold: number[] } {
  const folds = Math.min(priorIdx.length, 10);
  const outOfFold = new Array<number>(priorIdx.length);
  for (let f = 0; f < folds; f++) {
    const fold = priorIdx.map((_, j) => j).filter((j) => j % folds === f);
    const rest = priorIdx.map((_, j) => j).filter((j) => j % folds !== f);
    if (new Set(rest.map((j) => priorLabels[j])).size < 2) continue;
    const p = fitPredict(
      rest.map((j) => priorIdx[j]),
      fold.map((j) => priorIdx[j]),
    );
    fold.forEach((j, q) => {
      outOfFold[j] = p[q];
    });
  }
  return { test: fitPredict([...priorIdx], [...testIdx]), outOfFold };
}

/**
 * A classifier trained on the repeat's prior patients: its test probabilities and its out-of-fold probabilities
 * for the prior patients, moved from the prior patients' share of positives to the class prior (Bayes' rule).
 */
export function heldOutScores(
  c: ArmContext,
  fitPredict: (train: number[], predict: number[]) => number[],
): { test: number[]; outOfFold: number[] } {
  const trainPrior = c.priorLabels.reduce((a, b) => a + b, 0) / c.priorLabels.length;
  const shift = logit(c.classPrior) - logit(trainPrior);
  return heldOutPredictions(c.priorIdx, c.priorLabels, c.testIdx, (train, predict) =>
    fitPredict(train, predict).map((p) => sigmoid(logit(p) + shift)),
  );
}

/**
 * The conventional pipeline's classifier on per-patient amplitudes `values` ([patients, components]):
 * penalised logistic regression on log(1 + a/median) (conventional.ts), trained on the prior patients.
 */
export function regressionScores(c: ArmContext, values: ArrayLike<number>): ArmScores {
  const K = c.components;
  const rowsOf = (idx: number[]) => idx.map((i) => Array.from({ length: K }, (_, k) => values[i * K + k]));
  return heldOutScores(c, (train, predict) =>
    classifyConcentrations(
      trainConcentrationClassifier(
        rowsOf(train),
        train.map((i) => c.patients[i].label),
      ),
      rowsOf(predict),
    ),
  );
}
