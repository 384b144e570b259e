import { symmetricEigen } from '../linalg/index.js';
import { loweringElement, raisingElement, rotationY } from './spin-operators.js';

/**
 * A coupled system of (composite) spins in the rotating frame of the receiver, and its eigenbasis.
 *
 * Hamiltonian (Hz): H = sum_g nu_g S_zg + sum_{g<h} J_gh S_g . S_h, the isotropic liquid-state Hamiltonian with
 * full (strong) coupling. In the Zeeman product basis it is real symmetric, and it conserves the total
 * magnetic quantum number M, so it is block diagonal: block i holds the states with M = M_max - i. Each block
 * is diagonalised on its own (for glucose, 7 spins: blocks of at most 35 instead of one of 128).
 */
export interface CoupledSystem {
  /** 2S of each group (1 for a single proton, 3 for the spin-3/2 part of a methyl group, ...). */
  twoS: ArrayLike<number>;
  /** Offset of each group from the receiver frequency, Hz (nu = (ppm - ppmReference) * MHz). */
  offsetHz: ArrayLike<number>;
  /** Scalar couplings, Hz, row-major G x G (symmetric; the diagonal is ignored). */
  couplingHz: ArrayLike<number>;
}

export class EigenSpace {
  readonly groups: number;
  readonly twoS: Int32Array;
  /** Number of M blocks (= sum of 2S + 1). */
  readonly blockCount: number;
  /** Global state indices of each block, in block order. */
  readonly blockStates: Int32Array[];
  /** Eigenvalues (Hz) of each block. */
  readonly energies: Float64Array[];
  /** Eigenvectors of each block, row-major n x n, columns are eigenvectors. */
  readonly vectors: Float64Array[];
  /** Zeeman digit k_g (m_g = S_g - k_g) of every state, row-major states x groups. */
  private readonly digits: Int32Array;
  private readonly stride: Int32Array;
  private readonly raisingCache = new Map<number, Float64Array>();

  constructor(system: CoupledSystem) {
    const g = system.twoS.length;
    this.groups = g;
    this.twoS = Int32Array.from(system.twoS);
    this.stride = new Int32Array(g);
    let dim = 1;
    for (let q = g - 1; q >= 0; q--) {
      this.stride[q] = dim;
      dim *= this.twoS[q] + 1;
    }
    let maxK = 0;
    for (let q = 0; q < g; q++) maxK += this.twoS[q];
    this.blockCount = maxK + 1;
    this.digits = new Int32Array(dim * g);
    const counts = new Int32Array(this.blockCount);
    const blockOf = new Int32Array(dim);
    for (let s = 0; s < dim; s++) {
      let rest = s;
      let sum = 0;
      for (let q = 0; q < g; q++) {
        const k = Math.floor(rest / this.stride[q]);
        rest -= k * this.stride[q];
        this.digits[s * g + q] = k;
        sum += k;
      }
      blockOf[s] = sum;
      counts[sum]++;
    }
    this.blockStates = [];
    for (let b = 0; b < this.blockCount; b++) this.blockStates.push(new Int32Array(counts[b]));
    const fill = new Int32Array(this.blockCount);
    const position = new Int32Array(dim);
    for (let s = 0; s < dim; s++) {
      const b = blockOf[s];
      position[s] = fill[b];
      this.blockStates[b][fill[b]++] = s;
    }
    this.energies = [];
    this.vectors = [];
    for (let b = 0; b < this.blockCount; b++) {
      const h = this.hamiltonianBlock(b, system, position);
      const eig = symmetricEigen(h, this.blockStates[b].length);
      this.energies.push(eig.values);
      this.vectors.push(eig.vectors);
    }
  }

  blockSize(b: number): number {
    return this.blockStates[b].length;
  }

  /** 2m of group q in global state s. */
  private twoM(s: number, q: number): number {
    return this.twoS[q] - 2 * this.digits[s * this.groups + q];
  }

  private hamiltonianBlock(b: number, system: CoupledSystem, position: Int32Array): Float64Array {
    const states = this.blockStates[b];
    const n = states.length;
    const g = this.groups;
    const h = new Float64Array(n * n);
    for (let p = 0; p < n; p++) {
      const s = states[p];
      let diag = 0;
      for (let q = 0; q < g; q++) {
        const mq = this.twoM(s, q) / 2;
        diag += system.offsetHz[q] * mq;
        for (let r = q + 1; r < g; r++) {
          const j = system.couplingHz[q * g + r];
          if (j !== 0) diag += j * mq * (this.twoM(s, r) / 2);
        }
      }
      h[p * n + p] = diag;
      // Flip-flop terms (J/2)(S+_q S-_r + S-_q S+_r): every ordered pair (q, r) gives one off-diagonal element.
      for (let q = 0; q < g; q++) {
        if (this.digits[s * g + q] === 0) continue; // m_q already maximal
        for (let r = 0; r < g; r++) {
          if (r === q) continue;
          const j = system.couplingHz[q * g + r];
          if (j === 0 || this.digits[s * g + r] === this.twoS[r]) continue;
          const target = s - this.stride[q] + this.stride[r];
          const value =
            0.5 *
            j *
            raisingElement(this.twoS[q], this.twoM(s, q)) *
            loweringElement(this.twoS[r], this.twoM(s, r));
          h[position[target] * n + p] = value;
        }
      }
    }
    return h;
  }

