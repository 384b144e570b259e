import type { WaterFatTruth } from '../../src/simulate/water-fat.js';

/**
 * A lean liver at 3 T, PRESS TE 30 (PDFF 10 %, de Bazelaire et al. 2004 T1/T2, narrow lines, 0.03 ppm off
 * reference, 30° phase), noise-free: the known answer of the water–fat lineshape and non-fat-line tests, which
 * add their own noise and distortions.
 */
export const LEAN_LIVER_TRUTH: WaterFatTruth = {
  pdff: 0.1,
  waterT2: 0.025,
  fatT2: 0.06,
  waterT1: 0.81,
  fatT1: 0.38,
  repetitionTime: 3,
  waterLorentzHz: 5,
  fatLorentzHz: 8,
  gaussianHz: 0,
  offsetPpm: 0.03,
  phase0Deg: 30,
  snr: 0,
};
