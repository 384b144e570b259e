import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { NumericalError } from '../core/errors.js';
import { fidCount, fidView, type MrsData, withData } from '../core/mrs-data.js';
import { fft, ifft, nextPowerOfTwo } from '../spectra/fft.js';
import {
  axpy,
  eigenvaluesComplex,
  norm,
  reorthogonalise,
  scale,
  solveComplex,
  solveComplexMatrix,
} from '../linalg/index.js';
import { fmt, recordStep } from './provenance.js';

/**
 * Residual-water removal by HLSVD (Barkhuijsen et al., J Magn Reson 1987;73:553; Pijnappel et al., J Magn Reson
 * 1992;97:122), with the Lanczos variant of Laudadio et al. (J Magn Reson 2002;157:292):
 * 1. Hankel matrix H (L x M, H[i][j] = x[i + j]) of the first `fitPoints` samples;
 * 2. its K leading left singular vectors U_K by Golub-Kahan-Lanczos bidiagonalisation with full
 *    reorthogonalisation (only matrix-vector products with H, so no L x M SVD is needed);
 * 3. signal poles z_k = eigenvalues of Z, where U_K(first L-1 rows) Z = U_K(last L-1 rows) in least squares;
 * 4. complex amplitudes by least squares against the samples;
 * 5. the components whose frequency lies in the water window (and that do not grow) are subtracted from the
 *    whole FID. Frequencies follow the livermrs convention: ppm = ppmReference - f / MHz.
 * The default window 4.4-4.95 ppm leaves the olefinic lipid at 5.3 ppm (which a liver fit must keep) outside.
 */
export interface HlsvdOptions {
  /** ppm window of the components to remove (default [4.4, 4.95]). */
  window?: [number, number];
  /** Model order K (default 25). */
  components?: number;
  /** Samples used for the decomposition (default min(points, 1024)). */
  fitPoints?: number;
}

export interface HlsvdComponent {
  frequencyHz: number;
  /** Lorentzian damping, as FWHM in Hz (the signal decays as exp(-pi dampingHz t)). */
  dampingHz: number;
  amplitude: number;
  phase: number;
}

export function removeResidualWater(mrs: MrsData, options: HlsvdOptions = {}): MrsData {
  const window = options.window ?? [4.4, 4.95];
  const out = withData(mrs, Float64Array.from(mrs.data));
  let removed = 0;
  for (let f = 0; f < fidCount(mrs); f++) {
    const fid = fidView(out, f);
    const comps = hlsvd(fid, mrs.header.dwellTime, options);
    const h = mrs.header;
    const inWindow = comps.filter((c) => {
      const ppm = h.ppmReference - c.frequencyHz / h.spectrometerFrequency;
      return ppm >= window[0] && ppm <= window[1] && c.dampingHz >= 0;
    });
    removed += inWindow.length;
    subtractComponents(fid, h.dwellTime, inWindow);
  }
  return recordStep(
    out,
    'Nuisance peak removal',
    `HLSVD (Lanczos), K = ${options.components ?? 25}, ${Math.min(mrs.points, options.fitPoints ?? 1024)} points, ` +
      `removed ${removed} component(s) in ${window.join('-')} ppm from ${fidCount(mrs)} FID(s) (mean ${fmt(removed / fidCount(mrs), 3)})`,
  );
}

