import type { BasisSet } from '../core/basis.js';
import { DEFAULT_PPM_REFERENCE } from '../core/fid.js';
import type { FitOptions } from './fit.js';
import { gaussianPeaksFid, type SimulatedComponent } from './simulated-components.js';

/**
 * Liver defaults for the fitter, and a singlet stand-in basis.
 *
 * LIVER_FIT_OPTIONS: window 0.5–5.7 ppm (keeps the olefinic lipid at 5.3 ppm, so the residual water at 4.7 ppm
 * is modelled with two Lorentzian lines instead of being cut out), Voigt lineshape with one Lorentzian width
 * and one shift per group (metabolites, lipids), penalised-spline baseline, first-order phase.
 *
 * liverSingletBasis(): the 15 metabolites and 5 lipid resonances of DESIGN.md as sets of uncoupled lines at
 * their main chemical shifts (Govindaraju et al., NMR Biomed 2000;13:129; betaine and glycogen as DESIGN.md;
 * lipid shifts after Hamilton et al., NMR Biomed 2011;24:784), each line with its proton count, so FID(0) of
 * a metabolite equals its protons per molecule and a lipid component has unit area per proton. J-coupling is
 * ignored: this is a stand-in for tests, benchmarks and the Monte Carlo study until the spin-physics basis
 * (src/physics) is available, not a substitute for it.
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

const L = (ppm: number, protons: number) => ({ ppm, fwhmPpm: 0, area: protons });

/** Lines (ppm, protons) of the stand-in liver components. */
export const LIVER_SINGLET_COMPONENTS: SimulatedComponent[] = [
  { name: 'Ala', group: 'metabolite', peaks: [L(1.47, 3), L(3.78, 1)] },
  { name: 'Bet', group: 'metabolite', peaks: [L(3.26, 9), L(3.9, 2)] },
  { name: 'Cho', group: 'metabolite', peaks: [L(3.19, 9), L(3.5, 2), L(4.05, 2)] },
  { name: 'Cr', group: 'metabolite', peaks: [L(3.03, 3), L(3.93, 2)] },
  { name: 'GPC', group: 'metabolite', peaks: [L(3.23, 9), L(3.67, 2), L(4.32, 2), L(3.77, 5)] },
  { name: 'PCh', group: 'metabolite', peaks: [L(3.21, 9), L(3.64, 2), L(4.28, 2)] },
  { name: 'Glc', group: 'metabolite', peaks: [L(5.22, 0.36), L(4.63, 0.64), L(3.45, 3), L(3.82, 2)] },
  { name: 'Glyc', group: 'metabolite', peaks: [L(5.38, 1), L(3.82, 1), L(3.61, 2), L(3.4, 2)] },
  { name: 'Gln', group: 'metabolite', peaks: [L(2.12, 2), L(2.44, 2), L(3.75, 1)] },
  { name: 'Glu', group: 'metabolite', peaks: [L(2.08, 2), L(2.34, 2), L(3.74, 1)] },
  { name: 'GSH', group: 'metabolite', peaks: [L(2.15, 2), L(2.55, 2), L(2.95, 2), L(3.77, 3), L(4.56, 1)] },
  { name: 'Gly', group: 'metabolite', peaks: [L(3.55, 2)] },
  { name: 'Ins', group: 'metabolite', peaks: [L(3.27, 1), L(3.52, 2), L(3.61, 2), L(4.05, 1)] },
  { name: 'Lac', group: 'metabolite', peaks: [L(1.31, 3), L(4.1, 1)] },
  { name: 'Tau', group: 'metabolite', peaks: [L(3.25, 2), L(3.42, 2)] },
  { name: 'L09', group: 'lipid', peaks: [L(0.9, 1)] },
  { name: 'L13', group: 'lipid', peaks: [L(1.3, 1)] },
  { name: 'L21', group: 'lipid', peaks: [L(2.02, 0.52), L(2.24, 0.48)] },
  { name: 'L28', group: 'lipid', peaks: [L(2.75, 1)] },
  { name: 'L53', group: 'lipid', peaks: [L(5.29, 0.8), L(5.19, 0.2)] },
];

export interface SingletBasisGrid {
  points: number;
  dwellTime: number;
  spectrometerFrequency: number;
  ppmReference?: number;
}

/** The stand-in liver basis on a grid (default: DESIGN.md's 3 T, 2000 Hz, 1024 points). */
export function liverSingletBasis(grid: Partial<SingletBasisGrid> = {}): BasisSet {
  const g = {
    points: grid.points ?? 1024,
    dwellTime: grid.dwellTime ?? 1 / 2000,
    spectrometerFrequency: grid.spectrometerFrequency ?? 127.76,
    ppmReference: grid.ppmReference ?? DEFAULT_PPM_REFERENCE,
  };
  const components: NonNullable<BasisSet['components']> = {};
  for (const c of LIVER_SINGLET_COMPONENTS) {
    components[c.name] = {
      protons: c.peaks.reduce((s, p) => s + p.area, 0),
      group: c.group,
      source: 'uncoupled lines (stand-in)',
    };
  }
  return {
    names: LIVER_SINGLET_COMPONENTS.map((c) => c.name),
    fids: LIVER_SINGLET_COMPONENTS.map((c) => gaussianPeaksFid(c.peaks, g)),
    ...g,
    nucleus: '1H',
    linewidthHz: 0,
    components,
    meta: { source: 'livermrs liver singlet stand-in basis' },
  };
}
