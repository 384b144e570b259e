/**
 * An independent, deliberately plain density-matrix simulator for tests: every proton is its own spin-1/2 in
 * the full 2^N Zeeman space (no M blocks, no composite spins), pulses are about x with complex matrices, and the
 * FID is sampled point by point. The engine under test uses y pulses, M-blocks, composite spins and line lists;
 * agreement between the two checks all of those.
 */
import { symmetricEigen } from '../../src/linalg/index.js';

export interface DenseSpin {
  ppm: number;
}
export type DenseStep = { pulse: number; keep: number } | { delay: number };

/**
 * STEAM as dense steps: 90° (keep coherence −1), TE/2, 90° (keep 0: the crushers of the mixing period), TM,
 * 90° (keep +1), TE/2 to the echo.
 */
export function denseSteamSteps(te: number, tm: number): DenseStep[] {
  return [
    { pulse: 90, keep: -1 },
    { delay: te / 2 },
    { pulse: 90, keep: 0 },
    { delay: tm },
    { pulse: 90, keep: 1 },
    { delay: te / 2 },
  ];
}

interface CMat {
  re: Float64Array;
  im: Float64Array;
}

function cmul(a: CMat, b: CMat, n: number): CMat {
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const ar = a.re[i * n + k];
      const ai = a.im[i * n + k];
      if (ar === 0 && ai === 0) continue;
      for (let j = 0; j < n; j++) {
        const br = b.re[k * n + j];
        const bi = b.im[k * n + j];
        re[i * n + j] += ar * br - ai * bi;
        im[i * n + j] += ar * bi + ai * br;
      }
    }
  }
  return { re, im };
}

function adjoint(a: CMat, n: number): CMat {
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      re[j * n + i] = a.re[i * n + j];
      im[j * n + i] = -a.im[i * n + j];
    }
  }
  return { re, im };
}

/** Twice the total m of Zeeman state s (bit q set = spin q down). */
function twoM(s: number, nSpins: number): number {
  let m = 0;
  for (let q = 0; q < nSpins; q++) m += (s >> q) & 1 ? -1 : 1;
  return m;
}

export function denseFid(
  spins: DenseSpin[],
  couplings: [number, number, number][],
  mhz: number,
  ppmReference: number,
  steps: DenseStep[],
  points: number,
  dwell: number,
): Float64Array {
  const n = spins.length;
  const dim = 1 << n;
  const nu = spins.map((s) => (s.ppm - ppmReference) * mhz);
  const h = new Float64Array(dim * dim);
  for (let s = 0; s < dim; s++) {
    const m = (q: number) => ((s >> q) & 1 ? -0.5 : 0.5);
    let d = 0;
    for (let q = 0; q < n; q++) d += nu[q] * m(q);
    for (const [a, b, j] of couplings) {
      d += j * m(a) * m(b);
      if (((s >> a) & 1) !== ((s >> b) & 1)) {
        const t = s ^ (1 << a) ^ (1 << b);
        h[t * dim + s] += j / 2;
      }
    }
    h[s * dim + s] = d;
  }
  const eig = symmetricEigen(h, dim);
  const v = eig.vectors;
  const e = eig.values;
  // rho = Fz
  let rho: CMat = { re: new Float64Array(dim * dim), im: new Float64Array(dim * dim) };
  for (let s = 0; s < dim; s++) rho.re[s * dim + s] = twoM(s, n) / 2;
  const propagator = (tau: number): CMat => {
    const re = new Float64Array(dim * dim);
    const im = new Float64Array(dim * dim);
    for (let i = 0; i < dim; i++) {
      for (let j = 0; j < dim; j++) {
        let sr = 0;
        let si = 0;
        for (let k = 0; k < dim; k++) {
          const w = v[i * dim + k] * v[j * dim + k];
          if (w === 0) continue;
          const ph = -2 * Math.PI * e[k] * tau;
          sr += w * Math.cos(ph);
          si += w * Math.sin(ph);
        }
        re[i * dim + j] = sr;
        im[i * dim + j] = si;
      }
    }
    return { re, im };
  };
  const pulseX = (theta: number): CMat => {
    const c = Math.cos(theta / 2);
    const sn = Math.sin(theta / 2);
    const re = new Float64Array(dim * dim);
    const im = new Float64Array(dim * dim);
    for (let a = 0; a < dim; a++) {
      for (let b = 0; b < dim; b++) {
        // product over spins of [[c, -i s], [-i s, c]]
        let pr = 1;
        let pi = 0;
        for (let q = 0; q < n; q++) {
          const flip = ((a >> q) & 1) !== ((b >> q) & 1);
          const [xr, xi] = flip ? [0, -sn] : [c, 0];
          const nr = pr * xr - pi * xi;
          pi = pr * xi + pi * xr;
          pr = nr;
        }
        re[a * dim + b] = pr;
        im[a * dim + b] = pi;
      }
    }
    return { re, im };
  };
  for (const st of steps) {
    if ('delay' in st) {
      const u = propagator(st.delay);
      rho = cmul(cmul(u, rho, dim), adjoint(u, dim), dim);
    } else {
      const r = pulseX((st.pulse * Math.PI) / 180);
      rho = cmul(cmul(r, rho, dim), adjoint(r, dim), dim);
      for (let a = 0; a < dim; a++) {
        for (let b = 0; b < dim; b++) {
          if ((twoM(a, n) - twoM(b, n)) / 2 !== st.keep) {
            rho.re[a * dim + b] = 0;
            rho.im[a * dim + b] = 0;
          }
        }
      }
    }
  }
  // F- (lowering): <b|F-|a> = 1 when b = a with one up spin turned down.
  const fid = new Float64Array(2 * points);
  const step = propagator(dwell);
  const stepAdj = adjoint(step, dim);
  for (let t = 0; t < points; t++) {
    let sr = 0;
    let si = 0;
    for (let a = 0; a < dim; a++) {
      for (let q = 0; q < n; q++) {
        if ((a >> q) & 1) continue;
        const b = a | (1 << q); // F- maps a -> b; Tr[rho F-] = sum rho_ab (F-)_ba
        sr += rho.re[a * dim + b];
        si += rho.im[a * dim + b];
      }
    }
    fid[2 * t] = sr;
    fid[2 * t + 1] = si;
    rho = cmul(cmul(step, rho, dim), stepAdj, dim);
  }
  return fid;
}

/** Normalises a dense FID like the engine: divide by 2^(N-1) and by the lone-spin gain of the same steps. */
export function normalisedDenseFid(
  spins: DenseSpin[],
  couplings: [number, number, number][],
  mhz: number,
  ppmReference: number,
  steps: DenseStep[],
  points: number,
  dwell: number,
): Float64Array {
  const fid = denseFid(spins, couplings, mhz, ppmReference, steps, points, dwell);
  const lone = denseFid([{ ppm: ppmReference }], [], mhz, ppmReference, steps, 1, dwell);
  const gr = lone[0];
  const gi = lone[1];
  const g2 = gr * gr + gi * gi;
  const scale = 1 / 2 ** (spins.length - 1);
  const out = new Float64Array(fid.length);
  for (let t = 0; t < fid.length; t += 2) {
    out[t] = ((fid[t] * gr + fid[t + 1] * gi) / g2) * scale;
    out[t + 1] = ((fid[t + 1] * gr - fid[t] * gi) / g2) * scale;
  }
  return out;
}
