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
 *
 * Writes bench/results/study-information.json (truth-hbv, and its figure) or study-information-<truth>.json.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../src/io/atomic.js';
import { auc } from '../src/networks/classification-metrics.js';
import { linePlot } from '../src/report/svg-plot.js';
import { loadCohort, loadCohortBasis } from '../src/simulate/cohort-files.js';
import { SpectrumGenerator } from '../src/simulate/generator.js';
import type { SpectrumFit } from '../src/study/fit-features.js';
import { oracleProbabilities } from '../src/study/oracle.js';
import { type AmplitudeMode, estimateStudyPriors } from '../src/study/study-priors.js';
import { repeatSeed } from '../src/study/virtual-study.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      repeats: { type: 'string', default: '200' },
      sizes: { type: 'string', default: '10,20,40,80,160' },
      test: { type: 'string', default: '200' },
      truth: { type: 'string', default: 'truth-hbv' },
      seed: { type: 'string', default: '11' },
    },
  });
  const repeats = Number(values.repeats);
  const sizes = String(values.sizes).split(',').map(Number);
  const nTest = Number(values.test);
  const truth = loadCohort(String(values.truth));
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
  const P = gen.layout.size;
  const draw = (seed: number, g: number, i: number) => {
    const row = new Float64Array(P);
    gen.sampleParameters(seed, g, i, row, 0);
    return row;
  };
  // Amplitude rules, and two of them with the correlations pooled within groups (--correlation pooled).
  const configs: { key: string; amplitudes: AmplitudeMode; correlation: 'group' | 'pooled' }[] = [
    ...(['separate', 'shrunk', 'eb', 'whitened'] as const).map((a) => ({
      key: a,
      amplitudes: a,
      correlation: 'group' as const,
    })),
    { key: 'separate/pooled', amplitudes: 'separate', correlation: 'pooled' },
    { key: 'whitened/pooled', amplitudes: 'whitened', correlation: 'pooled' },
  ];
  const modes = configs.map((c) => c.key);
  const out: Record<string, unknown>[] = [];
  for (const n of sizes) {
    const perMode: Record<string, number[]> = Object.fromEntries(modes.map((m) => [m, []]));
    const oracle: number[] = [];
    for (let r = 1; r <= repeats; r++) {
      const seed = repeatSeed(Number(values.seed), r);
      const prior = groups.flatMap((g, gi) =>
        Array.from({ length: n }, (_, i) => {
          const row = draw(seed, gi, i);
          const fit: SpectrumFit = {
            amplitudes: cols.map((c) => row[c]),
            crlb: cols.map(() => 0),
            columns: {},
            sd: {},
            converged: true,
            seconds: 0,
            warnings: [],
          };
          return { group: g, fit };
        }),
      );
      const testRows = groups.flatMap((_, gi) =>
        Array.from({ length: nTest }, (_, i) => draw(seed, gi, n + i)),
      );
      const labels = groups.flatMap((_, gi) => Array.from({ length: nTest }, () => gi));
      const truthSamplers = { negative: gen.samplers[0], positive: gen.samplers[1] };
      oracle.push(auc(labels, oracleProbabilities(truthSamplers, testRows, 0.5)));
      for (const { key: mode, amplitudes, correlation } of configs) {
        const est = estimateStudyPriors(prior, {
          template,
          components,
          name: `information-${n}-${r}`,
          groups,
          amplitudes,
          correlation,
        });
        const g2 = new SpectrumGenerator(est.cohort, basis, { groups });
        const p = oracleProbabilities({ negative: g2.samplers[0], positive: g2.samplers[1] }, testRows, 0.5);
        perMode[mode].push(auc(labels, p));
      }
    }
    const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const row = {
      priorPerGroup: n,
      repeats,
      testPerGroup: nTest,
      oracle: { mean: mean(oracle), median: median(oracle) },
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
    `${JSON.stringify({ experiment: 'study-information', truth: truth.file, date: new Date().toISOString(), rows: out }, null, 2)}\n`,
  );
  if (!hbv) return;
  writeFigure(out, String(values.truth), repeats);
}

/** docs/figures/study-information.svg from the rows of the JSON record (x on a log2 axis: n doubles). */
function writeFigure(out: Record<string, unknown>[], truthName: string, repeats: number): void {
  const x = out.map((r) => r.priorPerGroup as number);
  const series = (f: (r: Record<string, unknown>) => number) => out.map(f);
  const plug = (m: string) => (r: Record<string, unknown>) =>
    (r.plugIn as Record<string, { mean: number }>)[m].mean;
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
else await main();
