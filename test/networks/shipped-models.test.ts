import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Fid } from '../../src/core/fid.js';
import { readBundle } from '../../src/networks/bundle.js';
import { combineCohorts } from '../../src/networks/cohorts.js';
import type { NetworkInput } from '../../src/networks/input.js';
import {
  classifyWithBundle,
  prepareForBundle,
  quantifyWithBundle,
} from '../../src/networks/onnx-inference.js';
import { streamSeeds } from '../../src/networks/training.js';
import { loadCohort, loadCohortBasis } from '../../src/simulate/cohort-files.js';
import { type Dataset, simulateDataset } from '../../src/simulate/dataset.js';
import { REPO_ROOT } from '../helpers/repo.js';

/**
 * The shipped models (models/, `npm run train-models`) on spectra they never saw: 100 per group of the cohorts
 * they were trained on (hbv-lc, hbv-lc-hcc), simulated by the library with a seed that none of their training,
 * validation, test or guard-calibration streams used, and compared with the simulation's truth (the
 * parameters truth.csv holds). The bounds are the measured values with room for another retraining; they state
 * what the shipped qCNN can and cannot do.
 */
const MODELS = join(REPO_ROOT, 'models');
const HELD_OUT_SEED = 2026;
const PER_GROUP = 100;

let ds: Dataset;
let inputs: NetworkInput[];
let components: string[];
let values: number[][];
let sds: number[][];

function recordedSeeds(kind: 'qcnn' | 'ccnn'): number[] {
  const rec = JSON.parse(readFileSync(join(MODELS, `${kind}.training.json`), 'utf8'));
  const guard = JSON.parse(readFileSync(join(MODELS, `${kind}.guard.json`), 'utf8'));
  const seed: number = rec.model.training.seed;
  return [seed, ...Object.values(streamSeeds(seed)), guard.calibration.seed];
}

function fidOf(i: number): Fid {
  const n = 2 * ds.points;
  return {
    data: Float64Array.from(ds.fids.subarray(i * n, (i + 1) * n)),
    points: ds.points,
    dwellTime: ds.dwellTime,
    spectrometerFrequency: ds.spectrometerFrequency,
    ppmReference: ds.ppmReference,
    nucleus: '1H',
    echoTime: 0.03,
  };
}

beforeAll(async () => {
  const loaded = ['hbv-lc', 'hbv-lc-hcc'].map((c) => loadCohort(c));
  const cohort = combineCohorts(loaded, 'hbv-lc+hbv-lc-hcc');
  ds = await simulateDataset({
    cohort,
    basis: loadCohortBasis(loaded[0]),
    perGroup: PER_GROUP,
    seed: HELD_OUT_SEED,
  });
  const bundle = readBundle(MODELS, 'quantify');
  inputs = Array.from({ length: ds.count }, (_, i) => prepareForBundle(fidOf(i), bundle, `held-out ${i}`));
  const q = await quantifyWithBundle(bundle, inputs);
  components = q[0].components;
  values = q.map((r) => r.values);
  sds = q.map((r) => r.sd);
});

const truth = (i: number, name: string) => ds.params[i * ds.columns.length + ds.columns.indexOf(name)];

