/**
 * Single-spin building blocks for composite spins. A group of n magnetically equivalent spin-1/2 nuclei
 * decomposes into total-spin irreducible representations S = n/2, n/2 - 1, ... with multiplicities
 * mult(n, S) = C(n, n/2 - S) - C(n, n/2 - S - 1) (angular-momentum addition; e.g. Levitt, Spin Dynamics, 2nd ed.,
 * ch. 14). Because H, every hard pulse and the detection operator commute with each group's total S^2, each
 * irreducible combination evolves on its own and the signals add with their multiplicities. A methyl group is
 * then one spin-3/2 plus two spin-1/2 copies instead of 8 Zeeman states.
 * Spins are indexed k = 0..2S with m = S - k (k = 0 is the highest m).
 */

/** Binomial coefficient C(n, k) (0 outside 0..n). */
export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

/** Total-spin decomposition of n equivalent spin-1/2: [{ twoS, multiplicity }], largest S first. */
export function totalSpinDecomposition(n: number): { twoS: number; multiplicity: number }[] {
  const out: { twoS: number; multiplicity: number }[] = [];
  for (let twoS = n; twoS >= 0; twoS -= 2) {
    const k = (n - twoS) / 2;
    const mult = binomial(n, k) - binomial(n, k - 1);
    if (mult > 0) out.push({ twoS, multiplicity: mult });
  }
  return out;
}

/** <m+1|S+|m> for spin S (both given doubled: twoS, twoM). */
export function raisingElement(twoS: number, twoM: number): number {
  const s = twoS / 2;
  const m = twoM / 2;
  return Math.sqrt(s * (s + 1) - m * (m + 1));
}

/** <m-1|S-|m>. */
export function loweringElement(twoS: number, twoM: number): number {
  const s = twoS / 2;
  const m = twoM / 2;
  return Math.sqrt(s * (s + 1) - m * (m - 1));
}

const rotationCache = new Map<string, Float64Array>();

/**
 * Wigner small-d matrix d^S(theta) = exp(-i theta S_y), which is real: -i S_y = (S- - S+)/2.
 * Row-major (2S+1)^2, rows/cols indexed by k (m = S - k). Computed by scaling and squaring of the Taylor series.
 */
export function rotationY(twoS: number, theta: number): Float64Array {
  const key = `${twoS}:${theta}`;
  const cached = rotationCache.get(key);
  if (cached) return cached;
  const d = twoS + 1;
  const gen = new Float64Array(d * d);
  for (let k = 0; k < d; k++) {
    const twoM = twoS - 2 * k;
    // (S-)|m> -> |m-1> (row k+1); (S+)|m> -> |m+1> (row k-1).
    if (k + 1 < d) gen[(k + 1) * d + k] += 0.5 * loweringElement(twoS, twoM) * theta;
    if (k - 1 >= 0) gen[(k - 1) * d + k] -= 0.5 * raisingElement(twoS, twoM) * theta;
  }
  const out = expm(gen, d);
  rotationCache.set(key, out);
  return out;
}

/** Matrix exponential of a small real matrix (scaling and squaring, 24-term Taylor series). */
export function expm(a: Float64Array, n: number): Float64Array {
  let norm = 0;
  for (let i = 0; i < n; i++) {
    let row = 0;
    for (let j = 0; j < n; j++) row += Math.abs(a[i * n + j]);
    norm = Math.max(norm, row);
  }
  let squarings = 0;
  while (norm > 0.25) {
    norm /= 2;
    squarings++;
  }
  const scale = 2 ** -squarings;
  const x = a.map((v) => v * scale);
  let result = identity(n);
  let term = identity(n);
  for (let k = 1; k <= 24; k++) {
    term = matmul(term, x, n);
    const f = 1 / k;
    for (let i = 0; i < term.length; i++) term[i] *= f;
    for (let i = 0; i < term.length; i++) result[i] += term[i];
  }
  for (let s = 0; s < squarings; s++) result = matmul(result, result, n);
  return result;
}

function identity(n: number): Float64Array {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) m[i * n + i] = 1;
  return m;
}

function matmul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k];
      if (aik === 0) continue;
      for (let j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
    }
  }
  return c;
}
