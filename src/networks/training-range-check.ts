import type { Fid } from '../core/fid.js';
import { Fitter } from '../fit/fit.js';
import { LIVER_FIT_OPTIONS } from '../fit/liver-options.js';
import { liverBasis } from '../fit/liver.js';
import { type ResultStatus, StatusBuilder } from '../fit/status.js';
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
