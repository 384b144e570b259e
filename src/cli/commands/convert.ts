import type { Command } from 'commander';
import type { ConvertOptions } from '../../analysis/convert-file.js';
import { NIFTI_DATA_TYPES } from '../../io/format-ids.js';
import { LANDMARKS } from '../../preproc/landmarks.js';
import { parseNumber, printJson } from '../options.js';
import { addReadOptions } from './info.js';

/** `livermrs convert FILE --out X.nii.gz`: any format to NIfTI-MRS, optionally preprocessed (analysis/convert-file.ts). */
export function register(program: Command): void {
  addReadOptions(
    program
      .command('convert')
      .description(
        'Convert an MRS file to NIfTI-MRS (.nii.gz or .nii), keeping all dimensions and metadata; --preprocess ' +
          'combines coils and averages transients into one spectrum',
      )
      .argument('<file>', 'input file (any format `livermrs info` reads)')
      .option('--out <file>', 'output NIfTI-MRS file (.nii.gz or .nii)')
      .option('--ref-out <file>', 'also write the water reference (from the input, e.g. GE, or from --water)')
      .option('--nifti1', 'write a NIfTI-1 header instead of NIfTI-2')
      .option(
        '--data-type <type>',
        `${NIFTI_DATA_TYPES.join(' or ')} (default: ${NIFTI_DATA_TYPES[0]} unless that would round the data)`,
      )
      .option(
        '--anon',
        'keep only acquisition parameters in the header (no patient, institution, device, date, UID or free-text field) and reduce the provenance to file names with identifiers stripped; the samples are unchanged',
      )
      .option(
        '--preprocess',
        'combine coils, correct eddy currents, align and average transients (see docs/preprocessing.md)',
      )
      .option(
        '--water <file>',
        'unsuppressed water reference for --preprocess (coil weights and eddy-current correction)',
      )
      .option('--no-align', 'with --preprocess: skip frequency/phase alignment of transients')
      .option('--no-reject', 'with --preprocess: average every transient (no outlier rejection)')
      .option(
        '--reject-threshold <z>',
        'robust z-score above which a transient is rejected',
        parseNumber('--reject-threshold', { min: 1 }),
        3,
      )
      .option('--remove-water', 'with --preprocess: remove residual water by HLSVD (4.4-4.95 ppm)')
      .option(
        '--reference-peak <name>',
        `with --preprocess: shift a landmark to its ppm (${Object.keys(LANDMARKS).join(', ')})`,
      )
      .option('--json', 'print what was written as JSON'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  livermrs convert meas.rda --out meas.nii.gz\n' +
        '  livermrs convert P12345.7 --out metab.nii.gz --ref-out wref.nii.gz --anon\n' +
        '  livermrs convert metab_raw.nii.gz --preprocess --water wref_raw.nii.gz --out metab.nii.gz\n' +
        '  livermrs convert dataset1.RAW --sw 4000 --frequency 123.2 --te 30 --out ds1.nii.gz',
    )
    .action(async (file: string, o: ConvertOptions & { json?: boolean }) => {
      // Readers, writers and preprocessing load here, not at start-up.
      const { convertFile } = await import('../../analysis/convert-file.js');
      const { unwrittenReference, ...written } = convertFile(file, o);
      if (o.json) {
        printJson(written);
        return;
      }
      for (const w of written.written) process.stdout.write(`wrote ${w.file} (${w.shape})\n`);
      if (unwrittenReference) {
        process.stderr.write(
          `note: ${file} also holds a water reference (${unwrittenReference}); write it with --ref-out\n`,
        );
      }
    });
}
