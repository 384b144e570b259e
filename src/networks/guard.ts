import type { Status } from '../fit/status.js';

/**
 * The guard of a network: is this input like what the network was trained on, and how far may its answer be
 * trusted? It looks at the network input itself (the canonical, normalised window), in the coordinates of the
 * training inputs' principal components, as chemometrics has long done for calibration models (SIMCA; Wold &
 * Sjöström 1977; Jackson & Mudholkar, Technometrics 1979;21:341):
 *
 * - T² (Hotelling): Σ_j s_j² / λ_j over the first k principal scores s_j: how far the input lies from the training
 *   inputs inside the space they span;
 * - Q (squared prediction error): ‖x − x̄ − P Pᵀ(x − x̄)‖²: what the input holds that no training input had (a
 *   lineshape, a hump, a water line the simulator never made);
 * - the SNR of the spectrum (reference peak height / noise SD), which the normalised input does not show;
 * - the frequency offset the canonical step removed, against the largest the training saw.
 *
 * Each is compared with its quantiles over calibration spectra simulated like the training spectra (same
 * cohorts, same realism, another seed): beyond the 99.5 % quantile the answer is `doubtful`, beyond `failFactor`
 * times it (T², Q) or below 0.85 × the lowest training SNR `failed` (no answer). The distance d = max(T²/T²₉₉.₅, Q/Q₉₉.₅) also widens the qCNN's SDs: the
 * calibration spectra give, per band of d, the factor that brings their z-scores to unit mean square, applied to
 * inputs in that band (beyond the last band, the last factor times √(d / d_last)).
 *
 * Plain data and arithmetic only (no Node imports): the browser app runs the same guard.
 */
export interface GuardModel {
  format: 'livermrs-guard';
  version: 1;
  /** Input length (channels × points). */
  length: number;
  mean: number[];
  /** k principal axes, each `length` long (unit vectors). */
  axes: number[][];
  /** Variance of the training inputs along each axis. */
  variances: number[];
  /** 99.5 % quantiles over the calibration spectra. */
  limits: { t2: number; q: number; snr: [number, number]; shiftHz: number };
  /** Beyond failFactor × a limit (or below snr[0] / failFactor): failed. */
  failFactor: number;
  /** SD factors by distance band: factors[i] for d ≤ bands[i] (bands ascending). qCNN only. */
  widening?: { bands: number[]; factors: number[] };
  /** How the guard was calibrated. */
  calibration: { spectra: number; seed: number; realism: string };
}

export interface GuardMeasure {
  t2: number;
  q: number;
  /** max(t2 / limit, q / limit). */
  distance: number;
  snr: number;
  shiftHz: number;
}

export interface GuardVerdict extends GuardMeasure {
  status: Status;
  reasons: string[];
  /** Factor the qCNN's SDs are multiplied by (1 inside the training distribution). */
  sdFactor: number;
}

/** Below this fraction of the training's lowest SNR (its 0.5 % quantile) an input is refused. */
export const SNR_MARGIN = 0.85;

/** T², Q and the distance of one network input (`length` numbers, as the network takes it). */
export function guardScores(
  g: GuardModel,
  input: ArrayLike<number>,
): { t2: number; q: number; distance: number } {
  const D = g.length;
  if (input.length !== D) throw new RangeError(`guard: input has ${input.length} values, expected ${D}`);
  const r = new Float64Array(D);
  let total = 0;
  for (let i = 0; i < D; i++) {
    r[i] = input[i] - g.mean[i];
    total += r[i] * r[i];
  }
  let t2 = 0;
  let explained = 0;
  for (let j = 0; j < g.axes.length; j++) {
    const a = g.axes[j];
    let s = 0;
    for (let i = 0; i < D; i++) s += a[i] * r[i];
    t2 += (s * s) / Math.max(g.variances[j], 1e-30);
    explained += s * s;
  }
  const q = Math.max(0, total - explained);
  return { t2, q, distance: Math.max(t2 / g.limits.t2, q / g.limits.q) };
}

/**
 * SNR as the guard measures it: the reference-peak height |S| over the noise SD of the real part, the noise from
 * the first differences (σ = SD(ΔRe)/√2, blind to a smooth baseline) of the outer eighths of the spectrum, where
 * no liver resonance lies.
 */
