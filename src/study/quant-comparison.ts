import type { BasisSet } from '../core/basis.js';
import type { Cohort } from '../simulate/cohort-schema.js';
import { simulateDataset } from '../simulate/dataset.js';
import type { Realism } from '../simulate/realism.js';
import { type FitSetup, fitMany } from './fit-pool.js';
import { type InputPipeline, networkInput } from '../networks/input.js';
import { predictQcnn, type TrainedQcnn } from '../networks/qcnn.js';
import {
  absoluteErrors,
  type BiasByTruth,
  biasByTruth,
  column,
  coverage,
  type ErrorSummary,
  errorSummary,
} from './quant-metrics.js';
import { wilcoxonSignedRank } from './wilcoxon.js';

/**
 * qCNN vs NLLS on a held-out simulated set, per component, as in the paper: absolute errors compared by the
 * paired Wilcoxon signed-rank test; beside them the mean CRLB, the bias as a function of the true value, and the
 * coverage of the qCNN's 68% and 95% intervals.
 *
 * The held-out spectra come from the truth cohort in the virtual study (the population the networks are meant
 * for, which the priors only approximate: a network tested on its own training distribution looks better than
 * it will on patients) and from the estimated priors when there is no truth (real spectra).
 */
export const CLAIM_P = 0.004;

export interface ComponentComparison {
  component: string;
  qcnn: ErrorSummary;
  nlls: ErrorSummary;
  /** Two-sided paired Wilcoxon signed-rank test of |qCNN error| − |NLLS error|. */
  wilcoxon: { p: number; n: number; medianDifference: number; method: string };
  /** Mean CRLB (SD) of the NLLS amplitude, and as % of the mean true value. */
  meanCrlb: number;
  meanCrlbPercent: number;
  meanTruth: number;
  coverage68: number;
  coverage95: number;
  biasQcnn: BiasByTruth;
  biasNlls: BiasByTruth;
  /** qCNN MAE below NLLS MAE with P ≤ 0.004. */
  claimMet: boolean;
}

export interface QuantComparison {
  source: 'truth' | 'priors';
  cohort: string;
  spectra: number;
  seed: number;
  components: ComponentComparison[];
  claimMet: number;
  nllsConverged: number;
  seconds: { simulate: number; nlls: number; qcnn: number };
  /** Per-spectrum values, [n, K] row-major (for figures; left out of metrics.json). */
  samples?: { n: number; truth: number[]; qcnn: number[]; qcnnSd: number[]; nlls: number[]; crlb: number[] };
}

export interface QuantComparisonOptions {
  cohort: Cohort;
  source: 'truth' | 'priors';
  basis: BasisSet;
  groups: readonly string[];
  components: readonly string[];
  spectra: number;
  seed: number;
  qcnn: Pick<TrainedQcnn, 'net' | 'model'>;
  pipeline: InputPipeline;
  fitSetup: FitSetup;
  threads: { simulation: number; fit: number };
  bins?: number;
  /** Distortions the held-out spectra are rendered with (the study's --realism). */
  realism?: Realism;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export async function compareQuantification(o: QuantComparisonOptions): Promise<QuantComparison> {
  let t = performance.now();
  const perGroup = Math.ceil(o.spectra / o.groups.length);
  const ds = await simulateDataset({
    cohort: o.cohort,
    basis: o.basis,
    groups: o.groups,
    perGroup,
    seed: o.seed,
    threads: o.threads.fit,
    realism: o.realism,
  });
  const n = ds.count;
  const pts = ds.points;
  const K = o.components.length;
  const cols = o.components.map((c) => ds.columns.indexOf(c));
  const P = ds.columns.length;
  const truth = new Float64Array(n * K);
  for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) truth[i * K + k] = ds.params[i * P + cols[k]];
  const fids = Float64Array.from(ds.fids);
  const simulate = (performance.now() - t) / 1000;
  t = performance.now();
  const fits = await fitMany(o.fitSetup, fids, n, {
    threads: o.threads.fit,
    signal: o.signal,
    onProgress: o.onProgress,
  });
  const nlls = (performance.now() - t) / 1000;
  t = performance.now();
  const L = o.pipeline.model.points;
  const inputs = new Float32Array(n * 2 * L);
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const prep = networkInput(
      {
        data: fids.subarray(2 * pts * i, 2 * pts * (i + 1)),
        points: pts,
        dwellTime: ds.dwellTime,
        spectrometerFrequency: ds.spectrometerFrequency,
        ppmReference: ds.ppmReference,
        nucleus: '1H',
      },
      o.pipeline,
    );
    inputs.set(prep.input, i * 2 * L);
    norms[i] = prep.norm;
  }
  const pred = await predictQcnn(o.qcnn.net, o.qcnn.model, { n, inputs, norms });
  const qcnnSeconds = (performance.now() - t) / 1000;
  const fitNames = o.fitSetup.basis.names;
  const components = o.components.map((name, k) => {
    const fk = fitNames.indexOf(name);
    const tr = column(truth, n, K, k);
    const q = column(pred.values, n, K, k);
    const qs = column(pred.sd, n, K, k);
    const f = Float64Array.from(fits, (r) => r.amplitudes[fk]);
    const crlb = Float64Array.from(fits, (r) => r.crlb[fk]).filter(Number.isFinite);
    const w = wilcoxonSignedRank(absoluteErrors(tr, q), absoluteErrors(tr, f));
    const qs1 = errorSummary(tr, q);
    const fs1 = errorSummary(tr, f);
    const meanTruth = tr.reduce((a, b) => a + b, 0) / n;
    const meanCrlb = crlb.reduce((a, b) => a + b, 0) / Math.max(1, crlb.length);
    return {
      component: name,
      qcnn: qs1,
      nlls: fs1,
      wilcoxon: { p: w.pValue, n: w.n, medianDifference: w.medianDifference, method: w.method },
      meanCrlb,
      meanCrlbPercent: (100 * meanCrlb) / meanTruth,
      meanTruth,
      coverage68: coverage(tr, q, qs, 0.68),
      coverage95: coverage(tr, q, qs, 0.95),
      biasQcnn: biasByTruth(tr, q, o.bins ?? 5),
      biasNlls: biasByTruth(tr, f, o.bins ?? 5),
      claimMet: qs1.mae < fs1.mae && w.pValue <= CLAIM_P,
    };
  });
  return {
    source: o.source,
    cohort: o.cohort.name,
    spectra: n,
    seed: o.seed,
    components,
    claimMet: components.filter((c) => c.claimMet).length,
    nllsConverged: fits.filter((f) => f.converged).length,
    seconds: { simulate, nlls, qcnn: qcnnSeconds },
    samples: {
      n,
      truth: Array.from(truth),
      qcnn: Array.from(pred.values),
      qcnnSd: Array.from(pred.sd),
      nlls: fits.flatMap((r) => o.components.map((c) => r.amplitudes[fitNames.indexOf(c)])),
      crlb: fits.flatMap((r) => o.components.map((c) => r.crlb[fitNames.indexOf(c)])),
    },
  };
}
