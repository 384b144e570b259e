import type { Fid } from '../src/core/fid.js';
import { choleskyInPlace, choleskySolveInPlace } from '../src/linalg/real.js';
import { FAT_PEAKS } from '../src/physics/chemistry.js';
import { fft, fidToSpectrum, ifft } from '../src/spectra/fft.js';
import {
  applyFilter,
  envelopeFilter,
  removeCentreFrequency,
  voigtEnvelope,
} from '../src/preproc/reference-deconvolution.js';

/**
 * PROTOTYPE, NOT ADOPTED (docs/robustness.md §4, "Self-reference deconvolution"): it made every robustness family
 * worse; kept so that the measurement can be repeated (ROBUSTNESS_SELF=full|phase|smooth-phase, robustness.ts).
 *
 * Self-reference deconvolution: the voxel's lineshape estimated from the water-suppressed spectrum alone, then
 * removed as the water reference's would be (reference-deconvolution.ts, envelopeFilter).
 *
 * The lipid lines of a liver spectrum share one lineshape: the model lines are the given basis FIDs (the
 * benchmark passes the cohort basis' lipid components) or, without them, FAT_PEAKS singlets in 0.5–3.0 ppm (0.9,
 * 1.3, 1.6, 2.02, 2.24, 2.75 ppm). Their spectrum is modelled, as LCModel models its basis (Provencher, MRM
 * 1993;30:672: one non-parametric lineshape convolved with every line, regularised for smoothness), as
 *
 *   S(f) = Σ_j a_j (K ⊛ L_j)(f) + baseline(f),
 *
 * L_j a model line damped by a Lorentzian of FWHM LINE_LORENTZ_HZ, K a complex kernel on ±KERNEL_HALF_HZ
 * (bins of the spectrum) penalised by its second differences, the baseline a complex quadratic. The model is
 * bilinear; amplitudes (real, given K) and kernel (given the amplitudes) are solved by linear least squares in
 * turn (alternating least squares, as in blind deconvolution: Ayers & Dainty, Opt Lett 1988;13:547).
 *
 * A kernel of integer bin offsets is exactly a multiplication in the time domain (the DFT's convolution
 * theorem): k(t_n) = Σ_m K_m e^{i2π m n / N}, normalised to k(0) = 1. k holds the B0 lineshape times what of the
 * lipids' Lorentzian exceeds LINE_LORENTZ_HZ, band-limited to the kernel's ±KERNEL_HALF_HZ; the target is the
 * Voigt whose band-limited envelope is nearest to |k| (nearestBandLimitedVoigt), so a lineshape that is already
 * a Voigt should give c ≈ 1 and what is removed is only its departure from one (tails, shoulders, asymmetry,
 * time-varying phase). In practice the kernel's estimation error exceeds those departures (docs/robustness.md).
 */
export interface SelfDeconvolution {
  /** Lorentzian and Gaussian FWHM (Hz) of the Voigt target fitted to the estimated envelope. */
  lorentzHz: number;
  gaussHz: number;
  /** RMS of |k| − v while |k| ≥ 0.5 %: how far the estimated lineshape was from the Voigt. */
  nonVoigt: number;
  /** The largest phase (rad) of k(t) removed. */
  maxPhaseRad: number;
  /** Alternations run. */
  iterations: number;
  /** Relative residual of the lipid model in its region (‖S − model‖ / ‖S‖). */
  residual: number;
}

/** Lorentzian FWHM (Hz) of the model lines: the cohorts' lowest lipid width (8–35 Hz, data/cohorts). */
export const LINE_LORENTZ_HZ = 8;
/** Half-width of the kernel (Hz). */
export const KERNEL_HALF_HZ = 50;
/** The lipid region of the fit (ppm). */
export const LIPID_REGION_PPM: [number, number] = [0.5, 3.0];

/** The estimator's settings (the defaults are the ones measured in docs/robustness.md §4). */
export interface SelfDeconvolutionOptions {
  /** Alternations (default 8). */
  iterations?: number;
  /** Smoothness weight, relative to the mean diagonal of the kernel's normal equations (default 1). */
  smoothness?: number;
  /** Complex polynomial baseline terms in the lipid region (default 3: quadratic). */
  baselineTerms?: number;
  /** Remove only k's phase, not its magnitude's departure from the Voigt (default false). */
  phaseOnly?: boolean;
  /**
   * Remove only a smooth phase φ(t) = p₂t² + p₃t³ fitted to k's phase where |k| ≥ 0.2 (weights |k|²; the linear
   * term is the centre frequency, already removed): fewer degrees of freedom than phaseOnly (default
   * false).
   */
  smoothPhase?: boolean;
}

