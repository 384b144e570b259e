/**
 * Small dense linear algebra on row-major Float64Arrays, written for the fitter's inner loop: no allocation
 * when the caller passes work arrays, symmetric positive (semi)definite systems only. Sizes here are tens to a
 * hundred, where a plain Cholesky beats any general library call overhead.
 */

/**
 * In-place Cholesky factorisation A = L L^T of the leading n×n block of `a` (row-major, leading dimension
 * `ld`). The lower triangle receives L. A tiny relative ridge is added to pivots that fall below
 * `eps · max diagonal`, so nearly collinear systems still solve (they are regularised, not rejected).
 * Returns the number of pivots that needed the ridge.
 */
export function choleskyInPlace(a: Float64Array, n: number, ld = n, eps = 1e-13): number {
  let maxDiag = 0;
  for (let i = 0; i < n; i++) maxDiag = Math.max(maxDiag, Math.abs(a[i * ld + i]));
  const floor = (maxDiag > 0 ? maxDiag : 1) * eps;
  let ridged = 0;
  for (let j = 0; j < n; j++) {
    const rj = j * ld;
    let d = a[rj + j];
    for (let k = 0; k < j; k++) d -= a[rj + k] * a[rj + k];
    if (!(d > floor)) {
      d = floor;
      ridged++;
    }
    const ljj = Math.sqrt(d);
    a[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * ld;
      let s = a[ri + j];
      for (let k = 0; k < j; k++) s -= a[ri + k] * a[rj + k];
      a[ri + j] = s / ljj;
    }
  }
  return ridged;
}

/** Solves L L^T x = b in place (b becomes x), L from choleskyInPlace. */
export function choleskySolveInPlace(l: Float64Array, n: number, b: Float64Array, ld = n): void {
  for (let i = 0; i < n; i++) {
    const ri = i * ld;
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[ri + k] * b[k];
    b[i] = s / l[ri + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < n; k++) s -= l[k * ld + i] * b[k];
    b[i] = s / l[i * ld + i];
  }
}

/** Inverse of a symmetric positive definite n×n matrix (returns a new full symmetric matrix). */
export function invertSpd(a: Float64Array, n: number): Float64Array {
  const l = Float64Array.from(a.subarray(0, n * n));
  choleskyInPlace(l, n);
  const inv = new Float64Array(n * n);
  const col = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    col.fill(0);
    col[j] = 1;
    choleskySolveInPlace(l, n, col);
    for (let i = 0; i < n; i++) inv[i * n + j] = col[i];
  }
  // Symmetrise against round-off.
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (inv[i * n + j] + inv[j * n + i]);
      inv[i * n + j] = v;
      inv[j * n + i] = v;
    }
  }
  return inv;
}

/**
 * Inverse of a symmetric positive semidefinite matrix that stays meaningful when it is singular: the matrix is
 * scaled to unit diagonal (Jacobi preconditioning) first, and zero rows/columns give zero rows/columns.
 */
export function invertSpdScaled(a: Float64Array, n: number): Float64Array {
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = a[i * n + i] > 0 ? 1 / Math.sqrt(a[i * n + i]) : 0;
  const s = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++)
      s[i * n + j] = d[i] === 0 || d[j] === 0 ? (i === j ? 1 : 0) : a[i * n + j] * d[i] * d[j];
  }
  const inv = invertSpd(s, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) inv[i * n + j] *= d[i] * d[j];
  }
  return inv;
}

/** out[i] = Σ_j a[i, j] x[j] for an m×n row-major matrix. */
export function matVec(a: Float64Array, m: number, n: number, x: Float64Array, out: Float64Array): void {
  for (let i = 0; i < m; i++) {
    let s = 0;
    const r = i * n;
    for (let j = 0; j < n; j++) s += a[r + j] * x[j];
    out[i] = s;
  }
}

/** Dot product of row i of a (stride n) with row j of b (stride n), over n entries. */
export function dotRows(a: Float64Array, i: number, b: Float64Array, j: number, n: number): number {
  let s = 0;
  const ra = i * n;
  const rb = j * n;
  for (let k = 0; k < n; k++) s += a[ra + k] * b[rb + k];
  return s;
}