/** Decomposes an FID into K damped complex exponentials a e^{i phase} e^{(-pi damping + i 2 pi f) t}. */
export function hlsvd(fid: Float64Array, dwellTime: number, options: HlsvdOptions = {}): HlsvdComponent[] {
  const n = Math.min(fid.length >> 1, options.fitPoints ?? 1024);
  if (n < 8) return [];
  const L = Math.floor(n / 2);
  const M = n - L + 1;
  const x = fid.subarray(0, 2 * n);
  const K = Math.min(options.components ?? 25, L - 2);
  const U = leadingLeftVectors(x, L, M, K);
  const k = U.length;
  if (k === 0) return [];
  // Least squares U_top Z = U_bot: (U_top^H U_top) Z = U_top^H U_bot
  const G = new Float64Array(2 * k * k);
  const B = new Float64Array(2 * k * k);
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      let gr = 0;
      let gi = 0;
      let br = 0;
      let bi = 0;
      for (let i = 0; i < L - 1; i++) {
        const ar = U[a][2 * i];
        const ai = -U[a][2 * i + 1];
        gr += ar * U[b][2 * i] - ai * U[b][2 * i + 1];
        gi += ar * U[b][2 * i + 1] + ai * U[b][2 * i];
        br += ar * U[b][2 * (i + 1)] - ai * U[b][2 * (i + 1) + 1];
        bi += ar * U[b][2 * (i + 1) + 1] + ai * U[b][2 * (i + 1)];
      }
      G[2 * (a * k + b)] = gr;
      G[2 * (a * k + b) + 1] = gi;
      B[2 * (a * k + b)] = br;
      B[2 * (a * k + b) + 1] = bi;
    }
  }
  const Z = solveComplexMatrix(G, B, k);
  const poles = eigenvaluesComplex(Z, k);
  const amps = amplitudes(x, n, poles, k);
  const out: HlsvdComponent[] = [];
  for (let j = 0; j < k; j++) {
    const zr = poles[2 * j];
    const zi = poles[2 * j + 1];
    const mag = Math.hypot(zr, zi);
    if (!(mag > 0)) continue;
    out.push({
      frequencyHz: Math.atan2(zi, zr) / (2 * Math.PI * dwellTime),
      dampingHz: -Math.log(mag) / (Math.PI * dwellTime),
      amplitude: Math.hypot(amps[2 * j], amps[2 * j + 1]),
      phase: Math.atan2(amps[2 * j + 1], amps[2 * j]),
    });
  }
  return out;
}

/** Adds the components' signal, times `sign`, to the FID (default: subtracts them). */
export function subtractComponents(
  fid: Float64Array,
  dwellTime: number,
  comps: HlsvdComponent[],
  sign = -1,
): void {
  const n = fid.length >> 1;
  for (const c of comps) {
    const decay = Math.exp(-Math.PI * c.dampingHz * dwellTime);
    const w = 2 * Math.PI * c.frequencyHz * dwellTime;
    let ar = c.amplitude * Math.cos(c.phase);
    let ai = c.amplitude * Math.sin(c.phase);
    const zr = decay * Math.cos(w);
    const zi = decay * Math.sin(w);
    for (let k = 0; k < n; k++) {
      fid[2 * k] += sign * ar;
      fid[2 * k + 1] += sign * ai;
      const nr = ar * zr - ai * zi;
      ai = ar * zi + ai * zr;
      ar = nr;
    }
  }
}

/** Least-squares amplitudes of x[t] = sum_j a_j z_j^t, t < n (normal equations of the Vandermonde system). */
function amplitudes(x: Float64Array, n: number, poles: Float64Array, k: number): Float64Array {
  const A = new Float64Array(2 * k * k);
  const b = new Float64Array(2 * k);
  // powers[j] = z_j^t, advanced in t
  const pw = new Float64Array(2 * k);
  for (let j = 0; j < k; j++) pw[2 * j] = 1;
  for (let t = 0; t < n; t++) {
    for (let i = 0; i < k; i++) {
      const ir = pw[2 * i];
      const ii = -pw[2 * i + 1]; // conj(z_i^t)
      for (let j = 0; j < k; j++) {
        A[2 * (i * k + j)] += ir * pw[2 * j] - ii * pw[2 * j + 1];
        A[2 * (i * k + j) + 1] += ir * pw[2 * j + 1] + ii * pw[2 * j];
      }
      b[2 * i] += ir * x[2 * t] - ii * x[2 * t + 1];
      b[2 * i + 1] += ir * x[2 * t + 1] + ii * x[2 * t];
    }
    for (let j = 0; j < k; j++) {
      const zr = poles[2 * j];
      const zi = poles[2 * j + 1];
      const r = pw[2 * j] * zr - pw[2 * j + 1] * zi;
      pw[2 * j + 1] = pw[2 * j] * zi + pw[2 * j + 1] * zr;
      pw[2 * j] = r;
    }
  }
  // A tiny ridge keeps nearly coincident poles solvable.
  let tr = 0;
  for (let i = 0; i < k; i++) tr += A[2 * (i * k + i)];
  for (let i = 0; i < k; i++) A[2 * (i * k + i)] += 1e-12 * (tr / k);
  return solveComplex(A, b, k);
}

/**
 * The K leading left singular vectors of the L x M Hankel matrix of x, by Golub-Kahan-Lanczos
 * bidiagonalisation (steps = min(2K + 10, M)) with full reorthogonalisation, then the SVD of the small real
 * bidiagonal matrix. Returns fewer vectors if the Krylov space is exhausted (noise-free low-rank signals).
 */
