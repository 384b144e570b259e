/**
 * The realism levels of simulated spectra (simulate/realism.ts: distortions beyond a cohort's nuisance model),
 * here so that the command line lists them without loading the simulator.
 */
export const REALISM_LEVELS = ['none', 'typical', 'harsh'] as const;
export type RealismLevel = (typeof REALISM_LEVELS)[number];
