import type { Command } from 'commander';
import { writeFileAtomic } from '../../io/atomic.js';
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
      const { estimatePriorsFromFits } = await import('../../simulate/priors-files.js');
      const groups = opts.groups ? parseList(opts.groups) : undefined;
      const { text, result } = estimatePriorsFromFits({ ...opts, groups }, opts.out);
      writeFileAtomic(opts.out, text);
      if (opts.json)
        printJson({ out: opts.out, estimates: result.estimates, correlations: result.correlations });
      else
        process.stderr.write(`priors: ${Object.keys(result.cohort.groups).length} group(s) -> ${opts.out}\n`);
    });
}
