/**
 * Hand-written linear algebra (src/linalg) against ml-matrix at the sizes this project uses, one core, warm
 * process: median microseconds per operation over 5 samples of ≥ 150 ms each. ml-matrix is given its inputs
 * already as Matrix objects (its most favourable case: converting the fitter's Float64Arrays would add to it).
 * - least squares 2048×20 (the fitter's linear step: 20 basis columns over 2048 real samples), by the normal
 *   equations (Gram + Cholesky, as the fitter does) and by ml-matrix's QR;
 * - a 40×40 symmetric positive definite solve (Levenberg–Marquardt normal equations) and inverse (CRLB);
 * - the symmetric eigenproblem of spin Hamiltonian blocks (16, 64, 256).
 * Complex solves and eigenvalues (coil combination, HLSVD) have no ml-matrix counterpart and are not compared.
 */
import { loadavg } from 'node:os';
import {
  CholeskyDecomposition,
  EigenvalueDecomposition,
  inverse,
  Matrix,
  QrDecomposition,
  solve,
} from 'ml-matrix';
import { Rng } from '../src/core/random.js';
import {
  choleskyInPlace,
  choleskySolveInPlace,
  dot,
  gramRows,
  invertSpd,
  symmetricEigen,
} from '../src/linalg/index.js';

/** Median µs per call of fn (5 samples, each ≥ 150 ms of calls after a warm-up). */
function micros(fn: () => unknown): number {
  const t0 = performance.now();
  while (performance.now() - t0 < 100) fn();
  const samples: number[] = [];
  for (let s = 0; s < 5; s++) {
    let calls = 0;
    const t = performance.now();
    let dt = 0;
    do {
      fn();
      calls++;
      dt = performance.now() - t;
    } while (dt < 150);
    samples.push((1000 * dt) / calls);
  }
  samples.sort((a, b) => a - b);
  return Number(samples[2].toPrecision(3));
}

function compare(hand: () => unknown, ml: Record<string, () => unknown>): Record<string, unknown> {
  const handUs = micros(hand);
  const out: Record<string, unknown> = { handWrittenUs: handUs };
  for (const [name, fn] of Object.entries(ml)) {
    const us = micros(fn);
    out[`mlMatrix${name}Us`] = us;
    out[`mlMatrix${name}OverHand`] = Number((us / handUs).toFixed(2));
  }
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return Number(m.toExponential(2));
}

function randomSpd(rng: Rng, n: number): Float64Array {
  const g = new Float64Array(n * 3 * n);
  for (let i = 0; i < g.length; i++) g[i] = rng.normal();
  const a = new Float64Array(n * n);
  gramRows(g, n, 3 * n, a);
  return a;
}

function leastSquares(rng: Rng): Record<string, unknown> {
  const k = 20;
  const n = 2048;
  const rows = new Float64Array(k * n); // the fitter's layout: one basis column per row
  for (let i = 0; i < rows.length; i++) rows[i] = rng.normal();
  const y = Float64Array.from({ length: n }, () => rng.normal());
  const g = new Float64Array(k * k);
  const x = new Float64Array(k);
  const hand = () => {
    gramRows(rows, k, n, g);
    for (let i = 0; i < k; i++) x[i] = dot(rows.subarray(i * n, (i + 1) * n), y);
    choleskyInPlace(g, k);
    choleskySolveInPlace(g, k, x);
    return x;
  };
  const a = new Matrix(n, k);
  for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) a.set(j, i, rows[i * n + j]);
  const b = Matrix.columnVector(Array.from(y));
  const normal = () => {
    const at = a.transpose();
    return new CholeskyDecomposition(at.mmul(a)).solve(at.mmul(b));
  };
  const qr = () => new QrDecomposition(a).solve(b);
  const r = compare(hand, { NormalEquations: normal, Qr: qr });
  return { rows: n, columns: k, ...r, maxAbsDiffQr: maxAbsDiff(hand(), qr().to1DArray()) };
}

function spdSolve(rng: Rng, n: number): Record<string, unknown> {
  const a0 = randomSpd(rng, n);
  const b0 = Float64Array.from({ length: n }, () => rng.normal());
  const a = new Float64Array(n * n);
  const x = new Float64Array(n);
  const hand = () => {
    a.set(a0);
    x.set(b0);
    choleskyInPlace(a, n);
    choleskySolveInPlace(a, n, x);
    return x;
  };
  const m = Matrix.from1DArray(n, n, a0);
  const b = Matrix.columnVector(Array.from(b0));
  const chol = () => new CholeskyDecomposition(m).solve(b);
  const lu = () => solve(m, b);
  const r = compare(hand, { Cholesky: chol, Lu: lu });
  return { n, ...r, maxAbsDiffCholesky: maxAbsDiff(hand(), chol().to1DArray()) };
}

function spdInverse(rng: Rng, n: number): Record<string, unknown> {
  const a0 = randomSpd(rng, n);
  const m = Matrix.from1DArray(n, n, a0);
  const hand = () => invertSpd(a0, n);
  const lu = () => inverse(m);
  const r = compare(hand, { Lu: lu });
  return { n, ...r, maxAbsDiffLu: maxAbsDiff(hand(), lu().to1DArray()) };
}

function symmetricEigenproblem(rng: Rng, n: number): Record<string, unknown> {
  const a0 = randomSpd(rng, n);
  const m = Matrix.from1DArray(n, n, a0);
  const hand = () => symmetricEigen(a0, n);
  const evd = () => new EigenvalueDecomposition(m, { assumeSymmetric: true });
  const r = compare(hand, { Evd: evd });
  const values = [...evd().realEigenvalues].sort((p, q) => p - q);
  return { n, ...r, maxAbsDiffEigenvalues: maxAbsDiff(hand().values, values) };
}

export async function run(): Promise<Record<string, unknown>> {
  const load0 = loadavg()[0];
  const rng = new Rng(12);
  const result = {
    method:
      'one core, warm process; median µs per call over 5 samples of ≥ 150 ms; ml-matrix gets Matrix inputs ready-made',
    leastSquares2048x20: leastSquares(rng),
    spdSolve40: spdSolve(rng, 40),
    spdInverse40: spdInverse(rng, 40),
    symmetricEigen16: symmetricEigenproblem(rng, 16),
    symmetricEigen64: symmetricEigenproblem(rng, 64),
    symmetricEigen256: symmetricEigenproblem(rng, 256),
    notCompared:
      'complex solve / eigenvalues / power iteration (coil combination, HLSVD): ml-matrix is real-only',
  };
  return { loadAverage: [Number(load0.toFixed(2)), Number(loadavg()[0].toFixed(2))], ...result };
}
