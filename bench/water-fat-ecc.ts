/**
 * Eddy-current correction of water-unsuppressed spectra from their own water line (fit/water-fat/self-ecc.ts):
 * the signal fat fraction of the water–fat fit with `--ecc off` and `--ecc auto` on simulated spectra over the
 * range users bring (bench water-fat's draw: PDFF, T2s, 15–45 Hz lines, SNR 20–500, transmitter ±2 ppm off, random
 * phase) at PDFF 0, 2, 5, 10, 20 and 40 %, with eddy currents ψ(t) = A·(1 − e^{−t/τ}) of A = 0 (none), 0.3, 1 and
 * 2 rad and τ = 10 and 30 ms. Per cell: RMS and mean error in percentage points (fit − truth of the signal fat
 * fraction at the echo), how often the correction was kept, and the fit time per spectrum (one core).
 */
import { loadavg } from 'node:os';
import { loadWaterFatCohort } from '../src/simulate/cohort-files.js';
import { drawWaterFatTruth } from '../src/simulate/water-fat-cohort.js';
import { Rng } from '../src/core/random.js';
import { referenceWaterFat } from '../src/fit/water-fat/referencing.js';
import { fitWithSelfEcc } from '../src/fit/water-fat/self-ecc.js';
import { WaterFatFitter } from '../src/fit/water-fat/water-fat-fit.js';
import { signalFatFraction, simulateWaterFat } from '../src/simulate/water-fat.js';

/** The built-in water–fat cohort (data/cohorts/water-fat/body.yaml), as `livermrs simulate --water-fat` draws. */
const BODY = loadWaterFatCohort().cohort;

const TE = 0.03;
const REPEATS = 8;

/** RMS and mean of errors (percentage points), to 2 decimals. */
const rms = (x: number[]) => Number(Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length).toFixed(2));
const mean = (x: number[]) => Number((x.reduce((s, v) => s + v, 0) / x.length).toFixed(2));

export async function run(): Promise<Record<string, unknown>> {
  const load0 = loadavg()[0];
  const rng = new Rng(47);
  const cells: Record<string, unknown>[] = [];
  let fitter: WaterFatFitter | undefined;
  const seconds = { off: 0, auto: 0, n: 0 };
  const all = { off: [] as number[], auto: [] as number[] };
  for (const pdff of [0, 0.02, 0.05, 0.1, 0.2, 0.4]) {
    for (const [phaseRad, tauS] of [
      [0, 0.01],
      [0.3, 0.01],
      [1, 0.01],
      [2, 0.01],
      [0.3, 0.03],
      [1, 0.03],
      [2, 0.03],
    ]) {
      const err = { off: [] as number[], auto: [] as number[] };
      let kept = 0;
      for (let r = 0; r < REPEATS; r++) {
        const truth = {
          ...drawWaterFatTruth(BODY, rng, { repetitionTime: 3, pdff }),
          eddyCurrent: { phaseRad, tauS },
        };
        const fid = simulateWaterFat(truth, [TE], rng).fids[0];
        fitter ??= new WaterFatFitter(fid, {});
        const want = signalFatFraction(truth, TE);
        for (const mode of ['off', 'auto'] as const) {
          const t0 = performance.now();
          const { result, ecc } = fitWithSelfEcc(fitter, fid, false, referenceWaterFat(fid), mode);
          seconds[mode] += (performance.now() - t0) / 1000;
          const got = result.signalFatFraction?.value;
          // A failed fit gives no number: counted as the largest error (100 points).
          const e = got === undefined ? 100 : got - want;
          err[mode].push(e);
          all[mode].push(e);
          if (mode === 'auto' && ecc.applied) kept++;
        }
        seconds.n++;
      }
      cells.push({
        pdffPercent: 100 * pdff,
        eddyPhaseRad: phaseRad,
        tauMs: 1000 * tauS,
        rmsErrorPoints: { off: rms(err.off), auto: rms(err.auto) },
        meanErrorPoints: { off: mean(err.off), auto: mean(err.auto) },
        kept: `${kept}/${REPEATS}`,
      });
    }
  }
  const noEddy = (mode: 'off' | 'auto') =>
    cells.filter((c) => c.eddyPhaseRad === 0).map((c) => (c.rmsErrorPoints as Record<string, number>)[mode]);
  return {
    benchmark: 'water-fat-ecc',
    what: 'signal fat fraction error (percentage points) of the water–fat fit without and with eddy-current correction from the water line',
    spectra: seconds.n,
    echoTimeMs: 1000 * TE,
    overall: { rmsErrorPoints: { off: rms(all.off), auto: rms(all.auto) } },
    withoutEddyCurrents: {
      worstCellRmsPoints: { off: Math.max(...noEddy('off')), auto: Math.max(...noEddy('auto')) },
    },
    msPerSpectrum: {
      off: Number(((1000 * seconds.off) / seconds.n).toFixed(1)),
      auto: Number(((1000 * seconds.auto) / seconds.n).toFixed(1)),
    },
    cells,
    loadAverage: [Number(load0.toFixed(2)), Number(loadavg()[0].toFixed(2))],
  };
}
