import { Rng } from '../../src/core/random.js';

/**
 * A known function for the engine tests: noisy spectra made of two Lorentzian lines at fixed positions whose
 * amplitudes (uniform in [0.5, 2]) the network must recover. A Lorentzian of half-width γ and amplitude a at
 * position c is a·γ²/((k − c)² + γ²) (peak height a).
 */
export const POINTS = 128;
export const CENTRES = [40, 85];
export const HALF_WIDTH = 4;
export const NOISE_SD = 0.05;

export interface LorentzianSet {
  x: Float32Array;
  shape: [number, number, number];
  amplitudes: Float32Array;
}

export function lorentzianSet(count: number, seed: number): LorentzianSet {
  const x = new Float32Array(count * POINTS);
  const amplitudes = new Float32Array(count * 2);
  for (let i = 0; i < count; i++) {
    const rng = Rng.stream(seed, i);
    const a = [rng.uniformIn(0.5, 2), rng.uniformIn(0.5, 2)];
    amplitudes.set(a, i * 2);
    for (let k = 0; k < POINTS; k++) {
      let v = NOISE_SD * rng.normal();
      CENTRES.forEach((c, j) => {
        v += (a[j] * HALF_WIDTH ** 2) / ((k - c) ** 2 + HALF_WIDTH ** 2);
      });
      x[i * POINTS + k] = v;
    }
  }
  return { x, shape: [count, 1, POINTS], amplitudes };
}
