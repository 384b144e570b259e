/**
 * Spin systems as data. A molecule is a set of fragments that do not couple to each other (e.g. the acetyl and
 * aspartyl parts of NAA, or the alpha and beta anomers of glucose with their equilibrium fractions). Each
 * fragment lists spins (chemical shift, proton count, nucleus) and scalar couplings, and carries its literature
 * source. Files live in data/spin-systems/*.yaml and are validated by spin-system-schema.ts.
 */
export type Nucleus = '1H' | '13C' | '14N' | '15N' | '31P';

/** Spin quantum number of each nucleus the schema accepts. */
export const NUCLEUS_SPIN: Record<Nucleus, number> = {
  '1H': 0.5,
  '13C': 0.5,
  '14N': 1,
  '15N': 0.5,
  '31P': 0.5,
};

export type ComponentGroup = 'metabolite' | 'lipid' | 'water' | 'macromolecule';

export interface Spin {
  id: string;
  /** Chemical shift (ppm); required for 1H, irrelevant for other nuclei (never excited or detected). */
  ppm: number;
  /**
   * Number of magnetically equivalent protons this entry stands for (e.g. 3 for a methyl group). May be
   * fractional only for an uncoupled pseudo-singlet (e.g. lipid resonances per triglyceride).
   */
  protons: number;
  nucleus: Nucleus;
  /** NH/OH protons that exchange with water; left out of simulations unless asked for. */
  exchangeable: boolean;
  /** Source of this spin's values when it differs from the fragment's. */
  source?: string;
}

export interface Coupling {
  a: string;
  b: string;
  hz: number;
}

export interface Fragment {
  label: string;
  /** Molar fraction of this fragment per molecule (e.g. 0.36 for alpha-glucose). */
  scale: number;
  source: string;
  /** Intrinsic Lorentzian line width (ppm, FWHM) of this fragment's lines; 0 = ideal. */
  fwhmPpm: number;
  spins: Spin[];
  couplings: Coupling[];
}

export interface Molecule {
  /** Short name used everywhere (basis component name), e.g. 'Cr'. */
  name: string;
  fullName: string;
  group: ComponentGroup;
  source: string;
  notes?: string;
  fragments: Fragment[];
  /** File the molecule came from (for error messages). */
  file?: string;
}

/** Non-exchangeable 1H count of a molecule (what its basis spectrum integrates to). */
export function protonCount(molecule: Molecule, includeExchangeable = false): number {
  let n = 0;
  for (const f of molecule.fragments) {
    for (const s of f.spins) {
      if (s.nucleus === '1H' && (includeExchangeable || !s.exchangeable)) n += f.scale * s.protons;
    }
  }
  return n;
}
