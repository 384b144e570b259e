import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Fid } from '../../src/core/fid.js';
import { Rng } from '../../src/core/random.js';
import { referenceWaterFat } from '../../src/fit/water-fat/referencing.js';
import { fitWithSelfEcc } from '../../src/fit/water-fat/self-ecc.js';
import { fitSeries } from '../../src/fit/water-fat/series.js';
import { WaterFatFitter } from '../../src/fit/water-fat/water-fat-fit.js';
import { readMrsFile } from '../../src/io/mrs-file.js';
import { weightedLine } from '../../src/linalg/index.js';
import { analysableFids } from '../../src/preproc/analysable.js';
import { eddyCurrentPhaseFromWater, removePhase } from '../../src/preproc/ecc-self.js';
import {
  addEddyCurrentPhase,
  signalFatFraction,
  simulateWaterFat,
  type WaterFatTruth,
} from '../../src/simulate/water-fat.js';
import { EXTDATA } from '../paths.js';

const TRUTH: WaterFatTruth = {
  pdff: 0.1,
  waterT2: 0.025,
  fatT2: 0.06,
  waterT1: 0.81,
  fatT1: 0.3,
  repetitionTime: 3,
  waterLorentzHz: 6,
  fatLorentzHz: 10,
  gaussianHz: 8,
  offsetPpm: 0.02,
  phase0Deg: 40,
  snr: 300,
};

/** The water–fat fit of one spectrum, with the correction mode given. */
function fitWaterFat(fid: Fid, mode: 'auto' | 'off') {
  return fitWithSelfEcc(new WaterFatFitter(fid, {}), fid, false, referenceWaterFat(fid), mode);
}

/** A phase minus its weighted straight line: what the correction leaves to the fit (phase and frequency). */
function detrended(phase: Float64Array, weight: Float64Array): Float64Array {
  const line = weightedLine(phase, weight);
  if (!line) throw new Error('no line');
  return phase.map((p, k) => p - (line.a + line.b * k));
}

describe('weighted straight line', () => {
  it('fits a + b·k exactly and ignores zero-weight samples', () => {
    const y = Float64Array.from({ length: 10 }, (_, k) => 2 - 0.5 * k);
    const w = Float64Array.from({ length: 10 }, (_, k) => (k < 8 ? 1 + k : 0));
    y[9] = 1000; // weight 0
    const l = weightedLine(y, w);
    expect(l?.a).toBeCloseTo(2, 12);
    expect(l?.b).toBeCloseTo(-0.5, 12);
    expect(weightedLine([1, 2, 3], [0, 1, 0])).toBeUndefined();
  });
});

