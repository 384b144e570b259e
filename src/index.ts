/** livermrs library entry point: the typed data objects and the public functions of each concern. */
export * from './core/errors.js';
export * from './core/complex.js';
export * from './core/fid.js';
export * from './core/basis.js';
export * from './core/random.js';
export * from './spectra/fft.js';
export * from './spectra/line-list.js';
export * from './spectra/render.js';
export * from './physics/index.js';
