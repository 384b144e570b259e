/**
 * The virtual study: patients drawn from a hidden truth cohort, priors estimated from their NLLS fits, qCNN and
 * cCNN trained on those priors, and every arm (NLLS + logistic regression, qCNN, cCNN, oracle) scored on the
 * same test patients over repeated runs; real spectra enter through a manifest. Writes metrics, predictions
 * and an HTML report. study-request.ts and study-files.ts take a study from its request (`livermrs study`
 * options) to the files of its output folder.
 */
export { ManifestError, manifestDesign, parseManifest } from './manifest.js';
export { loadManifestPatients, readManifestSpectra } from './manifest-spectra.js';
export { bootstrapAucInterval, clopperPearson } from './small-sample.js';
export { DESIGN_METHODS, studyDesign, type StudyDesignResult } from './design.js';
export { designText, writeDesign } from './design-report.js';
export { runDesign } from './design-run.js';
export { METRICS_SCHEMA, metricsJson, predictionsCsv, quantificationCsv } from './study-output.js';
export { STUDY_COMMAND_DEFAULTS, STUDY_DEFAULTS } from './settings.js';
export { runStudyRequest, type StudyRunIo } from './study-command.js';
export { writeRepeatFiles, writeStudyFiles } from './study-files.js';
export { studyReport } from './study-report.js';
export {
  protocolText,
  repeatLine,
  type StudyRequest,
  type StudySetup,
  studyClosingLines,
  studyJson,
  studySettings,
  studySetup,
} from './study-request.js';
export { runStudy, type StudyRunOptions } from './study-runner.js';
export { headline, summariseStudy, type StudySummary } from './study-summary.js';
export {
  DEFAULT_SETTINGS,
  PAPER_DESIGN,
  runRepeat,
  type StudyDesign,
  type StudySettings,
} from './virtual-study.js';
