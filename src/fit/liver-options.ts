import type { FitOptions } from './fit.js';

/**
 * Liver defaults for the fitter (in a module of their own: fitting with a given basis needs them without the
 * spin-physics engine that simulates the liver basis, see liver.ts). Measured choices: docs/fit.md, "The liver
 * fit model".
 *
 * LIVER_FIT_OPTIONS (real spectra):
 * - window 0.5–5.7 ppm (keeps the olefinic lipid at 5.3 ppm, so the residual water at 4.7 ppm is modelled
 *   with two Lorentzian lines, each with its own complex amplitude, instead of being cut out);
 * - Voigt lineshape: one Lorentzian width per class — metabolites, lipids, and glycogen on its own (its short
 *   T2 makes it broader than the other metabolites) — a shared Gaussian, one frequency shift per group
 *   (metabolites with glycogen; lipids), zero- and first-order phase;
 * - a soft prior on the glycogen width (28 ± 12 Hz): a weak glycogen line and the baseline otherwise trade
 *   freely, and the fit widened glycogen to the 100 Hz bound in 5 % of the simulated cohort spectra
 *   (bench/fit-robustness.ts); a soft constraint on a linewidth in LCModel's manner (Provencher, MRM
 *   1993;30:672);
 * - penalised-spline baseline (1 effective dimension per ppm), stiff enough that at SNR 10–30 it cannot take
 *   a broad lipid line;
 * - the global stage of global-start.ts, with restarts while the residual stays above 1.2× the noise.
 */
export const LIVER_PPM_RANGE: [number, number] = [0.5, 5.7];

export const LIVER_FIT_OPTIONS: FitOptions = {
  ppmRange: LIVER_PPM_RANGE,
  model: 'voigt',
  baseline: { kind: 'spline', knotSpacingPpm: 0.15, edPerPpm: 1.0 },
  damping: 'group',
  shift: 'group',
  dampingGroups: { Glyc: 'glycogen' },
  widthPriors: { glycogen: { meanHz: 28, sdHz: 12 } },
  phase1: true,
  residualWater: { lines: 2, ppmRange: [4.4, 4.95] },
  maxShiftPpm: 0.15,
  initDampingHz: 8,
  globalStart: true,
};

/** The part of a cohort's signal model (simulate/signal-model.ts ModelSettings) the fit model takes over. */
export interface CohortBaselineShape {
  baseline: { knotsPpm: number[]; fwhmPpm: number };
}

/**
 * The fit model of spectra simulated from a cohort: the liver defaults with the cohort's own baseline — broad
 * Gaussian lines at its knots with complex coefficients, phased with the spectrum (models/gaussian-baseline.ts)
 * — so the fit model holds the signal model the spectra were drawn from (per-class widths, glycogen's own,
 * shared Gaussian, residual-water Lorentzian with its own phase, baseline, first-order phase). Unpenalised, it
 * leaves the amplitudes and their CRLBs without smoothing bias at the cohorts' SNR (≈ 500); it is not the
 * default for real spectra because at SNR 10 it can take a broad lipid line whole (docs/fit.md).
 */
export function cohortFitOptions(model: CohortBaselineShape): FitOptions {
  return {
    ...LIVER_FIT_OPTIONS,
    baseline: { kind: 'gaussian', knotsPpm: [...model.baseline.knotsPpm], fwhmPpm: model.baseline.fwhmPpm },
  };
}
