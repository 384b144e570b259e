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
// Node only (worker threads): kept out of physics/index.ts, which the browser app bundles.
export { simulateBasisParallel, simulateLineListsParallel } from './physics/basis-parallel.js';
export { ShapedPool } from './physics/pulses/shaped-pool.js';
export { readPulseSetOption } from './io/pulse-set-file.js';
export * from './nn/index.js';
export * from './fit/index.js';
export { readLcmCoord, type LcmCoord, type LcmConcentration } from './io/lcmodel/coord.js';
export * from './report/index.js';
export {
  analyseFile,
  analyseSeries,
  analysisFiles,
  classifyFile,
  classifyFiles,
  quantifyFile,
  quantifyFiles,
  parseResultsJson,
  readResultsJson,
  readSpectra,
  readSpectrum,
  RESULTS_SCHEMA_VERSION,
  RESULTS_SCHEMAS,
  resultsJson,
  resultsJsonText,
  runAnalysisJobs,
  SHIPPED_MODEL_WARNING,
  writeClassifyOutputs,
  writeQuantifyOutputs,
  writeAnalysisOutputs,
  type AnalyseFileOptions,
  type AnalysisInput,
  type AnalysisJob,
  type AnalysisOptions,
  type AnalysisResult,
  type AnalysisStatus,
  type ClassifyAnalyses,
  type HeaderValues,
  type MetaboliteAnalysis,
  type NetworkAnalyses,
  type NetworkAnalysisOptions,
  type Preset,
  type QuantifyFileOptions,
  type ResultsJson,
  type ResultsKind,
  type WaterFatAnalysis,
  type WaterFatSeriesAnalysis,
  convertFile,
  type ConvertOptions,
  fitJobs,
  type FitRequest,
  runFitRequest,
  simulateBasisRequest,
  type BasisRequest,
  writeBasisFiles,
} from './analysis/index.js';
export { trainFromCohorts, type TrainRequest } from './networks/train-from-cohorts.js';
export { writeCohortDataset, writeWaterFatDataset } from './simulate/dataset-files.js';
export { estimatePriorsFromFits } from './simulate/priors-files.js';
export { readMrsFile, readMrsInput, type MrsInput } from './io/mrs-file.js';
export {
  parseModelMetadata,
  modelMetadataSchema,
  MODEL_FILES,
  type ModelMetadata,
  type QuantifyModelMetadata,
  type ClassifyModelMetadata,
  type Preprocessing,
} from './networks/contract.js';
export { combineFids } from './web/preprocess.js';
export { spectrumOf } from './spectra/display.js';
export { quantificationRows, classProbability } from './networks/interpret.js';
export {
  SignalModel,
  DEFAULT_MODEL_SETTINGS,
  type ModelSettings,
  type SimulationGrid,
  type SnrPeak,
  type BaselineShape,
  type SynthesisResult,
} from './simulate/signal-model.js';
export { ParameterLayout, NUISANCE_COLUMNS } from './simulate/parameters.js';
export { makeDistribution, type Distribution, type DistributionSpec } from './simulate/distributions.js';
export {
  parseCohort,
  formatCohort,
  checkCohortComponents,
  type Cohort,
  type CohortGroup,
  type CohortProtocol,
} from './simulate/cohort-schema.js';
export { GroupSampler, type ComponentClass } from './simulate/cohort-sampler.js';
export {
  SpectrumGenerator,
  groupSeed,
  basisOnProtocol,
  componentClassifier,
  type SynthesisTarget,
  type SpectrumId,
} from './simulate/generator.js';
export {
  simulateDataset,
  truthCsv,
  datasetToMrs,
  resynthesize,
  type Dataset,
  type DatasetRequest,
} from './simulate/dataset.js';
export {
  trainingBatches,
  type StreamOptions,
  type TrainingBatch,
  type TrainingStream,
} from './simulate/stream.js';
export {
  defaultPreprocess,
  preprocessFid,
  preprocessInto,
  cropBins,
  inputSize,
  type PreprocessConfig,
} from './simulate/preprocess.js';
export {
  estimatePriors,
  type PriorsOptions,
  type PriorsResult,
  type ParameterEstimate,
} from './simulate/priors.js';
export {
  loadCohort,
  loadCohortBasis,
  builtinCohortNames,
  loadWaterFatCohort,
  builtinWaterFatCohortNames,
} from './simulate/cohort-files.js';
export {
  simulateWaterFat,
  signalFatFraction,
  type WaterFatTruth,
  type WaterFatGrid,
} from './simulate/water-fat.js';
export {
  parseWaterFatCohort,
  drawWaterFatTruth,
  WATER_FAT_PARAMETERS,
  type WaterFatCohort,
} from './simulate/water-fat-cohort.js';
export { simulateWaterFatDataset, type WaterFatDataset } from './simulate/water-fat-dataset.js';
export {
  trainQcnn,
  predictQcnn,
  type QcnnModel,
  type QcnnPrediction,
  type TrainedQcnn,
} from './networks/qcnn.js';
export { trainCcnn, ccnnLogits, type CcnnModel, type TrainedCcnn } from './networks/ccnn.js';
export { ARCHITECTURES, qcnnSpec, ccnnSpec, type Architecture } from './networks/architectures.js';
export {
  inputPipeline,
  prepareFid,
  networkInput,
  windowGrid,
  type InputPipeline,
  type ModelProtocol,
  type NetworkInput,
} from './networks/input.js';
export {
  runRepeat,
  drawPatients,
  PAPER_DESIGN,
  DEFAULT_SETTINGS,
  type StudySettings,
  type StudyDesign,
  type RepeatResult,
} from './study/virtual-study.js';
export { runStudy, type StudyRunOptions } from './study/study-runner.js';
export { compareQuantification, type QuantComparison } from './study/quant-comparison.js';
export { summariseStudy, type StudySummary } from './study/study-summary.js';
export { estimateStudyPriors, shrinkDifferences, signedAmplitudePrior } from './study/study-priors.js';
export { oracleProbabilities } from './study/oracle.js';
export { fitTemperature, expectedCalibrationError } from './networks/calibration.js';
export { coverage, biasByTruth, errorSummary } from './study/quant-metrics.js';
export { readBundle, writeBundle } from './networks/bundle.js';
export { quantifyWithBundle, classifyWithBundle, prepareForBundle } from './networks/onnx-inference.js';
export { ManifestError, parseManifest } from './study/manifest.js';
export { readManifestSpectra } from './study/manifest-spectra.js';
export { clopperPearson } from './study/small-sample.js';
export {
  DESIGN_METHODS,
  studyDesign,
  type StudyDesignOptions,
  type StudyDesignResult,
} from './study/design.js';
export { designText, writeDesign } from './study/design-report.js';
export { runDesign, type DesignRunOptions } from './study/design-run.js';
