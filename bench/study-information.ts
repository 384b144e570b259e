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
 * Arms (study/design.ts DESIGN_METHODS, the engine of `livermrs study --design`): the study's prior estimators
 * (--amplitudes, --correlation) with the plug-in Bayes classifier, and a shrinkage LDA on ln a (logratio-priors.ts
 * fitShrinkageLda: no density, only means and a pooled covariance).
 *
 * Writes bench/results/study-information.json (truth-hbv, and its figure) or study-information-<truth>.json.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../src/io/atomic.js';
import { linePlot } from '../src/report/svg-plot.js';
import { loadCohort, loadCohortBasis } from '../src/simulate/cohort-files.js';
import { DESIGN_METHODS, type DesignMethod, designExperiment } from '../src/study/design.js';
import { designText } from '../src/study/design-report.js';
import { runDesign } from '../src/study/design-run.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Every method of study/design.ts (the study's amplitude rules and correlations, the log-ratio priors, two LDAs). */
const ARMS = Object.keys(DESIGN_METHODS) as DesignMethod[];
/** The design mode's arms: the paper's reading, the best earlier estimator, the new estimator, the LDAs. */
const DESIGN_ARMS: DesignMethod[] = ['separate', 'whitened/pooled', 'logratio', 'lda', 'lda/shrunk'];

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];

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
  const modes = values.arms ? ARMS.filter((a) => String(values.arms).split(',').includes(a)) : ARMS;
  const truth = loadCohort(String(values.truth));
  const ex = designExperiment(
    { cohort: truth.cohort, basis: loadCohortBasis(truth), source: truth.file },
    { template: loadCohort('hbv-lc').cohort },
  );
  const out: Record<string, unknown>[] = [];
  for (const n of sizes) {
    const perMode = ex.run(n, repeats, nTest, Number(values.seed), modes);
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
  // The learning curve for docs/validation.md (the cohort file relative to the repository: records do not name
  // the machine's paths).
  const hbv = String(values.truth) === 'truth-hbv';
  writeFileAtomic(
    join(root, 'bench', 'results', `study-information${hbv ? '' : `-${String(values.truth)}`}.json`),
    `${JSON.stringify({ experiment: 'study-information', truth: relative(root, truth.file), date: new Date().toISOString(), rows: out }, null, 2)}\n`,
  );
  if (!hbv) return;
  writeFigure(out, String(values.truth), repeats);
}

/**
 * `--design`: how many prior patients a site needs (study/design.ts, the library behind `livermrs study
 * --design`) for several truth cohorts at once, with the bench's arms (DESIGN_ARMS) and seed. Writes
 * bench/results/study-design.json (one design result per cohort) and prints a table per cohort.
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
  const started = performance.now();
  const cohorts = [];
  for (const name of String(values.truth).split(',')) {
    const { result } = await runDesign({
      truth: name,
      template: 'hbv-lc',
      sizes: String(values.sizes),
      methods: DESIGN_ARMS,
      repeats: Number(values.repeats),
      testPerGroup: Number(values.test),
      seed: Number(values.seed),
      log: (line) => process.stderr.write(`${line}\n`),
    });
    cohorts.push(result);
    process.stderr.write(`${designText(result)}\n`);
  }
  writeFileAtomic(
    join(root, 'bench', 'results', 'study-design.json'),
    `${JSON.stringify(
      {
        experiment: 'study-design',
        command: `node dist/bench/study-information.js ${process.argv.slice(2).join(' ')}`,
        date: new Date().toISOString(),
        seconds: Math.round((performance.now() - started) / 100) / 10,
        interval:
          "low/high: mean AUC ± 1.96 SE over the studies; p025/median/p975: percentiles of one study's AUC",
        cohorts,
      },
      null,
      2,
    )}\n`,
  );
  process.stdout.write(`${cohorts.map(designText).join('\n')}`);
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
