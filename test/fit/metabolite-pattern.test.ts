import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { metabolitePatternScore } from '../../src/fit/water-fat/metabolite-pattern.js';

/**
 * The metabolite-pattern statistic of the routing (fit/water-fat/metabolite-pattern.ts) on analytic residuals:
 * 3 T, 0.005 ppm per point over 1.5–5.5 ppm, noise SD 1, lines Lorentzian of 15 Hz FWHM.
 */
const MHZ = 123.2;
const ppm = Float64Array.from({ length: 800 }, (_, j) => 5.5 - 0.005 * j);
const lorentz = (p: number, p0: number, fwhmHz: number) => 1 / (1 + ((p - p0) / (fwhmHz / MHZ / 2)) ** 2);
/** Complex residual (real part as given, imaginary noise) of noise SD 1 plus `signal`. */
function residual(rng: Rng, signal: (p: number) => number): Float64Array {
  const r = new Float64Array(2 * ppm.length);
  ppm.forEach((p, j) => {
    r[2 * j] = signal(p) + rng.normal();
    r[2 * j + 1] = rng.normal();
  });
  return r;
}
const rms = (r: Float64Array) => {
  let s = 0;
  let n = 0;
  ppm.forEach((p, j) => {
    if (p > 2.9 && p < 4.0) {
      s += r[2 * j] ** 2;
      n++;
    }
  });
  return Math.sqrt(s / n);
};

describe('metabolite-pattern statistic', () => {
  it('noise alone and a line tail the region RMS lets pass stay below the routing limit 5.5; weak choline + creatine exceed it', () => {
    const rng = new Rng(7);
    let noiseMax = 0;
    let tailMax = 0;
    let tailRms = 0;
    let linesMin = Number.POSITIVE_INFINITY;
    let linesRms = 0;
    for (let i = 0; i < 200; i++) {
      noiseMax = Math.max(
        noiseMax,
        metabolitePatternScore(
          ppm,
          residual(rng, () => 0),
          1,
          15,
          MHZ,
        ),
      );
      // The tail of a misfit 60 Hz line at 4.7 ppm, 4.5 noise SDs at 4.0 ppm: the region's RMS is then about
      // 2.2× the noise, the most the routing lets an intact spectrum leave (detect.ts MAX_WATER_FAT_MISFIT).
      const tail = residual(rng, (p) => (4.5 / lorentz(4.0, 4.7, 60)) * lorentz(p, 4.7, 60));
      tailMax = Math.max(tailMax, metabolitePatternScore(ppm, tail, 1, 15, MHZ));
      tailRms = Math.max(tailRms, rms(tail));
      // Choline and creatine each only 2.5 noise SDs high: invisible one by one.
      const lines = residual(rng, (p) => 2.5 * lorentz(p, 3.21, 15) + 2.5 * lorentz(p, 3.03, 15));
      linesMin = Math.min(linesMin, metabolitePatternScore(ppm, lines, 1, 15, MHZ));
      linesRms = Math.max(linesRms, rms(lines));
    }
    expect(noiseMax).toBeGreaterThan(2);
    expect(noiseMax).toBeLessThan(5);
    expect(tailRms).toBeGreaterThan(2);
    expect(tailMax).toBeLessThan(5.5);
    // The region's RMS stays below the 2.2× the noise that the RMS rule calls intact; the matched lines stand out.
    expect(linesRms).toBeLessThan(2.2);
    expect(linesMin).toBeGreaterThan(5.5);
  });
});