  /**
   * The total raising operator F+ = sum_g S+_g in the eigenbasis, from block b+1 (columns) to block b (rows):
   * an n_b x n_{b+1} real matrix.
   */
  raising(b: number): Float64Array {
    const cached = this.raisingCache.get(b);
    if (cached) return cached;
    const rows = this.blockStates[b];
    const cols = this.blockStates[b + 1];
    const nr = rows.length;
    const nc = cols.length;
    const index = new Map<number, number>();
    for (let p = 0; p < nr; p++) index.set(rows[p], p);
    const z = new Float64Array(nr * nc);
    const g = this.groups;
    for (let c = 0; c < nc; c++) {
      const s = cols[c];
      for (let q = 0; q < g; q++) {
        if (this.digits[s * g + q] === 0) continue;
        const r = index.get(s - this.stride[q])!;
        z[r * nc + c] += raisingElement(this.twoS[q], this.twoM(s, q));
      }
    }
    const out = transformBlock(this.vectors[b], z, this.vectors[b + 1], nr, nc);
    this.raisingCache.set(b, out);
    return out;
  }

  /**
   * A hard pulse of flip angle theta (rad) about y on every spin, in the eigenbasis: U[i][j] is the n_i x n_j block
   * V_i^T R_ij V_j, or null where R has no elements between blocks i and j (e.g. a 180 only links M to -M).
   */
  rotation(theta: number): (Float64Array | null)[][] {
    const g = this.groups;
    const d = Array.from(this.twoS, (t) => rotationY(t, theta));
    // A 180-degree pulse maps every m to -m: only blocks M and -M are linked, skip the rest unexamined.
    const inversion = Math.abs(theta - Math.PI) < 1e-12;
    const out: (Float64Array | null)[][] = [];
    for (let i = 0; i < this.blockCount; i++) {
      const row: (Float64Array | null)[] = [];
      const rs = this.blockStates[i];
      for (let j = 0; j < this.blockCount; j++) {
        if (inversion && j !== this.blockCount - 1 - i) {
          row.push(null);
          continue;
        }
        const cs = this.blockStates[j];
        const r = new Float64Array(rs.length * cs.length);
        let any = false;
        for (let a = 0; a < rs.length; a++) {
          for (let c = 0; c < cs.length; c++) {
            let v = 1;
            for (let q = 0; q < g && v !== 0; q++) {
              const dim = this.twoS[q] + 1;
              v *= d[q][this.digits[rs[a] * g + q] * dim + this.digits[cs[c] * g + q]];
            }
            if (Math.abs(v) > 1e-13) {
              r[a * cs.length + c] = v;
              any = true;
            }
          }
        }
        row.push(any ? transformBlock(this.vectors[i], r, this.vectors[j], rs.length, cs.length) : null);
      }
      out.push(row);
    }
    return out;
  }
}

/** V_a^T Z V_b for a Zeeman-basis block Z (na x nb). */
export function transformBlock(
  va: Float64Array,
  z: Float64Array,
  vb: Float64Array,
  na: number,
  nb: number,
): Float64Array {
  // t = Z V_b (na x nb)
  const t = new Float64Array(na * nb);
  for (let i = 0; i < na; i++) {
    for (let k = 0; k < nb; k++) {
      const zik = z[i * nb + k];
      if (zik === 0) continue;
      const rowT = i * nb;
      const rowV = k * nb;
      for (let j = 0; j < nb; j++) t[rowT + j] += zik * vb[rowV + j];
    }
  }
  // out = V_a^T t
  const out = new Float64Array(na * nb);
  for (let k = 0; k < na; k++) {
    const rowV = k * na;
    const rowT = k * nb;
    for (let i = 0; i < na; i++) {
      const v = va[rowV + i];
      if (v === 0) continue;
      const rowO = i * nb;
      for (let j = 0; j < nb; j++) out[rowO + j] += v * t[rowT + j];
    }
  }
  return out;
}
