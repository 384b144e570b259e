import { LIVERMRS_VERSION } from '../core/version.js';
import { withOutputDir } from '../io/atomic.js';
import { formatCsv } from '../io/csv.js';
import { toJson } from '../io/json.js';
import { linePlot, PALETTE } from '../report/svg-plot.js';
import type { ReportInput } from '../report/types.js';
import { writeReportInto } from '../report/write.js';
import { type AucSummary, DESIGN_METHODS, type DesignMethod, type StudyDesignResult } from './design.js';

/**
 * The outputs of `livermrs study --design` (study/design.ts): a text table for the terminal, design.json,
 * design.csv, and design.html with the figure of AUC against prior patients per group.
 */

export const DESIGN_SCHEMA = 'livermrs-study-design v1';

/** The label of a method key, or 'oracle (true densities)'. */
export function designLabel(key: string): string {
  return key === 'oracle' ? 'oracle (true densities)' : (DESIGN_METHODS[key as DesignMethod]?.label ?? key);
}

const keysOf = (r: StudyDesignResult) => [...r.methods, 'oracle'];
const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '–');
const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '–');

/** `0.792 ± 0.005 (0.63–0.88)`: expected AUC ± SE, and where 95 % of single studies land. */
export function designCell(s: AucSummary): string {
  return `${f3(s.mean)} ± ${f3(s.se)} (${f2(s.p025)}–${f2(s.p975)})`;
}

/** The Markdown table printed by the command (one row per size, one column per method). */
export function designTable(r: StudyDesignResult): string {
  const keys = keysOf(r);
  return [
    `| prior patients per group | ${keys.join(' | ')} |`,
    `|---|${keys.map(() => '---|').join('')}`,
    ...r.rows.map(
      (row) => `| ${row.priorPerGroup} | ${keys.map((k) => designCell(row.aucs[k])).join(' | ')} |`,
    ),
  ].join('\n');
}

/** The sentence saying what the numbers are. */
export function designLegend(r: StudyDesignResult): string {
  return (
    `Expected AUC ± standard error over ${r.repeats} simulated studies per size (in parentheses: 2.5–97.5 % of one ` +
    `study's AUC); ${r.groups[1]} against ${r.groups[0]}, ${r.testPerGroup} + ${r.testPerGroup} test patients ` +
    'per study, prior patients with their true amplitudes (a perfect quantifier).'
  );
}

/** What the command prints: the table, what its numbers are, and the status with its reasons. */
export function designText(r: StudyDesignResult): string {
  return `${r.truth}\n\n${designTable(r)}\n\n${designLegend(r)}\nstatus: ${[r.status, ...r.reasons].join('; ')}\n`;
}

/** One line per size and method. */
export function designCsv(r: StudyDesignResult): string {
  const cols = ['mean', 'se', 'low', 'high', 'p025', 'median', 'p975', 'repeats'] as const;
  return formatCsv(
    ['prior_per_group', 'method', ...cols.map((c) => (c === 'repeats' ? 'studies' : `auc_${c}`))],
    r.rows.flatMap((row) => keysOf(r).map((k) => [row.priorPerGroup, k, ...cols.map((c) => row.aucs[k][c])])),
  );
}

/** The JSON record (design.json). */
export function designJson(r: StudyDesignResult, extra: { command?: string; date?: string } = {}): string {
  return `${toJson({
    schema: DESIGN_SCHEMA,
    version: LIVERMRS_VERSION,
    ...extra,
    interval:
      "low/high: mean AUC ± 1.96 SE over the studies; p025/median/p975: percentiles of one study's AUC",
    labels: Object.fromEntries(keysOf(r).map((k) => [k, designLabel(k)])),
    ...r,
  })}\n`;
}

