/**
 * Lineshape models of the water–fat fit (fit/water-fat/reference-lineshape.ts, water-lines.ts): Voigt lines
 * against the water line as reference lineshape, and `auto`, on
 *
 * 1. every real water-unsuppressed spectrum of test/extdata (brain and phantom water references): residual over
 *    noise (whole window and ±0.35 ppm around water) and signal fat fraction ± SD, as `livermrs fit` runs them
 *    (eddy-current correction and water-line choice on auto);
 * 2. simulated spectra drawn like `livermrs simulate --water-fat` (PDFF 2–95 %, T2s, 15–45 Hz Lorentzian lines,
 *    SNR 20–500, transmitter ±2 ppm, random phase, TE 30 ms) whose lines all carry one of the measured lineshapes of
 *    data/lineshapes.json (5–15 Hz FWHM, in place of the Gaussian; 15 spectra per PDFF), and a narrow-lined set (Lorentzian 3–10 Hz,
 *    where the lineshape dominates): error of the signal fat fraction against the truth (bias, SD, RMS), per
 *    PDFF and overall, residual over noise, and fit time.
 *
 * Both with the non-fat stage (fit/water-fat/non-fat-lines.ts): whether it was kept, the residual of the whole
 * model, and on the real files the lines it fitted (per 10,000 of water).
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { Fid } from '../src/core/fid.js';
import { toFid } from '../src/core/mrs-data.js';
import { Rng } from '../src/core/random.js';
import type { LineshapeMode } from '../src/fit/water-fat/reference-lineshape.js';
import { referenceWaterFat } from '../src/fit/water-fat/referencing.js';
import { WATER_PPM } from '../src/physics/chemistry.js';
import { fitWaterLines, type WaterFatRun } from '../src/fit/water-fat/water-lines.js';
import { readLcmRaw } from '../src/io/lcmodel/raw.js';
import { readMrsFile } from '../src/io/mrs-file.js';
import { analysableFids } from '../src/preproc/analysable.js';
import { loadWaterFatCohort } from '../src/simulate/cohort-files.js';
import { builtinLineshapes } from '../src/simulate/lineshape-files.js';
import { drawWaterFatTruth } from '../src/simulate/water-fat-cohort.js';
import { signalFatFraction } from '../src/simulate/water-fat.js';
import { simulateWaterFatLineshape } from '../src/simulate/water-fat-lineshape.js';

const X = 'test/extdata';
const TE = 0.03;
const MODES: LineshapeMode[] = ['voigt', 'reference', 'auto'];
/** Spectra per measured lineshape and PDFF (five lineshapes: 15 per PDFF, 120 per set). */
const REPEATS = 3;
const r2 = (x: number) => Number(x.toFixed(2));
/** The built-in water–fat cohort (data/cohorts/water-fat/body.yaml): what `livermrs simulate --water-fat` draws. */
const BODY = loadWaterFatCohort().cohort;

/** The real water-unsuppressed spectra of test/extdata (the ISMRM .H2O files are summarised as one row). */
function realFiles(): { name: string; fid: Fid }[] {
  const out: { name: string; fid: Fid }[] = [];
  const mrs = (f: string) => analysableFids(readMrsFile(join(X, f)))[0];
  out.push({ name: 'Philips spant W (3 T)', fid: mrs('philips/spant_philips_spar_sdat_W.SDAT') });
  for (const f of ['wref_raw', 'quant_raw', 'ecc']) {
    out.push({ name: `7 T STEAM ${f}`, fid: mrs(`nifti_mrs_7T_steam_fmrib/${f}.nii.gz`) });
  }
  for (const f of ['P1751', 'P1802']) {
    const m = readMrsFile(join(X, `ge/tarquin_${f}_1.5T_030_2000.7`));
    if (m.reference) out.push({ name: `GE ${f} reference frames (1.5 T)`, fid: toFid(m.reference, 0) });
  }
  const raw = (f: string, sw: number, mhz: number) =>
    readLcmRaw(readFileSync(join(X, f), 'latin1'), f, { dwellTime: 1 / sw, spectrometerFrequency: mhz });
  out.push({ name: 'TARQUIN LCM_W.RAW', fid: raw('lcmodel/tarquin_LCM_W.RAW', 2000, 127.76) });
  for (let i = 1; i <= 28; i++) {
    out.push({
      name: `ISMRM dataset${i}.H2O`,
      fid: raw(`ismrm2016_fitting_challenge/datasets_LCModel/dataset${i}.H2O`, 4000, 123.2),
    });
  }
  return out;
}

function runOne(fid: Fid, mode: LineshapeMode): { run: WaterFatRun; ms: number } {
  const t0 = performance.now();
  const run = fitWaterLines(fid, { lineshape: mode }, 'auto', false, referenceWaterFat(fid), 'auto');
  return { run, ms: performance.now() - t0 };
}

/** Residual SD over the noise SD within ±0.35 ppm of water (real parts). */
function waterRegionResidual(run: WaterFatRun): number | undefined {
  const f = run.result.fit;
  if (!f?.quality.noiseSd) return undefined;
  let ss = 0;
  let c = 0;
  f.spectra.ppm.forEach((p, j) => {
    if (Math.abs(p - WATER_PPM) > 0.35) return;
    ss += f.spectra.residual[2 * j] ** 2;
    c++;
  });
  return c > 0 ? Math.sqrt(ss / c) / f.quality.noiseSd : undefined;
}

