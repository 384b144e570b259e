/**
 * Benchmark "simulate": spectra per second of the liver simulator (1024 points, 20 components, every nuisance
 * term on: Voigt lines, shift, φ0, φ1, residual water, baseline, noise) on one thread and on all cores, and the
 * peak resident memory while streaming 10^6 training spectra. Floor (issue #3): 20,000 spectra/s on all cores.
 */
import { availableParallelism } from 'node:os';
import { defaultLiverBasis, LIVER_COMPONENTS } from '../src/physics/index.js';
import { loadCohort } from '../src/simulate/cohort-files.js';
import { SpectrumGenerator } from '../src/simulate/generator.js';
import { runJob } from '../src/simulate/jobs.js';
import { defaultPreprocess } from '../src/simulate/preprocess.js';
import { trainingBatches } from '../src/simulate/stream.js';

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[s.length >> 1];
}

export async function run(): Promise<Record<string, unknown>> {
  const cohort = loadCohort('hbv-lc').cohort;
  const basis = defaultLiverBasis();
  const gen = new SpectrumGenerator(cohort, basis);
  const preprocess = defaultPreprocess({
    points: 1024,
    dwellTime: 1 / 2000,
    spectrometerFrequency: 127.76,
    ppmReference: 4.65,
  });
  const setup = { preprocess, targets: [...LIVER_COMPONENTS] };

  // Single thread, in-process: training batches (frequency domain, preprocessed) and dataset chunks (+ time domain).
  const rate = (kind: 'batch' | 'dataset', n: number) => {
    const t = performance.now();
    runJob(
      gen,
      kind === 'batch'
        ? { kind, seed: 1, start: 0, count: n }
        : { kind, seed: 1, start: 0, count: n, perGroup: n },
      setup,
    );
    return n / ((performance.now() - t) / 1000);
  };
  rate('batch', 5000); // warm-up
  const single = median([0, 1, 2].map(() => rate('batch', 20_000)));
  const singleDataset = median([0, 1, 2].map(() => rate('dataset', 10_000)));

  // All cores: the worker-pool stream, as training would consume it.
  const threads = availableParallelism();
  const streamRate = async (spectra: number, trackMemory: boolean) => {
    let peak = process.memoryUsage().rss;
    const t = performance.now();
    let n = 0;
    for await (const b of trainingBatches({ cohort, basis, seed: 2, batchSize: 512, spectra, threads })) {
      n += b.size;
      if (trackMemory) peak = Math.max(peak, process.memoryUsage().rss);
    }
    return { rate: n / ((performance.now() - t) / 1000), peakRssMB: peak / 2 ** 20 };
  };
  await streamRate(50_000, false); // warm-up (worker start, JIT)
  const all = (await streamRate(200_000, false)).rate;
  const million = await streamRate(1_000_000, true);

  return {
    points: 1024,
    components: LIVER_COMPONENTS.length,
    nuisance:
      'Voigt (per-component Lorentzian + shared Gaussian), shift, phi0, phi1, residual water, 7-knot baseline, noise',
    singleThreadSpectraPerSecond: Math.round(single),
    singleThreadDatasetSpectraPerSecond: Math.round(singleDataset),
    threads,
    allCoresSpectraPerSecond: Math.round(all),
    stream1e6SpectraPerSecond: Math.round(million.rate),
    stream1e6PeakRssMB: Math.round(million.peakRssMB),
    floorSpectraPerSecond: 20_000,
    meetsFloor: Math.max(all, million.rate) >= 20_000,
  };
}
