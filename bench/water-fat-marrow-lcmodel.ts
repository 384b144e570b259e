/**
 * livermrs beside LCModel on simulated marrow-like spectra with real lineshapes: water-unsuppressed, PDFF uniform
 * 60–95 %, 3 T (127.76 MHz, 2000 Hz, 1024 points) PRESS TE 30 ms, TR 3 s, drawn as `livermrs simulate
 * --water-fat` draws (data/cohorts/water-fat/body.yaml: T2s, Lorentzian 15–45 Hz, SNR 20–500, random phase;
 * transmitter on water), every line multiplied by one of the measured lineshapes of data/lineshapes.json
 * (stretched to 5–15 Hz FWHM, in place of the Gaussian; simulate/water-fat-lineshape.ts). The estimate is the
 * signal fat fraction at TE (no relaxation correction in either program), the truth signalFatFraction(truth, TE).
 *
 * - livermrs: the water–fat fit as `livermrs fit` runs it (fit/water-fat/water-lines.ts fitWaterLines, lineshape
 *   'reference' by default, eddy-current correction and water-line choice on auto).
 * - LCModel: only when the environment variable LCMODEL names an LCModel binary (LCModel is not part of the
 *   project; its public BSD source builds with gfortran). Each spectrum is written as .RAW (io/lcmodel/raw.ts)
 *   and fitted with SPTYPE='lipid-8', PPMST 8, PPMEND −2 (the unsuppressed-water setting of LCModel's manual),
 *   no basis file, the .RAW scaled by RAW_SCALE; fat = (L16+L09+L13) + (L28+L23+L21) + Lip41 + Lip43 +
 *   (Lip53+Lip52) and FF = fat / (fat + Water) from the .COORD table's areas (the protocol of bench/results/water-fat-lcmodel.json). A run
 *   ending FATAL, or without a Water or lipid row, counts as a failure. Without LCMODEL the record says that
 *   LCModel was not run and carries the committed result's LCModel block (same N) as `lastMeasured`.
 *
 * Error = estimate − truth in percentage points: bias, SD, RMS, max; over all spectra each program fitted and
 * over the spectra both fitted (the like-for-like SD).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Fid } from '../src/core/fid.js';
import { Rng } from '../src/core/random.js';
import { referenceWaterFat } from '../src/fit/water-fat/referencing.js';
import { fitWaterLines } from '../src/fit/water-fat/water-lines.js';
import { loadWaterFatCohort } from '../src/simulate/cohort-files.js';
import { builtinLineshapes } from '../src/simulate/lineshape-files.js';
import { drawWaterFatTruth } from '../src/simulate/water-fat-cohort.js';
import { signalFatFraction } from '../src/simulate/water-fat.js';
import { simulateWaterFatLineshape } from '../src/simulate/water-fat-lineshape.js';
import { runLcmodel } from './lcmodel-runner.js';

const N = Number(process.env.MARROW_LCM_N ?? 60);
/** The .RAW is written ×RAW_SCALE: LCModel's Marquardt step overflows (FATAL SOLVE 6) on FIDs of order 1. */
const RAW_SCALE = 1e5;
const TE = 0.03;
const BODY = loadWaterFatCohort().cohort;
/** LCModel's lipid-8 table rows that are fat (the 0.9–5.3 ppm triglyceride lines; sums as LCModel prints them). */
export const LCM_FAT_ROWS = ['L16+L09+L13', 'L28+L23+L21', 'Lip41', 'Lip43', 'Lip53+Lip52'];
const r3 = (x: number) => Number(x.toFixed(3));

function stats(e: number[]) {
  const n = e.length;
  if (n === 0) return { n };
  const m = e.reduce((s, v) => s + v, 0) / n;
  const sd = Math.sqrt(e.reduce((s, v) => s + (v - m) ** 2, 0) / Math.max(1, n - 1));
  const rms = Math.sqrt(e.reduce((s, v) => s + v * v, 0) / n);
  return { n, biasPts: r3(m), sdPts: r3(sd), rmsPts: r3(rms), maxAbsPts: r3(Math.max(...e.map(Math.abs))) };
}

/** Runs LCModel on one FID (lcmodel-runner.ts); the FF (%) or the reason it gave none. */
function lcmodelFf(
  bin: string,
  dir: string,
  i: number,
  fid: Fid,
): { ff?: number; failure?: string; seconds: number } {
  const { coord, failure, seconds } = runLcmodel(bin, dir, i, fid, {
    name: 'marrow',
    sptype: 'lipid-8',
    ppmst: 8,
    ppmend: -2,
    echoTimeMs: TE * 1000,
    scale: RAW_SCALE,
  });
  if (!coord) return { failure, seconds };
  const area = (name: string) => coord.table.find((r) => r.name === name)?.concentration;
  const water = area('Water');
  const fat = LCM_FAT_ROWS.map(area).filter((x): x is number => x !== undefined);
  if (water === undefined || fat.length === 0) return { failure: 'no Water or lipid row', seconds };
  const f = fat.reduce((s, v) => s + v, 0);
  return { ff: (100 * f) / (f + water), seconds };
}

