import { describe, expect, it } from 'vitest';
import { acquisitionFrom, sequenceKindOf } from '../../src/core/acquisition.js';
import { InputError } from '../../src/core/errors.js';
import type { Fid } from '../../src/core/fid.js';
import { Rng } from '../../src/core/random.js';
import { fatProtons, LIVER_FAT, peakProtons, relativeAreas } from '../../src/physics/chemistry.js';
import { referenceWaterFat } from '../../src/fit/water-fat/referencing.js';
import { fitDecay, fitSeries } from '../../src/fit/water-fat/series.js';
import { WaterFatFitter } from '../../src/fit/water-fat/water-fat-fit.js';
import { signalFatFraction, simulateWaterFat, type WaterFatTruth } from '../../src/simulate/water-fat.js';
import { loadWaterFatCohort } from '../../src/simulate/cohort-files.js';
import { drawWaterFatTruth } from '../../src/simulate/water-fat-cohort.js';
import { biasByTruth } from '../../src/study/quant-metrics.js';

/** The built-in water–fat cohort (data/cohorts/water-fat/body.yaml), as `livermrs simulate --water-fat` draws. */
const BODY = loadWaterFatCohort().cohort;

describe('Hamilton triglyceride model', () => {
  it('reproduces the in vivo liver peak ratios of Hamilton et al. 2011', () => {
    const p = peakProtons(LIVER_FAT);
    const at = (ppm: number) => p[[0.9, 1.3, 1.6, 2.02, 2.24, 2.75, 4.1, 4.3, 5.21, 5.31].indexOf(ppm)];
    // Paper: (2.02 + 2.24) / (1.30 + 1.60) = 0.172, 0.90 / (1.30 + 1.60) = 0.125, 2.75 = 0.6 %, 8.6 % at 4.1–5.3.
    expect((at(2.02) + at(2.24)) / (at(1.3) + at(1.6))).toBeCloseTo(0.172, 2);
    expect(at(0.9) / (at(1.3) + at(1.6))).toBeCloseTo(0.125, 2);
    const rel = relativeAreas(LIVER_FAT);
    expect(100 * rel[5]).toBeCloseTo(0.6, 1);
    expect(100 * (rel[6] + rel[7] + rel[8] + rel[9])).toBeCloseTo(8.6, 1);
    // Total protons 6·CL + 2 − 2·ndb equals the sum of the ten resonances.
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(fatProtons(LIVER_FAT), 10);
  });
});

describe('acquisition from headers', () => {
  it('reads the sequence kind from vendor names and refuses to guess others', () => {
    expect(sequenceKindOf('*svs_st')).toBe('steam');
    expect(sequenceKindOf('*svs_se')).toBe('press');
    expect(sequenceKindOf('PROBE-P')).toBe('press');
    expect(sequenceKindOf('PROBE-S')).toBe('steam');
    expect(sequenceKindOf('svs_slaser_dkd')).toBe('slaser');
    expect(sequenceKindOf('svs_laser')).toBeUndefined();
    expect(sequenceKindOf('MEGA-sLASER')).toBeUndefined();
    expect(sequenceKindOf(undefined)).toBeUndefined();
    const a = acquisitionFrom(
      { nucleus: '1H', spectrometerFrequency: 123.2, dwellTime: 5e-4, ppmReference: 4.7, echoTime: 0.012 },
      1024,
      { SequenceName: 'svs_st_histo', MixingTime: 0.01, WaterSuppressed: false },
      16,
    );
    expect(a).toMatchObject({ sequence: 'steam', mixingTime: 0.01, waterSuppressed: false, transients: 16 });
  });
});

const TES = [0.012, 0.024, 0.036, 0.048, 0.072];

/** The range users bring (issue: PDFF 0–95 %, T2w 15–35 ms, T2f 40–80 ms, 15–45 Hz, SNR 20–500, ±2 ppm). */
function cases(n: number, seed: number): WaterFatTruth[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => drawWaterFatTruth(BODY, rng, { repetitionTime: 3 }));
}

/** Regression slope of y on x: 1 + the slope of (y − x) on x (study/quant-metrics). */
const slope = (x: number[], y: number[]) => 1 + biasByTruth(x, y).slope;

