/**
 * From FIDs to what is looked at: FFT (fft.js, radix-4), the displayed spectrum of a FID on a ppm axis, and the
 * rendering of line lists (ppm, amplitude, phase) into FIDs.
 */
export * from './display.js';
export * from './fft.js';
export * from './line-list.js';
export * from './render.js';
