import type { StudyArm } from './arm.js';
import { regressionScores } from './held-out.js';

/**
 * The conventional pipeline: the prior patients' NLLS amplitudes → penalised logistic regression, applied to the
 * test patients' NLLS amplitudes.
 */
export const nllsRegressionArm: StudyArm = {
  name: 'conventional',
  label: 'NLLS + logistic regression',
  short: 'NLLS+LR',
  score: async (c) => regressionScores(c, c.nlls),
};
