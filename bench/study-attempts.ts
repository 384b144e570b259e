/**
 * Validation experiment (not a timing benchmark): the virtual study's attempts to close the gap between the cCNN
 * trained on priors from 10 + 10 patients and the spectral bound, each measured on the SAME patients (paired
 * repeats): every configuration runs `runRepeat` on the repeat's patients, and the spectral-bound cCNN is trained
 * once and scores every configuration's test patients.
 *
 *   node dist/bench/study-attempts.js --repeats 12 --spectra 40000 --epochs 5 [--configs default,eb,...]
 *
 * Writes bench/results/study-attempts.json after every (repeat, configuration), and resumes from it: rerun the
 * same command to continue. docs/validation.md §2 reads it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../src/io/atomic.js';
import { auc } from '../src/networks/classification-metrics.js';
import { loadCohort, loadCohortBasis } from '../src/simulate/cohort-files.js';
import { SpectrumGenerator } from '../src/simulate/generator.js';
import {
  ARMS,
  type ArmName,
  DEFAULT_SETTINGS,
  drawPatients,
  repeatSeed,
  runRepeat,
  type StudySettings,
} from '../src/study/virtual-study.js';
import { wilcoxonSignedRank } from '../src/study/wilcoxon.js';

/** The configurations tried, each a change of the study's default settings. */
export const ATTEMPTS: Record<string, { what: string; settings: Partial<StudySettings> }> = {
  default: {
    what: 'point priors, nuisance pooled over the prior patients, group differences as estimated',
    settings: {},
  },
  eb: {
    what: 'group differences shrunk by empirical Bayes across components, CRLB-floored variances',
    settings: { amplitudes: 'eb' },
  },
  shrunk: {
    what: 'group differences shrunk per component (positive-part James–Stein)',
    settings: { amplitudes: 'shrunk' },
  },
  whitened: {
    what: 'group differences shrunk (James–Stein) in coordinates whitened by the pooled within-group covariance; spreads pooled',
    settings: { amplitudes: 'whitened' },
  },
  'whitened-pooled': {
    what: 'whitened James–Stein group differences, amplitude correlations pooled within groups (--amplitudes whitened --correlation pooled)',
    settings: { amplitudes: 'whitened', correlation: 'pooled' },
  },
  'pooled-correlation': {
    what: 'amplitude correlations pooled within groups (--correlation pooled)',
    settings: { correlation: 'pooled' },
  },
  transductive: {
    what: 'nuisance priors pooled over the prior patients and the unlabelled test patients',
    settings: { nuisance: 'transductive' },
  },
  bootstrap: {
    what: 'cCNN trained on spectra from 8 bootstrap resamples of the prior patients',
    settings: { bootstrapResamples: 8 },
  },
  'features-head': {
    what: 'cCNN decision refitted on the 20 labelled prior patients from its logit and 5 principal components of its trunk features',
    settings: { ccnnHead: 'features' },
  },
  'true-amplitudes': {
    what: "diagnostic: priors from the prior patients' TRUE amplitudes (no fit noise; nuisance from the fits)",
    settings: { priorSource: 'truth' },
  },
  'prior-40': {
    what: 'diagnostic: 40 + 40 prior patients instead of 10 + 10 (same test size)',
    settings: { design: { groups: ['LC', 'LC-HCC'], prior: [40, 40], test: [10, 7] } },
  },
  'prior-160': {
    what: 'diagnostic: 160 + 160 prior patients',
    settings: { design: { groups: ['LC', 'LC-HCC'], prior: [160, 160], test: [10, 7] } },
  },
  'bootstrap-eb': {
    what: 'bootstrap resamples, each with empirical-Bayes shrinkage',
    settings: { bootstrapResamples: 8, amplitudes: 'eb' },
  },
};

