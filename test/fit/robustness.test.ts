import { describe, expect, it } from 'vitest';
import { fitCohorts, LIPIDS, simulateCohorts, summarise } from '../../bench/fit-robustness.js';
import { Fitter } from '../../src/fit/fit.js';
import { cohortFitOptions } from '../../src/fit/liver-options.js';
import { loadCohort, loadCohortBasis } from '../../src/simulate/cohort-files.js';
import { SpectrumGenerator } from '../../src/simulate/generator.js';

// The fit model of simulated cohort spectra (cohortFitOptions) holds the simulator's signal model, and the
// global stage finds its minimum: the full 2 × 1,000-spectrum record is bench/fit-robustness.ts
// (bench/results/fit-robustness.json, docs/fit.md).
describe('fitting what the simulator makes', () => {
  const loaded = loadCohort('hbv-lc-hcc');
  const basis = loadCohortBasis(loaded);
  const gen = new SpectrumGenerator(loaded.cohort, basis);
  const L = gen.layout;
  const n = gen.points;
  const header = {
    points: n,
    dwellTime: basis.dwellTime,
    spectrometerFrequency: basis.spectrometerFrequency,
    ppmReference: basis.ppmReference,
    nucleus: '1H',
  };

  it('fits a noise-free cohort spectrum exactly: every nuisance term of the signal model is in the fit model', () => {
    // A draw of the cohort with its baseline, residual water (own phase), glycogen width, φ1: no noise.
    const row = new Float64Array(L.size);
    gen.sampleParameters(7, 0, 3, row);
    row[L.phi1] = 1.5;
    row[L.baselineAmp] = 300;
    const fd = new Float64Array(2 * n);
    const td = new Float64Array(2 * n);
    gen.synthesize({ seed: 7, group: 0, index: 3 }, row, 0, { fd, td, noise: false });
    // Run to convergence, without the glycogen width prior (its weight comes from the noise estimate, which
    // for noise-free data is the tails of the lines in the noise regions, not zero).
    const options = {
      ...cohortFitOptions(loaded.cohort.model),
      widthPriors: {},
      tolerance: 1e-15,
      minGain: 0,
      maxIterations: 300,
    };
    const r = new Fitter(basis, header, options).fit({ ...header, data: td });
    // Residual against the largest data point in the window: measured 2e-8; the water line without the
    // first-order phase left 3e-4, glycogen sharing the metabolite width more.
    let peak = 0;
    let res = 0;
    for (let j = 0; j < r.spectra.ppm.length; j++) {
      peak = Math.max(peak, Math.hypot(r.spectra.data[2 * j], r.spectra.data[2 * j + 1]));
      res = Math.max(res, Math.hypot(r.spectra.residual[2 * j], r.spectra.residual[2 * j + 1]));
    }
    expect(res / peak).toBeLessThan(1e-6);
    // Every amplitude (lactate under the 1.3 ppm methylene included: measured 2e-4 relative).
    for (const c of r.components) {
      const truth = row[L.amplitude0 + L.components.indexOf(c.name)];
      expect(Math.abs(c.amplitude - truth), c.name).toBeLessThan(2e-3 * truth);
    }
    const lw = r.linewidthsHz;
    expect(lw.glycogen).toBeGreaterThan(lw.metabolite);
  });

  it('60 spectra per training cohort: residual at the noise, status ok, lipid CRLBs honest', async () => {
    const sets = await simulateCohorts(60);
    const s = summarise(fitCohorts(sets, (c) => cohortFitOptions(c.model))) as {
      residualRatio: { fractionAtMost1_3: number; max: number };
      status: Record<string, number>;
      crlbAll: Record<string, { outside1: number; outside3: number }>;
    };
    expect(s.residualRatio.fractionAtMost1_3).toBe(1);
    expect(s.status.ok).toBeGreaterThanOrEqual(0.95 * 120);
    // 600 lipid amplitudes (L09 … L53): Gaussian errors leave 0.27 % beyond 3 CRLB and 32 % beyond 1.
    expect(LIPIDS).toHaveLength(5);
    expect(s.crlbAll.lipid.outside3).toBeLessThanOrEqual(0.02);
    expect(s.crlbAll.lipid.outside1).toBeGreaterThan(0.1);
    expect(s.crlbAll.lipid.outside1).toBeLessThan(0.45);
  });
});
