/**
 * Water–fat fit speed and accuracy, one core, warm process (fitter prepared once per geometry):
 * - single TE (30 ms): 60 simulated water-unsuppressed spectra over the range users bring (PDFF 0–95 %, water
 *   T2 15–35 ms, fat T2 40–80 ms, 15–45 Hz, SNR 20–500, transmitter ±2 ppm off, random phase), referencing
 *   included; floor 50 ms per spectrum;
 * - 5-TE HISTO series (12/24/36/48/72 ms, TR 3000): 20 series; floor 150 ms per series.
 * LCModel 6.3-1N (lipid-8 / liver-11) on the same kind of spectra was measured by hand in the same session
 * (it is not part of the project): bench/results/water-fat-lcmodel.json.
 */
import { loadavg } from 'node:os';
import { loadWaterFatCohort } from '../src/simulate/cohort-files.js';
import { drawWaterFatTruth } from '../src/simulate/water-fat-cohort.js';
import { Rng } from '../src/core/random.js';
import { fitSeries } from '../src/fit/water-fat/series.js';
import { LIVER_RELAXATION_3T, WaterFatFitter } from '../src/fit/water-fat/water-fat-fit.js';
import { signalFatFraction, simulateWaterFat } from '../src/simulate/water-fat.js';
import { absoluteErrors, biasByTruth, errorSummary } from '../src/study/quant-metrics.js';

/** The built-in water–fat cohort (data/cohorts/water-fat/body.yaml), as `livermrs simulate --water-fat` draws. */
const BODY = loadWaterFatCohort().cohort;

function stats(v: number[]): { median: number; p90: number; n: number } {
  const s = [...v].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { median: Number(q(0.5).toFixed(2)), p90: Number(q(0.9).toFixed(2)), n: s.length };
}

function timed(fn: () => void): { wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const c = process.cpuUsage(c0);
  return { wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 };
}

/** Bias, worst error and share within 2 points (percentage points), and the regression slope of fit on truth. */
function errors(truth: number[], got: number[]) {
  const e = errorSummary(truth, got);
  const within = truth.filter((t, i) => Math.abs(got[i] - t) <= 2).length / truth.length;
  return {
    biasPoints: Number(e.bias.toFixed(3)),
    maxAbsErrorPoints: Number(Math.max(...absoluteErrors(truth, got)).toFixed(3)),
    within2Points: Number(within.toFixed(3)),
    // slope of (estimate − truth) on truth, + 1: the slope of estimate on truth.
    slope: Number((1 + biasByTruth(truth, got).slope).toFixed(4)),
  };
}

export async function run(): Promise<Record<string, unknown>> {
  const load0 = loadavg()[0];
  const rng = new Rng(31);
  const single = Array.from({ length: 60 }, () => {
    const t = drawWaterFatTruth(BODY, rng, { repetitionTime: 3 });
    return { t, fid: simulateWaterFat(t, [0.03], rng).fids[0] };
  });
  const fitter = new WaterFatFitter(single[0].fid, {
    relaxation: { ...LIVER_RELAXATION_3T, echoTime: 0.03, repetitionTime: 3 },
  });
  for (let i = 0; i < 3; i++) fitter.fit(single[i].fid);
  const sWall: number[] = [];
  const sCpu: number[] = [];
  const sTruth: number[] = [];
  const sGot: number[] = [];
  for (const { t, fid } of single) {
    let r: ReturnType<WaterFatFitter['fit']> | undefined;
    const m = timed(() => {
      r = fitter.fit(fid);
    });
    sWall.push(m.wall);
    sCpu.push(m.cpu);
    sTruth.push(signalFatFraction(t, 0.03));
    sGot.push(r?.signalFatFraction?.value ?? Number.NaN);
  }
  const tes = [0.012, 0.024, 0.036, 0.048, 0.072];
  const series = Array.from({ length: 20 }, () => {
    const t = drawWaterFatTruth(BODY, rng, { repetitionTime: 3 });
    return { t, fids: simulateWaterFat(t, tes, rng).fids };
  });
  fitSeries(series[0].fids, { waterT1: 0.809, fatT1: 0.382 });
  const mWall: number[] = [];
  const mCpu: number[] = [];
  const mTruth: number[] = [];
  const mGot: number[] = [];
  for (const { t, fids } of series) {
    let r: ReturnType<typeof fitSeries> | undefined;
    const m = timed(() => {
      r = fitSeries(fids, { waterT1: 0.809, fatT1: 0.382 });
    });
    mWall.push(m.wall);
    mCpu.push(m.cpu);
    mTruth.push(100 * t.pdff);
    mGot.push(r?.pdff?.value ?? Number.NaN);
  }
  return {
    loadAverage: [Number(load0.toFixed(2)), Number(loadavg()[0].toFixed(2))],
    singleTe: {
      points: 1024,
      spectra: single.length,
      wallMs: stats(sWall),
      cpuMs: stats(sCpu),
      floorMedianMs: 50,
      signalFatFraction: errors(sTruth, sGot),
    },
    series5Te: {
      echoTimesMs: tes.map((x) => x * 1000),
      series: series.length,
      wallMs: stats(mWall),
      cpuMs: stats(mCpu),
      floorMedianMs: 150,
      pdff: errors(mTruth, mGot),
    },
    lcmodel: 'measured by hand in the same session: bench/results/water-fat-lcmodel.json',
  };
}
