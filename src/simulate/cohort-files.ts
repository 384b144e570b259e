import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BasisSet } from '../core/basis.js';
import { InputError } from '../core/errors.js';
import { readLcmBasis } from '../io/lcmodel/basis.js';
import { defaultBasisForCohort } from './cohort-basis.js';
import { type Cohort, parseCohort } from './cohort-schema.js';
import { parseWaterFatCohort, type WaterFatCohort } from './water-fat-cohort.js';

/**
 * The Node edge of cohorts: built-in cohort files (data/cohorts/NAME.yaml), reading a cohort by name or path,
 * and loading the basis a cohort names.
 */
export function builtinCohortDir(): string {
  // src/simulate (sources) or dist/src/simulate (build): walk up to the package root.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'data', 'cohorts');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new InputError('built-in cohorts not found', {
    file: 'data/cohorts',
    expected: 'the package data folder',
  });
}

export function builtinCohortNames(): string[] {
  return readdirSync(builtinCohortDir())
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -5))
    .sort();
}

export interface LoadedCohort {
  cohort: Cohort;
  /** The file it came from. */
  file: string;
  builtin: boolean;
}

/** A cohort by built-in name (e.g. `hbv-lc`) or by file path. */
export function loadCohort(nameOrPath: string): LoadedCohort {
  const builtin = join(builtinCohortDir(), `${nameOrPath}.yaml`);
  const isName = /^[A-Za-z0-9_-]+$/.test(nameOrPath) && existsSync(builtin);
  const file = isName ? builtin : resolve(nameOrPath);
  if (!isName && (!existsSync(file) || !statSync(file).isFile())) {
    throw new InputError('no such cohort', {
      file: nameOrPath,
      expected: `a cohort file or a built-in name (${builtinCohortNames().join(', ')})`,
    });
  }
  return { cohort: parseCohort(readFileSync(file, 'utf8'), file), file, builtin: isName };
}

/**
 * The basis a cohort names: `basis: {file: ...}` (LCModel .BASIS, path relative to the cohort file) or
 * `default`, the built-in liver basis of the physics module. `override` (a file) replaces either.
 */
export function loadCohortBasis(loaded: LoadedCohort, override?: string): BasisSet {
  const spec = loaded.cohort.basis;
  const path = override ?? (spec === 'default' ? undefined : spec.file);
  if (path === undefined) return defaultBasisForCohort(loaded.cohort, loaded.file);
  const file = override || isAbsolute(path) ? resolve(path) : join(dirname(loaded.file), path);
  if (!existsSync(file)) throw new InputError('basis file not found', { file, field: 'basis.file' });
  return readLcmBasis(readFileSync(file, 'latin1'), file);
}

/** The built-in water–fat cohorts (data/cohorts/water-fat/NAME.yaml), by name. */
export function builtinWaterFatCohortNames(): string[] {
  return readdirSync(join(builtinCohortDir(), 'water-fat'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -5))
    .sort();
}

/** A water–fat cohort by built-in name (default `body`, the cohort of `livermrs simulate --water-fat`) or path. */
export function loadWaterFatCohort(nameOrPath = 'body'): {
  cohort: WaterFatCohort;
  file: string;
  builtin: boolean;
} {
  const builtin = join(builtinCohortDir(), 'water-fat', `${nameOrPath}.yaml`);
  const isName = /^[A-Za-z0-9_-]+$/.test(nameOrPath) && existsSync(builtin);
  const file = isName ? builtin : resolve(nameOrPath);
  if (!isName && (!existsSync(file) || !statSync(file).isFile())) {
    throw new InputError('no such water–fat cohort', {
      file: nameOrPath,
      expected: `a water–fat cohort file or a built-in name (${builtinWaterFatCohortNames().join(', ')})`,
    });
  }
  return { cohort: parseWaterFatCohort(readFileSync(file, 'utf8'), file), file, builtin: isName };
}
