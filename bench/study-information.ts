/**
 * Validation experiment (not a timing benchmark): how much of the gap between the study's cCNN and its bounds is
 * in the 10 + 10 prior patients themselves, whatever the quantification. For n prior patients per group whose
 * TRUE amplitudes are known (a perfect quantifier), priors are estimated exactly as the study estimates them
 * (estimateStudyPriors: lognormal/truncated-normal families, shrunk correlations; optionally the group
 * differences shrunk), and the plug-in Bayes classifier with those densities scores test patients on their true
 * amplitudes. The oracle uses the truth cohort's own densities on the same test patients. No spectra, no
 * networks: what priors from n patients can give at best, in seconds.
 *
 *   node dist/bench/study-information.js [--repeats 200] [--sizes 10,20,40,80,160] [--truth truth-hbv]
 *   node dist/bench/study-information.js --figure   (re-draws the figure from the JSON record only)
 *   node dist/bench/study-information.js --design [--truth truth-hbv,…] [--sizes 10,20,40,80] [--repeats 200]
 *     (how many prior patients a site needs: bench/results/study-design.json and a table; see design())
 *
 * Arms: the study's prior estimators (--amplitudes, --correlation) with the plug-in Bayes classifier, and a
 * shrinkage LDA on ln a (logratio-priors.ts fitShrinkageLda: no density, only means and a pooled covariance).
 *
 * Writes bench/results/study-information.json (truth-hbv, and its figure) or study-information-<truth>.json.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../src/io/atomic.js';
import { auc } from '../src/networks/classification-metrics.js';
import { linePlot } from '../src/report/svg-plot.js';
import { loadCohort, loadCohortBasis } from '../src/simulate/cohort-files.js';
import { componentClassifier, SpectrumGenerator } from '../src/simulate/generator.js';
import { exactFit } from '../src/study/fit-features.js';
import { oracleProbabilities } from '../src/study/oracle.js';
import { type Blocks, fitShrinkageLda, ldaScores } from '../src/study/logratio-priors.js';
import { type AmplitudeMode, estimateStudyPriors } from '../src/study/study-priors.js';
import { repeatSeed } from '../src/study/virtual-study.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A plug-in arm: priors by estimateStudyPriors with these settings, or a shrinkage LDA on ln a (no density). */
type Arm =
  | { key: string; kind: 'priors'; amplitudes: AmplitudeMode; correlation: 'group' | 'pooled' }
  | { key: string; kind: 'lda'; difference: 'raw' | 'shrunk' };

// Amplitude rules, two of them with the correlations pooled within groups (--correlation pooled), the log-ratio
// priors (--amplitudes logratio, whose correlation is pooled by construction), and two shrinkage LDAs.
const ARMS: Arm[] = [
  ...(['separate', 'shrunk', 'eb', 'whitened'] as const).map((a) => ({
    key: a,
    kind: 'priors' as const,
    amplitudes: a,
    correlation: 'group' as const,
  })),
  { key: 'separate/pooled', kind: 'priors', amplitudes: 'separate', correlation: 'pooled' },
  { key: 'whitened/pooled', kind: 'priors', amplitudes: 'whitened', correlation: 'pooled' },
  { key: 'logratio', kind: 'priors', amplitudes: 'logratio', correlation: 'group' },
  { key: 'lda', kind: 'lda', difference: 'raw' },
  { key: 'lda/shrunk', kind: 'lda', difference: 'shrunk' },
];
/** The design mode's arms: the paper's reading, the best earlier estimator, the new estimator, the LDAs. */
const DESIGN_ARMS = ['separate', 'whitened/pooled', 'logratio', 'lda', 'lda/shrunk'];

interface Experiment {
  truthName: string;
  /** AUC of each arm (and 'oracle') in each repeat. */
  run: (
    n: number,
    repeats: number,
    nTest: number,
    seed: number,
    arms: readonly Arm[],
  ) => Record<string, number[]>;
  /** CPU seconds spent in each arm (and the oracle) so far. */
  seconds: Record<string, number>;
}

