import type { ComplexArray } from './complex.js';
import type { SpectralGrid } from './grid.js';

/**
 * A basis set: one FID per component, all on the same time grid and in the internal convention of fid.ts.
 * The amplitude of a basis FID is meaningful: a component's FID integrates (its first point, before any phase)
 * to the number of protons it represents per molecule, so fitted amplitudes are in molecule units relative to
 * other components.
 */
export interface BasisSet extends SpectralGrid {
  names: string[];
  fids: ComplexArray[];
  nucleus: string;
  /** Lorentzian FWHM (Hz) already applied to the basis FIDs, 0 for ideal lines. */
  linewidthHz?: number;
  echoTime?: number;
  sequence?: string;
  /** Per-component extras: proton count, group ('metabolite' | 'lipid' | 'water' | 'macromolecule'), source. */
  components?: Record<string, { protons?: number; group?: string; source?: string }>;
  meta?: Record<string, unknown>;
}