describe('water–fat fit on simulated body spectra', () => {
  it('single TE: signal FF unbiased over PDFF 0–95 %, every off-frequency case referenced within 0.05 ppm', () => {
    const rng = new Rng(11);
    const truths = cases(80, 5);
    let fitter: WaterFatFitter | undefined;
    const truthFf: number[] = [];
    const got: number[] = [];
    for (const t of truths) {
      const { fids } = simulateWaterFat(t, [0.012], rng);
      fitter ??= new WaterFatFitter(fids[0]);
      const r = fitter.fit(fids[0]);
      expect(r.status.status).not.toBe('failed');
      expect(Math.abs(r.referencing.shiftPpm - t.offsetPpm)).toBeLessThan(0.05);
      truthFf.push(signalFatFraction(t, 0.012));
      got.push(r.signalFatFraction?.value as number);
    }
    const err = got.map((g, i) => g - truthFf[i]);
    const bias = err.reduce((a, b) => a + b, 0) / err.length;
    expect(Math.abs(bias)).toBeLessThan(0.5);
    expect(Math.abs(slope(truthFf, got) - 1)).toBeLessThan(0.02);
    expect(err.filter((e) => Math.abs(e) <= 2).length / err.length).toBeGreaterThanOrEqual(0.95);
  });

  it('5-TE series (HISTO): T2-corrected PDFF unbiased, slope 1.00 ± 0.02, T2s recovered', () => {
    const rng = new Rng(12);
    const truths = cases(40, 6);
    const truthPdff: number[] = [];
    const got: number[] = [];
    for (const t of truths) {
      const { fids } = simulateWaterFat(t, TES, rng);
      const s = fitSeries(fids, { waterT1: t.waterT1, fatT1: t.fatT1 });
      expect(s.status.status).not.toBe('failed');
      truthPdff.push(100 * t.pdff);
      got.push(s.pdff?.value as number);
      if (t.pdff > 0.2 && t.pdff < 0.8 && t.snr > 100) {
        expect(Math.abs((s.waterT2?.value as number) - t.waterT2)).toBeLessThan(0.004);
        expect(Math.abs((s.fatT2?.value as number) - t.fatT2)).toBeLessThan(0.01);
      }
    }
    const err = got.map((g, i) => g - truthPdff[i]);
    expect(Math.abs(err.reduce((a, b) => a + b, 0) / err.length)).toBeLessThan(0.5);
    expect(Math.abs(slope(truthPdff, got) - 1)).toBeLessThan(0.02);
    expect(err.filter((e) => Math.abs(e) <= 2).length / err.length).toBeGreaterThanOrEqual(0.95);
  });

  it("'chain' model recovers chain length and double bonds at high SNR", () => {
    const rng = new Rng(3);
    const composition = { chainLength: 17.8, doubleBonds: 2.6, midb: 0.6 };
    const t: WaterFatTruth = {
      ...drawWaterFatTruth(BODY, rng, { repetitionTime: 3, pdff: 0.4 }),
      offsetPpm: 0.3,
      snr: 2000,
      waterLorentzHz: 12,
      fatLorentzHz: 12,
      composition,
    };
    const { fids } = simulateWaterFat(t, [0.012], rng);
    const r = new WaterFatFitter(fids[0], { fatModel: 'chain' }).fit(fids[0]);
    const c = r.composition;
    expect(c).toBeDefined();
    expect(Math.abs((c?.chainLength.value as number) - 17.8)).toBeLessThan(
      4 * (c?.chainLength.sd as number) + 0.2,
    );
    expect(Math.abs((c?.doubleBonds.value as number) - 2.6)).toBeLessThan(
      4 * (c?.doubleBonds.sd as number) + 0.05,
    );
  });

  it('no signal, or no water–fat pattern in reach, ends as failed without numbers', () => {
    const rng = new Rng(9);
    const base = simulateWaterFat(
      { ...drawWaterFatTruth(BODY, rng, { repetitionTime: 3, pdff: 0.2 }), offsetPpm: 0 },
      [0.012],
      rng,
    ).fids[0];
    const noise: Fid = { ...base, data: base.data.map(() => 1e-3 * rng.normal()) };
    const fitter = new WaterFatFitter(base);
    const a = fitter.fit(noise);
    expect(a.status.status).toBe('failed');
    expect(a.status.reasons[0]).toMatch(/no signal/);
    expect(a.pdff).toBeUndefined();
    // Transmitter 5.5 ppm off: water and fat outside the ±2.5 ppm search.
    const off = simulateWaterFat(
      { ...drawWaterFatTruth(BODY, rng, { repetitionTime: 3, pdff: 0.2 }), offsetPpm: 5.5, snr: 200 },
      [0.012],
      rng,
    ).fids[0];
    const b = fitter.fit(off);
    expect(b.status.status).toBe('failed');
    expect(b.status.reasons[0]).toMatch(/not on water or fat/);
    expect(b.signalFatFraction).toBeUndefined();
  });

  it('tells water from fat when the transmitter sat on fat (axis off by −3.4 ppm)', () => {
    const rng = new Rng(4);
    for (const pdff of [0.05, 0.3, 0.5]) {
      const t = {
        ...drawWaterFatTruth(BODY, rng, { repetitionTime: 3, pdff }),
        offsetPpm: 1.9,
        snr: 100,
      };
      const ref = referenceWaterFat(simulateWaterFat(t, [0.012], rng).fids[0]);
      expect(ref.found).toBe(true);
      expect(Math.abs(ref.shiftPpm - 1.9)).toBeLessThan(0.05);
      expect(ref.confidence).toBeGreaterThan(0.2);
    }
  });
});

