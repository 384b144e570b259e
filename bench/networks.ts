import { cpus, loadavg } from 'node:os';
import { loadCohort, loadCohortBasis } from '../src/simulate/cohort-files.js';
import { ARCHITECTURES, type Architecture, type QcnnLayout } from '../src/networks/architectures.js';
import { trainCcnn } from '../src/networks/ccnn.js';
import { cohortGrid, cohortProtocol, combineCohorts } from '../src/networks/cohorts.js';
import { inputPipeline } from '../src/networks/input.js';
import { predictQcnn, trainQcnn, type UncertaintyMethod } from '../src/networks/qcnn.js';
import { column, coverage, errorSummary } from '../src/study/quant-metrics.js';
import { simulateBlock, type SimulatedSource } from '../src/networks/training-data.js';

/**
 * The architecture and uncertainty choices of the qCNN and cCNN, measured (docs/qcnn-ablation.md):
 *  - qCNN variants (width, depth, one network for all 20 components vs one per component), each trained on the
 *    same stream of simulated spectra from the built-in illustrative cohorts hbv-lc + hbv-lc-hcc (never the
 *    study's truth cohort) and scored on 2000 held-out spectra: MAE relative to the mean true value (metabolites,
 *    lipids), coverage of the 68%/95% intervals, training time, parameters;
 *  - uncertainty of the chosen qCNN: variance head vs Monte Carlo dropout vs both (coverage and Gaussian NLL);
 *  - learning curve of the chosen qCNN (training spectra);
 *  - cCNN: one network vs an ensemble of 3 (AUC, log loss, calibration error on held-out simulated spectra).
 * NETWORKS_PARTS=qcnn,uncertainty,curve,ccnn selects parts; NETWORKS_SPECTRA sets the training size (40000).
 */
