/** livermrs library entry point: the typed data objects and the public functions of each concern. */
export * from './core/errors.js';
export * from './core/complex.js';
export * from './core/fid.js';
export * from './core/basis.js';
export * from './core/random.js';
export * from './spectra/fft.js';
export * from './core/mrs-data.js';
export { decodeNiftiMrs, encodeNiftiMrs, type EncodeNiftiMrsOptions } from './io/nifti-mrs/nifti-mrs.js';
export {
  readMrs,
  detectFormat,
  READERS,
  type FormatId,
  type FormatReader,
  type ReadMrsOptions,
} from './io/read.js';
export * from './preproc/index.js';
export { anonymise } from './io/nifti-mrs/anonymise.js';
export * from './spectra/line-list.js';
export * from './spectra/render.js';
export * from './physics/index.js';
export * from './nn/index.js';
export * from './fit/index.js';
export { readLcmCoord, type LcmCoord, type LcmConcentration } from './io/lcmodel/coord.js';
export * from './report/index.js';
export {
  parseModelMetadata,
  modelMetadataSchema,
  MODEL_FILES,
  type ModelMetadata,
  type QuantifyModelMetadata,
  type ClassifyModelMetadata,
  type Preprocessing,
} from './web/model-bundle.js';
export { networkInput, combineFids, spectrumOf, windowGrid, type NetworkInput } from './web/preprocess.js';
export { quantificationRows, classProbability } from './web/interpret.js';
