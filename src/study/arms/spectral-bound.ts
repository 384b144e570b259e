import { UsageError } from '../../core/errors.js';
import { architecture } from '../../networks/architectures.js';
import { logit, sigmoid } from '../../networks/calibration.js';
import { ccnnLogits, trainCcnn } from '../../networks/ccnn.js';
import type { StudyArm, TrainingContext } from './arm.js';

/**
 * The spectral bound: a cCNN of the study's architecture, spectra and epochs trained on spectra simulated from
 * the truth cohort itself (its priors are right by construction), scored on the same patients: what the spectral
 * pipeline reaches when nothing is lost in the priors. It does not depend on a repeat's patients, so one run
 * trains it once (TrainingContext.bound, seeded from the master seed) and every repeat scores with it.
 */
export const spectralBoundArm: StudyArm = {
  name: 'spectralBound',
  label: 'Spectral bound (cCNN trained on the truth cohort)',
  short: 'cCNN(truth)',
  applies: (t) => Boolean(t.settings.spectralBound && t.study.truth),
  train: async (t) => {
    await boundNetwork(t);
  },
  score: async (c) => {
    const bound = await boundNetwork(c);
    const z = await ccnnLogits(bound.net, c.inputs, c.inputLength);
    const shift = logit(c.classPrior) - logit(bound.model.trainingPrior);
    const prob = (i: number) => sigmoid(z[i] + shift);
    return { test: c.testIdx.map(prob), outOfFold: c.priorIdx.map(prob) };
  },
};

/** The run's bound cCNN, trained by the first repeat that asks for it. */
function boundNetwork(t: TrainingContext): ReturnType<typeof trainCcnn> {
  const holder = t.bound;
  const truth = t.study.truth;
  if (!holder.network) {
    if (!truth) throw new UsageError('the spectral-bound arm needs a truth cohort (virtual studies only)');
    const s = t.settings;
    t.say('bound', `training the spectral-bound cCNN on ${s.trainSpectra} spectra from the truth cohort`);
    holder.network = trainCcnn({
      ...t.training,
      source: { ...t.training.source, cohort: truth.cohort },
      architecture: architecture(s.ccnn.architecture),
      members: s.ccnn.members,
      seed: holder.seed,
      onEpoch: t.progress('bound'),
    });
  }
  return holder.network;
}
