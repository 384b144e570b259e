/**
 * The qCNN (amplitudes with predicted SDs) and the cCNN (probability of the positive group): everything about
 * the two networks, whoever uses them: `livermrs train`, `quantify` and `classify`, the virtual study and the
 * browser app.
 *
 * - contract.ts: the model-bundle contract (one zod schema) and the files of a bundle (bundleFiles);
 * - input.ts: how a spectrum becomes a network input, the one path for training, CLI, study and browser;
 * - interpret.ts: how outputs become amplitudes, SDs and probabilities;
 * - bundle.ts, read-spectrum.ts: bundle I/O, the shipped models, one FID per file;
 * - onnx-inference.ts: running a bundle with onnxruntime-node; results.ts: what quantify/classify report;
 * - architectures.ts, qcnn.ts, ccnn.ts, training.ts, training-data.ts, cohorts.ts: the networks and their
 *   training on simulated spectra; calibration.ts, classification-metrics.ts: the cCNN's calibration and metrics;
 * - train-from-cohorts.ts, train-options.ts: a network trained from cohort names (`livermrs train`), its choices
 *   and defaults.
 *
 * It depends on the simulator, the fitter's water–fat check, nn/ and the readers, and on nothing of study/,
 * web/, report/ or cli/. The browser app imports contract.ts, input.ts and interpret.ts directly: this index
 * also loads onnxruntime-node and the libtorch engine.
 */
export {
  ARCHITECTURES,
  type Architecture,
  architecture,
  ccnnSpec,
  type QcnnLayout,
  qcnnSpec,
} from './architectures.js';
export {
  classifyContract,
  defaultModelsDir,
  ILLUSTRATIVE_NOTE,
  type LoadedBundle,
  modelName,
  quantifyContract,
  readBundle,
  type TrainingRecord,
  writeBundle,
} from './bundle.js';
export {
  brierScore,
  expectedCalibrationError,
  fitTemperature,
  logit,
  logLoss,
  sigmoid,
} from './calibration.js';
export { type CcnnModel, type CalibrationReport, ccnnLogits, type TrainedCcnn, trainCcnn } from './ccnn.js';
export {
  auc,
  type ClassificationMetrics,
  classificationMetrics,
  confusion,
  rocCurve,
} from './classification-metrics.js';
export { cohortGrid, cohortProtocol, combineCohorts } from './cohorts.js';
export {
  bundleFiles,
  type ClassifyModelMetadata,
  type ContractOf,
  MODEL_FILES,
  type ModelMetadata,
  type ModelTask,
  modelMetadataSchema,
  parseContract,
  parseModelMetadata,
  type Preprocessing,
  type QuantifyModelMetadata,
} from './contract.js';
export {
  DEFAULT_WINDOW,
  type InputPipeline,
  inputPipeline,
  type ModelProtocol,
  type NetworkInput,
  networkInput,
  normaliseInputs,
  prepareFid,
  windowGrid,
} from './input.js';
export {
  classifyOutputs,
  classProbability,
  componentGroup,
  type NetworkOutputs,
  type QuantifiedRow,
  quantificationRows,
  quantifyOutputs,
} from './interpret.js';
export {
  classifyWithBundle,
  prepareForBundle,
  type QuantifiedSpectrum,
  quantifyWithBundle,
} from './onnx-inference.js';
export {
  type QcnnModel,
  type QcnnPrediction,
  predictQcnn,
  type TrainedQcnn,
  trainQcnn,
  type UncertaintyMethod,
} from './qcnn.js';
export { readSingleFid } from './read-spectrum.js';
export {
  type ClassifyFileResult,
  type QuantifyFileResult,
  qcnnQuantification,
  quantificationCsv,
} from './results.js';
export { type SimulatedSource, type SpectrumBlock, simulateBlock } from './training-data.js';
export { type NetworkTrainOptions, streamSeeds } from './training.js';
export {
  type TrainedNetwork,
  type TrainRequest,
  trainFromCohorts,
  trainSummary,
} from './train-from-cohorts.js';
export * from './train-options.js';
