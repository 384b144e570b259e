/**
 * Re-draws the study figures of docs/validation.md §1 (docs/figures/study-roc.svg, study-accuracy.svg,
 * study-auc.svg) with the current report plotting, without re-running the 50-repeat study (6,573 s).
 *
 * The run's per-patient predictions were not kept in the repository; the figures committed with it (commit
 * 6ec168d, read with `git show`, so re-running this is idempotent) are its record. The ROC curves are read back
 * from the figures' path coordinates (the plot box of the figure maps them to [0, 1]
 * exactly, to 0.01 px of 364 px: 3e-5) and the per-repeat accuracy and AUC values from their points; the labels
 * and AUCs from the legend text. The paper's 16/17 reference is PAPER_RESULT.
 *
 *   npm run build && node dist/bench/study-figures-redraw.js
 */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../src/io/atomic.js';
import { distributionFigureSvg } from '../src/report/figures/distribution.js';
import { rocFigureSvg } from '../src/report/figures/roc.js';
import { PALETTE } from '../src/report/svg-plot.js';
import { PAPER_RESULT } from '../src/study/study-summary.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const figures = join(root, 'docs', 'figures');
/** The commit that wrote the figures of the 50-repeat run (docs/validation §1 regenerated). */
const SOURCE_COMMIT = '6ec168d';

function original(name: string): string {
  return execFileSync('git', ['show', `${SOURCE_COMMIT}:docs/figures/${name}`], {
    cwd: root,
    encoding: 'utf8',
  });
}

/** The plot box of a single-panel figure (its clip rectangle). */
function plotBox(svg: string): { x: number; y: number; w: number; h: number } {
  const m = /<clipPath id="[^"]+"><rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"\/>/.exec(
    svg,
  );
  if (!m) throw new Error('no plot box in the figure');
  return { x: Number(m[1]), y: Number(m[2]), w: Number(m[3]), h: Number(m[4]) };
}

const title = (svg: string) => /font-weight="bold">([^<]+)<\/text>/.exec(svg)?.[1] ?? '';
const unescapeXml = (s: string) => s.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');

function redrawRoc(name: string): void {
  const svg = original(name);
  const b = plotBox(svg);
  const clip = svg.slice(svg.indexOf('<g clip-path'));
  const paths = [...clip.matchAll(/<path d="([^"]+)" fill="none" stroke="([^"]+)"/g)];
  const legend = svg.slice(svg.indexOf('<g class="legend">'));
  const labels = [...legend.matchAll(/<text[^>]*>([^<]+) \(AUC ([\d.]+)\)<\/text>/g)];
  if (paths.length !== labels.length) throw new Error(`${paths.length} curves, ${labels.length} labels`);
  const curves = paths.map((p, i) => {
    const pts = [...p[1].matchAll(/[ML]([\d.-]+),([\d.-]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    return {
      label: unescapeXml(labels[i][1]),
      auc: Number(labels[i][2]),
      color: p[2],
      fpr: pts.map(([x]) => Math.round(((x - b.x) / b.w) * 1e5) / 1e5),
      tpr: pts.map(([, y]) => Math.round((1 - (y - b.y) / b.h) * 1e5) / 1e5),
    };
  });
  writeFileAtomic(join(figures, name), rocFigureSvg(curves, unescapeXml(title(svg))));
}

function redrawDistribution(name: string, metric: string, reference?: number): void {
  const svg = original(name);
  const b = plotBox(svg);
  const labels = [...svg.matchAll(/<text x="[\d.]+" y="[\d.]+" text-anchor="middle">([^<]+)<\/text>/g)]
    .map((m) => unescapeXml(m[1]))
    .filter((l) => l !== metric);
  const series = labels.map((label, i) => ({ label, values: [] as number[], color: PALETTE[i % 6] }));
  for (const m of svg.matchAll(/<circle cx="[\d.]+" cy="([\d.]+)" r="2.6" fill="([^"]+)"/g)) {
    const s = series.find((x) => x.color === m[2]);
    if (!s) throw new Error(`a point of colour ${m[2]} belongs to no series`);
    s.values.push(Math.round((1 - (Number(m[1]) - b.y) / b.h) * 1e4) / 1e4);
  }
  writeFileAtomic(
    join(figures, name),
    distributionFigureSvg({
      title: unescapeXml(title(svg)),
      metric,
      range: [0, 1],
      series,
      ...(reference !== undefined ? { references: [{ value: reference, label: 'Bae et al. 2025' }] } : {}),
    }),
  );
}

redrawRoc('study-roc.svg');
redrawDistribution('study-accuracy.svg', 'accuracy', PAPER_RESULT.accuracy);
redrawDistribution('study-auc.svg', 'AUC');
process.stdout.write('study-roc.svg, study-accuracy.svg, study-auc.svg re-drawn\n');
