import type { StudyArm } from './arm.js';
import { regressionScores } from './held-out.js';

/** The conventional pipeline's regression on the repeat's qCNN amplitudes instead of the NLLS fits. */
export const qcnnRegressionArm: StudyArm = {
  name: 'qcnnLogistic',
  label: 'qCNN + logistic regression',
  short: 'qCNN+LR',
  score: async (c) => regressionScores(c, c.qcnn.values),
};
