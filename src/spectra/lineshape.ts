import type { Fid } from '../core/fid.js';
import { fidToSpectrum, spectrumToFid } from './fft.js';
import { parabolicOffset } from './shift.js';

/**
 * A measured lineshape: the complex envelope h(t) of one line, frequency removed and h(0) = 1, sampled every
 * `dwellTime` s; `fwhmHz` is the FWHM of the real part of its spectrum.
 */
export interface Lineshape {
  name: string;
  /** Where it was measured (file, scanner, field). */
  source: string;
  dwellTime: number;
  fwhmHz: number;
  /** Interleaved complex envelope. */
  envelope: number[];
}

/**
 * A measured lineshape from a water-unsuppressed spectrum: every resonance of a voxel shares the B0 distribution,
 * the motion and the eddy currents that shape its water line (reference deconvolution, Morris et al. J Magn Reson
 * 1997;125:221; QUALITY, de Graaf et al. MRM 1990;13:343), so the water line's envelope is a real lineshape for
 * the other resonances too.
 *
 * Steps: the water peak (largest |S| within ±`searchPpm` of `waterPpm`) is located to a fraction of a bin; the
 * real part of the spectrum, phased on the line, is kept within ±`halfWidthHz` around it with a cosine taper (fat
 * and metabolites go) and taken back to the time domain as a causal FID; the line is moved to 0 Hz and divided by its value at t = 0 (so h(0) = 1: the envelope keeps the
 * area of whatever it multiplies); the envelope is cut where it sinks into the noise (3 noise SDs of the FID's
 * last quarter), with a cosine taper over the last fifth. `fwhmHz` is the FWHM of Re H(f) (envelopeFwhm).
 */
export interface LineshapeOptions {
  waterPpm?: number;
  searchPpm?: number;
  halfWidthHz?: number;
}

