import { InputError } from '../core/errors.js';
import { choleskyStrictInPlace } from '../linalg/index.js';
import type { Cohort } from './cohort-schema.js';

/**
 * The cohort checks and helpers that simulation needs at run time, kept apart from the schema so that worker
 * threads load neither zod nor yaml: importing the worker's modules took ~120 ms with them, ~30 ms without.
 */

/** Width keys that stand for a class of components rather than one component. */
export const WIDTH_CLASSES = ['all', 'metabolites', 'lipids'] as const;

/** Lower-triangular Cholesky factor (row-major rows), or null if the matrix is not positive definite. */
export function cholesky(m: number[][]): number[][] | null {
  const n = m.length;
  const a = Float64Array.from({ length: n * n }, (_, q) => m[Math.floor(q / n)][q % n]);
  if (!choleskyStrictInPlace(a, n, 1e-12)) return null;
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => (j <= i ? a[i * n + j] : 0)),
  );
}

/**
 * Checks a cohort's component names against a basis: every amplitude names a basis component and every basis
 * component has an amplitude; width keys are component names or a class (all, metabolites, lipids).
 */
export function checkCohortComponents(
  cohort: Cohort,
  basisNames: readonly string[],
  file = '<cohort>',
): void {
  const known = new Set(basisNames);
  for (const [g, group] of Object.entries(cohort.groups)) {
    for (const name of Object.keys(group.amplitudes)) {
      if (!known.has(name)) {
        throw new InputError(`unknown component '${name}'`, {
          file,
          field: `groups.${g}.amplitudes.${name}`,
          expected: `one of the basis components: ${basisNames.join(', ')}`,
        });
      }
    }
    for (const name of basisNames) {
      if (!(name in group.amplitudes)) {
        throw new InputError(`no distribution for basis component '${name}'`, {
          file,
          field: `groups.${g}.amplitudes`,
          expected: `an entry for every basis component (give 0 to leave one out)`,
        });
      }
    }
    for (const key of Object.keys(group.nuisance.lorentzianWidth)) {
      if (!known.has(key) && !(WIDTH_CLASSES as readonly string[]).includes(key)) {
        throw new InputError(`unknown component '${key}'`, {
          file,
          field: `groups.${g}.nuisance.lorentzianWidth.${key}`,
          expected: `a component name or one of ${WIDTH_CLASSES.join(', ')}`,
        });
      }
    }
  }
}