describe('shipped models on held-out simulated spectra', () => {
  it('the held-out seed is none of the seeds the training records name', () => {
    const used = [...recordedSeeds('qcnn'), ...recordedSeeds('ccnn')];
    // qCNN seed 1 (streams 8, 9, 10; guard 12), cCNN seed 2 (streams 15, 16, 17; guard 19).
    expect(used.sort((a, b) => a - b)).toEqual([1, 2, 8, 9, 10, 12, 15, 16, 17, 19]);
    expect(used).not.toContain(HELD_OUT_SEED);
    expect(ds.groups).toEqual(['LC', 'LC-HCC']);
    expect(components).toHaveLength(20);
  });

  it('qCNN: lipid and glycogen errors are a few percent; no metabolite is more than 45% off on average', () => {
    // Relative MAE = Σ|estimate − truth| / Σ truth. Measured (seed 2026, 200 spectra, the qCNN of 800,000
    // spectra): L09 0.019, L13 0.010, L21 0.016, L28 0.091, L53 0.022, Glyc 0.106; the other metabolites
    // 0.20-0.37 (docs/qcnn-ablation.md: 0.29).
    const bound: Record<string, number> = {
      L09: 0.04,
      L13: 0.03,
      L21: 0.04,
      L28: 0.15,
      L53: 0.05,
      Glyc: 0.16,
    };
    for (const [k, name] of components.entries()) {
      let err = 0;
      let sum = 0;
      for (let i = 0; i < ds.count; i++) {
        err += Math.abs(values[i][k] - truth(i, name));
        sum += truth(i, name);
      }
      expect(err / sum, name).toBeLessThan(bound[name] ?? 0.45);
    }
  });

  it('qCNN: what the spectrum adds beyond the cohort prior (RMSE over the prior SD)', () => {
    // Answering every spectrum with the cohort mean has RMSE = the prior SD; an estimator that used the prior
    // well would never do worse. Lipids and glycogen: the network does 3-50 times better. Several weak
    // metabolites do worse than the prior mean: measured RMSE / prior SD Ala 1.25, Gly 1.25, Glu 1.14, Ins 1.14,
    // Lac 1.14, Gln 1.12, Cr 1.10 (Bet 0.70, GPC 0.80, Glc 0.82, PCh 0.85, Tau 0.88, GSH 0.94, Cho 0.96; the
    // qCNN of 400,000 spectra had 1.13-1.28 for the same seven). A limit of the shipped qCNN found by this test,
    // pinned so that a change shows.
    const ratio = (k: number, name: string) => {
      const t = Array.from({ length: ds.count }, (_, i) => truth(i, name));
      const mean = t.reduce((a, b) => a + b, 0) / t.length;
      const rmse = Math.sqrt(t.reduce((a, x, i) => a + (values[i][k] - x) ** 2, 0) / t.length);
      const sd = Math.sqrt(t.reduce((a, x) => a + (x - mean) ** 2, 0) / t.length);
      return rmse / sd;
    };
    const r = Object.fromEntries(components.map((name, k) => [name, ratio(k, name)]));
    for (const name of ['L09', 'L13', 'L21', 'L53']) expect(r[name], name).toBeLessThan(0.1);
    expect(r.L28).toBeLessThan(0.25);
    expect(r.Glyc).toBeLessThan(0.45);
    for (const name of ['Bet', 'GPC']) expect(r[name], name).toBeLessThan(1);
    for (const name of components) expect(r[name], name).toBeLessThan(1.45);
  });

  it('qCNN: the calibrated SDs cover the held-out errors (95% intervals hold 95%, z-scores have RMS ≈ 1)', () => {
    let inside = 0;
    for (const [k, name] of components.entries()) {
      let hits = 0;
      let z2 = 0;
      for (let i = 0; i < ds.count; i++) {
        const z = (values[i][k] - truth(i, name)) / sds[i][k];
        if (Math.abs(z) <= 1.96) hits++;
        z2 += z * z;
      }
      inside += hits;
      // Measured per component: coverage 0.915-0.985, RMS z 0.80-1.17 (binomial SD of a coverage: 0.015).
      expect(hits / ds.count, name).toBeGreaterThan(0.88);
      expect(Math.sqrt(z2 / ds.count), name).toBeGreaterThan(0.7);
      expect(Math.sqrt(z2 / ds.count), name).toBeLessThan(1.3);
    }
    // Measured 0.959 over all 20 × 200.
    expect(inside / (20 * ds.count)).toBeGreaterThan(0.93);
    expect(inside / (20 * ds.count)).toBeLessThan(0.985);
  });

  it('cCNN: separates LC from LC-HCC as on its own test set, with calibrated probabilities', async () => {
    const bundle = readBundle(MODELS, 'classify');
    const rec = JSON.parse(readFileSync(join(MODELS, 'ccnn.training.json'), 'utf8'));
    const p = await classifyWithBundle(
      bundle,
      Array.from({ length: ds.count }, (_, i) => prepareForBundle(fidOf(i), bundle, `held-out ${i}`)),
    );
    const label = (i: number) => (i < PER_GROUP ? 0 : 1);
    let auc = 0;
    for (let i = PER_GROUP; i < ds.count; i++) {
      for (let j = 0; j < PER_GROUP; j++) auc += p[i] > p[j] ? 1 : p[i] === p[j] ? 0.5 : 0;
    }
    auc /= PER_GROUP * PER_GROUP;
    const brier = p.reduce((a, x, i) => a + (x - label(i)) ** 2, 0) / ds.count;
    // Recorded test AUC 0.674 (4000 spectra); measured here 0.705 (SE about 0.036 with 100 + 100).
    expect(rec.model.calibration.test.auc).toBeCloseTo(0.674, 3);
    expect(Math.abs(auc - rec.model.calibration.test.auc)).toBeLessThan(0.1);
    // Better than a coin (Brier 0.25); recorded on the test set 0.227.
    expect(brier).toBeLessThan(0.245);
  });
});
