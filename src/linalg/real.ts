/**
 * Small dense real linear algebra on row-major Float64Arrays, written for the fitter's inner loop: no
 * allocation when the caller passes work arrays, symmetric positive (semi)definite systems only. Sizes here are
 * tens to a hundred, where a plain Cholesky beats ml-matrix's general call overhead (bench/results/linalg.json).
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
  return factor(a, n, ld, (maxDiag > 0 ? maxDiag : 1) * eps, true);
}

/**
 * Cholesky factorisation as choleskyInPlace, but a pivot at or below `minPivot` rejects the matrix (returns
 * false: not positive definite) instead of being ridged.
 */
export function choleskyStrictInPlace(a: Float64Array, n: number, minPivot: number, ld = n): boolean {
  return factor(a, n, ld, minPivot, false) >= 0;
}

/** Column-by-column Cholesky; a pivot ≤ floor is ridged to floor (ridge) or stops it with -1. */
function factor(a: Float64Array, n: number, ld: number, floor: number, ridge: boolean): number {
  let ridged = 0;
  for (let j = 0; j < n; j++) {
    const rj = j * ld;
    let d = a[rj + j];
    for (let k = 0; k < j; k++) d -= a[rj + k] * a[rj + k];
    if (!(d > floor)) {
      if (!ridge) return -1;
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

/**
 * Inverse of a symmetric positive definite n×n matrix (returns a new symmetric matrix). With `leading` < n only
 * the first `leading` columns (and, by symmetry, rows) are computed; the trailing block is left zero.
 */
export function invertSpd(a: Float64Array, n: number, leading = n): Float64Array {
  const l = Float64Array.from(a.subarray(0, n * n));
  choleskyInPlace(l, n);
  const inv = inverseFromCholesky(l, n, leading);
  // Symmetrise against round-off (and fill the rows of the computed columns).
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (j >= leading) {
        if (i < leading) inv[i * n + j] = inv[j * n + i];
        continue;
      }
      const v = 0.5 * (inv[i * n + j] + inv[j * n + i]);
      inv[i * n + j] = v;
      inv[j * n + i] = v;
    }
  }
  return inv;
}

/**
 * The first `leading` columns of (L Lᵀ)⁻¹ for the factor L of choleskyInPlace (n×n, row-major), solved column
 * by column; the other columns are zero. Not symmetrised (invertSpd does that).
 */
export function inverseFromCholesky(l: Float64Array, n: number, leading = n): Float64Array {
  const inv = new Float64Array(n * n);
  const col = new Float64Array(n);
  for (let j = 0; j < leading; j++) {
    col.fill(0);
    col[j] = 1;
    choleskySolveInPlace(l, n, col);
    for (let i = 0; i < n; i++) inv[i * n + j] = col[i];
  }
  return inv;
}

/**
 * Inverse of a symmetric positive semidefinite matrix that stays meaningful when it is singular: the matrix is
 * scaled to unit diagonal (Jacobi preconditioning) first, and zero rows/columns give zero rows/columns.
 */
export function invertSpdScaled(a: Float64Array, n: number, leading = n): Float64Array {
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = a[i * n + i] > 0 ? 1 / Math.sqrt(a[i * n + i]) : 0;
  const s = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++)
      s[i * n + j] = d[i] === 0 || d[j] === 0 ? (i === j ? 1 : 0) : a[i * n + j] * d[i] * d[j];
  }
  const inv = invertSpd(s, n, leading);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) inv[i * n + j] *= d[i] * d[j];
  }
  return inv;
}

/**
 * Symmetric Gram matrix out[a,b] = <row a, row b> of the k rows (length n, stride n) of `m`, written in full.
 * Rows are taken two at a time (2×2 register blocks: four products per four loads), which halves the time of
 * the plain triple loop in V8; the fitter computes one per cost evaluation.
 */
