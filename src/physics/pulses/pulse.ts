/**
 * RF pulses as data: a waveform of N piecewise-constant samples (relative amplitude 0..1 and phase in radians)
 * played over `duration` seconds, with the nominal flip angle it is meant for. A negative lobe is amplitude
 * |a| with phase pi (the Siemens .pta convention). B1 is expressed as gamma B1 / 2 pi in Hz: sample k rotates
 * the magnetisation by 2 pi b1(k) dt about the axis (cos phi, sin phi, 0) of the rotating frame.
 */
export interface RfPulse {
  name: string;
  /** Seconds. */
  duration: number;
  /** Relative amplitude of each sample, 0..1 (the largest is 1). */
  amplitude: Float64Array;
  /** Phase of each sample, radians. */
  phase: Float64Array;
  /** Nominal flip angle, degrees. */
  flipDegrees: number;
  /** Bandwidth-time product (profile FWHM x duration), when known. */
  timeBandwidth?: number;
  /** Peak B1 (Hz) for the nominal flip; when absent it follows from the amplitude integral (not for adiabatic pulses). */
  b1MaxHz?: number;
  comment?: string;
}

export function sampleCount(p: RfPulse): number {
  return p.amplitude.length;
}

/** |sum_k a_k e^{i phi_k}| / N: the amplitude integral relative to a hard pulse of the same duration and peak. */
export function amplitudeIntegral(p: RfPulse): number {
  let re = 0;
  let im = 0;
  for (let k = 0; k < p.amplitude.length; k++) {
    re += p.amplitude[k] * Math.cos(p.phase[k]);
    im += p.amplitude[k] * Math.sin(p.phase[k]);
  }
  return Math.hypot(re, im) / p.amplitude.length;
}

/**
 * Peak B1 (Hz) that gives `flipDegrees` on resonance: b1 = (flip / 360) / (duration x amplitude integral) for an
 * amplitude-modulated pulse; an explicit b1MaxHz (adiabatic pulses) is scaled by flip / nominal flip.
 */
export function peakB1Hz(p: RfPulse, flipDegrees = p.flipDegrees): number {
  if (p.b1MaxHz !== undefined) return (p.b1MaxHz * flipDegrees) / p.flipDegrees;
  const integral = amplitudeIntegral(p);
  if (!(integral > 0)) throw new RangeError(`pulse ${p.name}: zero amplitude integral, give b1MaxHz`);
  return flipDegrees / 360 / (p.duration * integral);
}

/** Bandwidth (Hz) when the time-bandwidth product is known, else measured from the single-spin profile. */
export function pulseBandwidthHz(p: RfPulse): number {
  if (p.timeBandwidth !== undefined) return p.timeBandwidth / p.duration;
  return measureBandwidthHz(p);
}

/**
 * Cayley-Klein parameters (alpha, beta) of a spin-1/2 rotation, U = [[alpha, -conj(beta)], [beta, conj(alpha)]]
 * in the basis (m = +1/2, m = -1/2).
 */
export interface CayleyKlein {
  ar: number;
  ai: number;
  br: number;
  bi: number;
}

export const IDENTITY_CK: Readonly<CayleyKlein> = Object.freeze({ ar: 1, ai: 0, br: 0, bi: 0 });

/**
 * Spin-1/2 propagator of samples [from, to) of pulse `p` at peak B1 `b1Hz`, for a spin off resonance by
 * `offsetHz` (chemical shift plus gradient), with an extra pulse phase `phase0` (radians). Each sample is the
 * exact rotation exp(-i 2 pi dt (b1 a (cos phi Ix + sin phi Iy) + offset Iz)); samples compose left to right
 * in time.
 */
