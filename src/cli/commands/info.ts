import type { Command } from 'commander';
import { FORMAT_IDS } from '../../io/format-ids.js';
import type { ReadFileOptions } from '../../io/header-values.js';
import { parseNumber, printJson } from '../options.js';

/** Options shared by the commands that read MRS files: values headerless formats (LCModel .RAW, text) lack. */
export function addReadOptions(cmd: Command): Command {
  return cmd
    .option('--format <id>', `force a reader: ${FORMAT_IDS.join(', ')}`)
    .option(
      '--sw <Hz>',
      'spectral width for formats that do not store it (LCModel .RAW, text columns)',
      parseNumber('--sw', { min: 1 }),
    )
    .option(
      '--dwell <s>',
      'dwell time in seconds (alternative to --sw)',
      parseNumber('--dwell', { min: 1e-9 }),
    )
    .option(
      '--frequency <MHz>',
      'spectrometer frequency for formats that do not store it',
      parseNumber('--frequency', { min: 1 }),
    )
    .option('--te <ms>', 'echo time for formats that do not store it', parseNumber('--te', { min: 0 }))
    .option(
      '--ppm-reference <ppm>',
      'override the chemical shift at the receiver centre (default: 4.65, Siemens 4.7)',
      parseNumber('--ppm-reference'),
    );
}

/** `livermrs info FILE [--json]`: what a spectroscopy file holds. */
export function register(program: Command): void {
  addReadOptions(
    program
      .command('info')
      .description('Show what an MRS file holds: points, dwell time, frequency, TE/TR, dimensions, format')
      .argument(
        '<file>',
        'NIfTI-MRS, Siemens .rda/.ima/.dcm, Philips .sdat/.spar, GE P-file, jMRUI .txt, LCModel .RAW',
      )
      .option('--json', 'print a JSON object instead of text'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  livermrs info meas.rda\n  livermrs info P12345.7 --json\n  livermrs info dataset1.RAW --sw 4000 --frequency 123.2',
    )
    .action(async (file: string, o: ReadFileOptions & { json?: boolean }) => {
      const { readMrsOptionsFrom } = await import('../../io/header-values.js');
      const read = readMrsOptionsFrom(o);
      const { readMrsFile } = await import('../../io/mrs-file.js'); // every reader: loaded only here
      const { fileInfoJson, fileInfoText } = await import('../../report/file-info.js');
      const mrs = readMrsFile(file, read);
      if (o.json) printJson(fileInfoJson(mrs));
      else process.stdout.write(fileInfoText(mrs));
    });
}