function leadingLeftVectors(x: Float64Array, L: number, M: number, K: number): Float64Array[] {
  // Products with H are correlations with x: done by FFT in O(N log N) rather than O(L M).
  // (H v)_i = sum_j x[i + j] v_j = (x * reverse(v))[i + M - 1]; (H^H u)_j = conj((x * reverse(conj u))[j + L - 1]).
  const n = L + M - 1;
  const nfft = nextPowerOfTwo(n + Math.max(L, M) - 1);
  const xp = new Float64Array(2 * nfft);
  xp.set(x.subarray(0, 2 * n));
  const X = fft(xp);
  const correlate = (w: Float64Array, len: number, conjugate: boolean): Float64Array => {
    const r = new Float64Array(2 * nfft);
    for (let k = 0; k < len; k++) {
      r[2 * k] = w[2 * (len - 1 - k)];
      r[2 * k + 1] = conjugate ? -w[2 * (len - 1 - k) + 1] : w[2 * (len - 1 - k) + 1];
    }
    const R = fft(r);
    for (let k = 0; k < nfft; k++) {
      const ar = X[2 * k];
      const ai = X[2 * k + 1];
      const br = R[2 * k];
      const bi = R[2 * k + 1];
      R[2 * k] = ar * br - ai * bi;
      R[2 * k + 1] = ar * bi + ai * br;
    }
    return ifft(R);
  };
  const matvec = (v: Float64Array): Float64Array => {
    const c = correlate(v, M, false);
    return Float64Array.from(c.subarray(2 * (M - 1), 2 * (M - 1 + L)));
  };
  const rmatvec = (u: Float64Array): Float64Array => {
    const c = correlate(u, L, true);
    const out = Float64Array.from(c.subarray(2 * (L - 1), 2 * (L - 1 + M)));
    for (let j = 1; j < out.length; j += 2) out[j] = -out[j];
    return out;
  };
  const steps = Math.min(2 * K + 10, M, L);
  const us: Float64Array[] = [];
  const vs: Float64Array[] = [];
  const alphas: number[] = [];
  const betas: number[] = [];
  // Start from the first column of H (the first L samples): it lies in the signal space.
  let u: Float64Array = Float64Array.from(x.subarray(0, 2 * L));
  let beta = norm(u);
  if (!(beta > 0)) return [];
  scale(u, 1 / beta);
  us.push(u);
  let v: Float64Array = rmatvec(u);
  let alpha = norm(v);
  if (!(alpha > 0)) return [];
  scale(v, 1 / alpha);
  vs.push(v);
  alphas.push(alpha);
  const tiny = 1e-12 * alpha;
  for (let j = 1; j < steps; j++) {
    // beta_{j+1} u_{j+1} = A v_j - alpha_j u_j
    u = matvec(v);
    axpy(u, -alpha, us[us.length - 1]);
    reorthogonalise(u, us);
    beta = norm(u);
    if (!(beta > tiny)) break;
    scale(u, 1 / beta);
    us.push(u);
    betas.push(beta);
    // alpha_{j+1} v_{j+1} = A^H u_{j+1} - beta_{j+1} v_j
    v = rmatvec(u);
    axpy(v, -beta, vs[vs.length - 1]);
    reorthogonalise(v, vs);
    alpha = norm(v);
    if (!(alpha > tiny)) break;
    scale(v, 1 / alpha);
    vs.push(v);
    alphas.push(alpha);
  }
  // B (rows = us.length, cols = vs.length) lower bidiagonal: B[i][i] = alpha_i, B[i+1][i] = beta_{i+1}
  const rows = us.length;
  const cols = vs.length;
  const Bm = Matrix.zeros(rows, cols);
  for (let i = 0; i < cols; i++) {
    Bm.set(i, i, alphas[i]);
    if (i + 1 < rows) Bm.set(i + 1, i, betas[i]);
  }
  let svd: SingularValueDecomposition;
  try {
    svd = new SingularValueDecomposition(Bm, { autoTranspose: true });
  } catch (err) {
    throw new NumericalError(`HLSVD: SVD of the bidiagonal matrix failed (${(err as Error).message})`);
  }
  const P = svd.leftSingularVectors;
  const kk = Math.min(K, cols, rows);
  const out: Float64Array[] = [];
  for (let c = 0; c < kk; c++) {
    const vec = new Float64Array(2 * L);
    for (let r = 0; r < rows; r++) axpy(vec, P.get(r, c), us[r]);
    out.push(vec);
  }
  return out;
}