function experiment(truthName: string): Experiment {
  const truth = loadCohort(truthName);
  const basis = loadCohortBasis(truth);
  const groups = ['LC', 'LC-HCC'];
  const gen = new SpectrumGenerator(truth.cohort, basis, { groups });
  const template = {
    ...structuredClone(loadCohort('hbv-lc').cohort),
    protocol: truth.cohort.protocol,
    basis: truth.cohort.basis,
  };
  const components = basis.names;
  const cols = components.map((c) => gen.layout.indexOf(c));
  const classOf = componentClassifier();
  const blocks: Blocks = (['lipid', 'metabolite'] as const)
    .map((cls) => components.flatMap((c, i) => (classOf(c) === cls ? [i] : [])))
    .filter((b) => b.length > 0);
  const P = gen.layout.size;
  const draw = (seed: number, g: number, i: number) => {
    const row = new Float64Array(P);
    gen.sampleParameters(seed, g, i, row, 0);
    return row;
  };
  const lnAmplitudes = (row: Float64Array) => cols.map((c) => Math.log(row[c]));
  const seconds: Record<string, number> = {};
  const run: Experiment['run'] = (n, repeats, nTest, seed0, arms) => {
    const out: Record<string, number[]> = Object.fromEntries([
      ...arms.map((a) => [a.key, []]),
      ['oracle', []],
    ]);
    for (let r = 1; r <= repeats; r++) {
      const seed = repeatSeed(seed0, r);
      const priorRows = groups.map((_, gi) => Array.from({ length: n }, (_, i) => draw(seed, gi, i)));
      const prior = groups.flatMap((g, gi) =>
        priorRows[gi].map((row) => ({ group: g, fit: exactFit(cols.map((c) => row[c])) })),
      );
      const testRows = groups.flatMap((_, gi) =>
        Array.from({ length: nTest }, (_, i) => draw(seed, gi, n + i)),
      );
      const labels = groups.flatMap((_, gi) => Array.from({ length: nTest }, () => gi));
      const truthSamplers = { negative: gen.samplers[0], positive: gen.samplers[1] };
      const t0 = performance.now();
      out.oracle.push(auc(labels, oracleProbabilities(truthSamplers, testRows, 0.5)));
      seconds.oracle = (seconds.oracle ?? 0) + (performance.now() - t0) / 1000;
      for (const arm of arms) {
        const t0 = performance.now();
        const done = () => {
          seconds[arm.key] = (seconds[arm.key] ?? 0) + (performance.now() - t0) / 1000;
        };
        if (arm.kind === 'lda') {
          const ln = priorRows.map((rows) => rows.map(lnAmplitudes));
          const model = fitShrinkageLda([ln[0], ln[1]], blocks, arm.difference);
          out[arm.key].push(auc(labels, ldaScores(model, testRows.map(lnAmplitudes))));
          done();
          continue;
        }
        const est = estimateStudyPriors(prior, {
          template,
          components,
          name: `information-${n}-${r}`,
          groups,
          amplitudes: arm.amplitudes,
          correlation: arm.correlation,
        });
        const g2 = new SpectrumGenerator(est.cohort, basis, { groups });
        const p = oracleProbabilities({ negative: g2.samplers[0], positive: g2.samplers[1] }, testRows, 0.5);
        out[arm.key].push(auc(labels, p));
        done();
      }
    }
    return out;
  };
  // The cohort file relative to the repository (records do not name the machine's paths).
  return { truthName: relative(root, truth.file), run, seconds };
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];

/**
 * Summary of one arm's AUCs over the repeats: the mean (the expected AUC of a study of this design) with its
 * 95 % interval (mean ± 1.96 SE over the repeats), and the 5th–95th percentiles of a single study's AUC.
 */
