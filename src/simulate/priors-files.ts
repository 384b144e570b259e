import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import { parseCsv } from '../io/csv.js';
import { type LoadedCohort, loadCohort } from './cohort-files.js';
import { formatCohort, parseCohort } from './cohort-schema.js';
import { componentClassifier } from './generator.js';
import { estimatePriors, type PriorsResult } from './priors.js';

/** Cohort priors to estimate from per-spectrum values (`livermrs priors`). */
export interface PriorsRequest {
  /** A CSV file, or a directory holding fits.csv or truth.csv. */
  fits: string;
  /** The cohort giving protocol, basis and any parameter the CSV lacks (default: DIR/cohort.yaml, else hbv-lc). */
  template?: string;
  name?: string;
  groups?: string[];
}

function locateFits(path: string): { csv: string; dir?: string } {
  if (!existsSync(path))
    throw new InputError('not found', {
      file: path,
      expected: 'a CSV file or a directory with fits.csv or truth.csv',
    });
  if (!statSync(path).isDirectory()) return { csv: path };
  for (const name of ['fits.csv', 'truth.csv'])
    if (existsSync(join(path, name))) return { csv: join(path, name), dir: path };
  throw new InputError('no fits.csv or truth.csv in the directory', { file: path });
}

function loadTemplate(template: string | undefined, dir: string | undefined): LoadedCohort {
  if (template) return loadCohort(template);
  if (dir && existsSync(join(dir, 'cohort.yaml'))) return loadCohort(join(dir, 'cohort.yaml'));
  return loadCohort('hbv-lc');
}

function families(estimates: { family: string }[]): string {
  const count = new Map<string, number>();
  for (const e of estimates) count.set(e.family, (count.get(e.family) ?? 0) + 1);
  return [...count].map(([f, n]) => `${n} ${f}`).join(', ');
}

/**
 * Estimates a cohort (per-group distributions) from fitted or known per-spectrum values and returns it as cohort
 * YAML text (checked to read back under the name `out`) with the estimates.
 */
export function estimatePriorsFromFits(
  o: PriorsRequest,
  out: string,
): { text: string; result: PriorsResult } {
  const { csv, dir } = locateFits(o.fits);
  const template = loadTemplate(o.template, dir);
  const table = parseCsv(readFileSync(csv, 'utf8'), csv);
  const result = estimatePriors(table, {
    template: template.cohort,
    classOf: componentClassifier(),
    name: o.name,
    groups: o.groups,
    file: csv,
  });
  const text = formatCohort(
    result.cohort,
    `estimated by livermrs priors from ${csv}\ntemplate: ${template.file}\nfamilies: ${families(result.estimates)}`,
  );
  parseCohort(text, out); // never write a cohort that would not read back
  return { text, result };
}