export function spinHalfPropagator(
  p: RfPulse,
  b1Hz: number,
  offsetHz: number,
  phase0 = 0,
  from = 0,
  to = p.amplitude.length,
): CayleyKlein {
  const dt = p.duration / p.amplitude.length;
  let ar = 1;
  let ai = 0;
  let br = 0;
  let bi = 0;
  const wz = 2 * Math.PI * offsetHz * dt;
  for (let k = from; k < to; k++) {
    const w1 = 2 * Math.PI * b1Hz * p.amplitude[k] * dt;
    const phi = p.phase[k] + phase0;
    const wx = w1 * Math.cos(phi);
    const wy = w1 * Math.sin(phi);
    const theta = Math.hypot(wx, wy, wz);
    if (theta === 0) continue;
    const c = Math.cos(theta / 2);
    const s = Math.sin(theta / 2) / theta;
    // step: alpha = c - i s wz, beta = s (wy - i wx)
    const sar = c;
    const sai = -s * wz;
    const sbr = s * wy;
    const sbi = -s * wx;
    // compose (step after current): alpha = a2 a1 - conj(b2) b1, beta = b2 a1 + conj(a2) b1
    const nar = sar * ar - sai * ai - (sbr * br + sbi * bi);
    const nai = sar * ai + sai * ar - (sbr * bi - sbi * br);
    const nbr = sbr * ar - sbi * ai + (sar * br + sai * bi);
    const nbi = sbr * ai + sbi * ar + (sar * bi - sai * br);
    ar = nar;
    ai = nai;
    br = nbr;
    bi = nbi;
  }
  return { ar, ai, br, bi };
}

/** Composes two spin-1/2 rotations: `second` applied after `first`. */
export function composeCK(second: CayleyKlein, first: CayleyKlein): CayleyKlein {
  const { ar: a2r, ai: a2i, br: b2r, bi: b2i } = second;
  const { ar: a1r, ai: a1i, br: b1r, bi: b1i } = first;
  return {
    ar: a2r * a1r - a2i * a1i - (b2r * b1r + b2i * b1i),
    ai: a2r * a1i + a2i * a1r - (b2r * b1i - b2i * b1r),
    br: b2r * a1r - b2i * a1i + (a2r * b1r + a2i * b1i),
    bi: b2r * a1i + b2i * a1r + (a2r * b1i - a2i * b1r),
  };
}

/**
 * Single-spin profile of a pulse at frequency offsets (Hz): from Mz = 1, the transverse magnetisation
 * Mxy = 2 conj(alpha) beta (excitation) and Mz = |alpha|^2 - |beta|^2; the spin-echo refocusing efficiency is
 * |beta|^2 (Pauly et al., J Magn Reson 1991;81:43).
 */
export function singleSpinProfile(
  p: RfPulse,
  offsetsHz: ArrayLike<number>,
  flipDegrees = p.flipDegrees,
): { mxRe: Float64Array; mxIm: Float64Array; mz: Float64Array; refocus: Float64Array } {
  const b1 = peakB1Hz(p, flipDegrees);
  const n = offsetsHz.length;
  const mxRe = new Float64Array(n);
  const mxIm = new Float64Array(n);
  const mz = new Float64Array(n);
  const refocus = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const ck = spinHalfPropagator(p, b1, offsetsHz[i]);
    // conj(alpha) beta
    const re = ck.ar * ck.br + ck.ai * ck.bi;
    const im = ck.ar * ck.bi - ck.ai * ck.br;
    mxRe[i] = 2 * re;
    mxIm[i] = 2 * im;
    const b2 = ck.br * ck.br + ck.bi * ck.bi;
    mz[i] = 1 - 2 * b2;
    refocus[i] = b2;
  }
  return { mxRe, mxIm, mz, refocus };
}

/**
 * Bandwidth (Hz): full width at half maximum of the excitation profile |Mxy| (flip < 135 degrees) or of the
 * refocusing profile |beta|^2 (larger flips), from the single-spin simulation on a fine frequency grid.
 */
export function measureBandwidthHz(p: RfPulse): number {
  const span = (40 * Math.max(1, p.amplitude.length / 64)) / p.duration;
  const n = 4001;
  const f = Float64Array.from({ length: n }, (_, i) => -span / 2 + (i * span) / (n - 1));
  const prof = singleSpinProfile(p, f);
  const y =
    p.flipDegrees < 135
      ? Float64Array.from(prof.mxRe, (re, i) => Math.hypot(re, prof.mxIm[i]))
      : prof.refocus;
  let peak = 0;
  for (const v of y) peak = Math.max(peak, v);
  const half = peak / 2;
  let lo = -1;
  let hi = -1;
  for (let i = 0; i < n; i++) {
    if (y[i] >= half) {
      if (lo < 0) lo = i;
      hi = i;
    }
  }
  if (lo <= 0 || hi >= n - 1) throw new RangeError(`pulse ${p.name}: profile wider than ${span} Hz`);
  const cross = (i: number, j: number) => f[i] + ((half - y[i]) / (y[j] - y[i])) * (f[j] - f[i]);
  return cross(hi, hi + 1) - cross(lo - 1, lo);
}
