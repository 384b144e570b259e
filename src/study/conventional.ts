import { fitLogisticCv, type LogisticModel, predictLogistic } from './logistic-regression.js';

/**
 * The conventional pipeline of the virtual study: per-patient concentrations (NLLS amplitudes, or the qCNN's)
 * of the training patients → L2-penalised logistic regression with the penalty chosen by leave-one-out
 * cross-validation (logistic-regression.ts) → probabilities for the test patients. Features are
 * log(1 + a / m_k), m_k the training median of component k: a log scale for the skewed, lognormal-like
 * amplitudes that stays finite where NLLS returns zero.
 */
export interface ConcentrationClassifier {
  model: LogisticModel & { cvLogLoss: number };
  medians: number[];
}

export function concentrationFeatures(
  rows: readonly ArrayLike<number>[],
  medians: readonly number[],
): number[][] {
  return rows.map((r) => Array.from(r, (a, k) => Math.log1p(Math.max(0, a) / medians[k])));
}

export function trainConcentrationClassifier(
  rows: readonly ArrayLike<number>[],
  labels: readonly number[],
): ConcentrationClassifier {
  const K = rows[0].length;
  const medians = Array.from({ length: K }, (_, k) => {
    const v = rows.map((r) => r[k]).sort((a, b) => a - b);
    const m = v.length % 2 ? v[v.length >> 1] : 0.5 * (v[v.length / 2 - 1] + v[v.length / 2]);
    return m > 0 ? m : Math.max(...v.map(Math.abs), 1e-12);
  });
  return { model: fitLogisticCv(concentrationFeatures(rows, medians), labels), medians };
}

export function classifyConcentrations(
  c: ConcentrationClassifier,
  rows: readonly ArrayLike<number>[],
): number[] {
  return predictLogistic(c.model, concentrationFeatures(rows, c.medians));
}