interface Row {
  config: string;
  repeat: number;
  seed: number;
  auc: Partial<Record<ArmName, number>>;
  youden: Partial<Record<ArmName, { threshold: number; sensitivity: number; specificity: number }>>;
  labels: number[];
  probabilities: Partial<Record<ArmName, number[]>>;
  ccnnTemperature: number;
  seconds: number;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const file = join(root, 'bench', 'results', 'study-attempts.json');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      repeats: { type: 'string', default: '12' },
      spectra: { type: 'string', default: '40000' },
      epochs: { type: 'string', default: '5' },
      seed: { type: 'string', default: '11' },
      truth: { type: 'string', default: 'truth-hbv' },
      configs: { type: 'string', default: 'default,eb,transductive,bootstrap' },
      table: { type: 'boolean', default: false },
    },
  });
  if (values.table) {
    // The markdown table of docs/validation.md §2b from the stored results.
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { rows: Row[] };
    process.stdout.write(`${markdownTable(summarise(stored.rows))}\n`);
    return;
  }
  const repeats = Number(values.repeats);
  const configs = String(values.configs).split(',');
  for (const c of configs) if (!ATTEMPTS[c]) throw new Error(`unknown configuration '${c}'`);
  const truth = loadCohort(String(values.truth));
  const template = loadCohort('hbv-lc').cohort;
  const basis = loadCohortBasis(truth);
  const base: StudySettings = {
    ...DEFAULT_SETTINGS,
    repeats,
    seed: Number(values.seed),
    trainSpectra: Number(values.spectra),
    epochs: Number(values.epochs),
    quantSpectra: 0,
    quantRepeats: 0,
    threads: { torch: 1, simulation: 1, fit: 2 },
  };
  const setup = { truth: truth.file, spectra: base.trainSpectra, epochs: base.epochs, seed: base.seed };
  const prior = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
  const rows: Row[] =
    prior && JSON.stringify(prior.setup) === JSON.stringify(setup) ? (prior.rows as Row[]) : [];
  const generator = new SpectrumGenerator(truth.cohort, basis, { groups: base.design.groups });
  const tpl = { ...structuredClone(template), protocol: truth.cohort.protocol, basis: truth.cohort.basis };
  const bound = { seed: repeatSeed(base.seed, 0) + 3 };
  for (let r = 1; r <= repeats; r++) {
    const seed = repeatSeed(base.seed, r);
    for (const config of configs) {
      if (rows.some((x) => x.config === config && x.repeat === r)) continue;
      const t0 = performance.now();
      const s = { ...base, ...ATTEMPTS[config].settings };
      // Configurations with the default design see the same patients; a larger prior cohort draws more.
      const patients = drawPatients(generator, s.design, seed);
      const res = await runRepeat(
        { template: tpl, basis, components: basis.names, truth: { cohort: truth.cohort, generator }, bound },
        s,
        patients,
        r,
        seed,
      );
      const test = res.patients.filter((p) => p.role === 'test');
      const row: Row = {
        config,
        repeat: r,
        seed,
        auc: Object.fromEntries(ARMS.filter((a) => res.arms[a]).map((a) => [a, res.arms[a]?.auc])),
        youden: Object.fromEntries(
          Object.entries(res.youden ?? {}).map(([a, m]) => [
            a,
            { threshold: m.threshold, sensitivity: m.sensitivity, specificity: m.specificity },
          ]),
        ),
        labels: test.map((p) => p.label),
        probabilities: Object.fromEntries(
          ARMS.filter((a) => res.arms[a]).map((a) => [a, test.map((p) => p.probabilities[a] as number)]),
        ),
        ccnnTemperature: res.ccnn.priorPatientTemperature,
        seconds: (performance.now() - t0) / 1000,
      };
      rows.push(row);
      process.stderr.write(
        `repeat ${r} ${config}: cCNN ${row.auc.ccnn?.toFixed(3)} bound ${row.auc.spectralBound?.toFixed(3)} NLLS+LR ${row.auc.conventional?.toFixed(3)} qCNN+LR ${row.auc.qcnnLogistic?.toFixed(3)} (${row.seconds.toFixed(0)} s)\n`,
      );
      writeFileAtomic(file, `${JSON.stringify({ setup, summary: summarise(rows), rows }, null, 1)}\n`);
    }
  }
  process.stdout.write(`${JSON.stringify(summarise(rows), null, 2)}\n`);
}

/**
 * Per configuration: pooled and median AUC per arm over the repeats it shares with the default configuration,
 * and paired tests (Wilcoxon signed-rank over those repeats).
 */
