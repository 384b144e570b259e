import type { BasisSet } from '../core/basis.js';
import { InputError } from '../core/errors.js';

/**
 * Broad components simulated as Gaussian lines and appended to a basis, for signals a metabolite basis does not
 * hold: lipid contamination in brain spectra, or a quick stand-in when no simulated basis is at hand. A
 * component is a set of Gaussian peaks (ppm, FWHM in ppm, relative area); its FID integrates (first point) to
 * the summed area, so amplitudes are in the same "protons" units as a normalised basis.
 *
 * LIPIDS_BRAIN follows the simulated lipid components LCModel adds by default to brain fits (Provencher,
 * LCModel manual, section on "Lip13a ... Lip20"): methylene 1.28 ppm (broad and narrow), methyl 0.89 ppm and
 * the allylic/α-carboxyl/diallylic group 2.04/2.25/2.8 ppm.
 */
export interface GaussianPeak {
  ppm: number;
  fwhmPpm: number;
  area: number;
}

export interface SimulatedComponent {
  name: string;
  group: string;
  peaks: GaussianPeak[];
}

export const LIPIDS_BRAIN: SimulatedComponent[] = [
  { name: 'Lip09', group: 'lipid', peaks: [{ ppm: 0.89, fwhmPpm: 0.14, area: 3 }] },
  { name: 'Lip13a', group: 'lipid', peaks: [{ ppm: 1.28, fwhmPpm: 0.15, area: 2 }] },
  { name: 'Lip13b', group: 'lipid', peaks: [{ ppm: 1.28, fwhmPpm: 0.089, area: 2 }] },
  {
    name: 'Lip20',
    group: 'lipid',
    peaks: [
      { ppm: 2.04, fwhmPpm: 0.15, area: 1.33 },
      { ppm: 2.25, fwhmPpm: 0.15, area: 0.67 },
      { ppm: 2.8, fwhmPpm: 0.2, area: 0.87 },
    ],
  },
];

/** FID of a set of Gaussian peaks on a basis grid. */
export function gaussianPeaksFid(
  peaks: GaussianPeak[],
  grid: Pick<BasisSet, 'points' | 'dwellTime' | 'spectrometerFrequency' | 'ppmReference'>,
): Float64Array {
  const out = new Float64Array(2 * grid.points);
  for (const p of peaks) {
    const f = (grid.ppmReference - p.ppm) * grid.spectrometerFrequency;
    const fw = p.fwhmPpm * grid.spectrometerFrequency;
    const a = (Math.PI * fw) ** 2 / (4 * Math.LN2);
    for (let n = 0; n < grid.points; n++) {
      const t = n * grid.dwellTime;
      const env = p.area * Math.exp(-a * t * t);
      out[2 * n] += env * Math.cos(2 * Math.PI * f * t);
      out[2 * n + 1] += env * Math.sin(2 * Math.PI * f * t);
    }
  }
  return out;
}

/** A copy of `basis` with simulated components appended (names must be new). */
export function appendSimulatedComponents(basis: BasisSet, components: SimulatedComponent[]): BasisSet {
  const clash = components.filter((c) => basis.names.includes(c.name)).map((c) => c.name);
  if (clash.length) {
    throw new InputError(`basis already has ${clash.join(', ')}`, {
      field: 'simulated components',
      expected: 'names not in the basis',
    });
  }
  const comps = { ...(basis.components ?? {}) };
  for (const c of components)
    comps[c.name] = { ...(comps[c.name] ?? {}), group: c.group, source: 'simulated Gaussian' };
  return {
    ...basis,
    names: [...basis.names, ...components.map((c) => c.name)],
    fids: [...basis.fids, ...components.map((c) => gaussianPeaksFid(c.peaks, basis))],
    components: comps,
  };
}
