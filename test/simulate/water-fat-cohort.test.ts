import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/random.js';
import { loadWaterFatCohort } from '../../src/simulate/cohort-files.js';
import { drawWaterFatTruth, parseWaterFatCohort } from '../../src/simulate/water-fat-cohort.js';
import { simulateWaterFatDataset } from '../../src/simulate/water-fat-dataset.js';

const loaded = loadWaterFatCohort();
const BODY = loaded.cohort;
const text = readFileSync(loaded.file, 'utf8');

describe('water–fat cohorts (data/cohorts/water-fat/*.yaml)', () => {
  it('the built-in body cohort draws each parameter from one uniform number, in the documented order', () => {
    // The draws `livermrs simulate --water-fat` has always made: u1..u7 of the seed's stream, in this order, on
    // these ranges; T1 fixed at the liver values of de Bazelaire et al. 2004 (809 and 382 ms at 3 T).
    const rng = new Rng(42);
    const twin = new Rng(42);
    for (let i = 0; i < 200; i++) {
      const t = drawWaterFatTruth(BODY, rng);
      const u = Array.from({ length: 7 }, () => twin.uniform());
      expect(t.pdff).toBe(0.95 * u[0]);
      expect(t.waterT2).toBeCloseTo(0.015 + 0.02 * u[1], 15);
      expect(t.fatT2).toBe(0.04 + 0.04 * u[2]);
      expect(t.waterT1).toBe(0.809);
      expect(t.fatT1).toBe(0.382);
      expect(t.repetitionTime).toBe(3);
      expect(t.waterLorentzHz).toBe(15 + 30 * u[3]);
      expect(t.fatLorentzHz).toBe(15 + 30 * u[4]);
      expect(t.gaussianHz).toBe(5);
      expect(t.offsetPpm).toBe(-2 + 4 * u[5]);
      expect(t.phase0Deg).toBe(360 * u[6]);
      expect(t.snr).toBe(20 + 480 * twin.uniform());
    }
    expect(BODY.protocol).toEqual({
      sequence: 'STEAM',
      echoTimes: [12, 24, 36, 48, 72],
      repetitionTime: 3000,
    });
  });

  it('a fixed PDFF and TR draw nothing: the next parameters take the next random numbers', () => {
    const a = drawWaterFatTruth(BODY, new Rng(7), { pdff: 0.3, repetitionTime: 1.5 });
    const twin = new Rng(7);
    const u = Array.from({ length: 7 }, () => twin.uniform());
    expect(a.pdff).toBe(0.3);
    expect(a.repetitionTime).toBe(1.5);
    expect(a.waterT2).toBeCloseTo(0.015 + 0.02 * u[0], 15);
    expect(a.snr).toBe(20 + 480 * u[6]);
  });

  it('names the field and line of a bad water–fat cohort', () => {
    const bad = (from: string, to: string) => () => parseWaterFatCohort(text.replace(from, to), 'wf.yaml');
    expect(bad('max: 0.95 }', 'max: 1.2 }')).toThrow(
      /wf\.yaml: subject\.pdff \(line 2\d\): can produce values outside 0\.\.1/,
    );
    expect(bad('kind: water-fat', 'kind: metabolites')).toThrow(/wf\.yaml: kind \(line 7\)/);
    expect(bad('gaussianHz: 5', 'gaussianHz: -5')).toThrow(/subject\.gaussianHz .*negative/);
    expect(bad('echoTimes: [12, 24, 36, 48, 72]', 'echoTimes: []')).toThrow(
      /protocol\.echoTimes .*at least one echo time/,
    );
    expect(bad('  snr:', '  sn:')).toThrow(InputError);
    expect(() => loadWaterFatCohort('no-such-cohort')).toThrow(/no such water–fat cohort.*\(expected .*body/);
  });

  it('writes one NIfTI-MRS per subject and a truth row each (one echo: no echo dimension)', () => {
    const r = simulateWaterFatDataset({ cohort: BODY, n: 3, seed: 1, echoTimes: [0.03] });
    expect(r.files.map((f) => f.name)).toEqual([
      'subject-0001.nii.gz',
      'subject-0002.nii.gz',
      'subject-0003.nii.gz',
    ]);
    const rows = r.truthCsv.trim().split('\n');
    expect(rows[0]).toBe(
      'file,pdff,water_t2,fat_t2,water_lorentz_hz,fat_lorentz_hz,gaussian_hz,offset_ppm,phase0_deg,snr,tr',
    );
    expect(rows).toHaveLength(4);
    expect(rows[1].split(',').at(-1)).toBe('3');
    expect(r.echoTimes).toEqual([0.03]);
    expect(simulateWaterFatDataset({ cohort: BODY, n: 1, seed: 1 }).echoTimes).toEqual([
      0.012, 0.024, 0.036, 0.048, 0.072,
    ]);
  });
});
