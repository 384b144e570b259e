import { UsageError } from '../core/errors.js';
import { describeShape, type MrsData } from '../core/mrs-data.js';
import { NIFTI_DATA_TYPES, type NiftiDataType } from '../io/format-ids.js';
import { type ReadFileOptions, readMrsOptionsFrom } from '../io/header-values.js';
import { readMrsFile, writeMrsFile } from '../io/mrs-file.js';
import { anonymise } from '../io/nifti-mrs/anonymise.js';
import { LANDMARKS } from '../preproc/landmarks.js';
import { preprocess } from '../preproc/pipeline.js';

/** Options of convertFile (`livermrs convert`): where to write, and the optional preprocessing and anonymising. */
export interface ConvertOptions extends ReadFileOptions {
  out?: string;
  refOut?: string;
  nifti1?: boolean;
  dataType?: string;
  anon?: boolean;
  preprocess?: boolean;
  water?: string;
  /** false: no frequency/phase alignment of transients. */
  align?: boolean;
  /** false: average every transient. */
  reject?: boolean;
  rejectThreshold?: number;
  removeWater?: boolean;
  referencePeak?: string;
}

export interface ConvertResult {
  input: string;
  format: string;
  written: { file: string; shape: string }[];
  processing: unknown;
  /** The shape of a water reference the input holds but that was not written (no refOut, no preprocessing). */
  unwrittenReference?: string;
}

/**
 * Any supported format to NIfTI-MRS, optionally preprocessed (coil combination, eddy-current correction,
 * alignment, averaging with outlier rejection, residual-water removal, frequency referencing: preproc/pipeline.ts)
 * and anonymised. Contradictory options are refused before anything is read.
 */
export function convertFile(file: string, o: ConvertOptions): ConvertResult {
  const out = o.out;
  if (!out) throw new UsageError('convert: --out is required (e.g. --out spectrum.nii.gz)');
  if (o.dataType !== undefined && !(NIFTI_DATA_TYPES as readonly string[]).includes(o.dataType)) {
    throw new UsageError(`--data-type: '${o.dataType}' is not ${NIFTI_DATA_TYPES.join(' or ')}`);
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
  const readOptions = readMrsOptionsFrom(o);
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
  const opts = { nifti1: o.nifti1, dataType: o.dataType as NiftiDataType | undefined };
  writeMrsFile(out, mrs, opts);
  const written = [{ file: out, shape: describeShape(mrs) }];
  if (o.refOut && reference) {
    writeMrsFile(o.refOut, reference, opts);
    written.push({ file: o.refOut, shape: describeShape(reference) });
  }
  return {
    input: file,
    format: mrs.source.format,
    written,
    processing: mrs.extension.ProcessingApplied ?? [],
    ...(mrs.reference && !o.refOut && !o.preprocess
      ? { unwrittenReference: describeShape(mrs.reference) }
      : {}),
  };
}