describe('multi-echo decay and series checks', () => {
  it('fitDecay recovers a0 and T2 of an exact exponential', () => {
    const t = [0.01, 0.02, 0.04, 0.08];
    const y = t.map((x) => ({ value: 3 * Math.exp(-x / 0.025), sd: 0.01 }));
    const d = fitDecay(t, y);
    expect(d.a0.value).toBeCloseTo(3, 8);
    expect(d.t2.value).toBeCloseTo(0.025, 8);
  });

  it('refuses duplicated or missing echo times and mixed fields', () => {
    const rng = new Rng(1);
    const { fids } = simulateWaterFat(
      drawWaterFatTruth(BODY, rng, { repetitionTime: 3, pdff: 0.2 }),
      [0.012, 0.024],
      rng,
    );
    expect(() => fitSeries([fids[0], { ...fids[1], echoTime: 0.012 }])).toThrow(/appears twice/);
    expect(() => fitSeries([fids[0], { ...fids[1], echoTime: undefined }])).toThrow(InputError);
    expect(() => fitSeries([fids[0], { ...fids[1], spectrometerFrequency: 63.9 }])).toThrow(
      /another grid or field/,
    );
  });
});

describe('series with several TRs', () => {
  it('fits water and fat T1 with T2 and gives the PDFF without literature T1', () => {
    const rng = new Rng(14);
    const t: WaterFatTruth = {
      ...drawWaterFatTruth(BODY, rng, { repetitionTime: 3, pdff: 0.3 }),
      waterT1: 0.7,
      fatT1: 0.35,
      snr: 400,
      offsetPpm: 0.1,
    };
    const fids: Fid[] = [];
    for (const tr of [0.5, 1, 3]) {
      for (const te of [0.012, 0.036, 0.072]) {
        fids.push(...simulateWaterFat({ ...t, repetitionTime: tr }, [te], rng).fids);
      }
    }
    const s = fitSeries(fids);
    expect(s.status.status).not.toBe('failed');
    expect(s.pdff?.correction).toMatch(/T1 fitted to 3 repetition times/);
    expect(Math.abs((s.pdff?.value as number) - 30)).toBeLessThan(1);
    expect(Math.abs((s.waterT1?.value as number) - 0.7)).toBeLessThan(0.05);
    expect(Math.abs((s.fatT1?.value as number) - 0.35)).toBeLessThan(0.05);
    // The same TE at another TR is not a duplicate; the same (TE, TR) is.
    expect(() => fitSeries([fids[0], fids[0]])).toThrow(/appears twice/);
  });
});