/** The LCModel block of the committed result (same N), kept when LCModel is not at hand to re-run. */
function lastLcmodel(n: number): unknown {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  try {
    const last = JSON.parse(
      readFileSync(join(root, 'bench', 'results', 'water-fat-marrow-lcmodel.json'), 'utf8'),
    );
    if (last.conditions?.spectra !== n) return undefined;
    return last.lcmodel?.ran ? last.lcmodel : last.lcmodel?.lastMeasured;
  } catch {
    return undefined;
  }
}

export async function run(): Promise<Record<string, unknown>> {
  const load0 = loadavg()[0];
  const bin = process.env.LCMODEL;
  const shapes = [...builtinLineshapes('training'), ...builtinLineshapes('held-out')];
  const rng = new Rng(2131);
  const dir = bin ? mkdtempSync(join(tmpdir(), 'livermrs-lcm-')) : '';
  const rows: { truth: number; livermrs?: number; lcmodel?: number; lcmFailure?: string }[] = [];
  const ms: number[] = [];
  const lcmSeconds: number[] = [];
  try {
    for (let i = 0; i < N; i++) {
      const pdff = 0.6 + 0.35 * rng.uniform();
      // The scanner's frequency on water (offset 0): LCModel's referencing window is ±0.1–0.2 ppm around its
      // reference peaks, a ±2 ppm transmitter offset is a livermrs-only test (bench water-fat).
      const truth = {
        ...drawWaterFatTruth(BODY, rng, { repetitionTime: 3, pdff }),
        gaussianHz: 0,
        offsetPpm: 0,
      };
      const measured = shapes[i % shapes.length];
      const fid = simulateWaterFatLineshape(truth, TE, { measured, fwhmHz: 5 + 10 * rng.uniform() }, rng);
      const want = signalFatFraction(truth, TE);
      const t0 = performance.now();
      const fit = fitWaterLines(fid, {}, 'auto', false, referenceWaterFat(fid), 'auto');
      ms.push(performance.now() - t0);
      const row: (typeof rows)[number] = { truth: want };
      const got = fit.result.status.status === 'failed' ? undefined : fit.result.signalFatFraction?.value;
      if (got !== undefined) row.livermrs = got;
      if (bin) {
        const l = lcmodelFf(bin, dir, i, fid);
        lcmSeconds.push(l.seconds);
        if (l.ff !== undefined) row.lcmodel = l.ff;
        else row.lcmFailure = l.failure;
      }
      rows.push(row);
    }
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
  const err = (k: 'livermrs' | 'lcmodel', rs: typeof rows) =>
    rs.filter((r) => r[k] !== undefined).map((r) => (r[k] as number) - r.truth);
  const both = rows.filter((r) => r.livermrs !== undefined && r.lcmodel !== undefined);
  const failures: Record<string, number> = {};
  for (const r of rows) if (r.lcmFailure) failures[r.lcmFailure] = (failures[r.lcmFailure] ?? 0) + 1;
  const median = (x: number[]) => [...x].sort((a, b) => a - b)[x.length >> 1];
  return {
    benchmark: 'water-fat-marrow-lcmodel',
    what: 'signal fat fraction error (points) of livermrs and LCModel lipid-8 on simulated marrow-like water-unsuppressed spectra (PDFF 60–95 %) with measured lineshapes',
    conditions: {
      spectra: N,
      grid: '127.76 MHz, 2000 Hz, 1024 points, ppm reference 4.65',
      acquisition: 'PRESS TE 30 ms, TR 3 s, water not suppressed',
      draw: 'data/cohorts/water-fat/body.yaml as `livermrs simulate --water-fat`, PDFF uniform 60–95 %, transmitter on water, seed 2131',
      lineshapes: `data/lineshapes.json, all ${shapes.length} (training and held-out) in turn, FWHM 5–15 Hz`,
      livermrs: 'fitWaterLines, default options (lineshape reference, eddy-current correction auto)',
      lcmodel: bin
        ? `SPTYPE='lipid-8', PPMST 8, PPMEND -2, no basis, .RAW x${RAW_SCALE}; FF = (${LCM_FAT_ROWS.join(' + ')})/(that + Water), .COORD areas`
        : 'not run (set LCMODEL to an LCModel binary)',
    },
    livermrs: {
      fitted: rows.filter((r) => r.livermrs !== undefined).length,
      error: stats(err('livermrs', rows)),
      errorOnBothFitted: stats(err('livermrs', both)),
      medianMsPerSpectrum: Number(median(ms).toFixed(1)),
    },
    lcmodel: bin
      ? {
          date: new Date().toISOString(),
          ran: true,
          fitted: rows.filter((r) => r.lcmodel !== undefined).length,
          failures,
          error: stats(err('lcmodel', rows)),
          errorOnBothFitted: stats(err('lcmodel', both)),
          medianSecondsPerSpectrum: Number(median(lcmSeconds).toFixed(2)),
        }
      : { ran: false, lastMeasured: lastLcmodel(N) },
    loadAverage: [r3(load0), r3(loadavg()[0])],
  };
}
