import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ReadMrsOptions } from '../../src/io/read.js';
import { EXTDATA } from '../paths.js';

/**
 * Every file under test/extdata, classified: MRS data (read by readMrs, with the header values a headerless
 * format needs), LCModel basis sets, companions (read together with their data file) and files that are not
 * spectra (fit results, spin-system tables, documentation).
 */
export type ExampleKind = 'mrs' | 'basis' | 'companion' | 'not-a-spectrum';

export interface ExampleFile {
  path: string;
  /** Path relative to test/extdata. */
  name: string;
  kind: ExampleKind;
  options?: ReadMrsOptions;
}

/** ISMRM 2016 challenge: 123.2 MHz, 4000 Hz (README of the challenge). */
export const CHALLENGE_HEADER: ReadMrsOptions = { dwellTime: 2.5e-4, spectrometerFrequency: 123.2 };
/** TARQUIN's simulated LCModel pair stores no header; these values are an assumption (see readers.test.ts). */
export const TARQUIN_LCM_HEADER: ReadMrsOptions = { dwellTime: 1 / 2000, spectrometerFrequency: 127.8 };

function classify(name: string): Omit<ExampleFile, 'path' | 'name'> {
  const lower = name.toLowerCase();
  if (lower.endsWith('.basis')) return { kind: 'basis' };
  if (lower.endsWith('.shf')) return { kind: 'companion' };
  if (/\.(coord|table|csv|xml|mat|md)$/.test(lower) || /sha256sums$|licence\.txt$/.test(lower))
    return { kind: 'not-a-spectrum' };
  if (lower.startsWith('lcmodel/tarquin_lcm')) return { kind: 'mrs', options: TARQUIN_LCM_HEADER };
  if (lower.startsWith('ismrm2016_fitting_challenge/') && !lower.includes('jmrui'))
    return { kind: 'mrs', options: CHALLENGE_HEADER };
  return { kind: 'mrs' };
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

export const EXAMPLE_FILES: ExampleFile[] = walk(EXTDATA)
  .sort()
  .map((path) => {
    const name = relative(EXTDATA, path).split('\\').join('/');
    return { path, name, ...classify(name) };
  });

export const MRS_FILES = EXAMPLE_FILES.filter((f) => f.kind === 'mrs');

/**
 * A bounded selection for heavy tests: every file outside the ISMRM challenge folders, and the first two files
 * of each challenge folder (they repeat one format 20-56 times).
 */
export function representativeMrsFiles(): ExampleFile[] {
  const seen = new Map<string, number>();
  return MRS_FILES.filter((f) => {
    if (!f.name.startsWith('ismrm2016_fitting_challenge/')) return true;
    const dir = f.name.split('/').slice(0, 2).join('/');
    const n = seen.get(dir) ?? 0;
    seen.set(dir, n + 1);
    return n < 2;
  });
}