export async function run(): Promise<Record<string, unknown>> {
  const parts = (process.env.NETWORKS_PARTS ?? 'qcnn,uncertainty,curve,ccnn').split(',');
  const N = Number(process.env.NETWORKS_SPECTRA ?? 40_000);
  const lc = loadCohort('hbv-lc');
  const hcc = loadCohort('hbv-lc-hcc');
  const cohort = combineCohorts([lc, hcc], 'hbv-lc+hbv-lc-hcc');
  const basis = loadCohortBasis(lc);
  const source: SimulatedSource = {
    cohort,
    basis,
    groups: ['LC', 'LC-HCC'],
    pipeline: inputPipeline(cohortGrid(cohort)),
    threads: 1,
  };
  const protocol = cohortProtocol(cohort);
  const test = await simulateBlock(source, 424242, 2000);
  const K = test.targetNames.length;
  const lipid = (k: number) => /^L\d\d$/.test(test.targetNames[k]);
  const load0 = loadavg()[0];
  const record: Record<string, unknown> = {
    trainingSpectra: N,
    testSpectra: test.n,
    cohort: cohort.name,
    cpu: cpus()[0]?.model,
    loadAverageAtStart: load0,
  };

  const score = async (
    trained: Awaited<ReturnType<typeof trainQcnn>>,
    method: UncertaintyMethod = 'variance-head',
  ) => {
    const t0 = performance.now();
    const p = await predictQcnn(trained.net, trained.model, test, method);
    const inferSeconds = (performance.now() - t0) / 1000;
    const rel: number[] = [];
    const c68: number[] = [];
    const c95: number[] = [];
    let nll = 0;
    for (let k = 0; k < K; k++) {
      const t = column(test.amplitudes, test.n, K, k);
      const e = column(p.values, p.n, K, k);
      const s = column(p.sd, p.n, K, k);
      const mean = t.reduce((a, b) => a + b, 0) / t.length;
      rel.push(errorSummary(t, e).mae / mean);
      c68.push(coverage(t, e, s, 0.68));
      c95.push(coverage(t, e, s, 0.95));
      for (let i = 0; i < t.length; i++) {
        const z = (t[i] - e[i]) / s[i];
        nll += (0.5 * z * z + Math.log(s[i] / mean)) / (t.length * K);
      }
    }
    const avg = (v: number[], f: (k: number) => boolean) => {
      const w = v.filter((_, k) => f(k));
      return w.reduce((a, b) => a + b, 0) / w.length;
    };
    return {
      relativeMaeMetabolites: avg(rel, (k) => !lipid(k)),
      relativeMaeLipids: avg(rel, lipid),
      relativeMaeByComponent: Object.fromEntries(test.targetNames.map((c, k) => [c, rel[k]])),
      coverage68: avg(c68, () => true),
      coverage95: avg(c95, () => true),
      gaussianNll: nll,
      inferenceSpectraPerSecond: test.n / inferSeconds,
    };
  };
  const train = (arch: Architecture, layout: QcnnLayout, spectra = N) =>
    trainQcnn({
      source,
      protocol,
      architecture: arch,
      layout,
      seed: 11,
      spectra,
      epochs: 5,
      validation: 2000,
    });

  let chosen: Awaited<ReturnType<typeof trainQcnn>> | undefined;
  if (parts.includes('qcnn')) {
    const variants: [string, Architecture, QcnnLayout][] = [
      ['small', ARCHITECTURES.small, 'joint'],
      ['base', ARCHITECTURES.base, 'joint'],
      ['deep', ARCHITECTURES.deep, 'joint'],
      ['per-component (20 × member)', ARCHITECTURES.member, 'per-component'],
    ];
    const rows: Record<string, unknown>[] = [];
    for (const [name, arch, layout] of variants) {
      const q = await train(arch, layout);
      rows.push({
        variant: name,
        parameters: q.net.parameterCount,
        trainSeconds: q.seconds,
        epochs: q.history.length,
        loadAverage: loadavg()[0],
        ...(await score(q)),
      });
      if (name === 'base') chosen = q;
      process.stderr.write(`networks: qcnn ${name} done\n`);
    }
    record.qcnnVariants = rows;
  }
  if (parts.includes('uncertainty')) {
    chosen ??= await train(ARCHITECTURES.base, 'joint');
    const rows: Record<string, unknown>[] = [];
    for (const method of ['variance-head', 'mc-dropout', 'combined'] as UncertaintyMethod[]) {
      const s = await score(chosen, method);
      rows.push({
        method,
        coverage68: s.coverage68,
        coverage95: s.coverage95,
        gaussianNll: s.gaussianNll,
        spectraPerSecond: s.inferenceSpectraPerSecond,
      });
    }
    record.uncertainty = rows;
    process.stderr.write('networks: uncertainty done\n');
  }
  if (parts.includes('curve')) {
    const rows: Record<string, unknown>[] = [];
    for (const n of [10_000, 20_000, 40_000, 80_000, 160_000]) {
      const q = n === N && chosen ? chosen : await train(ARCHITECTURES.base, 'joint', n);
      const s = await score(q);
      rows.push({
        spectra: n,
        trainSeconds: q.seconds,
        relativeMaeMetabolites: s.relativeMaeMetabolites,
        relativeMaeLipids: s.relativeMaeLipids,
        relativeMaeByComponent: s.relativeMaeByComponent,
      });
      process.stderr.write(`networks: curve ${n} done\n`);
    }
    record.learningCurve = rows;
  }
  if (parts.includes('ccnn')) {
    const rows: Record<string, unknown>[] = [];
    for (const members of [1, 3]) {
      const c = await trainCcnn({
        source,
        protocol,
        architecture: ARCHITECTURES.base,
        members,
        seed: 5,
        spectra: N,
        epochs: 5,
        validation: 2000,
      });
      rows.push({
        members,
        parameters: c.net.parameterCount,
        trainSeconds: c.seconds,
        ...c.model.calibration.test,
        temperature: c.model.temperature,
      });
      process.stderr.write(`networks: ccnn ${members} done\n`);
    }
    record.ccnn = rows;
  }
  record.loadAverageAtEnd = loadavg()[0];
  return record;
}
