/**
 * Simulated spectra from cohorts: the cohort file (YAML priors per group), the signal model that turns one
 * parameter row into a FID, the generator (every spectrum a function of seed, group and index), data sets on
 * worker threads (NIfTI-MRS + truth.csv), training streams for the networks, priors estimated from fits, and
 * water–fat body spectra. dataset-files.ts and priors-files.ts write a data set and estimate a cohort the way
 * `livermrs simulate` and `livermrs priors` ask for them.
 */
export * from './cohort-files.js';
export {
  checkCohortComponents,
  type Cohort,
  type CohortGroup,
  type CohortProtocol,
  formatCohort,
  parseCohort,
} from './cohort-schema.js';
export { type ComponentClass, GroupSampler } from './cohort-sampler.js';
export * from './dataset.js';
export * from './dataset-files.js';
export { type Distribution, type DistributionSpec, makeDistribution } from './distributions.js';
export * from './generator.js';
export { NUISANCE_COLUMNS, ParameterLayout } from './parameters.js';
export { estimatePriors, type PriorsOptions, type PriorsResult } from './priors.js';
export * from './priors-files.js';
export * from './signal-model.js';
export * from './stream.js';
export * from './water-fat.js';
export * from './water-fat-cohort.js';
export * from './water-fat-dataset.js';
export { SimulationPool } from './worker-pool.js';
