import type { Fid } from '../../core/fid.js';
import { fidToSpectrum } from '../../spectra/fft.js';
import { WATER_PPM } from '../../physics/chemistry.js';
import { edgeNoise, type ReferencingResult } from './referencing.js';

/**
 * What a spectrum says of its own water suppression, measured with the axis corrected by the water–fat
 * referencing (referencing.ts) when that found a pattern:
 *
 * - `waterSnr`, `fatSnr`: the water (4.45–4.95 ppm) and methylene (1.1–1.5 ppm) magnitude peaks over the noise SD;
 * - `waterToMetabolite`: the water peak over the largest metabolite peak at 2.9–3.35 ppm (creatine 3.03,
 *   choline 3.2). A peak is a local maximum of the magnitude over ±0.05 ppm, measured as its excess over the
 *   higher of the two values 0.1 ppm either side (so smooth tails of water and fat lines do not count). Tissue
 *   water is ~40 mol/kg against creatine and choline at 1–10 mmol/kg, so an intact water line is thousands of
 *   times these peaks (the unsuppressed references of test/extdata: 1,220–240,000); a suppressed residual is
 *   typically 1–300 times (the suppressed files there: 0.6–157). When no peak rises above DETECTION_SNR noise
 *   SDs, the ratio is a lower bound (water over DETECTION_SNR SDs) and `metaboliteDetected` is false;
 * - `phaseDifferenceDeg`: the phase of the water line minus that of the methylene line, each the argument of the
 *   complex spectrum summed over ±0.1 ppm around its peak (the dispersion part of a line sums to ~0 over a
 *   symmetric window, so this is the line's zero-order phase whatever bin the peak falls on). Read only when fat
 *   is a real line: both at least PHASE_SNR SDs and methylene at least FAT_FOR_PHASE of water. An intact water
 *   line has the phase of every other line (one excitation, one receiver); a residual left by suppression
 *   pulses in general does not;
 * - `fatToWater`: methylene peak over water peak.
 */
export interface RoutingFeatures {
  waterSnr: number;
  fatSnr: number;
  waterToMetabolite: number;
  metaboliteDetected: boolean;
  phaseDifferenceDeg?: number;
  fatToWater: number;
  /** Noise SD per real point of the spectrum (edge regions). */
  noiseSd: number;
}

/** Peaks at least this many noise SDs high count as detected. */
export const DETECTION_SNR = 5;
/** Water and methylene at least this many SDs high for their phase difference to be read. */
export const PHASE_SNR = 20;
/** ... and methylene at least this fraction of water (below it, 1.3 ppm holds macromolecules, not fat). */
export const FAT_FOR_PHASE = 0.03;
/** A metabolite peak is measured against the spectrum this far (ppm) either side of it. */
export const METABOLITE_SIDE_PPM = 0.1;

export function routingFeatures(fid: Fid, ref?: ReferencingResult): RoutingFeatures {
  const n = fid.points;
  const spec = fidToSpectrum(fid.data);
  const mag = new Float64Array(n);
  for (let k = 0; k < n; k++) mag[k] = Math.hypot(spec[2 * k], spec[2 * k + 1]);
  const noise = Math.max(edgeNoise(spec, n), Number.MIN_VALUE);
  const shift = ref?.found ? ref.shiftPpm : 0;
  const mhz = fid.spectrometerFrequency;
  const binHz = 1 / (n * fid.dwellTime);
  // Bin of a true chemical shift p: the data show it at p + shift.
  const binOf = (p: number) =>
    Math.round(((fid.ppmReference - (p + shift)) * mhz) / binHz + Math.floor(n / 2));
  const clamp = (k: number) => Math.min(n - 1, Math.max(0, k));
  const peakIn = (hi: number, lo: number): number => {
    const a = clamp(binOf(hi));
    const b = clamp(binOf(lo));
    let best = a;
    for (let k = Math.min(a, b); k <= Math.max(a, b); k++) if (mag[k] > mag[best]) best = k;
    return best;
  };
  const kw = peakIn(WATER_PPM + 0.25, WATER_PPM - 0.25);
  const kf = peakIn(1.5, 1.1);
  const hw = mag[kw];
  const hf = mag[kf];
  const d = Math.max(2, Math.round((METABOLITE_SIDE_PPM * mhz) / binHz));
  let hm = 0;
  const a = clamp(binOf(3.35));
  const b = clamp(binOf(2.9));
  for (let k = Math.max(d, Math.min(a, b)); k <= Math.min(n - 1 - d, Math.max(a, b)); k++) {
    let top = true;
    for (let j = k - (d >> 1); j <= k + (d >> 1) && top; j++) if (mag[j] > mag[k]) top = false;
    if (top) hm = Math.max(hm, mag[k] - Math.max(mag[k - d], mag[k + d]));
  }
  const out: RoutingFeatures = {
    waterSnr: hw / noise,
    fatSnr: hf / noise,
    waterToMetabolite: hw / Math.max(hm, DETECTION_SNR * noise),
    metaboliteDetected: hm >= DETECTION_SNR * noise,
    fatToWater: hw > 0 ? hf / hw : Number.POSITIVE_INFINITY,
    noiseSd: noise,
  };
  if (hw >= PHASE_SNR * noise && hf >= PHASE_SNR * noise && hf >= FAT_FOR_PHASE * hw) {
    const phaseAt = (k0: number) => {
      let re = 0;
      let im = 0;
      for (let k = clamp(k0 - d); k <= clamp(k0 + d); k++) {
        re += spec[2 * k];
        im += spec[2 * k + 1];
      }
      return Math.atan2(im, re);
    };
    const dp = ((phaseAt(kw) - phaseAt(kf)) * 180) / Math.PI;
    out.phaseDifferenceDeg = ((((dp + 180) % 360) + 360) % 360) - 180;
  }
  return out;
}
