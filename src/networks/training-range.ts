import { voigtFwhm } from '../fit/models/voigt.js';
import { defaultLiverBasis } from '../physics/index.js';
import { builtinCohortNames, loadCohort } from '../simulate/cohort-files.js';
import { SpectrumGenerator } from '../simulate/generator.js';
import type { TrainingRecord } from './bundle.js';
import type { TrainingRange } from './training-range-check.js';

/**
 * The training range of a network from the cohorts it was trained on (Node side: the cohorts are files). The
 * check of one spectrum against a range is training-range-check.ts, which the browser app runs too.
 */
const cache = new Map<string, TrainingRange | undefined>();

/** The training range of a bundle's record, from its built-in cohorts; undefined when they are not known. */
export function trainingRange(record: TrainingRecord | undefined): TrainingRange | undefined {
  const m = record?.command?.match(/--cohort\s+(\S+)/);
  if (!m) return undefined;
  const key = m[1];
  if (cache.has(key)) return cache.get(key);
  const names = key.split(',');
  const known = builtinCohortNames();
  const range = names.every((n) => known.includes(n)) ? rangeOfCohorts(names) : undefined;
  cache.set(key, range);
  return range;
}

function quantile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(p * sorted.length)))];
}

export function rangeOfCohorts(names: string[], draws = 4000): TrainingRange {
  const basis = defaultLiverBasis();
  const snr: number[] = [];
  const fwhm: number[] = [];
  for (const name of names) {
    const gen = new SpectrumGenerator(loadCohort(name).cohort, basis);
    const row = new Float64Array(gen.layout.size);
    const iSnr = gen.layout.indexOf('snr');
    const iG = gen.layout.indexOf('gauss_hz');
    const iL = gen.layout.indexOf('lw_L13');
    gen.samplers.forEach((_, g) => {
      for (let i = 0; i < draws; i++) {
        gen.sampleParameters(1, g, i, row);
        snr.push(row[iSnr]);
        fwhm.push(voigtFwhm(row[iL], row[iG]));
      }
    });
  }
  snr.sort((a, b) => a - b);
  fwhm.sort((a, b) => a - b);
  return {
    snr: [quantile(snr, 0.005), quantile(snr, 0.995)],
    lipidFwhmHz: [quantile(fwhm, 0.005), quantile(fwhm, 0.995)],
    cohorts: names,
  };
}
