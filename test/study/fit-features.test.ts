import { describe, expect, it } from 'vitest';
import { Fitter } from '../../src/fit/fit.js';
import { loadCohort, loadCohortBasis } from '../../src/simulate/cohort-files.js';
import { SpectrumGenerator } from '../../src/simulate/generator.js';
import { STUDY_FIT_OPTIONS, spectrumFit, wrapDegrees } from '../../src/study/fit-features.js';

describe('NLLS fit -> simulator parameters (priors estimation input)', () => {
  it('recovers the signal model parameters of a simulated spectrum in the simulator conventions', () => {
    const loaded = loadCohort('truth-hbv');
    const basis = loadCohortBasis(loaded);
    const gen = new SpectrumGenerator(loaded.cohort, basis);
    const L = gen.layout;
    const row = new Float64Array(L.size);
    gen.sampleParameters(3, 0, 0, row);
    const set = (c: string, v: number) => {
      row[L.indexOf(c)] = v;
    };
    set('phi0_deg', 25);
    set('phi1_deg_per_ppm', 3);
    set('shift_hz', 4);
    set('gauss_hz', 6);
    set('snr', 3000);
    set('water_amp', 800);
    set('water_offset_hz', -6);
    set('water_lw_hz', 25);
    set('water_phase_deg', 40);
    set('baseline_amp', 0);
    for (let j = 0; j < L.baselineKnots; j++) row[L.baseline0 + j] = 0;
    for (const c of L.components) set(`lw_${c}`, c.startsWith('L') ? 18 : c === 'Glyc' ? 28 : 12);
    const n = gen.points;
    const fd = new Float64Array(2 * n);
    const td = new Float64Array(2 * n);
    gen.synthesize({ seed: 3, group: 0, index: 0 }, row, 0, { fd, td });
    const header = {
      points: n,
      dwellTime: basis.dwellTime,
      spectrometerFrequency: basis.spectrometerFrequency,
      ppmReference: basis.ppmReference,
      nucleus: '1H',
    };
    const fit = new Fitter(basis, header, STUDY_FIT_OPTIONS).fit({ ...header, data: td });
    const r = spectrumFit(fit, { ...header, waterPpm: 4.65 });
    const c = r.columns;
    expect(Math.abs(wrapDegrees(c.phi0_deg - 25))).toBeLessThan(3);
    expect(c.phi1_deg_per_ppm).toBeCloseTo(3, 0);
    expect(c.shift_hz).toBeCloseTo(4, 0);
    expect(c.lw_L13).toBeGreaterThan(16);
    expect(c.lw_L13).toBeLessThan(20);
    expect(c.lw_Glyc).toBeGreaterThan(20);
    expect(c.gauss_hz).toBeGreaterThan(3);
    expect(c.gauss_hz).toBeLessThan(9);
    expect(c.snr / 3000).toBeGreaterThan(0.9);
    expect(c.snr / 3000).toBeLessThan(1.1);
    expect(c.water_amp / 800).toBeGreaterThan(0.85);
    expect(c.water_amp / 800).toBeLessThan(1.15);
    expect(Math.abs(c.water_offset_hz + 6)).toBeLessThan(3);
    expect(Math.abs(wrapDegrees(c.water_phase_deg - 40))).toBeLessThan(10);
    expect(c.water_lw_hz).toBeGreaterThan(15);
    expect(c.water_lw_hz).toBeLessThan(35);
    // Amplitudes: the lipids at this SNR within a few percent, with their CRLB.
    const k = basis.names.indexOf('L13');
    expect(r.amplitudes[k] / row[L.indexOf('L13')]).toBeCloseTo(1, 1);
    expect(r.crlb[k]).toBeGreaterThan(0);
    expect(r.sd.phi0_deg).toBeGreaterThan(0);
  });

  it('wraps phases to (−180, 180]', () => {
    expect(wrapDegrees(190)).toBeCloseTo(-170, 12);
    expect(wrapDegrees(-180)).toBe(180);
    expect(wrapDegrees(540)).toBe(180);
    expect(wrapDegrees(-45)).toBe(-45);
  });
});
