import type { FitOptions } from './fit.js';

/**
 * Liver defaults for the fitter (in a module of their own: fitting with a given basis needs them without the
 * spin-physics engine that simulates the liver basis, see liver.ts).
 *
 * LIVER_FIT_OPTIONS: window 0.5–5.7 ppm (keeps the olefinic lipid at 5.3 ppm, so the residual water at 4.7 ppm
 * is modelled with two Lorentzian lines instead of being cut out), Voigt lineshape with one Lorentzian width
 * and one shift per group (metabolites, lipids), penalised-spline baseline, first-order phase.
 */
export const LIVER_PPM_RANGE: [number, number] = [0.5, 5.7];

export const LIVER_FIT_OPTIONS: FitOptions = {
  ppmRange: LIVER_PPM_RANGE,
  model: 'voigt',
  baseline: { kind: 'spline', knotSpacingPpm: 0.15, edPerPpm: 1.0 },
  damping: 'group',
  shift: 'group',
  phase1: true,
  residualWater: { lines: 2, ppmRange: [4.4, 4.95] },
  maxShiftPpm: 0.15,
  initDampingHz: 8,
};
