import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { describeShape } from '../../core/mrs-data.js';
import { writeMrsFile } from '../../io/mrs-file.js';
import { readMrsFile } from '../../io/mrs-file.js';
import { anonymise } from '../../io/nifti-mrs/anonymise.js';
import { printJson } from '../options.js';
import { addReadOptions, type ReadCliOptions, readOptionsFrom } from './info.js';

interface ConvertOptions extends ReadCliOptions {
  out?: string;
  refOut?: string;
  nifti1?: boolean;
  dataType?: string;
  anon?: boolean;
  json?: boolean;
}

/** `livermrs convert FILE --out X.nii.gz`: any supported format to NIfTI-MRS. */
export function register(program: Command): void {
  addReadOptions(
    program
      .command('convert')
      .description('Convert an MRS file to NIfTI-MRS (.nii.gz or .nii), keeping all dimensions and metadata')
      .argument('<file>', 'input file (any format `livermrs info` reads)')
      .option('--out <file>', 'output NIfTI-MRS file (.nii.gz or .nii)')
      .option(
        '--ref-out <file>',
        'also write the water reference stored in the same input (GE P-files, 4-column text)',
      )
      .option('--nifti1', 'write a NIfTI-1 header instead of NIfTI-2')
      .option(
        '--data-type <type>',
        'complex64 or complex128 (default: complex64 unless that would round the data)',
      )
      .option(
        '--anon',
        'drop identifying metadata (patient name/ID/birth date, institution, serial number, original file name)',
      )
      .option('--json', 'print what was written as JSON'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  livermrs convert meas.rda --out meas.nii.gz\n  livermrs convert P12345.7 --out metab.nii.gz --ref-out wref.nii.gz --anon\n  livermrs convert dataset1.RAW --sw 4000 --frequency 123.2 --te 30 --out ds1.nii.gz',
    )
    .action((file: string, o: ConvertOptions) => {
      if (!o.out) throw new UsageError('convert: --out is required (e.g. --out spectrum.nii.gz)');
      if (o.dataType !== undefined && o.dataType !== 'complex64' && o.dataType !== 'complex128') {
        throw new UsageError(`--data-type: '${o.dataType}' is not complex64 or complex128`);
      }
      let mrs = readMrsFile(file, readOptionsFrom(o));
      if (o.refOut && !mrs.reference) throw new UsageError(`--ref-out: ${file} holds no water reference`);
      if (o.anon) mrs = anonymise(mrs);
      const opts = { nifti1: o.nifti1, dataType: o.dataType as 'complex64' | 'complex128' | undefined };
      writeMrsFile(o.out, mrs, opts);
      const written = [{ file: o.out, shape: describeShape(mrs) }];
      if (o.refOut && mrs.reference) {
        writeMrsFile(o.refOut, mrs.reference, opts);
        written.push({ file: o.refOut, shape: describeShape(mrs.reference) });
      }
      if (o.json) {
        printJson({ input: file, format: mrs.source.format, written });
        return;
      }
      for (const w of written) process.stdout.write(`wrote ${w.file} (${w.shape})\n`);
      if (mrs.reference && !o.refOut) {
        process.stderr.write(
          `note: ${file} also holds a water reference (${describeShape(mrs.reference)}); write it with --ref-out\n`,
        );
      }
    });
}
