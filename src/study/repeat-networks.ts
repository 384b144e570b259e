import { architecture } from '../networks/architectures.js';
import { type TrainedCcnn, trainCcnn } from '../networks/ccnn.js';
import { type InputPipeline, networkInput } from '../networks/input.js';
import { type TrainedQcnn, trainQcnn } from '../networks/qcnn.js';
import type { TrainingContext } from './arms/arm.js';
import type { Patient } from './virtual-study.js';
import type { RepeatPriors } from './repeat-priors.js';
import { bootstrapStudyPriors } from './study-priors.js';

/**
 * The networks of a study repeat, trained on spectra simulated from its priors (TrainingContext.training): the
 * qCNN (seed: the repeat's) and the cCNN (seed + 1), and every patient's spectrum as their input.
 */

/** The qCNN, on `spectra` training spectra (more in the repeats of the quantification comparison). */
export function trainRepeatQcnn(t: TrainingContext, spectra: number): Promise<TrainedQcnn> {
  const s = t.settings;
  t.say('qcnn', `training the qCNN on ${spectra} simulated spectra`);
  return trainQcnn({
    ...t.training,
    spectra,
    architecture: architecture(s.qcnn.architecture),
    layout: s.qcnn.layout,
    seed: t.seed,
    onEpoch: t.progress('qcnn'),
  });
}

/**
 * The cCNN. With `bootstrapResamples` it trains on spectra drawn evenly from resamples of the prior patients
 * (seed + 4), each estimated as the point priors are (study-priors.ts bootstrapStudyPriors).
 */
export function trainRepeatCcnn(t: TrainingContext, priors: RepeatPriors): Promise<TrainedCcnn> {
  const s = t.settings;
  t.say('ccnn', `training the cCNN on ${s.trainSpectra} simulated spectra`);
  const resamples = s.bootstrapResamples ?? 0;
  const boot =
    resamples > 0 ? bootstrapStudyPriors(priors.used, priors.options, resamples, t.seed + 4) : undefined;
  const source = t.training.source;
  return trainCcnn({
    ...t.training,
    ...(boot ? { source: { ...source, cohort: boot.cohort, groups: boot.groups, labels: boot.labels } } : {}),
    architecture: architecture(s.ccnn.architecture),
    members: s.ccnn.members,
    seed: t.seed + 1,
    onEpoch: t.progress('ccnn'),
  });
}

/** Every patient's network input, [patients, 2, length] with the norms. */
export function networkInputs(
  patients: readonly Patient[],
  pipeline: InputPipeline,
): { n: number; inputs: Float32Array; norms: Float64Array } {
  const L = pipeline.model.points;
  const inputs = new Float32Array(patients.length * 2 * L);
  const norms = new Float64Array(patients.length);
  patients.forEach((p, i) => {
    const prep = networkInput(p.fid, pipeline, { source: p.id });
    inputs.set(prep.input, i * 2 * L);
    norms[i] = prep.norm;
  });
  return { n: patients.length, inputs, norms };
}
