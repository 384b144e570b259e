import { UsageError } from '../../core/errors.js';
import type { GroupSampler } from '../../simulate/cohort-sampler.js';
import { oracleProbabilities } from '../oracle.js';
import type { ArmContext, StudyArm } from './arm.js';

/**
 * The Bayes-optimal posterior from each patient's TRUE amplitudes under the truth cohort's class-conditional
 * densities (oracle.ts): virtual studies only. Nothing trained, so the prior patients are scored as they are.
 */
export const oracleArm: StudyArm = {
  name: 'oracle',
  label: 'Oracle (true amplitudes)',
  short: 'Oracle',
  applies: (t) => t.study.truth !== undefined,
  score: async (c: ArmContext) => {
    const truth = c.study.truth;
    if (!truth) throw new UsageError('the oracle arm needs a truth cohort (virtual studies only)');
    const gen = truth.generator;
    const [negative, positive] = c.settings.design.groups.map((g) => gen.samplers[gen.groups.indexOf(g)]) as [
      GroupSampler,
      GroupSampler,
    ];
    const of = (idx: readonly number[]) =>
      oracleProbabilities(
        { negative, positive },
        idx.map((i) => c.patients[i].truth as Float64Array),
        c.classPrior,
      );
    return { test: of(c.testIdx), outOfFold: of(c.priorIdx) };
  },
};