/** AUC against prior patients per group: one line per method with the 95 % interval of its expected AUC. */
export function designFigureSvg(r: StudyDesignResult): string {
  const x = r.rows.map((row) => row.priorPerGroup);
  const series = (k: string, f: (s: AucSummary) => number) => r.rows.map((row) => f(row.aucs[k]));
  const lows = r.rows.flatMap((row) => keysOf(r).map((k) => row.aucs[k].low)).filter(Number.isFinite);
  const highs = r.rows.flatMap((row) => keysOf(r).map((k) => row.aucs[k].high)).filter(Number.isFinite);
  const yLow = Math.max(0, Math.min(0.5, Math.floor(20 * Math.min(...lows)) / 20));
  const yHigh = Math.min(1, Math.max(yLow + 0.1, Math.ceil(20 * (Math.max(...highs) + 0.01)) / 20));
  const xRange: [number, number] =
    x.length > 1 ? [Math.min(...x) / 1.12, Math.max(...x) * 1.12] : [x[0] / 2, x[0] * 2];
  return linePlot(
    keysOf(r).map((k, i) => ({
      x,
      y: series(k, (s) => s.mean),
      band: { low: series(k, (s) => s.low), high: series(k, (s) => s.high) },
      label: designLabel(k),
      color: k === 'oracle' ? '#222' : PALETTE[i % PALETTE.length],
      dash: k === 'oracle' ? '4 3' : undefined,
      mode: 'line+markers' as const,
    })),
    {
      width: 720,
      height: 420,
      title: `Expected AUC against prior patients per group: ${r.truth}, ${r.repeats} studies per size`,
      xLabel: 'prior patients per group (log scale)',
      xScale: 'log2',
      xTicks: x,
      xRange,
      yLabel: `AUC on ${r.testPerGroup} + ${r.testPerGroup} test patients (bands: 95 % interval)`,
      yRange: [yLow, yHigh],
    },
  );
}

/** The HTML report's content. */
export function designReport(r: StudyDesignResult, command?: string): ReportInput {
  const keys = keysOf(r);
  return {
    title: 'livermrs study --design: how many prior patients per group',
    meta: [
      ['livermrs version', LIVERMRS_VERSION],
      ...(command ? ([['command', command]] as [string, string][]) : []),
      ['truth', r.truth],
      ['groups', `${r.groups[0]} (negative), ${r.groups[1]} (positive)`],
      ['studies per size', r.repeats],
      ['test patients per group', r.testPerGroup],
      ['seed', r.seed],
      ['seconds', r.seconds],
      ['status', r.status],
    ],
    sections: [
      {
        heading: 'Expected AUC against prior patients per group',
        blocks: [
          ...(r.reasons.length ? [{ kind: 'warnings' as const, warnings: r.reasons }] : []),
          {
            kind: 'text',
            text:
              'Each simulated study draws n prior patients per group from the truth with their true amplitudes (a ' +
              'perfect quantifier), estimates priors from them as livermrs study does (plug-in Bayes) or fits a ' +
              "shrinkage LDA on the log amplitudes, and scores fresh test patients; the oracle scores them with the truth's own " +
              "densities, the bound no method reaches on average. The study's cCNN, trained on spectra simulated from " +
              'such priors, has measured below them: these are upper bounds for it.',
          },
          { kind: 'figure', id: 'design-auc', title: designLegend(r), svg: designFigureSvg(r) },
          {
            kind: 'table',
            input: {
              title: 'Expected AUC ± SE (2.5–97.5 % of one study)',
              columns: ['prior patients per group', ...keys.map(designLabel)],
              rows: r.rows.map((row) => ({
                cells: [row.priorPerGroup, ...keys.map((k) => designCell(row.aucs[k]))],
              })),
              note: designLegend(r),
            },
          },
        ],
      },
    ],
  };
}

/** Writes design.json, design.csv, design.html and figures/design-auc.svg into `dir` (one transaction). */
export async function writeDesign(
  dir: string,
  r: StudyDesignResult,
  o: { command?: string } = {},
): Promise<string[]> {
  return withOutputDir(dir, async (out) => {
    const files = [
      out.write('design.json', designJson(r, { command: o.command, date: new Date().toISOString() })),
      out.write('design.csv', designCsv(r)),
    ];
    const report = await writeReportInto(out, designReport(r, o.command), {
      htmlName: 'design.html',
      png: false,
    });
    return [...files, report.html, ...report.svg];
  });
}