function summary(run: WaterFatRun) {
  const r = run.result;
  return {
    status: r.status.status,
    residualToNoise: r2(r.fit?.quality.residualToNoise ?? Number.NaN),
    waterRegionResidualToNoise: r2(waterRegionResidual(run) ?? Number.NaN),
    signalFatFraction: r.signalFatFraction
      ? { value: r2(r.signalFatFraction.value), sd: r2(r.signalFatFraction.sd) }
      : null,
    lineshape: r.lineshape.model,
    eccApplied: run.ecc.applied,
    // The non-fat stage (fit/water-fat/non-fat-lines.ts): residual of the whole model when kept.
    nonFatLines: r.nonFatLines
      ? {
          kept: r.nonFatLines.kept,
          residualToNoise: r2(r.nonFatLines.residualToNoise.with ?? Number.NaN),
          ...(r.nonFatLines.sidebands ? { sidebandHz: r2(r.nonFatLines.sidebands.offsetHz) } : {}),
          lines: r.nonFatLines.lines.map((l) => ({
            name: l.name,
            perTenThousandOfWater: r2(1e4 * l.toWater),
          })),
        }
      : null,
  };
}

const stats = (e: number[]) => {
  const n = e.length;
  const m = e.reduce((s, v) => s + v, 0) / n;
  const sd = Math.sqrt(e.reduce((s, v) => s + (v - m) ** 2, 0) / Math.max(1, n - 1));
  const rms = Math.sqrt(e.reduce((s, v) => s + v * v, 0) / n);
  return { n, bias: r2(m), sd: r2(sd), rms: r2(rms), maxAbs: r2(Math.max(...e.map(Math.abs))) };
};

export async function run(): Promise<Record<string, unknown>> {
  const load0 = loadavg()[0];
  const real = realFiles().map(({ name, fid }) => {
    const row: Record<string, unknown> = { file: name };
    for (const mode of MODES) row[mode] = summary(runOne(fid, mode).run);
    return row;
  });
  const shapes = [...builtinLineshapes('training'), ...builtinLineshapes('held-out')];
  const rng = new Rng(2121);
  const sets: Record<string, unknown> = {};
  const ms: Record<string, number[]> = { voigt: [], reference: [], auto: [] };
  for (const set of ['cohort', 'narrow'] as const) {
    const errors: Record<string, number[]> = { voigt: [], reference: [], auto: [] };
    const residuals: Record<string, number[]> = { voigt: [], reference: [], auto: [] };
    // Residual of the whole model (with the non-fat lines when kept) and how often they were kept.
    const residualsWhole: Record<string, number[]> = { voigt: [], reference: [], auto: [] };
    const nonFatKept: Record<string, number> = { voigt: 0, reference: 0, auto: 0 };
    const byPdff: Record<string, unknown>[] = [];
    for (const pdff of [0.02, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 0.95]) {
      const cell: Record<string, number[]> = { voigt: [], reference: [], auto: [] };
      for (const measured of shapes.flatMap((m) => Array.from({ length: REPEATS }, () => m))) {
        const truth = { ...drawWaterFatTruth(BODY, rng, { repetitionTime: 3, pdff }), gaussianHz: 0 };
        if (set === 'narrow') {
          truth.waterLorentzHz = 3 + 7 * rng.uniform();
          truth.fatLorentzHz = 3 + 7 * rng.uniform();
        }
        const fwhmHz = 5 + 10 * rng.uniform();
        const fid = simulateWaterFatLineshape(truth, TE, { measured, fwhmHz }, rng);
        const want = signalFatFraction(truth, TE);
        for (const mode of MODES) {
          const { run: r, ms: t } = runOne(fid, mode);
          ms[mode].push(t);
          const got = r.result.signalFatFraction?.value;
          // A failed fit gives no number: counted as a 100-point error.
          const e = got === undefined ? 100 : got - want;
          cell[mode].push(e);
          errors[mode].push(e);
          const rn = r.result.fit?.quality.residualToNoise ?? Number.NaN;
          residuals[mode].push(rn);
          const nf = r.result.nonFatLines;
          if (nf?.kept) nonFatKept[mode]++;
          residualsWhole[mode].push(nf?.kept ? (nf.residualToNoise.with ?? rn) : rn);
        }
      }
      byPdff.push({
        pdffPercent: 100 * pdff,
        ...Object.fromEntries(MODES.map((m) => [m, stats(cell[m])])),
      });
    }
    const med = (x: number[]) => r2([...x].sort((a, b) => a - b)[x.length >> 1]);
    sets[set] = {
      overall: Object.fromEntries(MODES.map((m) => [m, stats(errors[m])])),
      medianResidualToNoise: Object.fromEntries(MODES.map((m) => [m, med(residuals[m])])),
      medianResidualToNoiseWithNonFatLines: Object.fromEntries(MODES.map((m) => [m, med(residualsWhole[m])])),
      nonFatLinesKept: nonFatKept,
      byPdff,
    };
  }
  return {
    benchmark: 'water-fat-lineshape',
    what: 'Voigt vs reference lineshape in the water–fat fit: real water references (residual/noise, FF) and simulated spectra with measured lineshapes (FF error, points)',
    real,
    simulated: sets,
    msPerSpectrum: Object.fromEntries(
      MODES.map((m) => [m, r2(ms[m].reduce((s, v) => s + v, 0) / Math.max(1, ms[m].length))]),
    ),
    loadAverage: [r2(load0), r2(loadavg()[0])],
  };
}