export interface SelfKernel {
  /** k(t) on the data's samples (interleaved complex), k(0) = 1, centre frequency removed. */
  envelope: Float64Array;
  iterations: number;
  residual: number;
}

/** The lineshape envelope of `fid`'s lipid lines (see the module comment); null when there is no lipid signal. */
export function estimateLineshape(
  fid: Fid,
  models?: ArrayLike<number>[],
  opts: SelfDeconvolutionOptions = {},
): SelfKernel | null {
  const iterations = opts.iterations ?? 8;
  const smoothness = opts.smoothness ?? 1;
  const N = fid.points;
  const dt = fid.dwellTime;
  const binHz = 1 / (N * dt);
  const mhz = fid.spectrometerFrequency;
  const S = fidToSpectrum(fid.data);
  // bin k (fftshifted) is f = (k − N/2)·binHz, ppm = ref − f/MHz
  const binOfPpm = (ppm: number) => Math.round(((fid.ppmReference - ppm) * mhz) / binHz + N / 2);
  const k0 = Math.max(0, binOfPpm(LIPID_REGION_PPM[1]));
  const k1 = Math.min(N - 1, binOfPpm(LIPID_REGION_PPM[0]));
  const M = Math.ceil(KERNEL_HALF_HZ / binHz);
  const R = k1 - k0 + 1;
  if (R < 8 || k0 - M < 0 || k1 + M >= N) return null;
  const lines = FAT_PEAKS.filter((p) => p.ppm >= LIPID_REGION_PPM[0] && p.ppm <= LIPID_REGION_PPM[1]);
  // L_j on all bins: the given model FIDs (a basis on the data's grid) damped by LINE_LORENTZ_HZ, or
  const damp = Math.exp(-Math.PI * LINE_LORENTZ_HZ * dt);
  const fromModels = models?.map((b) => {
    const x = new Float64Array(2 * N);
    let e = 1;
    for (let n = 0; n < N; n++) {
      x[2 * n] = b[2 * n] * e;
      x[2 * n + 1] = b[2 * n + 1] * e;
      e *= damp;
    }
    return fidToSpectrum(x);
  });
  const J = fromModels ? fromModels.length : lines.length;
  // L_j on all bins: the exact DFT of z^n, z = e^{(i2π f_j − π Γ) dt}: (1 − z^N) / (1 − z e^{−i2π k'/N}).
  const L =
    fromModels ??
    lines.map((p) => {
      const f = (fid.ppmReference - p.ppm) * mhz;
      const out = new Float64Array(2 * N);
      const r = Math.exp(-Math.PI * LINE_LORENTZ_HZ * dt);
      const th = 2 * Math.PI * f * dt;
      const rN = r ** N;
      const nr = 1 - rN * Math.cos(th * N);
      const ni = -rN * Math.sin(th * N);
      for (let k = 0; k < N; k++) {
        const kk = k - N / 2;
        const ang = th - (2 * Math.PI * kk) / N;
        const dr = 1 - r * Math.cos(ang);
        const di = -r * Math.sin(ang);
        const d2 = dr * dr + di * di;
        out[2 * k] = (nr * dr + ni * di) / d2;
        out[2 * k + 1] = (ni * dr - nr * di) / d2;
      }
      return out;
    });
  const x = (k: number) => (2 * (k - k0)) / Math.max(1, R - 1) - 1;
  const P = opts.baselineTerms ?? 3; // complex polynomial baseline terms (3: quadratic)
  const nK = 2 * M + 1;
  let K = new Float64Array(2 * nK);
  {
    const sig = 8 / binHz / 2.3548;
    let s = 0;
    for (let m = -M; m <= M; m++) {
      const g = Math.exp(-0.5 * (m / sig) ** 2);
      K[2 * (m + M)] = g;
      s += g;
    }
    for (let i = 0; i < nK; i++) K[2 * i] /= s;
  }
  let a = new Float64Array(J);
  let residual = 1;
  let yy = 0;
  for (let k = k0; k <= k1; k++) yy += S[2 * k] ** 2 + S[2 * k + 1] ** 2;
  if (!(yy > 0)) return null;
  let it = 0;
  for (; it < iterations; it++) {
    // a-step: columns K ⊛ L_j (real amplitudes) and the baseline (complex).
    const colsA: Float64Array[] = L.map((_, j) => {
      const c = new Float64Array(2 * R);
      for (let k = k0; k <= k1; k++) {
        let re = 0;
        let im = 0;
        for (let m = -M; m <= M; m++) {
          const kr = K[2 * (m + M)];
          const ki = K[2 * (m + M) + 1];
          const lr = L[j][2 * (k - m)];
          const li = L[j][2 * (k - m) + 1];
          re += kr * lr - ki * li;
          im += kr * li + ki * lr;
        }
        c[2 * (k - k0)] = re;
        c[2 * (k - k0) + 1] = im;
      }
      return c;
    });
    const solA = solve([...colsA, ...baselineColumns(R, P, k0, x)], S, k0, R, null);
    a = Float64Array.from(solA.slice(0, J), (v) => Math.max(0, v));
    if (a.every((v) => v === 0)) return null;
    // K-step: columns for Re K_m, Im K_m from M_a = Σ a_j L_j shifted by m bins, and the baseline.
    const Ma = new Float64Array(2 * N);
    for (let j = 0; j < J; j++) for (let i = 0; i < 2 * N; i++) Ma[i] += a[j] * L[j][i];
    const colsK: Float64Array[] = [];
    for (let m = -M; m <= M; m++) {
      const cr = new Float64Array(2 * R);
      const ci = new Float64Array(2 * R);
      for (let k = k0; k <= k1; k++) {
        const mr = Ma[2 * (k - m)];
        const mi = Ma[2 * (k - m) + 1];
        cr[2 * (k - k0)] = mr;
        cr[2 * (k - k0) + 1] = mi;
        ci[2 * (k - k0)] = -mi;
        ci[2 * (k - k0) + 1] = mr;
      }
      colsK.push(cr, ci);
    }
    const base = baselineColumns(R, P, k0, x);
    const solK = solve([...colsK, ...base], S, k0, R, { kernel: nK, smoothness });
    K = Float64Array.from(solK.slice(0, 2 * nK));
    let sr = 0;
    let si = 0;
    for (let i = 0; i < nK; i++) {
      sr += K[2 * i];
      si += K[2 * i + 1];
    }
    const s = Math.hypot(sr, si);
    if (!(s > 0)) return null;
    for (let i = 0; i < 2 * nK; i++) K[i] /= s;
    a = a.map((v) => v * s);
    // residual of this model
    const cols = [...colsK, ...base];
    let rr = 0;
    for (let r = 0; r < 2 * R; r++) {
      let mdl = 0;
      for (let c = 0; c < cols.length; c++) mdl += cols[c][r] * solK[c];
      rr += (S[2 * k0 + r] - mdl) ** 2;
    }
    residual = Math.sqrt(rr / yy);
  }
  // k(t_n) = Σ_m K_m e^{i2π m n/N} / Σ_m K_m
  let sr = 0;
  let si = 0;
  for (let i = 0; i < nK; i++) {
    sr += K[2 * i];
    si += K[2 * i + 1];
  }
  const s2 = sr * sr + si * si;
  const env = new Float64Array(2 * N);
  for (let n = 0; n < N; n++) {
    let re = 0;
    let im = 0;
    for (let m = -M; m <= M; m++) {
      const ang = (2 * Math.PI * m * n) / N;
      const c = Math.cos(ang);
      const sn = Math.sin(ang);
      const kr = K[2 * (m + M)];
      const ki = K[2 * (m + M) + 1];
      re += kr * c - ki * sn;
      im += kr * sn + ki * c;
    }
    // divide by Σ K
    env[2 * n] = (re * sr + im * si) / s2;
    env[2 * n + 1] = (im * sr - re * si) / s2;
  }
  // k is periodic (N samples): it ends where it first decays below 0.5 %, and is 0 after (c = 1 there).
  let end = 1;
  while (end < N / 2 && Math.hypot(env[2 * end], env[2 * end + 1]) >= 0.005) end++;
  env.fill(0, 2 * end);
  removeCentreFrequency(env, dt);
  return { envelope: env, iterations: it, residual };
}

