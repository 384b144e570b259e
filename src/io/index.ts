/**
 * Files in and out: every vendor format read into MrsData (readMrs / readMrsFile detect the format; the readers
 * live in one folder per vendor), NIfTI-MRS written (gzip off the main thread), basis sets in LCModel, FSL-MRS
 * and livermrs JSON, CSV, and atomic writes of whole output folders.
 */
export * from './atomic.js';
export * from './basis-json.js';
export * from './csv.js';
export * from './format-ids.js';
export * from './fslmrs-basis.js';
export { type LcmConcentration, type LcmCoord, readLcmCoord } from './lcmodel/coord.js';
export * from './lcmodel/basis.js';
export * from './lcmodel/raw.js';
export * from './mrs-file.js';
export { anonymise } from './nifti-mrs/anonymise.js';
export { decodeNiftiMrs, type EncodeNiftiMrsOptions, encodeNiftiMrs } from './nifti-mrs/nifti-mrs.js';
export * from './nifti-mrs/write-file.js';
export { detectFormat, type FormatReader, READERS, type ReadMrsOptions, readMrs } from './read.js';
export * from './pulse-set-file.js';
export * from './json.js';
export * from './header-values.js';