describe('eddy-current correction from the water line (Klose with the spectrum as its own reference)', () => {
  it('recovers a known eddy-current phase from a water line, up to the straight line the fit models', () => {
    const truth = { ...TRUTH, pdff: 0, snr: 0 };
    const clean = simulateWaterFat(truth, [0.012], new Rng(1)).fids[0];
    const fid = { ...clean, data: Float64Array.from(clean.data) };
    const ec = { phaseRad: 1.2, tauS: 0.015 };
    addEddyCurrentPhase(fid.data, ec, fid.dwellTime);
    const got = eddyCurrentPhaseFromWater(fid);
    if (!got) throw new Error('no water line found');
    const weight = Float64Array.from(
      { length: fid.points },
      (_, k) => fid.data[2 * k] ** 2 + fid.data[2 * k + 1] ** 2,
    );
    const want = detrended(
      Float64Array.from(
        { length: fid.points },
        (_, k) => ec.phaseRad * (1 - Math.exp((-k * fid.dwellTime) / ec.tauS)),
      ),
      weight,
    );
    // Over the first 100 ms (the water line has decayed to 7 % of its start there).
    let worst = 0;
    for (let k = 0; k * fid.dwellTime < 0.1; k++) worst = Math.max(worst, Math.abs(got.phase[k] - want[k]));
    expect(worst).toBeLessThan(0.01);
    expect(got.rmsRad).toBeGreaterThan(0.1);
    expect(got.waterPpm).toBeCloseTo(4.7 + TRUTH.offsetPpm, 2);
    // Corrected, the FID is the undistorted one up to a phase a + b·t (water's own phase and frequency).
    const fixed = removePhase(fid, got.phase);
    const ratio = (k: number) =>
      Math.atan2(
        fixed.data[2 * k + 1] * clean.data[2 * k] - fixed.data[2 * k] * clean.data[2 * k + 1],
        fixed.data[2 * k] * clean.data[2 * k] + fixed.data[2 * k + 1] * clean.data[2 * k + 1],
      );
    const residual = detrended(
      Float64Array.from({ length: 200 }, (_, k) => ratio(k)),
      weight.subarray(0, 200),
    );
    expect(Math.max(...residual.map(Math.abs))).toBeLessThan(0.01);
  });

  it('gives the fat fraction back from a spectrum with eddy currents, and leaves one without them alone', () => {
    const rng = new Rng(3);
    const want = signalFatFraction(TRUTH, 0.012);
    const distorted = simulateWaterFat({ ...TRUTH, eddyCurrent: { phaseRad: 1, tauS: 0.015 } }, [0.012], rng)
      .fids[0];
    const off = fitWaterFat(distorted, 'off');
    const auto = fitWaterFat(distorted, 'auto');
    const ff = (r: typeof off) => r.result.signalFatFraction?.value ?? Number.NaN;
    // Without correction the eddy current's phase is read as fat (measured 2.1 points too high here).
    expect(ff(off) - want).toBeGreaterThan(1.5);
    expect(auto.ecc.applied).toBe(true);
    expect(Math.abs(ff(auto) - want)).toBeLessThan(0.5);
    expect(auto.ecc.residualToNoise.with).toBeLessThan(0.5 * (auto.ecc.residualToNoise.without ?? 0));
    expect(auto.ecc.note).toMatch(/residual .* → .* × noise/);
    // No eddy currents: the answer stays what the plain fit gives (within its SD), corrected or not (here the
    // correction is not kept: the residual does not fall).
    const clean = simulateWaterFat(TRUTH, [0.012], rng).fids[0];
    const a = fitWaterFat(clean, 'auto').result.signalFatFraction;
    const b = fitWaterFat(clean, 'off').result.signalFatFraction;
    if (!a || !b) throw new Error('no fat fraction');
    expect(Math.abs(a.value - b.value)).toBeLessThan(b.sd);
    expect(Math.abs(b.value - want)).toBeLessThan(3 * b.sd);
  });

  it('a 5-TE series with eddy currents: each echo corrected, the T2-corrected PDFF recovered', () => {
    const tes = [0.012, 0.024, 0.036, 0.048, 0.072];
    const truth = { ...TRUTH, pdff: 0.08, eddyCurrent: { phaseRad: 1.5, tauS: 0.01 } };
    const fids = simulateWaterFat(truth, tes, new Rng(9)).fids;
    const opts = { waterT1: TRUTH.waterT1, fatT1: TRUTH.fatT1 };
    const off = fitSeries(fids, opts);
    const auto = fitSeries(fids, { ...opts, ecc: 'auto' });
    expect(off.eddyCurrents).toBeUndefined();
    expect(auto.eddyCurrents?.map((e) => e.applied)).toEqual(tes.map(() => true));
    const err = (s: typeof off) => Math.abs((s.pdff?.value ?? Number.NaN) - 8);
    expect(err(off)).toBeGreaterThan(2);
    expect(err(auto)).toBeLessThan(Math.max(0.5, 2 * (auto.pdff?.sd ?? 0)));
  });

  it('real water references without fat: the fat fraction falls to about 0 and the residual to a tenth', () => {
    // Philips 3 T brain water reference (spant): 12.8 ± 11.9 % from a residual 249× the noise before.
    const philips = analysableFids(
      readMrsFile(join(EXTDATA, 'philips', 'spant_philips_spar_sdat_W.SDAT')),
    )[0];
    const off = fitWaterFat(philips, 'off');
    const auto = fitWaterFat(philips, 'auto');
    expect(off.result.signalFatFraction?.value).toBeGreaterThan(8);
    expect(auto.ecc.applied).toBe(true);
    expect(auto.result.signalFatFraction?.value).toBeLessThan(2);
    expect(auto.result.signalFatFraction?.sd).toBeLessThan(1);
    expect(auto.ecc.residualToNoise.with).toBeLessThan(0.1 * (auto.ecc.residualToNoise.without ?? 0));
    // 7 T STEAM water reference (FMRIB), whose session also has a separate eddy-current reference: the
    // correction from the water line comes close to Klose's with that reference.
    const dir = join(EXTDATA, 'nifti_mrs_7T_steam_fmrib');
    const wref = analysableFids(readMrsFile(join(dir, 'wref_raw.nii.gz')))[0];
    const ecc = analysableFids(readMrsFile(join(dir, 'ecc.nii.gz')))[0];
    const klose = removePhase(
      wref,
      Float64Array.from({ length: wref.points }, (_, k) => Math.atan2(ecc.data[2 * k + 1], ecc.data[2 * k])),
    );
    const self = fitWaterFat(wref, 'auto');
    const ref = fitWaterFat(klose, 'off');
    expect(self.ecc.applied).toBe(true);
    expect(fitWaterFat(wref, 'off').result.signalFatFraction?.value).toBeGreaterThan(4);
    expect(self.result.signalFatFraction?.value).toBeLessThan(2);
    expect(ref.result.signalFatFraction?.value).toBeLessThan(1);
    expect(self.ecc.residualToNoise.with).toBeLessThan(1.5 * (ref.ecc.residualToNoise.without ?? 0));
  });

  it('livermrs fit --ecc: a bad mode is a usage error naming the option', () => {
    const r = spawnSync(
      process.execPath,
      [
        'dist/src/cli/main.js',
        'fit',
        join(EXTDATA, 'philips', 'spant_philips_spar_sdat_W.SDAT'),
        '--json',
        '--ecc',
        'on',
      ],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--ecc: 'on' is not one of auto, off/);
  });
});
