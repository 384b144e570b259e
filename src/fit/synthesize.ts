import type { BasisSet } from '../core/basis.js';
import type { Fid } from '../core/fid.js';
import type { Rng } from '../core/random.js';
import { fidToSpectrum } from '../spectra/fft.js';
import { componentGroups } from './groups.js';

/**
 * Synthetic spectra with known truth, computed in the time domain independently of the fitter's frequency-
 * domain model (the signal model of docs/simulation.md): FID(t) = e^{iφ0} Σ_k a_k b_k(t) e^{−(πΓ_g + i2πΔf_g)t} e^{−π²G²t²/(4 ln 2)}
 * + Σ_j w_j e^{(i2πf_j − πd_j)t} + complex white Gaussian noise. Noise is specified by its SD in the frequency
 * domain (per real or imaginary point of fftshift(fft(fid))), σ_t = σ_f/√N in the time domain.
 */
export interface SyntheticSpec {
  amplitudes: Record<string, number>;
  /** Extra Lorentzian FWHM (Hz), per group or one for all. */
  lorentzHz: number | Record<string, number>;
  gaussianHz: number;
  /** Shift (Hz, positive = higher ppm), per group or one for all. */
  shiftHz: number | Record<string, number>;
  phase0Deg?: number;
  /** Residual water lines: centre (ppm), FWHM (Hz), complex amplitude. */
  water?: { ppm: number; widthHz: number; re: number; im: number }[];
  /** Frequency-domain noise SD (0 = noiseless). */
  noiseSd: number;
}

export function synthesizeFid(basis: BasisSet, spec: SyntheticSpec, rng?: Rng): Fid {
  const n = basis.points;
  const dt = basis.dwellTime;
  const groups = componentGroups(basis);
  const out = new Float64Array(2 * n);
  const per = (v: number | Record<string, number>, g: string) => (typeof v === 'number' ? v : (v[g] ?? 0));
  const ga = (Math.PI * spec.gaussianHz) ** 2 / (4 * Math.LN2);
  const ph = ((spec.phase0Deg ?? 0) * Math.PI) / 180;
  basis.names.forEach((name, k) => {
    const a = spec.amplitudes[name] ?? 0;
    if (a === 0) return;
    const g = groups[k];
    const lw = per(spec.lorentzHz, g);
    const df = per(spec.shiftHz, g);
    const b = basis.fids[k];
    for (let m = 0; m < n; m++) {
      const t = m * dt;
      const env = a * Math.exp(-Math.PI * lw * t - ga * t * t);
      const ang = -2 * Math.PI * df * t + ph;
      const c = Math.cos(ang);
      const s = Math.sin(ang);
      out[2 * m] += env * (b[2 * m] * c - b[2 * m + 1] * s);
      out[2 * m + 1] += env * (b[2 * m] * s + b[2 * m + 1] * c);
    }
  });
  for (const w of spec.water ?? []) {
    const f = (basis.ppmReference - w.ppm) * basis.spectrometerFrequency;
    for (let m = 0; m < n; m++) {
      const t = m * dt;
      const env = Math.exp(-Math.PI * w.widthHz * t);
      const c = env * Math.cos(2 * Math.PI * f * t);
      const s = env * Math.sin(2 * Math.PI * f * t);
      out[2 * m] += w.re * c - w.im * s;
      out[2 * m + 1] += w.re * s + w.im * c;
    }
  }
  if (spec.noiseSd > 0) {
    if (!rng) throw new RangeError('synthesizeFid: noise needs a seeded Rng');
    const sd = spec.noiseSd / Math.sqrt(n);
    for (let i = 0; i < 2 * n; i++) out[i] += sd * rng.normal();
  }
  return {
    data: out,
    points: n,
    dwellTime: dt,
    spectrometerFrequency: basis.spectrometerFrequency,
    ppmReference: basis.ppmReference,
    nucleus: basis.nucleus,
    echoTime: basis.echoTime,
  };
}

/** Largest real value of the noiseless spectrum (phase 0) of a spec: the SNR numerator. */
export function peakHeight(basis: BasisSet, spec: SyntheticSpec): number {
  const fid = synthesizeFid(basis, { ...spec, water: [], noiseSd: 0, phase0Deg: 0 });
  const s = fidToSpectrum(fid.data);
  let m = 0;
  for (let k = 0; k < fid.points; k++) m = Math.max(m, s[2 * k]);
  return m;
}