function baselineColumns(R: number, P: number, k0: number, x: (k: number) => number): Float64Array[] {
  const cols: Float64Array[] = [];
  for (let p = 0; p < P; p++) {
    const cr = new Float64Array(2 * R);
    const ci = new Float64Array(2 * R);
    for (let r = 0; r < R; r++) {
      const v = x(k0 + r) ** p;
      cr[2 * r] = v;
      ci[2 * r + 1] = v;
    }
    cols.push(cr, ci);
  }
  return cols;
}

/**
 * Least squares over the region's bins (real and imaginary parts as rows) for the given columns; with `kernel`,
 * the first 2·kernel columns are the kernel's (Re, Im interleaved) and get the second-difference penalty
 * (zero beyond its ends, so it tapers to 0).
 */
function solve(
  cols: Float64Array[],
  S: Float64Array,
  k0: number,
  R: number,
  reg: { kernel: number; smoothness: number } | null,
): Float64Array {
  const n = cols.length;
  const A = new Float64Array(n * n);
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const ci = cols[i];
    let bi = 0;
    for (let r = 0; r < 2 * R; r++) bi += ci[r] * S[2 * k0 + r];
    b[i] = bi;
    for (let j = 0; j <= i; j++) {
      const cj = cols[j];
      let s = 0;
      for (let r = 0; r < 2 * R; r++) s += ci[r] * cj[r];
      A[i * n + j] = s;
      A[j * n + i] = s;
    }
  }
  if (reg) {
    const nK = reg.kernel;
    let diag = 0;
    for (let i = 0; i < 2 * nK; i++) diag += A[i * n + i];
    const lam = (reg.smoothness * diag) / (2 * nK);
    // D: rows (m−1, m, m+1) → (1, −2, 1) for m = 0 … nK−1 (zero padding), per part.
    for (let part = 0; part < 2; part++) {
      for (let m = 0; m < nK; m++) {
        const idx = [m - 1, m, m + 1];
        const w = [1, -2, 1];
        for (let u = 0; u < 3; u++) {
          if (idx[u] < 0 || idx[u] >= nK) continue;
          for (let v = 0; v < 3; v++) {
            if (idx[v] < 0 || idx[v] >= nK) continue;
            A[(2 * idx[u] + part) * n + (2 * idx[v] + part)] += lam * w[u] * w[v];
          }
        }
      }
    }
  }
  choleskyInPlace(A, n);
  choleskySolveInPlace(A, n, b);
  return b;
}

