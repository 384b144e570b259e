import { NumericalError } from '../core/errors.js';

/**
 * Small dense complex linear algebra for the preprocessing steps (matrices of a few dozen rows: coils, signal
 * poles). ml-matrix is real-only, so these are written here. Matrices are row-major interleaved complex arrays:
 * element (i, j) of an n x m matrix is at 2 * (i * m + j).
 */

/** X = A⁻¹ B for n x n matrices, one column of B at a time through solveComplex. */
export function solveComplexMatrix(A: Float64Array, B: Float64Array, n: number): Float64Array {
  const X = new Float64Array(2 * n * n);
  const col = new Float64Array(2 * n);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      col[2 * i] = B[2 * (i * n + j)];
      col[2 * i + 1] = B[2 * (i * n + j) + 1];
    }
    const x = solveComplex(A, col, n);
    for (let i = 0; i < n; i++) {
      X[2 * (i * n + j)] = x[2 * i];
      X[2 * (i * n + j) + 1] = x[2 * i + 1];
    }
  }
  return X;
}

/** Solves A x = b (A n x n, b n) by Gaussian elimination with partial pivoting. */
export function solveComplex(A: Float64Array, b: Float64Array, n: number): Float64Array {
  const a = Float64Array.from(A);
  const x = Float64Array.from(b);
  for (let k = 0; k < n; k++) {
    let piv = k;
    let best = -1;
    for (let i = k; i < n; i++) {
      const m = Math.hypot(a[2 * (i * n + k)], a[2 * (i * n + k) + 1]);
      if (m > best) {
        best = m;
        piv = i;
      }
    }
    if (!(best > 0) || !Number.isFinite(best)) throw new NumericalError('singular complex system');
    if (piv !== k) {
      for (let j = 0; j < n; j++) swap(a, 2 * (k * n + j), 2 * (piv * n + j));
      swap(x, 2 * k, 2 * piv);
    }
    const pr = a[2 * (k * n + k)];
    const pi = a[2 * (k * n + k) + 1];
    const d = pr * pr + pi * pi;
    for (let i = k + 1; i < n; i++) {
      // f = a[i][k] / a[k][k]
      const ar = a[2 * (i * n + k)];
      const ai = a[2 * (i * n + k) + 1];
      const fr = (ar * pr + ai * pi) / d;
      const fi = (ai * pr - ar * pi) / d;
      for (let j = k; j < n; j++) {
        const br = a[2 * (k * n + j)];
        const bi = a[2 * (k * n + j) + 1];
        a[2 * (i * n + j)] -= fr * br - fi * bi;
        a[2 * (i * n + j) + 1] -= fr * bi + fi * br;
      }
      x[2 * i] -= fr * x[2 * k] - fi * x[2 * k + 1];
      x[2 * i + 1] -= fr * x[2 * k + 1] + fi * x[2 * k];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    let sr = x[2 * i];
    let si = x[2 * i + 1];
    for (let j = i + 1; j < n; j++) {
      const ar = a[2 * (i * n + j)];
      const ai = a[2 * (i * n + j) + 1];
      sr -= ar * x[2 * j] - ai * x[2 * j + 1];
      si -= ar * x[2 * j + 1] + ai * x[2 * j];
    }
    const pr = a[2 * (i * n + i)];
    const pi = a[2 * (i * n + i) + 1];
    const d = pr * pr + pi * pi;
    x[2 * i] = (sr * pr + si * pi) / d;
    x[2 * i + 1] = (si * pr - sr * pi) / d;
  }
  return x;
}

function swap(a: Float64Array, i: number, j: number): void {
  let t = a[i];
  a[i] = a[j];
  a[j] = t;
  t = a[i + 1];
  a[i + 1] = a[j + 1];
  a[j + 1] = t;
}

/** Principal eigenvector (unit norm) of a Hermitian positive semi-definite n x n matrix, by power iteration. */
export function principalEigenvector(A: Float64Array, n: number, iterations = 200): Float64Array {
  let v = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) v[2 * i] = A[2 * (i * n + i)] + 1e-300; // start from the diagonal
  normalise(v);
  for (let it = 0; it < iterations; it++) {
    const w = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      let sr = 0;
      let si = 0;
      for (let j = 0; j < n; j++) {
        const ar = A[2 * (i * n + j)];
        const ai = A[2 * (i * n + j) + 1];
        sr += ar * v[2 * j] - ai * v[2 * j + 1];
        si += ar * v[2 * j + 1] + ai * v[2 * j];
      }
      w[2 * i] = sr;
      w[2 * i + 1] = si;
    }
    const norm = normalise(w);
    if (!(norm > 0)) return v;
    let diff = 0;
    for (let i = 0; i < 2 * n; i++) diff = Math.max(diff, Math.abs(w[i] - v[i]));
    v = w;
    if (diff < 1e-13) break;
  }
  return v;
}

