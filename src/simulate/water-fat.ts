import { rotateEachInPlace } from '../core/complex.js';
import type { Fid } from '../core/fid.js';
import type { Rng } from '../core/random.js';
import { attenuation } from '../fit/quantify.js';
import { FAT_PEAKS, type FatComposition, LIVER_FAT, peakProtons, WATER_PPM } from '../physics/chemistry.js';
import { LIVER_DEFAULTS } from '../core/acquisition.js';
import type { SpectralGrid } from '../core/grid.js';
import { gridOf } from '../core/grid.js';

/**
 * Water-unsuppressed body spectra (liver, bone marrow, fatty tissue) with known truth, computed in the time
 * domain independently of the fitter: at echo time TE and repetition time TR,
 *
 *   FID(t) = e^{iφ0} [ W·E_W · L_W(t) e^{−i2π(4.70 + δ − ref)·f0·t}
 *                     + F·E_F · Σ_k r_k L_F(t) e^{−i2π(d_k + δ − ref)·f0·t} ] + noise,
 *   E = e^{−TE/T2}·(1 − e^{−TR/T1}),  L(t) = e^{−πΓt} e^{−(πGt)²/(4 ln 2)},
 *
 * with W + F = 1 (proton densities), PDFF = F, r_k the Hamilton relative areas of the given composition
 * (physics/chemistry.ts) and δ the transmitter offset (how far the nominal axis is off). SNR is defined
 * once: the largest peak of the phased noise-free spectrum at the FIRST echo time over the SD of the real
 * frequency-domain noise; the same noise SD is used at every TE (one breath-hold series).
 */
export interface WaterFatTruth {
  /** Proton-density fat fraction, 0..1. */
  pdff: number;
  waterT2: number;
  fatT2: number;
  waterT1?: number;
  fatT1?: number;
  repetitionTime?: number;
  /** Lorentzian FWHM (Hz) of water and of fat, and the shared Gaussian FWHM (Hz). */
  waterLorentzHz: number;
  fatLorentzHz: number;
  gaussianHz: number;
  /** Transmitter offset: resonances appear at their shift + offsetPpm. */
  offsetPpm: number;
  phase0Deg: number;
  snr: number;
  composition?: FatComposition;
  /**
   * Eddy currents: every resonance gets the phase ψ(t) = phaseRad·(1 − e^{−t/tauS}) (a frequency shift
   * phaseRad/tauS rad/s at t = 0 decaying with tauS, the usual single-term model); applied after the SNR is
   * defined, so it does not change the noise level.
   */
  eddyCurrent?: { phaseRad: number; tauS: number };
}

export type WaterFatGrid = SpectralGrid;

export const WATER_FAT_GRID: WaterFatGrid = {
  points: LIVER_DEFAULTS.points,
  dwellTime: LIVER_DEFAULTS.dwellTime,
  spectrometerFrequency: LIVER_DEFAULTS.spectrometerFrequency,
  ppmReference: LIVER_DEFAULTS.ppmReference,
};

/** Signal fat fraction (percent) of the noise-free spectrum at echo time `te`: what a fit at one TE estimates. */
export function signalFatFraction(truth: WaterFatTruth, te: number): number {
  const w = (1 - truth.pdff) * attenuation(te, truth.repetitionTime, truth.waterT1, truth.waterT2);
  const f = truth.pdff * attenuation(te, truth.repetitionTime, truth.fatT1, truth.fatT2);
  return (100 * f) / (w + f);
}

