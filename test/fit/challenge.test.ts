import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Fid } from '../../src/core/fid.js';
import { Fitter, type FitResult } from '../../src/fit/fit.js';
import { ISMRM2016_SCALING, quantify } from '../../src/fit/quantify.js';
import { fitWaterReference } from '../../src/fit/water-reference.js';
import { readLcmBasis } from '../../src/io/lcmodel/basis.js';
import { readLcmRaw } from '../../src/io/lcmodel/raw.js';
import { CHALLENGE, REFERENCE } from '../paths.js';

// ISMRM 2016 fitting challenge with its own LCModel basis (123.2 MHz, 4000 Hz, 2048 points).
const header = { dwellTime: 1 / 4000, spectrometerFrequency: 123.2 };
const basisFile = `${CHALLENGE}/basisset_LCModel/press3T_30ms.BASIS`;
const basis = readLcmBasis(readFileSync(basisFile, 'utf8'), basisFile);
const raw = (path: string): Fid => readLcmRaw(readFileSync(path, 'utf8'), path, header);
const dataset = (n: number) => raw(`${CHALLENGE}/datasets_LCModel/dataset${n}.RAW`);

const amp = (r: FitResult, name: string): number =>
  r.components.find((c) => c.name === name)?.amplitude ??
  (r.combined.find((c) => c.name === name)?.amplitude as number);

const median = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
};

