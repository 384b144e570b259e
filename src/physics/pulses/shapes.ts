import type { RfPulse } from './pulse.js';

/**
 * Pulse shape generators, so that tests and default protocols need no outside file. Every shape is sampled at
 * the centres of N equal intervals of the duration, normalised to a peak amplitude of 1; negative lobes are
 * stored as phase pi.
 */
function fromSigned(
  name: string,
  duration: number,
  flipDegrees: number,
  values: Float64Array,
  extra: Partial<RfPulse> = {},
): RfPulse {
  let peak = 0;
  for (const v of values) peak = Math.max(peak, Math.abs(v));
  const amplitude = values.map((v) => Math.abs(v) / peak);
  const phase = values.map((v) => (v < 0 ? Math.PI : 0));
  return { name, duration, flipDegrees, amplitude, phase, ...extra };
}

function centres(samples: number): Float64Array {
  return Float64Array.from({ length: samples }, (_, k) => (k + 0.5) / samples - 0.5);
}

/** A rectangular (hard) pulse. */
export function hardPulse(duration: number, flipDegrees: number, samples = 1): RfPulse {
  return fromSigned('hard', duration, flipDegrees, new Float64Array(samples).fill(1), { timeBandwidth: 1.2 });
}

/**
 * sinc with `lobes` zero crossings across the duration (time-bandwidth product = lobes), optionally
 * Hann-windowed: a(t) = sinc(lobes t / T) (0.5 + 0.5 cos(2 pi t / T)), |t| <= T / 2.
 */
export function sincPulse(
  duration: number,
  flipDegrees: number,
  options: { lobes?: number; hann?: boolean; samples?: number } = {},
): RfPulse {
  const lobes = options.lobes ?? 6;
  const hann = options.hann ?? true;
  const samples = options.samples ?? 256;
  const values = centres(samples).map((u) => {
    const x = Math.PI * lobes * u;
    const s = x === 0 ? 1 : Math.sin(x) / x;
    return hann ? s * (0.5 + 0.5 * Math.cos(2 * Math.PI * u)) : s;
  });
  return fromSigned(`sinc${lobes}${hann ? '-hann' : ''}`, duration, flipDegrees, values, {
    timeBandwidth: lobes,
  });
}

/**
 * Hermite-like pulse: a(t) = (1 - b tau^2) exp(-tau^2) with tau = c t / T. b = 0.956, c = 2 x 2.65 is the
 * classic Hermite 90 (Warren, J Chem Phys 1984;81:5437 shape family); b = 1.74 gives a 180.
 * The bandwidth is measured from the profile (no closed form).
 */
export function hermitePulse(
  duration: number,
  flipDegrees: number,
  options: { b?: number; c?: number; samples?: number } = {},
): RfPulse {
  const b = options.b ?? (flipDegrees > 135 ? 1.74 : 0.956);
  const c = options.c ?? 5.3;
  const samples = options.samples ?? 256;
  const values = centres(samples).map((u) => {
    const tau = c * u;
    return (1 - b * tau * tau) * Math.exp(-tau * tau);
  });
  return fromSigned(`hermite${flipDegrees}`, duration, flipDegrees, values);
}

/**
 * Hyperbolic secant adiabatic inversion (Silver, Joseph & Hoult, Phys Rev A 1985;31:2753):
 * a(t) = sech(beta tau), phase(t) = mu ln sech(beta tau), tau = 2 t / T in [-1, 1]. Its frequency sweeps
 * over 2 mu beta / (pi T) Hz; the adiabatic condition needs a peak B1 well above sqrt(mu) beta / (pi T), so b1MaxHz is
 * set to `adiabaticity` times that.
 */
export function hyperbolicSecantPulse(
  duration: number,
  options: { mu?: number; beta?: number; samples?: number; adiabaticity?: number } = {},
): RfPulse {
  const mu = options.mu ?? 5;
  const beta = options.beta ?? 5.3;
  const samples = options.samples ?? 512;
  const k = options.adiabaticity ?? 3;
  const amplitude = new Float64Array(samples);
  const phase = new Float64Array(samples);
  centres(samples).forEach((u, i) => {
    const sech = 1 / Math.cosh(beta * 2 * u);
    amplitude[i] = sech;
    phase[i] = mu * Math.log(sech);
  });
  let peak = 0;
  for (const a of amplitude) peak = Math.max(peak, a);
  for (let i = 0; i < samples; i++) amplitude[i] /= peak;
  const bandwidth = (2 * mu * beta) / (Math.PI * duration);
  return {
    name: `hsec-mu${mu}`,
    duration,
    flipDegrees: 180,
    amplitude,
    phase,
    timeBandwidth: bandwidth * duration,
    b1MaxHz: (k * Math.sqrt(mu) * beta) / (Math.PI * duration),
  };
}
