import type { EigenSpace } from './spin-space.js';

/**
 * The part of a density matrix with one coherence order p, in the eigenbasis of an EigenSpace.
 * Element (a, b) with M_a - M_b = p lives in block pair (i, i + p) (block i has M = M_max - i). Crusher gradients
 * (and ideal phase cycling) keep exactly one coherence order between pulses, so a selected pathway is carried as
 * one such object: block i is the complex n_i x n_{i+p} matrix (re, im), or null.
 */
export interface CoherenceState {
  order: number;
  re: (Float64Array | null)[];
  im: (Float64Array | null)[];
}

/**
 * The state just after an ideal 90-degree pulse about y from equilibrium (Fz -> Fx = (F+ + F-)/2), keeping
 * coherence order +1 (F+/2) or -1 (F-/2).
 */
export function excite(space: EigenSpace, order: 1 | -1): CoherenceState {
  const n = space.blockCount;
  const re: (Float64Array | null)[] = new Array(n).fill(null);
  const im: (Float64Array | null)[] = new Array(n).fill(null);
  for (let i = 0; i < n; i++) {
    const j = i + order;
    if (j < 0 || j >= n) continue;
    if (order === 1) {
      re[i] = space.raising(i).map((v) => v / 2);
    } else {
      // F- block (i, i-1) = (F+ block (i-1, i))^T
      const f = space.raising(j);
      const ni = space.blockSize(i);
      const nj = space.blockSize(j);
      const t = new Float64Array(ni * nj);
      for (let a = 0; a < nj; a++) for (let b = 0; b < ni; b++) t[b * nj + a] = f[a * ni + b] / 2;
      re[i] = t;
    }
    im[i] = new Float64Array(space.blockSize(i) * space.blockSize(j));
  }
  return { order, re, im };
}

/** The equilibrium state Fz (order 0): diagonal M in every block. */
export function equilibrium(space: EigenSpace): CoherenceState {
  const n = space.blockCount;
  const re: (Float64Array | null)[] = [];
  const im: (Float64Array | null)[] = [];
  let twoMmax = 0;
  for (let q = 0; q < space.groups; q++) twoMmax += space.twoS[q];
  for (let i = 0; i < n; i++) {
    const size = space.blockSize(i);
    const m = (twoMmax - 2 * i) / 2;
    const block = new Float64Array(size * size);
    for (let a = 0; a < size; a++) block[a * size + a] = m;
    re.push(block);
    im.push(new Float64Array(size * size));
  }
  return { order: 0, re, im };
}

/** Free precession for tau seconds: rho_ab *= exp(-i 2 pi (E_a - E_b) tau). */
export function evolve(space: EigenSpace, state: CoherenceState, tau: number): void {
  if (tau === 0) return;
  const w = -2 * Math.PI * tau;
  for (let i = 0; i < space.blockCount; i++) {
    const re = state.re[i];
    const im = state.im[i];
    if (!re || !im) continue;
    const ea = space.energies[i];
    const eb = space.energies[i + state.order];
    const nb = eb.length;
    for (let a = 0; a < ea.length; a++) {
      const row = a * nb;
      for (let b = 0; b < nb; b++) {
        const phi = w * (ea[a] - eb[b]);
        const c = Math.cos(phi);
        const s = Math.sin(phi);
        const x = re[row + b];
        const y = im[row + b];
        re[row + b] = x * c - y * s;
        im[row + b] = x * s + y * c;
      }
    }
  }
}

/**
 * An ideal pulse (eigenbasis blocks U from EigenSpace.rotation) followed by selection of coherence order `keep`:
 * rho'(A, A + keep) = sum_B U(A, B) rho(B, B + p) U(A + keep, B + p)^T.
 */
export function pulse(
  space: EigenSpace,
  state: CoherenceState,
  u: (Float64Array | null)[][],
  keep: number,
): CoherenceState {
  const n = space.blockCount;
  const p = state.order;
  const outRe: (Float64Array | null)[] = new Array(n).fill(null);
  const outIm: (Float64Array | null)[] = new Array(n).fill(null);
  for (let a = 0; a < n; a++) {
    const a2 = a + keep;
    if (a2 < 0 || a2 >= n) continue;
    const na = space.blockSize(a);
    const na2 = space.blockSize(a2);
    let accRe: Float64Array | null = null;
    let accIm: Float64Array | null = null;
    for (let b = 0; b < n; b++) {
      const rhoRe = state.re[b];
      const rhoIm = state.im[b];
      const left = u[a][b];
      if (!rhoRe || !rhoIm || !left) continue;
      const right = u[a2][b + p];
      if (!right) continue;
      const nb = space.blockSize(b);
      const nb2 = space.blockSize(b + p);
      if (!accRe || !accIm) {
        accRe = new Float64Array(na * na2);
        accIm = new Float64Array(na * na2);
      }
      // t = left (na x nb) * rho (nb x nb2)
      const tRe = new Float64Array(na * nb2);
      const tIm = new Float64Array(na * nb2);
      for (let i = 0; i < na; i++) {
        for (let k = 0; k < nb; k++) {
          const l = left[i * nb + k];
          if (l === 0) continue;
          const rowT = i * nb2;
          const rowR = k * nb2;
          for (let j = 0; j < nb2; j++) {
            tRe[rowT + j] += l * rhoRe[rowR + j];
            tIm[rowT + j] += l * rhoIm[rowR + j];
          }
        }
      }
      // acc += t (na x nb2) * right^T (nb2 x na2); right is na2 x nb2
      for (let i = 0; i < na; i++) {
        const rowT = i * nb2;
        const rowA = i * na2;
        for (let j = 0; j < na2; j++) {
          const rowR = j * nb2;
          let sr = 0;
          let si = 0;
          for (let k = 0; k < nb2; k++) {
            const r = right[rowR + k];
            sr += tRe[rowT + k] * r;
            si += tIm[rowT + k] * r;
          }
          accRe[rowA + j] += sr;
          accIm[rowA + j] += si;
        }
      }
    }
    outRe[a] = accRe;
    outIm[a] = accIm;
  }
  return { order: keep, re: outRe, im: outIm };
}

/**
 * Detection: the signal Tr[rho(t) F-] of an order +1 state is a sum of lines
 * rho_ab (F-)_ba exp(-i 2 pi (E_a - E_b) t). Appends each line's frequency f (Hz, FID ~ exp(+i 2 pi f t), so
 * f = -(E_a - E_b)) and complex amplitude times `weight`.
 */
export function acquire(
  space: EigenSpace,
  state: CoherenceState,
  weight: number,
  sink: { hz: number[]; re: number[]; im: number[] },
  minAmplitude = 1e-14,
): void {
  if (state.order !== 1) throw new Error('acquire: the detected coherence order must be +1');
  for (let i = 0; i + 1 < space.blockCount; i++) {
    const re = state.re[i];
    const im = state.im[i];
    if (!re || !im) continue;
    const f = space.raising(i);
    const ea = space.energies[i];
    const eb = space.energies[i + 1];
    const nb = eb.length;
    for (let a = 0; a < ea.length; a++) {
      for (let b = 0; b < nb; b++) {
        const k = a * nb + b;
        const ar = re[k] * f[k] * weight;
        const ai = im[k] * f[k] * weight;
        if (Math.abs(ar) + Math.abs(ai) < minAmplitude) continue;
        sink.hz.push(eb[b] - ea[a]);
        sink.re.push(ar);
        sink.im.push(ai);
      }
    }
  }
}
