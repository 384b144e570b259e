import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { formatCohort, parseCohort } from '../../src/simulate/cohort-schema.js';
import { type CsvTable, formatCsv, parseCsv } from '../../src/io/csv.js';
import { componentClassifier, SpectrumGenerator } from '../../src/simulate/generator.js';
import { estimatePriors, pooledScores } from '../../src/simulate/priors.js';
import { builtinCohort } from './helpers.js';
import { defaultLiverBasis } from '../../src/physics/index.js';

const truth = builtinCohort('truth-hbv');
const gen = new SpectrumGenerator(truth, defaultLiverBasis());

/** Known per-spectrum values (truth.csv-like) of n patients per group. */
function table(n: number, seed: number, edit?: (row: Record<string, number>, rng: Rng) => void): CsvTable {
  const rows: (string | number)[][] = [];
  const rng = new Rng(seed, 99);
  let extra: string[] = [];
  gen.groups.forEach((g, gi) => {
    for (let i = 0; i < n; i++) {
      const r = new Float64Array(gen.layout.size);
      gen.sampleParameters(seed, gi, i, r);
      const obj = gen.layout.toObject(r);
      edit?.(obj, rng);
      extra = Object.keys(obj).filter((k) => !gen.layout.columns.includes(k));
      rows.push([g, ...gen.layout.columns.map((c) => obj[c]), ...extra.map((c) => obj[c])]);
    }
  });
  return parseCsv(formatCsv(['group', ...gen.layout.columns, ...extra], rows));
}

const classOf = componentClassifier();

