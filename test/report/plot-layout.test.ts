import { describe, expect, it } from 'vitest';
import { rocFigureSvg } from '../../src/report/figures/roc.js';
import { spectrumFigureSvg } from '../../src/report/figures/spectrum.js';
import {
  Frame,
  linePlotSvg,
  textWidth,
  titleHeight,
  titleLines,
  wrapText,
} from '../../src/report/svg-plot.js';

/** Layout rules of the figures: wrapped titles, legends that hide no data, log2 axes for doublings. */

/** The plot box (clip rectangle) of a single-panel figure. */
function plotBox(svg: string) {
  const m = /<clipPath id="[^"]+"><rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/.exec(
    svg,
  );
  const [x, y, w, h] = (m ?? []).slice(1).map(Number);
  return { left: x, top: y, right: x + w, bottom: y + h };
}

/** x and y of every element of the legend group. */
function legendPoints(svg: string): { x: number; y: number }[] {
  const g = /<g class="legend">(.*?)<\/g>/.exec(svg)?.[1] ?? '';
  return [...g.matchAll(/(?:x|x1|cx)="([\d.]+)"[^>]*?(?:y|y1|cy)="([\d.]+)"/g)].map((m) => ({
    x: Number(m[1]),
    y: Number(m[2]),
  }));
}

describe('figure layout', () => {
  it('wraps text to a width measured with the text-width estimate', () => {
    expect(textWidth('mmm')).toBeGreaterThan(textWidth('iii') * 2.5);
    expect(textWidth('Title', 13, true)).toBeGreaterThan(textWidth('Title', 13));
    const long =
      'Plug-in Bayes classifier on TRUE amplitudes, priors from n patients per group (truth-hbv; mean AUC)';
    const lines = wrapText(long, 300);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.join(' ')).toBe(long);
    for (const l of lines) expect(textWidth(l)).toBeLessThanOrEqual(300);
    expect(titleLines('short', 640)).toEqual(['short']);
    expect(titleHeight(undefined, 640)).toBe(10);
    expect(titleHeight('short', 640)).toBe(30);
    expect(titleHeight(long, 300)).toBe(30 + 16 * (titleLines(long, 300).length - 1));
  });

  it('a long title is drawn on several lines inside the figure, and the plot starts below them', () => {
    const title =
      'A title far too long for a figure of four hundred pixels, which used to be clipped at both ends';
    const svg = linePlotSvg({ traces: [{ x: [0, 1], y: [0, 1] }], title, width: 400, height: 300 });
    const lines = [
      ...svg.matchAll(
        /<text x="200" y="(\d+)" text-anchor="middle" font-size="13" font-weight="bold">([^<]+)</g,
      ),
    ];
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.map((l) => l[2]).join(' ')).toBe(title);
    for (const l of lines) expect(textWidth(l[2], 13, true)).toBeLessThanOrEqual(400 - 24);
    expect(plotBox(svg).top).toBe(titleHeight(title, 400));
    expect(plotBox(svg).top).toBeGreaterThan(Number(lines[lines.length - 1][1]));
  });

  it('a log2 axis puts doublings at equal distances, with power-of-two ticks by default', () => {
    const f = new Frame(
      { left: 0, top: 0, width: 400, height: 100 },
      { scale: 'log2', range: [10, 160] },
      {},
    );
    expect(f.px(10)).toBeCloseTo(0, 9);
    expect(f.px(160)).toBeCloseTo(400, 9);
    expect(f.px(20) - f.px(10)).toBeCloseTo(100, 9);
    expect(f.px(80) - f.px(40)).toBeCloseTo(100, 9);
    expect(f.ticksOf(f.xAxis, f.xRange, 8)).toEqual([16, 32, 64, 128]);
    const svg = linePlotSvg({
      traces: [{ x: [10, 20, 40, 80, 160], y: [0.7, 0.8, 0.85, 0.87, 0.88] }],
      x: { scale: 'log2', ticks: [10, 20, 40, 80, 160], range: [10, 160] },
    });
    const ticks = [...svg.matchAll(/<text x="([\d.]+)" y="[\d.]+" text-anchor="middle">(\d+)<\/text>/g)];
    expect(ticks.map((t) => t[2])).toEqual(['10', '20', '40', '80', '160']);
    const xs = ticks.map((t) => Number(t[1]));
    for (let i = 2; i < xs.length; i++) expect(xs[i] - xs[i - 1]).toBeCloseTo(xs[1] - xs[0], 1);
  });

  it('the automatic legend takes a corner with no data under it', () => {
    // A rising curve: top-left and bottom-right are free, top-right and bottom-left are not.
    const x = Array.from({ length: 50 }, (_, i) => i / 49);
    const traces = [{ x, y: x, label: 'rising' }];
    const f = new Frame(
      { left: 0, top: 0, width: 400, height: 300 },
      { range: [0, 1] },
      { range: [0, 1] },
      traces,
    );
    const size = Frame.legendSize(Frame.legendItems(traces, ['#000']));
    const { corner, hits } = f.emptiestCorner(traces, size);
    expect(hits).toBe(0);
    expect(['top-left', 'bottom-right']).toContain(corner);
    const svg = linePlotSvg({ traces, x: { range: [0, 1] }, y: { range: [0, 1] } });
    const b = plotBox(svg);
    for (const p of legendPoints(svg)) {
      // Inside the plot, but in a free corner: above the diagonal on the left or below it on the right.
      const u = (p.x - b.left) / (b.right - b.left);
      const v = (b.bottom - p.y) / (b.bottom - b.top);
      expect(Math.abs(u - v)).toBeGreaterThan(0.05);
    }
  });

  it('a legend that would hide data in every corner goes outside the plot (the wide ROC legend below it)', () => {
    const step = Array.from({ length: 101 }, (_, i) => i / 100);
    const curves = [
      'cCNN',
      'NLLS + logistic regression',
      'Spectral bound (cCNN trained on the truth cohort)',
    ].map((label, k) => ({
      label,
      fpr: step,
      tpr: step.map((s) => s ** (0.3 + 0.3 * k)),
      auc: 0.9 - 0.1 * k,
    }));
    // Curves in every corner: a wide legend cannot sit inside.
    curves.push({ label: 'worse than chance', fpr: step, tpr: step.map((s) => s ** 3), auc: 0.25 });
    const svg = rocFigureSvg(curves, 'ROC');
    const b = plotBox(svg);
    const pts = legendPoints(svg);
    expect(pts.length).toBeGreaterThan(0);
    for (const p of pts) expect(p.y).toBeGreaterThan(b.bottom + 30); // below the axis labels
    const height = Number(/height="(\d+)"/.exec(svg)?.[1]);
    for (const p of pts) expect(p.y).toBeLessThan(height);
  });

  it('the spectrum legend sits in the right margin, never over the spectrum', () => {
    const ppm = Array.from({ length: 200 }, (_, i) => 5 - (4.5 * i) / 199);
    const data = ppm.map(
      (p) => Math.exp(-(((p - 1.3) / 0.05) ** 2)) + 0.2 * Math.exp(-(((p - 4.7) / 0.05) ** 2)),
    );
    const svg = spectrumFigureSvg(
      { ppm, data, fit: data, baseline: ppm.map(() => 0), title: 'x' },
      { width: 470 },
    );
    const right = 470 - 110;
    const pts = legendPoints(svg);
    expect(pts.length).toBeGreaterThanOrEqual(3);
    for (const p of pts) expect(p.x).toBeGreaterThanOrEqual(right);
  });
});