export function gramRows(m: Float64Array, k: number, n: number, out: Float64Array): void {
  let a = 0;
  for (; a + 1 < k; a += 2) {
    const ra = a * n;
    const ra1 = ra + n;
    for (let b = 0; b <= a; b += 2) {
      const rb = b * n;
      const rb1 = rb + n;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      for (let i = 0; i < n; i++) {
        const x0 = m[ra + i];
        const x1 = m[ra1 + i];
        const y0 = m[rb + i];
        const y1 = m[rb1 + i];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s10 += x1 * y0;
        s11 += x1 * y1;
      }
      out[a * k + b] = s00;
      out[b * k + a] = s00;
      out[(a + 1) * k + b] = s10;
      out[b * k + a + 1] = s10;
      out[a * k + b + 1] = s01;
      out[(b + 1) * k + a] = s01;
      out[(a + 1) * k + b + 1] = s11;
      out[(b + 1) * k + a + 1] = s11;
    }
  }
  for (; a < k; a++) {
    const ra = a * n;
    for (let b = 0; b <= a; b++) {
      const rb = b * n;
      let s = 0;
      for (let i = 0; i < n; i++) s += m[ra + i] * m[rb + i];
      out[a * k + b] = s;
      out[b * k + a] = s;
    }
  }
}

/**
 * Cross products out[i·ld + p] = <row idx[i] of x, row p of y> for the listed rows of x and the first `py` rows
 * of y (all of length n, stride n), two by two like gramRows.
 */
export function crossRows(
  x: Float64Array,
  idx: Int32Array,
  nx: number,
  y: Float64Array,
  py: number,
  n: number,
  out: Float64Array,
  ld: number,
): void {
  for (let i = 0; i < nx; i += 2) {
    const two = i + 1 < nx;
    const ra = idx[i] * n;
    const ra1 = two ? idx[i + 1] * n : ra;
    for (let p = 0; p < py; p += 2) {
      const twoP = p + 1 < py;
      const rb = p * n;
      const rb1 = twoP ? rb + n : rb;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      for (let j = 0; j < n; j++) {
        const x0 = x[ra + j];
        const x1 = x[ra1 + j];
        const y0 = y[rb + j];
        const y1 = y[rb1 + j];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s10 += x1 * y0;
        s11 += x1 * y1;
      }
      out[i * ld + p] = s00;
      if (twoP) out[i * ld + p + 1] = s01;
      if (two) {
        out[(i + 1) * ld + p] = s10;
        if (twoP) out[(i + 1) * ld + p + 1] = s11;
      }
    }
  }
}

/** Σ a_i b_i over the length of a. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Euclidean norm of a real (or interleaved complex) vector. */
export function norm(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

/** a ← f·a. */
export function scale(a: Float64Array, f: number): void {
  for (let i = 0; i < a.length; i++) a[i] *= f;
}

/** y ← y + a·x (real a; x and y real or interleaved complex). */
export function axpy(y: Float64Array, a: number, x: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] += a * x[i];
}

/**
 * Weighted least-squares straight line y ≈ a + b·k over the sample index k = 0..n−1 (weights w ≥ 0); undefined
 * when the weights do not fix a line (fewer than two weighted samples).
 */
export function weightedLine(
  y: ArrayLike<number>,
  w: ArrayLike<number>,
): { a: number; b: number } | undefined {
  let s = 0;
  let sk = 0;
  let skk = 0;
  let sy = 0;
  let sky = 0;
  for (let k = 0; k < y.length; k++) {
    s += w[k];
    sk += w[k] * k;
    skk += w[k] * k * k;
    sy += w[k] * y[k];
    sky += w[k] * k * y[k];
  }
  const det = s * skk - sk * sk;
  if (!(s > 0) || !(Math.abs(det) > 1e-12 * s * skk)) return undefined;
  const b = (s * sky - sk * sy) / det;
  return { a: (sy - b * sk) / s, b };
}
