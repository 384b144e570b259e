import type { BasisSet } from '../core/basis.js';

/**
 * Component groups decide which components share a Lorentzian width and a frequency shift. A basis may say
 * (BasisSet.components[name].group); otherwise the name decides: macromolecule (MM*, Mac*), lipid (Lip*, L09,
 * L13, ...), water (H2O, water), else metabolite.
 */
export type ComponentGroup = 'metabolite' | 'lipid' | 'macromolecule' | 'water' | string;

export function inferGroup(name: string): ComponentGroup {
  const n = name.trim();
  if (/^(mm|mac|mmbl)/i.test(n)) return 'macromolecule';
  if (/^(lip|l\d\d)/i.test(n) || /lipid/i.test(n)) return 'lipid';
  if (/^(h2o|water)$/i.test(n)) return 'water';
  return 'metabolite';
}

export function componentGroups(basis: BasisSet, overrides: Record<string, string> = {}): string[] {
  return basis.names.map((name) => overrides[name] ?? basis.components?.[name]?.group ?? inferGroup(name));
}

/** A sum of components reported with its own CRLB from the covariance. */
export interface Combination {
  name: string;
  members: string[];
}

/** Sums that MRS papers report, added when at least two members are in the basis. */
const STANDARD_SUMS: string[][] = [
  ['NAA', 'NAAG'],
  ['Cr', 'PCr'],
  ['GPC', 'PCh'],
  ['GPC', 'PCho'],
  ['Cho', 'GPC', 'PCh'],
  ['Cho', 'GPC', 'PCho'],
  ['Glu', 'Gln'],
  ['Ins', 'Gly'],
];

/** Standard sums present in `names`, plus the total of each group with two or more members (e.g. lipids). */
export function defaultCombinations(names: string[], groups: string[]): Combination[] {
  const out: Combination[] = [];
  const seen = new Set<string>();
  for (const sum of STANDARD_SUMS) {
    const present = sum.filter((m) => names.includes(m));
    if (present.length < 2) continue;
    const key = [...present].sort().join('+');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ name: present.join('+'), members: present });
  }
  for (const g of new Set(groups)) {
    if (g !== 'lipid') continue;
    const members = names.filter((_, i) => groups[i] === g);
    if (members.length >= 2) out.push({ name: 'total lipid', members });
  }
  return out;
}