describe('priors estimation', () => {
  it('recovers the generating distributions, families and correlations from many spectra', () => {
    const result = estimatePriors(table(3000, 1), { template: truth, classOf });
    const lc = result.cohort.groups.LC;
    const pch = lc.amplitudes.PCh as { dist: string; mu: number; sigma: number };
    const truePch = truth.groups.LC.amplitudes.PCh as { mu: number; sigma: number };
    expect(pch.dist).toBe('lognormal');
    expect(pch.mu).toBeCloseTo(truePch.mu, 1);
    expect(pch.sigma / truePch.sigma).toBeGreaterThan(0.95);
    expect(pch.sigma / truePch.sigma).toBeLessThan(1.05);
    expect(result.cohort.groups['LC-HCC'].amplitudes.PCh).not.toEqual(lc.amplitudes.PCh);
    // shared class widths are recognised; Glyc has its own width
    expect(Object.keys(lc.nuisance.lorentzianWidth).sort()).toEqual(['Glyc', 'lipids', 'metabolites'].sort());
    // families chosen by likelihood
    expect(lc.nuisance.shift.dist).toBe('normal');
    expect(lc.nuisance.water.phase.dist).toBe('uniform');
    expect(lc.nuisance.snr.dist).toBe('lognormal');
    expect(lc.nuisance.lorentzianWidth.lipids.dist).toBe('truncnormal');
    // the lipid block of the copula comes back (0.97 between L09 and L13 in the truth)
    const corr = lc.correlation!;
    expect(corr.components).toEqual(expect.arrayContaining(['L09', 'L13', 'L21', 'L53']));
    const i = corr.components.indexOf('L09');
    const j = corr.components.indexOf('L13');
    expect(corr.matrix[i][j]).toBeCloseTo(0.97, 1);
    expect(corr.components).not.toContain('Ala');
  });

  it('deconvolves a known fit uncertainty from the observed spread', () => {
    // fits with 30 % relative error: ln x_fit = ln x + e, e ~ N(0, 0.3); the fit reports sd = 0.3 x
    const noisy = (withSd: boolean) =>
      table(3000, 2, (row, rng) => {
        row.Cho *= Math.exp(0.3 * rng.normal());
        if (withSd) row.sd_Cho = 0.3 * row.Cho;
      });
    const trueSigma = (truth.groups.LC.amplitudes.Cho as { sigma: number }).sigma;
    const naive = estimatePriors(noisy(false), { template: truth, classOf }).cohort.groups.LC.amplitudes
      .Cho as { sigma: number };
    const fixed = estimatePriors(noisy(true), { template: truth, classOf }).cohort.groups.LC.amplitudes
      .Cho as { sigma: number };
    expect(naive.sigma).toBeCloseTo(Math.sqrt(trueSigma ** 2 + 0.09), 1);
    expect(Math.abs(fixed.sigma / trueSigma - 1)).toBeLessThan(0.08);
  });

  it('gives a valid, simulatable cohort from 10 patients per group (shrunk correlations)', () => {
    const result = estimatePriors(table(10, 3), { template: truth, classOf, name: 'from-ten' });
    expect(result.correlations.LC.lambda).toBeGreaterThan(0);
    const text = formatCohort(result.cohort);
    const again = parseCohort(text, 'from-ten.yaml');
    expect(again.name).toBe('from-ten');
    const g = new SpectrumGenerator(again, defaultLiverBasis());
    const row = new Float64Array(g.layout.size);
    const fd = new Float64Array(2048);
    g.generate({ seed: 1, group: 1, index: 0 }, row, 0, { fd });
    expect(fd.every(Number.isFinite)).toBe(true);
  });

  it('pools the correlations within groups: one matrix for both, from twice the patients, closer to the truth', () => {
    // pooledScores: each group's scores standardised within the group, then concatenated.
    const byGroup = {
      A: [
        { name: 'x', z: Float64Array.from([1, 2, 3]) },
        { name: 'y', z: Float64Array.from([2, 4, 7]) },
      ],
      B: [{ name: 'x', z: Float64Array.from([10, 20, 30, 40]) }],
    };
    const pooled = pooledScores(byGroup);
    expect(pooled.map((p) => p.name)).toEqual(['x']); // y is not in every group
    expect(Array.from(pooled[0].z)).toEqual([
      -1,
      0,
      1,
      ...[-1.5, -0.5, 0.5, 1.5].map((v) => v / Math.sqrt(5 / 3)),
    ]);
    // On 10 patients per group of truth-hbv (lipids correlated 0.97 in both groups), over 20 draws: both groups
    // get the same matrix, and its L09–L13 entry is closer to 0.97 than the per-group ones on average.
    let errGroup = 0;
    let errPooled = 0;
    for (let seed = 10; seed < 30; seed++) {
      const t = table(10, seed);
      const entry = (c: { components: string[]; matrix: number[][] } | undefined) => {
        if (!c?.components.includes('L09') || !c.components.includes('L13')) return 0;
        return c.matrix[c.components.indexOf('L09')][c.components.indexOf('L13')];
      };
      const per = estimatePriors(t, { template: truth, classOf }).cohort.groups;
      const pool = estimatePriors(t, { template: truth, classOf, correlation: 'pooled' }).cohort.groups;
      expect(pool.LC.correlation).toEqual(pool['LC-HCC'].correlation);
      errGroup +=
        Math.abs(entry(per.LC.correlation) - 0.97) + Math.abs(entry(per['LC-HCC'].correlation) - 0.97);
      errPooled += 2 * Math.abs(entry(pool.LC.correlation) - 0.97);
    }
    expect(errPooled).toBeLessThan(0.8 * errGroup);
  });

  it('names the problem when the table lacks what it needs', () => {
    const t = table(5, 4);
    const noCho: CsvTable = { header: t.header.map((h) => (h === 'Cho' ? 'Choline' : h)), rows: t.rows };
    expect(() => estimatePriors(noCho, { template: truth, classOf, file: 'fits.csv' })).toThrow(
      /fits\.csv: no column 'Cho'/,
    );
    const few: CsvTable = { header: t.header, rows: t.rows.slice(0, 2) };
    expect(() => estimatePriors(few, { template: truth, classOf })).toThrow(/at least 3 spectra/);
  });
});