describe('ISMRM 2016 fitting challenge', () => {
  const fitter = new Fitter(basis, dataset(1), {});
  const results = new Map<number, FitResult>();
  for (let n = 1; n <= 28; n++) results.set(n, fitter.fit(dataset(n)));

  it('ratios to Cr+PCr of datasets 1-23 sit close to the median of LCModel, FSL-MRS and spant', () => {
    const lines = readFileSync(`${REFERENCE}/ismrm2016/ratios_to_tCr_fslmrs_lcmodel_spant.csv`, 'utf8')
      .trim()
      .split('\n');
    const head = lines[0].split(',');
    const col = (row: string[], key: string) => Number(row[head.indexOf(key)]);
    const metrics: [string, string, number][] = [
      ['NAA+NAAG', 'NAA+NAAG', 5],
      ['Glu', 'Glu', 10],
      ['Ins', 'Ins', 10],
      ['GPC+PCh', 'GPC+PCho', 10],
    ];
    for (const [refName, ourName, limit] of metrics) {
      const diffs: number[] = [];
      for (const line of lines.slice(1)) {
        const row = line.split(',');
        const ds = Number(row[0]);
        if (ds > 23) continue;
        const ref = median([
          col(row, `${refName}_fsl`),
          col(row, `${refName}_lcm`),
          col(row, `${refName}_spant`),
        ]);
        const r = results.get(ds) as FitResult;
        const ours = amp(r, ourName) / amp(r, 'Cr+PCr');
        diffs.push((100 * Math.abs(ours - ref)) / ref);
      }
      expect(diffs).toHaveLength(23);
      // Measured: NAA+NAAG 0.6%, Glu 4.3%, Ins 3.4%, GPC+PCh 1.8%.
      expect(median(diffs), refName).toBeLessThan(limit);
    }
  });

  it('water-scaled concentrations and CRLBs of datasets 1-23 follow FSL-MRS dataset by dataset', () => {
    // FSL-MRS 2.4.11 on the same RAW/H2O pairs and basis (test/reference/ismrm2016/tidy). FSL-MRS applies its
    // own default water and relaxation constants rather than the challenge README's, so its mM differ from
    // ours by one unit factor (measured 1.10 for every metabolite); what must agree dataset by dataset is the
    // metabolite-to-water scaling, i.e. both fits and the water reference area.
    const rows = readFileSync(`${REFERENCE}/ismrm2016/tidy/fslmrs_2.4.11_ismrm2016.csv`, 'utf8')
      .trim()
      .split(/\r?\n/)
      .map((l) => l.split(','));
    const fsl = (n: number, m: string, col: number) =>
      m.split('+').reduce((a, x) => a + Number(rows.find((r) => Number(r[0]) === n && r[1] === x)?.[col]), 0);
    const ratios = new Map<string, number[]>();
    const crlbRatios = new Map<string, number[]>();
    for (let n = 1; n <= 23; n++) {
      const water = fitWaterReference(raw(`${CHALLENGE}/datasets_LCModel/dataset${n}.H2O`));
      const q = quantify(results.get(n) as FitResult, { water, scaling: ISMRM2016_SCALING });
      for (const m of ['Cr+PCr', 'NAA+NAAG', 'Glu', 'Ins', 'NAA']) {
        const c = q.components.find((x) => x.name === m);
        ratios.set(m, [...(ratios.get(m) ?? []), (c?.concentration as number) / fsl(n, m, 3)]);
        if (!m.includes('+'))
          crlbRatios.set(m, [...(crlbRatios.get(m) ?? []), (c?.crlbPercent as number) / fsl(n, m, 4)]);
      }
    }
    const unit = median([...ratios.values()].flat());
    // Measured 1.101 (median over 5 metabolites × 23 datasets).
    expect(unit).toBeGreaterThan(1.07);
    expect(unit).toBeLessThan(1.13);
    for (const m of ['Cr+PCr', 'NAA+NAAG', 'Glu']) {
      // Measured: every dataset within −3% / +7% of the common factor for these three.
      for (const r of ratios.get(m) as number[]) expect(Math.abs(r / unit - 1), m).toBeLessThan(0.08);
    }
    // %CRLB from the same Fisher information: measured median ratio to FSL-MRS Glu 1.05, Ins 1.11, NAA 1.15.
    for (const [m, r] of crlbRatios) {
      expect(median(r), m).toBeGreaterThan(0.9);
      expect(median(r), m).toBeLessThan(1.25);
    }
  });

  it('%CRLB of datasets 1-23 is of the size of the %SD LCModel prints', () => {
    // LCModel 6.3-1N tables (tidy copy, checked against the .table files in test/io/reference-tables.test.ts).
    // LCModel's water-scaled concentrations are not compared: its total creatine stays at 5.3-6.2 over the
    // datasets where FSL-MRS ranges 7.7-10.7 mM and livermrs follows it within 8%, a dataset-dependent factor
    // of 1.4-1.9 that neither of the two agreeing tools shows.
    const rows = readFileSync(`${REFERENCE}/ismrm2016/tidy/lcmodel_6.3-1N_ismrm2016.csv`, 'utf8')
      .trim()
      .split(/\r?\n/)
      .map((l) => l.split(','));
    const sd = (n: number, m: string) => Number(rows.find((r) => Number(r[0]) === n && r[1] === m)?.[3]);
    for (const m of ['Cr+PCr', 'NAA+NAAG', 'Glu', 'Glu+Gln']) {
      const r: number[] = [];
      for (let n = 1; n <= 23; n++) {
        const c = quantify(results.get(n) as FitResult).components.find((x) => x.name === m);
        r.push((c?.crlbPercent as number) / sd(n, m));
      }
      // Measured medians: Cr+PCr 1.22, NAA+NAAG 1.34, Glu 0.96, Glu+Gln 1.00 (LCModel prints whole percents).
      expect(median(r), m).toBeGreaterThan(0.75);
      expect(median(r), m).toBeLessThan(1.5);
    }
  });

  it('datasets 24-28 (lipids, artefacts) give finite results with a warning, never all zeros', () => {
    for (let n = 24; n <= 28; n++) {
      const r = results.get(n) as FitResult;
      const amps = r.components.map((c) => c.amplitude);
      expect(amps.every(Number.isFinite), `dataset ${n}`).toBe(true);
      expect(
        amps.some((a) => a > 0),
        `dataset ${n}`,
      ).toBe(true);
      expect(r.components.every((c) => Number.isFinite(c.crlb))).toBe(true);
      const q = quantify(r, { reference: 'Cr+PCr' });
      expect(q.components.every((c) => c.ratio === undefined || Number.isFinite(c.ratio))).toBe(true);
      expect(r.warnings.length + q.warnings.length, `dataset ${n}`).toBeGreaterThan(0);
    }
    // The clean datasets fit down to the noise without fit-quality warnings (minor metabolites may carry the
    // CRLB > 50% note).
    const quality = (r: FitResult) => r.warnings.filter((w) => w.code !== 'crlb-high');
    expect(quality(results.get(1) as FitResult)).toEqual([]);
    expect((results.get(1) as FitResult).quality.residualToNoise).toBeLessThan(1.1);
  });

  it('the Cr-only water-scaling set gives the value FSL-MRS gets (10.78 mM) with the challenge constants', () => {
    const dir = `${CHALLENGE}/Cr_water_scaling_LCModel`;
    const fid = raw(`${dir}/Cr_10mM_test_water_scaling.RAW`);
    const r = new Fitter(basis, fid, {}).fit(fid);
    const water = fitWaterReference(raw(`${dir}/Cr_10mM_test_water_scaling.H2O`));
    expect(water.area / water.firstPoint).toBeCloseTo(1, 3);
    const q = quantify(r, { water, scaling: ISMRM2016_SCALING, reference: 'Cr+PCr' });
    const tcr = q.components.find((c) => c.name === 'Cr+PCr')?.concentration as number;
    // The README's formula promises 10 mM, but its H2O file holds 2 × 27 432 (not 2 × 29 697) at t = 0, so
    // any correct fit gives 10 × 29697/27432 = 10.83 mM; FSL-MRS's own test expects 10.78 ± 0.1 for these
    // files (fsl_mrs/tests/test_utils_quantify.py). The metabolite side is exact: Cr fitted at 10.0 mM × 5
    // protons × e^(−30/160) within 0.2%.
    expect(Math.abs(tcr - 10.78) / 10.78).toBeLessThan(0.015);
    const crSignal = (amp(r, 'Cr+PCr') * 5) / 64;
    expect(crSignal / (10 * 5 * Math.exp(-30 / 160))).toBeCloseTo(1, 2);
  });
});
