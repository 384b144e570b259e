import { acquisitionOf } from '../core/acquisition.js';
import { InputError } from '../core/errors.js';
import type { Fid } from '../core/fid.js';
import { decideWaterSuppression, type SuppressionDecision } from '../fit/water-fat/detect.js';
import { referenceWaterFat } from '../fit/water-fat/referencing.js';
import { inputName, readBytes } from '../io/mrs-file.js';
import { type AnalysisInput, readSpectra } from './input.js';
import { fitMetabolites, type MetaboliteAnalysis } from './metabolite-fit.js';
import type { AnalysisOptions } from './options.js';
import { analyseWaterFat, type WaterFatAnalysis, type WaterFatSeriesAnalysis } from './water-fat.js';

/** What analyseFile found: a metabolite fit, a water–fat fit of one spectrum, or of a multi-echo series. */
export type AnalysisResult = MetaboliteAnalysis | WaterFatAnalysis | WaterFatSeriesAnalysis;

export interface AnalyseFileOptions extends AnalysisOptions {
  /** Unsuppressed water reference, for concentrations of a metabolite fit (a body spectrum needs none). */
  water?: AnalysisInput;
}

/**
 * `livermrs fit` as a library call: reads the input once, decides the analysis (with the liver preset and no
 * basis file: water-suppressed spectra get the metabolite fit, water-unsuppressed ones the water–fat fit; the
 * decision is the option, then the header, then the spectrum's evidence, fit/water-fat/detect.ts) and runs it.
 * A file holding several echoes is a water–fat series.
 */
export async function analyseFile(
  input: AnalysisInput,
  options: AnalyseFileOptions,
): Promise<AnalysisResult> {
  return analyseSpectra(inputName(input), readSpectra(input, options), options);
}

/** Several files that are one multi-echo series (fitted jointly); `label` names the result (default: the first). */
export async function analyseSeries(
  inputs: AnalysisInput[],
  options: AnalyseFileOptions,
  label = inputName(inputs[0]),
): Promise<AnalysisResult> {
  return analyseSpectra(
    label,
    inputs.flatMap((f) => readSpectra(f, options)),
    options,
  );
}

async function analyseSpectra(label: string, fids: Fid[], o: AnalyseFileOptions): Promise<AnalysisResult> {
  // A water reference that cannot be read is an input error whichever analysis follows.
  if (typeof o.water === 'string') readBytes(o.water);
  let suppression: SuppressionDecision | undefined;
  if (o.preset === 'liver' && !o.basis) {
    const ref = referenceWaterFat(fids[0]);
    const acq = acquisitionOf(fids[0]);
    suppression = decideWaterSuppression(
      o.waterSuppression ?? 'auto',
      acq.waterSuppressed,
      ref,
      fids[0],
      acq.sources?.waterSuppressed,
    );
    if (!suppression.suppressed || !ref.found || fids.length > 1) {
      return analyseWaterFat(label, fids, {
        fatModel: o.fatModel,
        waterLines: o.waterLines,
        lineshape: o.lineshape,
        suppression,
        referencing: ref,
        ecc: o.ecc,
        relaxation: o.relaxation,
        waterReference: o.water === undefined ? undefined : inputName(o.water),
      });
    }
  }
  if (fids.length > 1) {
    throw new InputError(`holds ${fids.length} echoes`, {
      file: label,
      expected: 'one spectrum for a metabolite fit (multi-echo series are fitted as water–fat series)',
    });
  }
  // The fitter is cached by options and grid: the water reference is not one of them.
  const { water, ...fitOptions } = o;
  return fitMetabolites(label, fids[0], fitOptions, suppression, water);
}