function summary(v: number[]): Record<string, number> {
  const m = mean(v);
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, v.length - 1));
  const se = sd / Math.sqrt(v.length);
  const sorted = [...v].sort((a, b) => a - b);
  const q = (f: number) => sorted[Math.min(v.length - 1, Math.max(0, Math.round(f * (v.length - 1))))];
  const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
  return {
    mean: r4(m),
    median: r4(median(v)),
    low: r4(m - 1.96 * se),
    high: r4(m + 1.96 * se),
    p05: r4(q(0.05)),
    p95: r4(q(0.95)),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      repeats: { type: 'string', default: '200' },
      sizes: { type: 'string', default: '10,20,40,80,160' },
      test: { type: 'string', default: '200' },
      truth: { type: 'string', default: 'truth-hbv' },
      seed: { type: 'string', default: '11' },
      arms: { type: 'string' },
    },
  });
  const repeats = Number(values.repeats);
  const sizes = String(values.sizes).split(',').map(Number);
  const nTest = Number(values.test);
  const arms = values.arms ? ARMS.filter((a) => String(values.arms).split(',').includes(a.key)) : ARMS;
  const modes = arms.map((c) => c.key);
  const ex = experiment(String(values.truth));
  const out: Record<string, unknown>[] = [];
  for (const n of sizes) {
    const perMode = ex.run(n, repeats, nTest, Number(values.seed), arms);
    const row = {
      priorPerGroup: n,
      repeats,
      testPerGroup: nTest,
      oracle: { mean: mean(perMode.oracle), median: median(perMode.oracle) },
      plugIn: Object.fromEntries(
        modes.map((m) => [m, { mean: mean(perMode[m]), median: median(perMode[m]) }]),
      ),
    };
    out.push(row);
    process.stderr.write(`${JSON.stringify(row)}\n`);
  }
  // The learning curve for docs/validation.md.
  const hbv = String(values.truth) === 'truth-hbv';
  writeFileAtomic(
    join(root, 'bench', 'results', `study-information${hbv ? '' : `-${String(values.truth)}`}.json`),
    `${JSON.stringify({ experiment: 'study-information', truth: ex.truthName, date: new Date().toISOString(), rows: out }, null, 2)}\n`,
  );
  if (!hbv) return;
  writeFigure(out, String(values.truth), repeats);
}

/**
 * `--design`: how many prior patients a site needs. For each truth cohort, the expected AUC of each plug-in
 * method (DESIGN_ARMS) and of the oracle against prior patients per group, with intervals, over `repeats`
 * studies per size (prior patients' TRUE amplitudes: a perfect quantifier; the cCNN is not run). Writes
 * bench/results/study-design.json and prints a Markdown table per cohort.
 */
async function design(): Promise<void> {
  const { values } = parseArgs({
    options: {
      design: { type: 'boolean' },
      repeats: { type: 'string', default: '200' },
      sizes: { type: 'string', default: '10,20,40,80' },
      test: { type: 'string', default: '100' },
      truth: { type: 'string', default: 'truth-hbv,truth-lipid,truth-glycogen,truth-null' },
      seed: { type: 'string', default: '11' },
    },
  });
  const repeats = Number(values.repeats);
  const sizes = String(values.sizes).split(',').map(Number);
  const nTest = Number(values.test);
  const arms = ARMS.filter((a) => DESIGN_ARMS.includes(a.key));
  const cohorts: Record<string, unknown>[] = [];
  const tables: string[] = [];
  const started = performance.now();
  for (const name of String(values.truth).split(',')) {
    const t0 = performance.now();
    const ex = experiment(name);
    const rows = sizes.map((n) => {
      const aucs = ex.run(n, repeats, nTest, Number(values.seed), arms);
      return {
        priorPerGroup: n,
        ...Object.fromEntries(Object.entries(aucs).map(([k, v]) => [k, summary(v)])),
      } as Record<string, unknown>;
    });
    const seconds = (performance.now() - t0) / 1000;
    const armSeconds = Object.fromEntries(
      Object.entries(ex.seconds).map(([k, v]) => [k, Math.round(v * 10) / 10]),
    );
    process.stderr.write(`${name}: seconds per arm ${JSON.stringify(armSeconds)}\n`);
    cohorts.push({ truth: ex.truthName, name, seconds: Math.round(seconds * 10) / 10, armSeconds, rows });
    const cell = (r: Record<string, unknown>, k: string) => {
      const s = r[k] as Record<string, number>;
      return `${s.mean.toFixed(3)} [${s.low.toFixed(3)}, ${s.high.toFixed(3)}]`;
    };
    const keys = [...DESIGN_ARMS, 'oracle'];
    tables.push(
      [
        `${name} (${repeats} studies per n, ${nTest} + ${nTest} test patients each; ${seconds.toFixed(0)} s)`,
        '',
        `| prior patients per group | ${keys.join(' | ')} |`,
        `|---|${keys.map(() => '---|').join('')}`,
        ...rows.map((r) => `| ${r.priorPerGroup} | ${keys.map((k) => cell(r, k)).join(' | ')} |`),
        '',
      ].join('\n'),
    );
    process.stderr.write(`${tables[tables.length - 1]}\n`);
  }
  writeFileAtomic(
    join(root, 'bench', 'results', 'study-design.json'),
    `${JSON.stringify(
      {
        experiment: 'study-design',
        date: new Date().toISOString(),
        seconds: Math.round((performance.now() - started) / 100) / 10,
        repeats,
        testPerGroup: nTest,
        arms: DESIGN_ARMS,
        interval: "mean AUC ± 1.96 SE over the repeats (low, high); p05/p95: percentiles of one study's AUC",
        cohorts,
      },
      null,
      2,
    )}\n`,
  );
  process.stdout.write(`${tables.join('\n')}\n`);
}

