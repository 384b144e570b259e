import type { Fid } from '../core/fid.js';
import { Fitter } from '../fit/fit.js';
import { LIVER_FIT_OPTIONS } from '../fit/liver-options.js';
import { liverBasis } from '../fit/liver.js';
import { voigtFwhm } from '../fit/models/voigt.js';
import { StatusBuilder, type ResultStatus } from '../fit/status.js';
import { defaultLiverBasis } from '../physics/index.js';
import { builtinCohortNames, loadCohort } from '../simulate/cohort-files.js';
import { SpectrumGenerator } from '../simulate/generator.js';
import type { TrainingRecord } from './bundle.js';

/**
 * Is a spectrum inside what a network was trained on? The shipped networks (and any made by `livermrs train`)
 * record the cohorts they were trained from (`--cohort` in the training record's command). Their SNR and
 * lipid linewidth distributions give the training range: the 0.5–99.5 % interval of 4,000 draws per group of
 * SNR (the cohort's definition: L13 peak height / noise SD) and of the lipid Voigt FWHM (Lorentzian of L13
 * with the shared Gaussian). A spectrum is measured the same way by one NLLS fit (fit quality SNR and lipid
 * linewidth) and is outside when either value falls outside its interval by more than MARGIN: the network
 * then gives no answer (`status: failed`), since it would be extrapolating.
 */
export interface TrainingRange {
  snr: [number, number];
  lipidFwhmHz: [number, number];
  cohorts: string[];
}

/** Relative margin beyond the training interval before a spectrum is refused (measurement noise of the fit). */
export const MARGIN = 0.15;

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

export interface TrainingCheck extends ResultStatus {
  snr?: number;
  lipidFwhmHz?: number;
}

/** Measures SNR and lipid FWHM of `fid` by an NLLS fit and checks them against `range`. */
export function checkTrainingRange(fid: Fid, record: TrainingRecord, range: TrainingRange): TrainingCheck {
  const s = new StatusBuilder();
  const p = record.protocol;
  const sequence = p.sequence?.toLowerCase() === 'steam' ? 'steam' : 'press';
  const fit = new Fitter(liverBasis(fid, { sequence, echoTime: p.echoTime }), fid, LIVER_FIT_OPTIONS).fit(
    fid,
  );
  const snr = fit.quality.snr;
  const fwhm = fit.linewidthsHz.lipid ?? fit.quality.fwhmHz;
  const outside = (v: number, [lo, hi]: [number, number]) => v < lo * (1 - MARGIN) || v > hi * (1 + MARGIN);
  const from = `the training prior (${range.cohorts.join(', ')})`;
  if (outside(snr, range.snr)) {
    s.fail(`SNR ${snr.toFixed(0)} is outside ${from}: ${range.snr[0].toFixed(0)}–${range.snr[1].toFixed(0)}`);
  }
  if (outside(fwhm, range.lipidFwhmHz)) {
    s.fail(
      `lipid linewidth ${fwhm.toFixed(1)} Hz is outside ${from}: ${range.lipidFwhmHz[0].toFixed(1)}–${range.lipidFwhmHz[1].toFixed(1)} Hz`,
    );
  }
  return { ...s.build(), snr, lipidFwhmHz: fwhm };
}
