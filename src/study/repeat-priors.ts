import { InputError, NumericalError } from '../core/errors.js';
import type { FitOptions } from '../fit/fit.js';
import type { SpectrumFit } from './fit-features.js';
import { cohortGrid } from '../networks/cohorts.js';
import type { SpectrumGenerator } from '../simulate/generator.js';
import { type FitSetup, fitMany } from './fit-pool.js';
import {
  estimateStudyPriors,
  type PriorPatient,
  type StudyPriors,
  type StudyPriorsOptions,
} from './study-priors.js';
import type { Patient, StudyContext, StudySettings } from './virtual-study.js';

/**
 * The first two stages of a study repeat: NLLS fits of every patient (the prior patients feed the priors, the
 * test patients the conventional pipeline), then the priors from the prior patients' fits (study-priors.ts).
 */

/** Fitter setup for the study's basis and grid. */
export function nllsSetup(ctx: Pick<StudyContext, 'template' | 'basis'>, options: FitOptions): FitSetup {
  const grid = cohortGrid(ctx.template);
  return {
    basis: ctx.basis,
    header: { ...grid, nucleus: '1H' },
    options,
    context: {
      ppmReference: grid.ppmReference,
      spectrometerFrequency: grid.spectrometerFrequency,
      points: grid.points,
      waterPpm: ctx.template.model.waterPpm,
      snrPeak: ctx.template.model.snrPeak,
    },
  };
}

/** Every patient's FID, [patients, 2·points], and its NLLS fit with the study's fit options. */
export async function fitPatients(
  ctx: StudyContext,
  s: StudySettings,
  patients: readonly Patient[],
): Promise<{ fids: Float64Array; fits: SpectrumFit[] }> {
  const setup = nllsSetup(ctx, s.fitOptions);
  const n = 2 * setup.header.points;
  const fids = new Float64Array(patients.length * n);
  patients.forEach((p, i) => {
    fids.set(p.fid.data, i * n);
  });
  const fits = await fitMany(setup, fids, patients.length, { threads: s.threads.fit, signal: ctx.signal });
  return { fids, fits };
}

export interface RepeatPriors {
  priors: StudyPriors;
  /** How they were estimated (bootstrap resamples of the cCNN are estimated the same way). */
  options: StudyPriorsOptions;
  /** The prior patients the priors were estimated from (those whose fit did not fail). */
  used: PriorPatient[];
  /** Why a prior patient (by index into patients) was left out. */
  excluded: Map<number, string>;
}

/**
 * The priors of a repeat from its prior patients' fits (`fits` and `fids` of every patient, in patients order).
 * A prior patient whose fit failed (no component above zero) says nothing about its group: it is left out, with
 * the reason kept; fewer than 2 left in a group is an error naming the failed fits.
 */
export async function estimateRepeatPriors(
  ctx: StudyContext,
  s: StudySettings,
  patients: readonly Patient[],
  fitted: { fids: Float64Array; fits: readonly SpectrumFit[] },
  repeat: number,
): Promise<RepeatPriors> {
  const { fids, fits } = fitted;
  const groups = s.design.groups;
  const n = 2 * cohortGrid(ctx.template).points;
  const priorIdx = patients.map((p, i) => (p.role === 'prior' ? i : -1)).filter((i) => i >= 0);
  const signedFits =
    s.priorAmplitudes === 'signed'
      ? await fitMany(
          nllsSetup(ctx, { ...s.fitOptions, amplitudes: 'signed' }),
          priorIdx.reduce(
            (out, i, j) => {
              out.set(fids.subarray(n * i, n * (i + 1)), n * j);
              return out;
            },
            new Float64Array(priorIdx.length * n),
          ),
          priorIdx.length,
          { threads: s.threads.fit, signal: ctx.signal },
        )
      : undefined;
  const options: StudyPriorsOptions = {
    priorAmplitudes: s.priorAmplitudes ?? 'nonnegative',
    template: ctx.template,
    components: ctx.components,
    nuisance: s.nuisance,
    amplitudes: s.amplitudes,
    correlation: s.correlation ?? 'group',
    name: `study-repeat-${repeat}-priors`,
    groups,
    ...(s.nuisance === 'transductive'
      ? { unlabelled: patients.flatMap((p, i) => (p.role === 'test' ? [fits[i]] : [])) }
      : {}),
  };
  const truthColumns =
    s.priorSource === 'truth' && ctx.truth
      ? amplitudeColumns(ctx.truth.generator, ctx.components)
      : undefined;
  const priorPatients: PriorPatient[] = priorIdx.map((i, j) => ({
    group: patients[i].group,
    // Diagnostic (virtual studies): the prior patients' true amplitudes with no fit noise, nuisance from the fit.
    fit: truthColumns
      ? {
          ...fits[i],
          amplitudes: truthColumns.map((c) => (patients[i].truth as Float64Array)[c]),
          crlb: truthColumns.map(() => 0),
        }
      : fits[i],
    ...(signedFits ? { signed: signedFits[j] } : {}),
  }));
  const excluded = new Map<number, string>();
  priorIdx.forEach((i) => {
    const st = fits[i].status;
    if (st?.status === 'failed') excluded.set(i, `NLLS fit failed: ${st.reasons.join('; ')}`);
  });
  for (const g of groups) {
    const left = priorIdx.filter((i) => patients[i].group === g && !excluded.has(i)).length;
    if (left < 2) {
      throw new NumericalError(
        `the NLLS fits of ${g}'s prior patients failed for all but ${left}: ${priorIdx
          .filter((i) => excluded.has(i) && patients[i].group === g)
          .map((i) => `${patients[i].id} (${excluded.get(i)})`)
          .join(', ')}`,
      );
    }
  }
  const used = priorPatients.filter((_, j) => !excluded.has(priorIdx[j]));
  return { priors: estimateStudyPriors(used, options), options, used, excluded };
}

/** Columns of the truth's parameter rows holding the amplitudes of `components`. */
export function amplitudeColumns(gen: SpectrumGenerator, components: readonly string[]): number[] {
  return components.map((c) => {
    const j = gen.layout.indexOf(c);
    if (j < 0) throw new InputError(`the truth cohort has no component '${c}'`, { file: gen.cohort.name });
    return j;
  });
}
