import { ccnnFeatures } from '../../networks/ccnn.js';
import { fitTemperature, logit, sigmoid } from '../../networks/calibration.js';
import { fitFeatureHead, predictFeatureHead } from '../ccnn-head.js';
import type { ArmContext, ArmScores, StudyArm } from './arm.js';
import { heldOutScores } from './held-out.js';

/**
 * The study's cCNN: its calibrated logit moved from the training prior (balanced) to the class prior. With
 * `ccnnCalibration: 'prior-patients'` the temperature is refitted on the labelled prior patients (whose spectra
 * the cCNN never saw, though their fits shaped its priors); with `ccnnHead: 'features'` the decision is refitted
 * on them from the logit and the trunk's features (ccnn-head.ts), out of fold for the prior patients.
 */
export const ccnnArm: StudyArm = {
  name: 'ccnn',
  label: 'cCNN',
  short: 'cCNN',
  score: async (c: ArmContext): Promise<ArmScores> => {
    const s = c.settings;
    const z = c.ccnn.logits;
    const temperature =
      s.ccnnCalibration === 'prior-patients'
        ? fitTemperature(
            c.priorLabels,
            c.priorIdx.map((i) => z[i]),
          )
        : 1;
    const shift = logit(c.classPrior) - logit(c.ccnn.model.trainingPrior);
    const prob = (i: number) => sigmoid(z[i] / temperature + shift);
    if (s.ccnnHead !== 'features')
      return { test: c.testIdx.map(prob), outOfFold: c.priorIdx.map(prob), temperature };
    const f = await ccnnFeatures(c.ccnn.net, c.inputs, c.inputLength);
    const head = heldOutScores(c, (train, predict) =>
      predictFeatureHead(
        fitFeatureHead(
          z,
          f.features,
          f.width,
          c.patients.length,
          train,
          train.map((i) => c.patients[i].label),
        ),
        z,
        f.features,
        f.width,
        predict,
      ),
    );
    return { ...head, temperature };
  },
};