function summarise(rows: Row[]) {
  const configs = [...new Set(rows.map((r) => r.config))];
  const find = (c: string, rep: number) => rows.find((x) => x.config === c && x.repeat === rep);
  const median = (v: number[]) => {
    const s = [...v].sort((a, b) => a - b);
    return s.length % 2 ? s[s.length >> 1] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
  };
  const pooled = (rs: Row[], arm: ArmName) =>
    auc(
      rs.flatMap((r) => r.labels),
      rs.flatMap((r) => r.probabilities[arm] ?? r.labels.map(() => Number.NaN)),
    );
  const paired = (x: number[], y: number[]) => {
    if (x.every((v, i) => v === y[i])) return { p: 1, higher: 0, lower: 0 };
    const w = wilcoxonSignedRank(x, y);
    return {
      p: w.pValue,
      higher: x.filter((v, i) => v > y[i]).length,
      lower: x.filter((v, i) => v < y[i]).length,
    };
  };
  return {
    configs: Object.fromEntries(
      configs.map((c) => {
        const reps = rows
          .filter((x) => x.config === c && find('default', x.repeat))
          .map((x) => x.repeat)
          .sort((a, b) => a - b);
        const rs = reps.map((rep) => find(c, rep) as Row);
        const def = reps.map((rep) => find('default', rep) as Row);
        const arms = Object.fromEntries(
          ARMS.filter((a) => rs.length && rs.every((r) => r.auc[a] !== undefined)).map((a) => [
            a,
            { pooledAuc: pooled(rs, a), medianAuc: median(rs.map((r) => r.auc[a] as number)) },
          ]),
        );
        const cc = rs.map((r) => r.auc.ccnn as number);
        return [
          c,
          {
            what: ATTEMPTS[c]?.what,
            repeats: reps.length,
            arms,
            ccnnVsDefault: paired(
              cc,
              def.map((r) => r.auc.ccnn as number),
            ),
            ccnnVsBound: paired(
              cc,
              rs.map((r) => r.auc.spectralBound as number),
            ),
            ccnnVsNlls: paired(
              cc,
              rs.map((r) => r.auc.conventional as number),
            ),
            ccnnVsQcnnLr: paired(
              cc,
              rs.map((r) => r.auc.qcnnLogistic as number),
            ),
            youdenCcnn: {
              sensitivity: median(rs.map((r) => r.youden.ccnn?.sensitivity ?? Number.NaN)),
              specificity: median(rs.map((r) => r.youden.ccnn?.specificity ?? Number.NaN)),
            },
          },
        ];
      }),
    ),
  };
}

function markdownTable(sum: ReturnType<typeof summarise>): string {
  const f = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(2));
  const p = (x: { p: number; higher: number; lower: number } | undefined) =>
    x ? `${x.higher}/${x.lower}, P = ${x.p < 0.001 ? x.p.toExponential(1) : x.p.toFixed(3)}` : '–';
  const lines = [
    'Paired repeats: the same patients in every row but the larger prior cohorts (whose test patients are drawn after their prior patients).',
    '',
    '| configuration | repeats | cCNN pooled AUC | cCNN median | spectral bound (pooled) | gap | oracle | NLLS + LR | qCNN + LR | cCNN vs default (higher/lower, P) | cCNN vs bound | cCNN vs NLLS + LR | cCNN vs qCNN + LR | Youden sens / spec (median) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const [name, c] of Object.entries(sum.configs)) {
    const a = c.arms as Record<string, { pooledAuc: number; medianAuc: number }>;
    lines.push(
      `| ${name}: ${c.what} | ${c.repeats} | ${f(a.ccnn?.pooledAuc)} | ${f(a.ccnn?.medianAuc)} | ${f(a.spectralBound?.pooledAuc)} | ${f(
        (a.ccnn?.pooledAuc ?? Number.NaN) - (a.spectralBound?.pooledAuc ?? Number.NaN),
      )} | ${f(a.oracle?.pooledAuc)} | ${f(a.conventional?.pooledAuc)} | ${f(a.qcnnLogistic?.pooledAuc)} | ${
        name === 'default' ? '–' : p(c.ccnnVsDefault)
      } | ${p(c.ccnnVsBound)} | ${p(c.ccnnVsNlls)} | ${p(c.ccnnVsQcnnLr)} | ${f(c.youdenCcnn.sensitivity)} / ${f(
        c.youdenCcnn.specificity,
      )} |`,
    );
  }
  return lines.join('\n');
}

await main();