/** Noise-free FID of one echo time. */
function cleanFid(truth: WaterFatTruth, te: number, g: WaterFatGrid): Float64Array {
  const n = g.points;
  const out = new Float64Array(2 * n);
  const p = peakProtons(truth.composition ?? LIVER_FAT);
  const total = p.reduce((a, b) => a + b, 0);
  const lines = [
    {
      ppm: WATER_PPM,
      amp: (1 - truth.pdff) * attenuation(te, truth.repetitionTime, truth.waterT1, truth.waterT2),
      lw: truth.waterLorentzHz,
    },
    ...FAT_PEAKS.map((q, j) => ({
      ppm: q.ppm,
      amp: (truth.pdff * p[j] * attenuation(te, truth.repetitionTime, truth.fatT1, truth.fatT2)) / total,
      lw: truth.fatLorentzHz,
    })),
  ];
  const ga = (Math.PI * truth.gaussianHz) ** 2 / (4 * Math.LN2);
  const ph = (truth.phase0Deg * Math.PI) / 180;
  for (const l of lines) {
    if (l.amp === 0) continue;
    const f = (g.ppmReference - l.ppm - truth.offsetPpm) * g.spectrometerFrequency;
    for (let m = 0; m < n; m++) {
      const t = m * g.dwellTime;
      const env = l.amp * Math.exp(-Math.PI * l.lw * t - ga * t * t);
      const ang = 2 * Math.PI * f * t + ph;
      out[2 * m] += env * Math.cos(ang);
      out[2 * m + 1] += env * Math.sin(ang);
    }
  }
  return out;
}

/** Largest real value of the phase-0 spectrum of a noise-free FID (its DFT computed directly on the peak bins). */
function peakHeightOf(fid: Float64Array, truth: WaterFatTruth, g: WaterFatGrid): number {
  // Real part of Σ_m x_m e^{-i2π k m / N}, with the phase removed, at the water and 1.3 ppm bins (±3 bins).
  const n = g.points;
  const ph = (-truth.phase0Deg * Math.PI) / 180;
  let best = 0;
  for (const ppm of [WATER_PPM, 1.3]) {
    const f = (g.ppmReference - ppm - truth.offsetPpm) * g.spectrometerFrequency;
    const k0 = Math.round(f * n * g.dwellTime);
    for (let dk = -3; dk <= 3; dk++) {
      let re = 0;
      for (let m = 0; m < n; m++) {
        const a = (-2 * Math.PI * (k0 + dk) * m) / n + ph;
        re += fid[2 * m] * Math.cos(a) - fid[2 * m + 1] * Math.sin(a);
      }
      best = Math.max(best, re);
    }
  }
  return best;
}

/** One spectrum per echo time (seconds), with shared noise SD. */
export function simulateWaterFat(
  truth: WaterFatTruth,
  echoTimes: readonly number[],
  rng: Rng,
  grid: WaterFatGrid = WATER_FAT_GRID,
): { fids: Fid[]; noiseSd: number } {
  const clean = echoTimes.map((te) => cleanFid(truth, te, grid));
  const height = peakHeightOf(clean[0], truth, grid);
  const noiseSd = truth.snr > 0 ? height / truth.snr : 0;
  const sdTime = noiseSd / Math.sqrt(grid.points);
  const fids = clean.map((data, i) => {
    if (truth.eddyCurrent) addEddyCurrentPhase(data, truth.eddyCurrent, grid.dwellTime);
    if (sdTime > 0) for (let j = 0; j < data.length; j++) data[j] += sdTime * rng.normal();
    return {
      data,
      ...gridOf(grid),
      nucleus: '1H',
      echoTime: echoTimes[i],
      repetitionTime: truth.repetitionTime,
      acquisition: { sequence: 'steam' as const, waterSuppressed: false },
    } satisfies Fid;
  });
  return { fids, noiseSd };
}

/** Multiplies the FID by e^{iψ(t)}, ψ(t) = phaseRad·(1 − e^{−t/tauS}). */
export function addEddyCurrentPhase(
  fid: Float64Array,
  ec: { phaseRad: number; tauS: number },
  dwellTime: number,
): void {
  const psi = Float64Array.from(
    { length: fid.length >> 1 },
    (_, k) => ec.phaseRad * (1 - Math.exp((-k * dwellTime) / ec.tauS)),
  );
  rotateEachInPlace(fid, psi);
}
