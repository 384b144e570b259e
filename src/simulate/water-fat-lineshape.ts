import type { Fid } from '../core/fid.js';
import type { Rng } from '../core/random.js';
import type { Lineshape } from '../spectra/lineshape.js';
import { fidToSpectrum } from '../spectra/fft.js';
import { lineshapeEnvelope } from './realism.js';
import { simulateWaterFat, type WaterFatGrid, type WaterFatTruth } from './water-fat.js';

/**
 * A water-unsuppressed spectrum whose every line has a given non-Voigt lineshape: the noise-free water–fat
 * spectrum of simulateWaterFat (its Lorentzian widths and Gaussian as drawn) multiplied in the time domain by
 * the envelope of a measured lineshape stretched to `fwhmHz` (realism.ts lineshapeEnvelope: h(0) = 1, so every
 * line keeps its area and the truth's signal fat fraction stays signalFatFraction(truth, te)), then noise. The
 * SNR is defined as in simulateWaterFat (largest real value of the phased noise-free spectrum over the
 * frequency-domain noise SD), after the lineshape.
 */
export function simulateWaterFatLineshape(
  truth: WaterFatTruth,
  te: number,
  lineshape: { measured: Lineshape; fwhmHz: number },
  rng: Rng,
  grid?: WaterFatGrid,
): Fid {
  const fid = simulateWaterFat({ ...truth, snr: 0 }, [te], rng, grid).fids[0];
  const n = fid.points;
  const env = lineshapeEnvelope(
    { kind: 'measured', index: 0, fwhmHz: lineshape.fwhmHz },
    [lineshape.measured],
    n,
    fid.dwellTime,
  );
  const d = fid.data;
  for (let i = 0; i < 2 * n; i += 2) {
    const re = d[i];
    const im = d[i + 1];
    d[i] = re * env[i] - im * env[i + 1];
    d[i + 1] = re * env[i + 1] + im * env[i];
  }
  if (truth.snr > 0) {
    const S = fidToSpectrum(d);
    const ph = (-truth.phase0Deg * Math.PI) / 180;
    let height = 0;
    for (let k = 0; k < n; k++)
      height = Math.max(height, S[2 * k] * Math.cos(ph) - S[2 * k + 1] * Math.sin(ph));
    const sd = height / truth.snr / Math.sqrt(n);
    for (let i = 0; i < 2 * n; i++) d[i] += sd * rng.normal();
  }
  return fid;
}