export function guardSnr(spectrum: ArrayLike<number>, points: number, peakHeight: number): number {
  const edge = Math.max(4, Math.floor(points / 8));
  let s = 0;
  let m = 0;
  for (const [a, b] of [
    [1, edge],
    [points - edge, points],
  ]) {
    for (let k = a; k < b; k++) {
      const d = spectrum[2 * k] - spectrum[2 * (k - 1)];
      s += d * d;
      m++;
    }
  }
  const sd = Math.sqrt(s / Math.max(1, m) / 2);
  return sd > 0 ? peakHeight / sd : Number.POSITIVE_INFINITY;
}

/** The verdict on one input: status, reasons and the SD factor. */
export function guardVerdict(
  g: GuardModel,
  input: ArrayLike<number>,
  measured: { snr: number; shiftHz: number } | null,
): GuardVerdict {
  const { t2, q, distance } = guardScores(g, input);
  const snr = measured?.snr ?? Number.NaN;
  const shiftHz = measured?.shiftHz ?? Number.NaN;
  const reasons: string[] = [];
  let status: Status = 'ok';
  const worse = (s: Status) => {
    if (s === 'failed' || (s === 'doubtful' && status === 'ok')) status = s;
  };
  const F = g.failFactor;
  const L = g.limits;
  const ratio = (x: number) => x.toFixed(x < 10 ? 1 : 0);
  if (q > L.q) {
    worse(q > F * L.q ? 'failed' : 'doubtful');
    reasons.push(
      `the input holds what no training spectrum had (residual Q ${ratio(q / L.q)}× the training 99.5 % limit)`,
    );
  }
  if (t2 > L.t2) {
    worse(t2 > F * L.t2 ? 'failed' : 'doubtful');
    reasons.push(
      `the input lies far from the training spectra (T² ${ratio(t2 / L.t2)}× the training 99.5 % limit)`,
    );
  }
  if (!measured) {
    worse('doubtful');
    reasons.push('no 1.3 ppm lipid peak was found to reference the spectrum on');
  } else {
    // Noisier than any training spectrum (beyond the 15 % margin the earlier check allowed): the network would
    // extrapolate; a cleaner one is only unusual.
    if (snr < L.snr[0] || snr > L.snr[1]) {
      worse(snr < SNR_MARGIN * L.snr[0] ? 'failed' : 'doubtful');
      reasons.push(
        `SNR ${snr.toFixed(0)} is outside the training range ${L.snr[0].toFixed(0)}–${L.snr[1].toFixed(0)}`,
      );
    }
    if (Math.abs(shiftHz) > L.shiftHz) {
      worse('doubtful');
      reasons.push(
        `the spectrum was ${Math.abs(shiftHz).toFixed(0)} Hz off its reference (training: up to ${L.shiftHz.toFixed(0)} Hz)`,
      );
    }
  }
  return { t2, q, distance, snr, shiftHz, status, reasons, sdFactor: sdFactor(g, distance) };
}

/** The SD factor at distance d (1 without a widening table). */
export function sdFactor(g: GuardModel, d: number): number {
  const w = g.widening;
  if (!w || w.bands.length === 0) return 1;
  for (let i = 0; i < w.bands.length; i++) if (d <= w.bands[i]) return w.factors[i];
  const last = w.bands.length - 1;
  return w.factors[last] * Math.sqrt(d / w.bands[last]);
}

/** The guard's verdict on a prepared input, as a status (failed → doubtful with `force`, as --force does). */
export interface GuardCheck {
  status: Status;
  reasons: string[];
  guard: Omit<GuardVerdict, 'status' | 'reasons'>;
  sdFactor: number;
}

export function checkWithGuard(
  g: GuardModel,
  prepared: { input: ArrayLike<number>; canonical?: { shiftHz: number } | null; snr?: number },
  force = false,
): GuardCheck {
  const measured =
    prepared.canonical && prepared.snr !== undefined
      ? { snr: prepared.snr, shiftHz: prepared.canonical.shiftHz }
      : null;
  const { status, reasons, ...guard } = guardVerdict(g, prepared.input, measured);
  return {
    status: force && status === 'failed' ? 'doubtful' : status,
    reasons,
    guard,
    sdFactor: guard.sdFactor,
  };
}