/**
 * The Voigt whose band-limited envelope (bandLimited, M bins) is nearest to |k| (least squares over the samples
 * where |k| ≥ 0.5 %): a grid of Lorentzian and Gaussian FWHM in 4 Hz steps, then one in 0.5 Hz steps around the
 * best. (A log-linear fit of ln|k| = c − a t − b t² was biased by the band limit's rounding of k.)
 */
export function nearestBandLimitedVoigt(
  k: Float64Array,
  dwellTime: number,
  M: number,
): { lorentzHz: number; gaussHz: number } {
  const N = k.length / 2;
  const mag = Float64Array.from({ length: N }, (_, n) => Math.hypot(k[2 * n], k[2 * n + 1]));
  let end = 1;
  while (end < N && mag[end] >= 0.005) end++;
  const cost = (l: number, g: number) => {
    const v = bandLimited(voigtEnvelope(N, dwellTime, l, g), M);
    let s = 0;
    for (let n = 0; n < end; n++) s += (v[n] - mag[n]) ** 2;
    return s;
  };
  let best = { lorentzHz: 0, gaussHz: 0, c: Number.POSITIVE_INFINITY };
  const scan = (l0: number, l1: number, g0: number, g1: number, step: number) => {
    for (let l = Math.max(0, l0); l <= l1; l += step)
      for (let g = Math.max(0, g0); g <= g1; g += step) {
        const c = cost(l, g);
        if (c < best.c) best = { lorentzHz: l, gaussHz: g, c };
      }
  };
  scan(0, 40, 0, 40, 4);
  const { lorentzHz: L0, gaussHz: G0 } = best;
  scan(L0 - 4, L0 + 4, G0 - 4, G0 + 4, 0.5);
  return { lorentzHz: best.lorentzHz, gaussHz: best.gaussHz };
}

/**
 * A real envelope v(t) band-limited as the kernel is: its spectrum kept on ±M bins, normalised to v(0) = 1. A
 * Voigt lineshape estimated through the kernel is the Voigt's band-limited version, so comparing like with like
 * gives c ≈ 1 for it.
 */
