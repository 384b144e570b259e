/**
 * Linear algebra: the dense routines this project writes itself because they are measurably faster than
 * ml-matrix at its sizes or because ml-matrix has none (complex matrices). Real (Cholesky, SPD inverse, Gram
 * and cross products, vector ops), complex (solve, eigenvalues, power iteration) and the symmetric eigensolver.
 * Everything else uses ml-matrix; bench/linalg.ts measures both (bench/results/linalg.json).
 */
export * from './real.js';
export * from './complex.js';
export * from './eigen.js';
