import type { Fid } from '../core/fid.js';
import { rotateEachInPlace } from '../core/complex.js';
import { NumericalError } from '../core/errors.js';
import { weightedLine } from '../linalg/index.js';
import { type HlsvdComponent, hlsvd, subtractComponents } from './hlsvd.js';

/**
 * Eddy-current correction of a water-unsuppressed spectrum from its own water line, for body spectra acquired
 * without a separate reference. Klose's correction (MRM 1990;14:26; ecc.ts) divides the data by the phase of a
 * water reference point by point: eddy currents add the same time-dependent phase ψ(t) to every resonance. In a
 * water-unsuppressed spectrum the water line is that reference, once the fat lines are taken out of it:
 *
 * 1. HLSVD (hlsvd.ts) decomposes the FID into damped exponentials;
 * 2. the water cluster is the dominant pole (largest amplitude / width) and every pole within ±`halfWidthPpm` of
 *    it (eddy currents spread one line over several poles); the variant 'withBroad' adds the poles broader than
 *    `broadHz` wherever they are, which carry a strong, fast eddy-current phase in the first milliseconds;
 * 3. the phase φ(t) of the water model w(t) is unwrapped; its weighted (|w|²) straight line a + b·t is the water
 *    line's own phase and frequency, which the fit models, and ψ(t) = φ(t) − (a + b·t) the eddy-current phase;
 * 4. the data are multiplied by e^{−iψ(t)}: water becomes a symmetric line, and every fat line gets the same
 *    correction, so the fat–water frequency differences are kept.
 *
 * The correction assumes what Klose's does (the distortion is a phase common to all resonances); a distortion of
 * the lineshape that is not (B0 inhomogeneity) is also symmetrised. Whether to keep it is decided by the fit that
 * follows (fit/water-fat/self-ecc.ts), not here.
 */
export interface SelfEccOptions {
  /** Half-width (ppm) of the water cluster around the dominant pole (default 0.35: L53 at 5.3 and the glycerol
   *  4.2 ppm line stay outside). */
  halfWidthPpm?: number;
  /** Also take poles broader than this (Hz FWHM), anywhere: 'withBroad' (default: not). */
  broadHz?: number;
  /** HLSVD model order (default 25) and samples (default min(points, 1024)). */
  components?: number;
  fitPoints?: number;
}

export interface SelfEccPhase {
  /** ψ(t), radians, one value per sample. */
  phase: Float64Array;
  /** |w|²-weighted RMS of ψ (radians): how strong the correction is. */
  rmsRad: number;
  /** Water line position (ppm) and the number of poles in its model. */
  waterPpm: number;
  poles: number;
}

/** The eddy-current phase ψ(t) of a water-unsuppressed FID, from its own water line; undefined if none found. */
export function eddyCurrentPhaseFromWater(fid: Fid, o: SelfEccOptions = {}): SelfEccPhase | undefined {
  return eddyCurrentPhaseFromPoles(fid, fidPoles(fid, o), o);
}

/** The FID's HLSVD poles (growing and non-finite ones dropped); [] when the decomposition does not solve. */
export function fidPoles(
  fid: Fid,
  o: Pick<SelfEccOptions, 'components' | 'fitPoints'> = {},
): HlsvdComponent[] {
  try {
    return hlsvd(Float64Array.from(fid.data), fid.dwellTime, {
      components: o.components ?? 25,
      fitPoints: Math.min(fid.points, o.fitPoints ?? 1024),
    }).filter((c) => c.dampingHz >= 0 && Number.isFinite(c.amplitude));
  } catch (err) {
    // A decomposition that does not solve (e.g. a signal of fewer poles than the model order) has no water model.
    if (err instanceof NumericalError) return [];
    throw err;
  }
}

/** ψ(t) from poles already computed (one decomposition serves several water models). */
export function eddyCurrentPhaseFromPoles(
  fid: Fid,
  comps: readonly HlsvdComponent[],
  o: SelfEccOptions = {},
): SelfEccPhase | undefined {
  const n = fid.points;
  if (comps.length === 0) return undefined;
  // The dominant line: largest peak height (amplitude / width).
  const height = (c: HlsvdComponent) => c.amplitude / Math.max(c.dampingHz, 1);
  const main = comps.reduce((a, c) => (height(c) > height(a) ? c : a));
  const half = (o.halfWidthPpm ?? 0.35) * fid.spectrometerFrequency;
  const broad = o.broadHz ?? Number.POSITIVE_INFINITY;
  const water = comps.filter(
    (c) => Math.abs(c.frequencyHz - main.frequencyHz) <= half || c.dampingHz > broad,
  );
  const w = new Float64Array(2 * n);
  subtractComponents(w, fid.dwellTime, water, 1);
  // Unwrapped phase, and its |w|²-weighted straight line (sample index as time).
  const phi = new Float64Array(n);
  const weight = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const p = Math.atan2(w[2 * k + 1], w[2 * k]);
    phi[k] = k === 0 ? p : p + 2 * Math.PI * Math.round((phi[k - 1] - p) / (2 * Math.PI));
    weight[k] = w[2 * k] ** 2 + w[2 * k + 1] ** 2;
  }
  const line = weightedLine(phi, weight);
  if (!line) return undefined;
  const phase = phi.map((p, k) => p - (line.a + line.b * k));
  const total = weight.reduce((a, b) => a + b, 0);
  const ms = phase.reduce((acc, p, k) => acc + weight[k] * p * p, 0);
  return {
    phase,
    rmsRad: Math.sqrt(ms / total),
    waterPpm: fid.ppmReference - main.frequencyHz / fid.spectrometerFrequency,
    poles: water.length,
  };
}

/** The FID multiplied by e^{−iψ(t)}. */
export function removePhase(fid: Fid, phase: Float64Array): Fid {
  const data = Float64Array.from(fid.data);
  rotateEachInPlace(data, phase, -1);
  return { ...fid, data };
}