export function bandLimited(v: Float64Array, M: number): Float64Array {
  const N = v.length;
  const x = new Float64Array(2 * N);
  // symmetric (two-sided) extension of a real, even-in-t envelope: v(−t) = v(t)
  for (let n = 0; n < N; n++) x[2 * n] = n < N / 2 ? v[n] : v[N - n];
  const X = fft(x);
  for (let k = M + 1; k < N - M; k++) {
    X[2 * k] = 0;
    X[2 * k + 1] = 0;
  }
  const y = ifft(X);
  const out = new Float64Array(N);
  const y0 = y[0];
  for (let n = 0; n < N; n++) out[n] = y[2 * n] / y0;
  return out;
}

/** `fid` with its lineshape, estimated from its lipid lines, replaced by the Voigt nearest to it. */
export function selfDeconvolve(
  fid: Fid,
  models?: ArrayLike<number>[],
  opts: SelfDeconvolutionOptions = {},
): { fid: Fid; correction: SelfDeconvolution } | null {
  const made = selfDeconvolutionFilter(fid, models, opts);
  if (!made) return null;
  return { fid: applyFilter(fid, made.filter), correction: made.info };
}

/** The self-reference deconvolution's c(t) for `fid` and what it measured; null without lipid signal. */
export function selfDeconvolutionFilter(
  fid: Fid,
  models?: ArrayLike<number>[],
  opts: SelfDeconvolutionOptions = {},
): { filter: Float64Array; info: SelfDeconvolution } | null {
  const est = estimateLineshape(fid, models, opts);
  if (!est) return null;
  const M = Math.ceil(KERNEL_HALF_HZ * fid.points * fid.dwellTime);
  const target = nearestBandLimitedVoigt(est.envelope, fid.dwellTime, M);
  const v = bandLimited(voigtEnvelope(fid.points, fid.dwellTime, target.lorentzHz, target.gaussHz), M);
  // Variant: remove only k's phase (the measured lineshapes depart from a Voigt mostly in phase).
  const magnitude = Float64Array.from({ length: fid.points }, (_, n) =>
    Math.hypot(est.envelope[2 * n], est.envelope[2 * n + 1]),
  );
  const envelope = opts.smoothPhase
    ? smoothPhaseEnvelope(est.envelope, magnitude, fid.dwellTime)
    : est.envelope;
  const made = envelopeFilter(envelope, fid.dwellTime, opts.phaseOnly || opts.smoothPhase ? magnitude : v);
  return {
    filter: made.filter,
    info: {
      ...target,
      nonVoigt: made.nonVoigt,
      maxPhaseRad: made.maxPhaseRad,
      iterations: est.iterations,
      residual: est.residual,
    },
  };
}

/** |k| e^{iφ(t)} with φ = p₂t² + p₃t³ fitted to k's unwrapped phase where |k| ≥ 0.2 (weights |k|²). */
function smoothPhaseEnvelope(k: Float64Array, magnitude: Float64Array, dwellTime: number): Float64Array {
  const G = new Float64Array(4);
  const r = new Float64Array(2);
  let prev = 0;
  for (let n = 1; n < magnitude.length; n++) {
    if (magnitude[n] < 0.2) break;
    let ph = Math.atan2(k[2 * n + 1], k[2 * n]);
    ph += 2 * Math.PI * Math.round((prev - ph) / (2 * Math.PI));
    prev = ph;
    const t = n * dwellTime;
    const w = magnitude[n] ** 2;
    const phi = [t * t, t * t * t];
    for (let i = 0; i < 2; i++) {
      r[i] += w * phi[i] * ph;
      for (let j = 0; j < 2; j++) G[2 * i + j] += w * phi[i] * phi[j];
    }
  }
  const det = G[0] * G[3] - G[1] * G[2];
  const p2 = det > 0 ? (r[0] * G[3] - r[1] * G[1]) / det : 0;
  const p3 = det > 0 ? (G[0] * r[1] - G[2] * r[0]) / det : 0;
  const out = new Float64Array(k.length);
  for (let n = 0; n < magnitude.length; n++) {
    const t = n * dwellTime;
    const ph = p2 * t * t + p3 * t * t * t;
    out[2 * n] = magnitude[n] * Math.cos(ph);
    out[2 * n + 1] = magnitude[n] * Math.sin(ph);
  }
  return out;
}