/** docs/figures/study-information.svg from the rows of the JSON record (x on a log2 axis: n doubles). */
function writeFigure(out: Record<string, unknown>[], truthName: string, repeats: number): void {
  const x = out.map((r) => r.priorPerGroup as number);
  const series = (f: (r: Record<string, unknown>) => number) => out.map(f);
  const plug = (m: string) => (r: Record<string, unknown>) =>
    (r.plugIn as Record<string, { mean: number } | undefined>)[m]?.mean ?? Number.NaN;
  writeFileAtomic(
    join(root, 'docs', 'figures', 'study-information.svg'),
    linePlot(
      [
        {
          x,
          y: series((r) => (r.oracle as { mean: number }).mean),
          label: 'oracle (true densities)',
          color: '#222',
          dash: '4 3',
        },
        ...(
          [
            ['separate', 'priors as estimated', '#1f77b4'],
            ['shrunk', 'James–Stein per component (--amplitudes shrunk)', '#2ca02c'],
            ['eb', 'empirical Bayes across components (--amplitudes eb)', '#d62728'],
            ['whitened', 'whitened James–Stein (--amplitudes whitened)', '#9467bd'],
            [
              'whitened/pooled',
              'whitened, correlations pooled within groups (--correlation pooled)',
              '#8c564b',
            ],
            ['logratio', 'log-ratio priors (--amplitudes logratio)', '#e377c2'],
            ['lda', 'shrinkage LDA on ln a (no density)', '#17becf'],
          ] as const
        ).map(([key, label, color]) => ({
          x,
          y: series(plug(key)),
          label,
          color,
          mode: 'line+markers' as const,
        })),
      ],
      {
        width: 720,
        height: 420,
        title: `Plug-in Bayes classifier on TRUE amplitudes, priors from n patients per group (${truthName}; mean AUC over ${repeats} repeats)`,
        xLabel: 'prior patients per group (log scale; the paper: 10)',
        xScale: 'log2',
        xTicks: x,
        xRange: [x[0] / 1.12, x[x.length - 1] * 1.12],
        yLabel: 'AUC on 2 × 200 test patients',
        yRange: [0.5, 0.95],
      },
    ),
  );
}

/** `--figure`: re-draw the figure from bench/results/study-information.json without re-running the experiment. */
function figureFromRecord(): void {
  const record = JSON.parse(readFileSync(join(root, 'bench', 'results', 'study-information.json'), 'utf8'));
  const rows = record.rows as Record<string, unknown>[];
  writeFigure(rows, 'truth-hbv', rows[0].repeats as number);
}

if (process.argv.includes('--figure')) figureFromRecord();
else if (process.argv.includes('--design')) await design();
else await main();