function normalise(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const n = Math.sqrt(s);
  if (n > 0) for (let i = 0; i < v.length; i++) v[i] /= n;
  return n;
}

/**
 * Eigenvalues of a general complex n x n matrix: Householder reduction to upper Hessenberg form, then the
 * shifted QR algorithm with Givens rotations, Wilkinson shifts and deflation (Golub & Van Loan, Matrix
 * Computations, 4th ed., sections 7.4-7.5). Returns interleaved complex eigenvalues.
 */
export function eigenvaluesComplex(A: Float64Array, n: number): Float64Array {
  const h = Float64Array.from(A);
  const re = (i: number, j: number) => 2 * (i * n + j);
  // Hessenberg reduction
  for (let k = 0; k < n - 2; k++) {
    let norm = 0;
    for (let i = k + 1; i < n; i++) norm += h[re(i, k)] ** 2 + h[re(i, k) + 1] ** 2;
    norm = Math.sqrt(norm);
    if (norm === 0) continue;
    const x0r = h[re(k + 1, k)];
    const x0i = h[re(k + 1, k) + 1];
    const x0 = Math.hypot(x0r, x0i);
    const pr = x0 > 0 ? x0r / x0 : 1;
    const pi = x0 > 0 ? x0i / x0 : 0;
    // v = x + e^{i arg x0} ||x|| e1
    const len = n - k - 1;
    const v = new Float64Array(2 * len);
    for (let i = 0; i < len; i++) {
      v[2 * i] = h[re(k + 1 + i, k)];
      v[2 * i + 1] = h[re(k + 1 + i, k) + 1];
    }
    v[0] += pr * norm;
    v[1] += pi * norm;
    if (!(normalise(v) > 0)) continue;
    // left: rows k+1.., H = H - 2 v (v^H H)
    for (let j = 0; j < n; j++) {
      let sr = 0;
      let si = 0;
      for (let i = 0; i < len; i++) {
        const hr = h[re(k + 1 + i, j)];
        const hi = h[re(k + 1 + i, j) + 1];
        sr += v[2 * i] * hr + v[2 * i + 1] * hi;
        si += v[2 * i] * hi - v[2 * i + 1] * hr;
      }
      for (let i = 0; i < len; i++) {
        h[re(k + 1 + i, j)] -= 2 * (v[2 * i] * sr - v[2 * i + 1] * si);
        h[re(k + 1 + i, j) + 1] -= 2 * (v[2 * i] * si + v[2 * i + 1] * sr);
      }
    }
    // right: columns k+1.., H = H - 2 (H v) v^H
    for (let i = 0; i < n; i++) {
      let sr = 0;
      let si = 0;
      for (let j = 0; j < len; j++) {
        const hr = h[re(i, k + 1 + j)];
        const hi = h[re(i, k + 1 + j) + 1];
        sr += hr * v[2 * j] - hi * v[2 * j + 1];
        si += hr * v[2 * j + 1] + hi * v[2 * j];
      }
      for (let j = 0; j < len; j++) {
        h[re(i, k + 1 + j)] -= 2 * (sr * v[2 * j] + si * v[2 * j + 1]);
        h[re(i, k + 1 + j) + 1] -= 2 * (si * v[2 * j] - sr * v[2 * j + 1]);
      }
    }
  }
  const out = new Float64Array(2 * n);
  let hi = n - 1;
  let iter = 0;
  const cs = new Float64Array(4 * n);
  while (hi >= 0) {
    if (hi === 0) {
      out[0] = h[0];
      out[1] = h[1];
      break;
    }
    // find the start of the active unreduced block
    let lo = hi;
    while (lo > 0) {
      const s = Math.hypot(h[re(lo, lo - 1)], h[re(lo, lo - 1) + 1]);
      const d =
        Math.hypot(h[re(lo - 1, lo - 1)], h[re(lo - 1, lo - 1) + 1]) +
        Math.hypot(h[re(lo, lo)], h[re(lo, lo) + 1]);
      if (s <= 1e-15 * (d || 1)) {
        h[re(lo, lo - 1)] = 0;
        h[re(lo, lo - 1) + 1] = 0;
        break;
      }
      lo--;
    }
    if (lo === hi) {
      out[2 * hi] = h[re(hi, hi)];
      out[2 * hi + 1] = h[re(hi, hi) + 1];
      hi--;
      iter = 0;
      continue;
    }
    if (++iter > 100 * n) throw new NumericalError('complex QR eigenvalue iteration did not converge');
    // Wilkinson shift from the trailing 2x2 block [[a, b], [c, d]]
    let mr: number;
    let mi: number;
    if (iter % 11 === 10) {
      mr = h[re(hi, hi)] + Math.abs(h[re(hi, hi - 1)]);
      mi = h[re(hi, hi) + 1];
    } else {
      const ar = h[re(hi - 1, hi - 1)];
      const ai = h[re(hi - 1, hi - 1) + 1];
      const br = h[re(hi - 1, hi)];
      const bi = h[re(hi - 1, hi) + 1];
      const cr = h[re(hi, hi - 1)];
      const ci = h[re(hi, hi - 1) + 1];
      const dr = h[re(hi, hi)];
      const di = h[re(hi, hi) + 1];
      const tr = (ar - dr) / 2;
      const ti = (ai - di) / 2;
      // disc = t^2 + b c
      const discR = tr * tr - ti * ti + (br * cr - bi * ci);
      const discI = 2 * tr * ti + (br * ci + bi * cr);
      const [sr, si] = csqrt(discR, discI);
      const mr1 = (ar + dr) / 2 + sr;
      const mi1 = (ai + di) / 2 + si;
      const mr2 = (ar + dr) / 2 - sr;
      const mi2 = (ai + di) / 2 - si;
      const closer1 = Math.hypot(mr1 - dr, mi1 - di) <= Math.hypot(mr2 - dr, mi2 - di);
      mr = closer1 ? mr1 : mr2;
      mi = closer1 ? mi1 : mi2;
    }
    for (let i = lo; i <= hi; i++) {
      h[re(i, i)] -= mr;
      h[re(i, i) + 1] -= mi;
    }
    // QR by Givens rotations G_k = [[conj c, conj s], [-s, c]] on rows k, k+1
    for (let k = lo; k < hi; k++) {
      const ar = h[re(k, k)];
      const ai = h[re(k, k) + 1];
      const br = h[re(k + 1, k)];
      const bi = h[re(k + 1, k) + 1];
      const r = Math.hypot(ar, ai, br, bi);
      const c0 = r > 0 ? ar / r : 1;
      const c1 = r > 0 ? ai / r : 0;
      const s0 = r > 0 ? br / r : 0;
      const s1 = r > 0 ? bi / r : 0;
      cs.set([c0, c1, s0, s1], 4 * k);
      for (let j = k; j <= hi; j++) {
        const xr = h[re(k, j)];
        const xi = h[re(k, j) + 1];
        const yr = h[re(k + 1, j)];
        const yi = h[re(k + 1, j) + 1];
        h[re(k, j)] = c0 * xr + c1 * xi + (s0 * yr + s1 * yi);
        h[re(k, j) + 1] = c0 * xi - c1 * xr + (s0 * yi - s1 * yr);
        h[re(k + 1, j)] = -(s0 * xr - s1 * xi) + (c0 * yr - c1 * yi);
        h[re(k + 1, j) + 1] = -(s0 * xi + s1 * xr) + (c0 * yi + c1 * yr);
      }
    }
    // RQ: columns k, k+1 times G_k^H = [[c, -conj s], [s, conj c]]
    for (let k = lo; k < hi; k++) {
      const [c0, c1, s0, s1] = [cs[4 * k], cs[4 * k + 1], cs[4 * k + 2], cs[4 * k + 3]];
      for (let i = lo; i <= Math.min(k + 2, hi); i++) {
        const xr = h[re(i, k)];
        const xi = h[re(i, k) + 1];
        const yr = h[re(i, k + 1)];
        const yi = h[re(i, k + 1) + 1];
        h[re(i, k)] = xr * c0 - xi * c1 + (yr * s0 - yi * s1);
        h[re(i, k) + 1] = xr * c1 + xi * c0 + (yr * s1 + yi * s0);
        h[re(i, k + 1)] = -(xr * s0 + xi * s1) + (yr * c0 + yi * c1);
        h[re(i, k + 1) + 1] = -(xi * s0 - xr * s1) + (yi * c0 - yr * c1);
      }
    }
    for (let i = lo; i <= hi; i++) {
      h[re(i, i)] += mr;
      h[re(i, i) + 1] += mi;
    }
  }
  return out;
}

/** Principal square root of a complex number. */
export function csqrt(re: number, im: number): [number, number] {
  const m = Math.hypot(re, im);
  const r = Math.sqrt((m + re) / 2);
  const i = Math.sqrt(Math.max(0, (m - re) / 2));
  return [r, im < 0 ? -i : i];
}

/** Two passes of classical Gram-Schmidt against the basis (complex inner products). */
export function reorthogonalise(w: Float64Array, basis: Float64Array[]): void {
  for (let pass = 0; pass < 2; pass++) {
    for (const q of basis) {
      let dr = 0;
      let di = 0;
      for (let i = 0; i < w.length; i += 2) {
        // q^H w
        dr += q[i] * w[i] + q[i + 1] * w[i + 1];
        di += q[i] * w[i + 1] - q[i + 1] * w[i];
      }
      for (let i = 0; i < w.length; i += 2) {
        w[i] -= dr * q[i] - di * q[i + 1];
        w[i + 1] -= dr * q[i + 1] + di * q[i];
      }
    }
  }
}
