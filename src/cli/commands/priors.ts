import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../core/errors.js';
import { writeFileAtomic } from '../../io/atomic.js';
import type { LoadedCohort } from '../../simulate/cohort-files.js';
import { parseList, printJson } from '../options.js';

interface PriorsOptions {
  fits: string;
  out: string;
  template?: string;
  name?: string;
  groups?: string;
  json?: boolean;
}

/** `livermrs priors`: estimate a cohort (per-group distributions) from fitted or known per-spectrum values. */
export function register(program: Command): void {
  program
    .command('priors')
    .description(
      'Estimate cohort priors from per-spectrum values (a CSV with a group column and amplitude/nuisance columns ' +
        'as in truth.csv; optional sd_<column> or crlb_<column> fit uncertainties are deconvolved) and write a cohort YAML.',
    )
    .requiredOption('--fits <dir|csv>', 'CSV file, or a directory holding fits.csv or truth.csv')
    .requiredOption('--out <cohort.yaml>', 'cohort file to write')
    .option(
      '--template <name|file>',
      'cohort giving protocol, basis and any parameter the CSV lacks (default: DIR/cohort.yaml if present, else hbv-lc)',
    )
    .option('--name <name>', 'name of the new cohort')
    .option('--groups <list>', 'comma-separated groups to estimate (default: all in the CSV)')
    .option('--json', 'print the estimates as JSON on stdout')
    .addHelpText(
      'after',
      '\nExample:\n  livermrs priors --fits prior-patients/fits.csv --template hbv-lc --name my-lc --out my-lc.yaml\n',
    )
    .action(async (opts: PriorsOptions) => {
      // The cohort schema, CSV parser and estimator load here, not at start-up.
      const { formatCohort, parseCohort } = await import('../../simulate/cohort-schema.js');
      const { parseCsv } = await import('../../io/csv.js');
      const { componentClassifier } = await import('../../simulate/generator.js');
      const { estimatePriors } = await import('../../simulate/priors.js');
      const { csv, dir } = locateFits(opts.fits);
      const template = await loadTemplate(opts.template, dir);
      const table = parseCsv(readFileSync(csv, 'utf8'), csv);
      const result = estimatePriors(table, {
        template: template.cohort,
        classOf: componentClassifier(),
        name: opts.name,
        groups: opts.groups ? parseList(opts.groups) : undefined,
        file: csv,
      });
      const text = formatCohort(
        result.cohort,
        `estimated by livermrs priors from ${csv}\ntemplate: ${template.file}\nfamilies: ${summarise(result.estimates)}`,
      );
      parseCohort(text, opts.out); // never write a cohort that would not read back
      writeFileAtomic(opts.out, text);
      if (opts.json)
        printJson({ out: opts.out, estimates: result.estimates, correlations: result.correlations });
      else
        process.stderr.write(`priors: ${Object.keys(result.cohort.groups).length} group(s) -> ${opts.out}\n`);
    });
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

async function loadTemplate(template: string | undefined, dir: string | undefined): Promise<LoadedCohort> {
  const { loadCohort } = await import('../../simulate/cohort-files.js');
  if (template) return loadCohort(template);
  if (dir && existsSync(join(dir, 'cohort.yaml'))) return loadCohort(join(dir, 'cohort.yaml'));
  return loadCohort('hbv-lc');
}

function summarise(estimates: { family: string }[]): string {
  const count = new Map<string, number>();
  for (const e of estimates) count.set(e.family, (count.get(e.family) ?? 0) + 1);
  return [...count].map(([f, n]) => `${n} ${f}`).join(', ');
}