export function extractLineshape(
  fid: Fid,
  name: string,
  source: string,
  o: LineshapeOptions = {},
): Lineshape {
  const n = fid.points;
  const dt = fid.dwellTime;
  const mhz = fid.spectrometerFrequency;
  // The first sample counts half in the transform (trapezoid rule), else the spectrum carries a constant offset
  // that the window below would cut, halving the line's start against the rest of it; doubled back after.
  const halved = Float64Array.from(fid.data);
  halved[0] *= 0.5;
  halved[1] *= 0.5;
  const S = fidToSpectrum(halved);
  const binsPerHz = n * dt;
  const waterPpm = o.waterPpm ?? 4.65;
  const searchPpm = o.searchPpm ?? 0.8;
  const centre = (fid.ppmReference - waterPpm) * mhz * binsPerHz + (n >> 1);
  const lo = Math.max(1, Math.ceil(centre - searchPpm * mhz * binsPerHz));
  const hi = Math.min(n - 2, Math.floor(centre + searchPpm * mhz * binsPerHz));
  let best = lo;
  for (let k = lo; k <= hi; k++) {
    if (S[2 * k] ** 2 + S[2 * k + 1] ** 2 > S[2 * best] ** 2 + S[2 * best + 1] ** 2) best = k;
  }
  const mag = (k: number) => Math.hypot(S[2 * k], S[2 * k + 1]);
  const a = mag(best - 1);
  const b = mag(best);
  const c = mag(best + 1);
  const kp = best + Math.max(-0.5, Math.min(0.5, parabolicOffset(a, b, c)));
  const peakHz = (kp - (n >> 1)) / binsPerHz;

  // Keep ±halfWidth around the peak, cosine taper over the outer 30 %, of the REAL part of the spectrum phased
  // on the band's integral (the line's value at t = 0). The real part is the transform of the FID's Hermitian
  // extension x(t) = conj x(−t), which has no jump at t = 0: the band cut smooths it without mixing the line's
  // start with the FID's wrapped-around end (a cut of the complex spectrum does, and takes half the line's start
  // away). For t ≥ 0 the causal FID is twice that sequence (the first sample was halved above).
  const half = o.halfWidthHz ?? Math.max(60, 0.5 * mhz);
  const taper = 0.3 * half;
  const weight = new Float64Array(n);
  let br = 0;
  let bi = 0;
  for (let k = 0; k < n; k++) {
    const d = Math.abs((k - (n >> 1)) / binsPerHz - peakHz);
    weight[k] =
      d <= half - taper ? 1 : d >= half ? 0 : 0.5 * (1 + Math.cos((Math.PI * (d - half + taper)) / taper));
    br += weight[k] * S[2 * k];
    bi += weight[k] * S[2 * k + 1];
  }
  const bm = Math.hypot(br, bi);
  const pr = bm > 0 ? br / bm : 1;
  const pi = bm > 0 ? -bi / bm : 0;
  for (let k = 0; k < n; k++) {
    S[2 * k] = 2 * weight[k] * (S[2 * k] * pr - S[2 * k + 1] * pi);
    S[2 * k + 1] = 0;
  }
  const f = spectrumToFid(S);
  // Noise of the original FID's last quarter, relative to the line's start.
  let ss = 0;
  const q = Math.floor((3 * n) / 4);
  for (let i = q; i < n; i++) ss += fid.data[2 * i] ** 2 + fid.data[2 * i + 1] ** 2;
  const noise = Math.sqrt(ss / (2 * Math.max(1, n - q)));
  const r0 = f[0];
  const i0 = f[1];
  const m0 = r0 * r0 + i0 * i0;
  if (!(m0 > 0)) throw new RangeError(`${source}: no water line to take a lineshape from`);
  // The second half of f is the Hermitian extension's negative times.
  const env = new Float64Array(n);
  const last = n >> 1;
  let end = last;
  for (let t = 0; t < last; t++) {
    // h(t) = f(t) e^{-i2π peak t} / f(0)
    const ang = -2 * Math.PI * peakHz * t * dt;
    const cr = Math.cos(ang);
    const ci = Math.sin(ang);
    const xr = f[2 * t] * cr - f[2 * t + 1] * ci;
    const xi = f[2 * t] * ci + f[2 * t + 1] * cr;
    env[2 * t] = (xr * r0 + xi * i0) / m0;
    env[2 * t + 1] = (xi * r0 - xr * i0) / m0;
    if (end === last && t > 4 && Math.hypot(env[2 * t], env[2 * t + 1]) < (3 * noise) / Math.sqrt(m0))
      end = t;
  }
  const tap = Math.max(1, Math.floor(end / 5));
  for (let t = end - tap; t < end; t++) {
    const w = 0.5 * (1 + Math.cos((Math.PI * (t - end + tap)) / tap));
    env[2 * t] *= w;
    env[2 * t + 1] *= w;
  }
  const envelope = Array.from(env.subarray(0, 2 * end), (v) => Number(v.toPrecision(6)));
  return { name, source, dwellTime: dt, fwhmHz: envelopeFwhm(envelope, dt), envelope };
}

/**
 * FWHM (Hz) of Re H(f), the spectrum of an envelope with h(0) real (zero-filled to 16,384 points; linear between
 * bins): the absorption width for a symmetric line, the width of the real part as a scanner shows it otherwise.
 */
export function envelopeFwhm(envelope: ArrayLike<number>, dwellTime: number): number {
  const N = 16384;
  const x = new Float64Array(2 * N);
  for (let i = 0; i < Math.min(envelope.length, 2 * N); i++) x[i] = envelope[i];
  // The first point of a sampled FID counts half (trapezoid rule), so a Lorentzian keeps no offset.
  x[0] *= 0.5;
  x[1] *= 0.5;
  const S = fidToSpectrum(x);
  const m = new Float64Array(N);
  let top = 0;
  for (let k = 0; k < N; k++) {
    m[k] = S[2 * k];
    if (m[k] > m[top]) top = k;
  }
  const halfMax = m[top] / 2;
  let l = top;
  while (l > 0 && m[l] > halfMax) l--;
  let r = top;
  while (r < N - 1 && m[r] > halfMax) r++;
  const left = l + (halfMax - m[l]) / (m[l + 1] - m[l]);
  const right = r - 1 + (m[r - 1] - halfMax) / (m[r - 1] - m[r]);
  return (right - left) / (N * dwellTime);
}
