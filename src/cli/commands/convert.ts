import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { describeShape, type MrsData } from '../../core/mrs-data.js';
import { LANDMARKS } from '../../preproc/landmarks.js';
import { parseNumber, printJson } from '../options.js';
import { addReadOptions, type ReadCliOptions, readOptionsFrom } from './info.js';

interface ConvertOptions extends ReadCliOptions {
  out?: string;
  refOut?: string;
  nifti1?: boolean;
  dataType?: string;
  anon?: boolean;
  json?: boolean;
  preprocess?: boolean;
  water?: string;
  align?: boolean;
  reject?: boolean;
  rejectThreshold?: number;
  removeWater?: boolean;
  referencePeak?: string;
}

/**
 * `livermrs convert FILE --out X.nii.gz`: any supported format to NIfTI-MRS, optionally preprocessed (coil
 * combination, eddy-current correction, alignment, averaging with outlier rejection, residual-water removal,
 * frequency referencing) so that the result is one spectrum ready for `livermrs fit`.
 */
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
        'complex64 or complex128 (default: complex64 unless that would round the data)',
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
    .action(async (file: string, o: ConvertOptions) => {
      if (!o.out) throw new UsageError('convert: --out is required (e.g. --out spectrum.nii.gz)');
      if (o.dataType !== undefined && o.dataType !== 'complex64' && o.dataType !== 'complex128') {
        throw new UsageError(`--data-type: '${o.dataType}' is not complex64 or complex128`);
      }
      const usesPreprocessing =
        o.water || o.removeWater || o.referencePeak || o.align === false || o.reject === false;
      if (usesPreprocessing && !o.preprocess) {
        throw new UsageError(
          '--water, --remove-water, --reference-peak, --no-align and --no-reject need --preprocess',
        );
      }
      const landmark = o.referencePeak ? LANDMARKS[o.referencePeak as keyof typeof LANDMARKS] : undefined;
      if (o.referencePeak && !landmark) {
        throw new UsageError(
          `--reference-peak: '${o.referencePeak}' is not one of ${Object.keys(LANDMARKS).join(', ')}`,
        );
      }
      const readOptions = readOptionsFrom(o);
      // Readers, writers and preprocessing load here, not at start-up.
      const { readMrsFile, writeMrsFile } = await import('../../io/mrs-file.js');
      const { anonymise } = await import('../../io/nifti-mrs/anonymise.js');
      const { preprocess } = await import('../../preproc/pipeline.js');
      let mrs = readMrsFile(file, readOptions);
      let reference: MrsData | undefined = o.water ? readMrsFile(o.water, readOptions) : mrs.reference;
      if (o.refOut && !reference)
        throw new UsageError(`--ref-out: ${file} holds no water reference (give one with --water)`);
      if (o.preprocess) {
        const r = preprocess(mrs, {
          reference,
          align: o.align === false ? false : {},
          average: { reject: o.reject !== false, threshold: o.rejectThreshold },
          removeWater: o.removeWater ? {} : false,
          referencePeak: landmark ? { ppm: landmark.ppm, window: [...landmark.window] } : false,
        });
        mrs = r.data;
        reference = r.reference;
      }
      if (o.anon) {
        // Each file is cleaned of its own identifiers and of the other's (the water reference's path and
        // patient fields appear in the metabolite file's provenance).
        const [data, ref] = [mrs, reference];
        mrs = anonymise(data, ref ? [ref] : []);
        reference = ref ? anonymise(ref, [data]) : undefined;
      }
      const opts = { nifti1: o.nifti1, dataType: o.dataType as 'complex64' | 'complex128' | undefined };
      writeMrsFile(o.out, mrs, opts);
      const written = [{ file: o.out, shape: describeShape(mrs) }];
      if (o.refOut && reference) {
        writeMrsFile(o.refOut, reference, opts);
        written.push({ file: o.refOut, shape: describeShape(reference) });
      }
      if (o.json) {
        printJson({
          input: file,
          format: mrs.source.format,
          written,
          processing: mrs.extension.ProcessingApplied ?? [],
        });
        return;
      }
      for (const w of written) process.stdout.write(`wrote ${w.file} (${w.shape})\n`);
      if (mrs.reference && !o.refOut && !o.preprocess) {
        process.stderr.write(
          `note: ${file} also holds a water reference (${describeShape(mrs.reference)}); write it with --ref-out\n`,
        );
      }
    });
}
