import type { QuantComparison } from './quant-comparison.js';
import type { StudySummary } from './study-summary.js';
import { paperCounts } from './study-summary.js';
import { ARM_LABELS, type RepeatResult } from './virtual-study.js';

/**
 * The study's HTML report: the one place the study talks to the report module (src/report), so the page can
 * grow with it. A self-contained page (inline CSS, no scripts).
 */
export interface StudyReportInput {
  title: string;
  meta: [string, string][];
  summary: StudySummary;
  repeats: readonly RepeatResult[];
  quantification?: QuantComparison;
}

const esc = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
const f = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '–');
const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(0)}%` : '–');

function table(head: string[], rows: string[][]): string {
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

export function studyReportHtml(input: StudyReportInput): string {
  const s = input.summary;
  const dist = (d: { median: number; q1: number; q3: number; mean: number; sd: number }, p = true) =>
    p
      ? `${pct(d.median)} (${pct(d.q1)}–${pct(d.q3)}); ${pct(d.mean)} ± ${pct(d.sd)}`
      : `${f(d.median)} (${f(d.q1)}–${f(d.q3)}); ${f(d.mean)} ± ${f(d.sd)}`;
  const summaryTable = table(
    [
      'method',
      'sensitivity',
      'specificity',
      'accuracy',
      'AUC',
      'median counts',
      'pooled AUC',
      'pooled ECE',
      '≥ paper',
    ],
    s.arms.map((a) => [
      esc(ARM_LABELS[a.arm]),
      dist(a.sensitivity),
      dist(a.specificity),
      dist(a.accuracy),
      dist(a.auc, false),
      `${a.counts.sensitivity}, ${a.counts.specificity}, ${a.counts.accuracy}`,
      f(a.pooled.auc),
      f(a.pooled.ece, 3),
      `${a.atLeastPaper}/${a.repeats}`,
    ]),
  );
  const perRepeat = table(
    ['repeat', ...s.arms.map((a) => ARM_LABELS[a.arm])],
    input.repeats.map((r) => [
      String(r.repeat),
      ...s.arms.map((a) => {
        const m = r.arms[a.arm];
        if (!m) return '–';
        const c = paperCounts(m);
        return `${c.sensitivity}, ${c.specificity}, ${c.accuracy}; AUC ${f(m.auc)}`;
      }),
    ]),
  );
  const q = input.quantification;
  const quant = q
    ? `<h2>Quantification: qCNN vs NLLS (${q.spectra} simulated spectra from ${esc(q.cohort)})</h2>
<p>Paired Wilcoxon signed-rank test on absolute errors; the paper's claim (qCNN error lower, P ≤ 0.004) holds
for ${q.claimMet} of ${q.components.length} components.</p>${table(
        [
          'component',
          'qCNN MAE',
          'NLLS MAE',
          'qCNN MAPE',
          'NLLS MAPE',
          'P',
          'claim',
          'mean CRLB %',
          'qCNN bias slope',
          'NLLS bias slope',
          'cover 68%',
          'cover 95%',
        ],
        q.components.map((c) => [
          esc(c.component),
          f(c.qcnn.mae, 3),
          f(c.nlls.mae, 3),
          f(c.qcnn.mape, 1),
          f(c.nlls.mape, 1),
          c.wilcoxon.p.toExponential(1),
          c.claimMet ? 'met' : '<b>not met</b>',
          f(c.meanCrlbPercent, 1),
          f(c.biasQcnn.slope),
          f(c.biasNlls.slope),
          f(c.coverage68),
          f(c.coverage95),
        ]),
      )}`
    : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${esc(input.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:0.9em}td,th{border:1px solid #ccc;padding:3px 6px;text-align:left}
th{background:#f3f3f3}</style></head><body>
<h1>${esc(input.title)}</h1>
${table(
  ['', ''],
  input.meta.map(([k, v]) => [esc(k), esc(v)]),
)}
<h2>Classification of the test patients (${s.repeats} repeat${s.repeats === 1 ? '' : 's'})</h2>
<p>Median (IQR); mean ± SD over repeats. Counts are medians over repeats, as the paper reports them (7/7, 9/10, 16/17).</p>
${summaryTable}
<h2>Per repeat</h2>${perRepeat}
${quant}
</body></html>
`;
}
