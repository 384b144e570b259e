/**
 * The typed data every other folder shares and nothing else: spectra (Fid, MrsData with NIfTI-MRS dimensions),
 * basis sets, the acquisition (one Acquisition type and the liver defaults, each defined once), complex
 * arithmetic, the seeded random generator, the error classes with their exit codes and the version.
 */
export * from './acquisition.js';
export * from './basis.js';
export * from './complex.js';
export * from './errors.js';
export * from './fid.js';
export * from './grid.js';
export * from './mrs-data.js';
export * from './random.js';
export * from './version.js';
