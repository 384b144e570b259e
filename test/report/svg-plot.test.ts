import { describe, expect, it } from 'vitest';
import {
  escapeXml,
  Frame,
  formatTick,
  linePlot,
  linePlotSvg,
  niceStep,
  niceTicks,
} from '../../src/report/svg-plot.js';

describe('svg-plot', () => {
  it('chooses nice tick steps from {1, 2, 2.5, 5} x 10^k', () => {
    expect(niceStep(5.2, 8)).toBe(0.5);
    expect(niceStep(1, 5)).toBe(0.2);
    expect(niceStep(1000, 4)).toBe(250);
    expect(niceTicks(0.4, 5.8, 6)).toEqual([1, 2, 3, 4, 5]);
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.5, 5.7, 6)).toEqual([1, 2, 3, 4, 5]);
    expect(niceTicks(-3, 3, 3)).toEqual([-2, 0, 2]);
  });

  it('formats ticks with the decimals the step needs', () => {
    expect(formatTick(5.5, 0.5)).toBe('5.5');
    expect(formatTick(1, 0.25)).toBe('1.00');
    expect(formatTick(4, 2)).toBe('4');
    expect(formatTick(0.4, 0.2)).toBe('0.4');
  });

  it('a reversed (ppm) axis puts high values on the left', () => {
    const f = new Frame(
      { left: 50, top: 0, width: 500, height: 100 },
      { reversed: true, range: [0, 5] },
      { range: [0, 1] },
    );
    expect(f.px(5)).toBe(50);
    expect(f.px(0)).toBe(550);
    expect(f.px(1.3)).toBeCloseTo(50 + (3.7 / 5) * 500, 9);
    expect(f.py(0)).toBe(100);
    expect(f.py(1)).toBe(0);
  });

  it('draws the legend labels and escapes text', () => {
    const svg = linePlotSvg({ title: 'a < b & "c"', traces: [{ x: [0, 1], y: [0, 1], label: 'fit <1>' }] });
    expect(svg).toContain('a &lt; b &amp; &quot;c&quot;');
    expect(svg).toContain('fit &lt;1&gt;');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(escapeXml("'")).toBe('&apos;');
  });

  it('breaks lines at non-finite values instead of drawing to 0', () => {
    const f = new Frame({ left: 0, top: 0, width: 100, height: 100 }, { range: [0, 3] }, { range: [0, 1] });
    const path = f.trace({ x: [0, 1, 2, 3], y: [0, 1, Number.NaN, 0] }, '#000');
    expect(path.match(/M/g)?.length).toBe(2);
  });

  it('a band is one polygon from high (left to right) back along low, under its line, skipping non-finite x', () => {
    const f = new Frame({ left: 0, top: 0, width: 100, height: 100 }, { range: [0, 2] }, { range: [0, 1] });
    const band = f.band(
      { x: [0, 1, 2], y: [0.5, 0.5, 0.5], band: { low: [0.4, Number.NaN, 0.2], high: [0.6, 0.7, 0.8] } },
      '#123456',
    );
    // x 0 → 0 px, x 2 → 100 px; y 0.6 → 40 px, 0.8 → 20 px, 0.2 → 80 px, 0.4 → 60 px.
    expect(band).toBe(
      '<polygon class="band" points="0,40 100,20 100,80 0,60" fill="#123456" fill-opacity="0.18" stroke="none"/>',
    );
    const drawn = f.trace({ x: [0, 2], y: [0.5, 0.5], band: { low: [0.4, 0.2], high: [0.6, 0.8] } }, '#000');
    expect(drawn.indexOf('<polygon')).toBe(0);
    expect(drawn).toContain('<path');
    // Without a y range the band widens the axis to hold it.
    const auto = new Frame({ left: 0, top: 0, width: 100, height: 100 }, {}, {}, [
      { x: [0, 1], y: [0.5, 0.5], band: { low: [0, 0], high: [1, 1] } },
    ]);
    expect(auto.yRange[0]).toBeLessThan(0);
    expect(auto.yRange[1]).toBeGreaterThan(1);
  });

  it('linePlot (compact options): reversed axis with the largest value on the left, legend, escaped labels', () => {
    const svg = linePlot(
      [
        { x: [1, 2, 3], y: [0, 1, 0], label: 'A<B' },
        { x: [1, 2, 3], y: [1, 0, 1], label: 'C' },
      ],
      { reverseX: true, xLabel: 'Chemical shift (ppm)', title: 'T&T', width: 600, height: 400 },
    );
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('A&lt;B');
    expect(svg).toContain('T&amp;T');
    const paths = [...svg.matchAll(/<path d="([^"]+)" fill="none"/g)].map((m) => m[1]);
    expect(paths).toHaveLength(2);
    // first trace: x = 1 (smallest) must be drawn to the right of x = 3 on a reversed axis
    const xs = [...paths[0].matchAll(/[ML]([\d.]+),/g)].map((m) => Number(m[1]));
    expect(xs[0]).toBeGreaterThan(xs[2]);
    // tick labels in reversed order from left to right
    const ticks = [
      ...svg.matchAll(/<text x="([\d.]+)" y="[\d.]+" text-anchor="middle">([\d.]+)<\/text>/g),
    ].map((m) => ({ x: Number(m[1]), v: Number(m[2]) }));
    expect(ticks.length).toBeGreaterThan(3);
    const sorted = [...ticks].sort((a, b) => a.x - b.x);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i].v).toBeLessThan(sorted[i - 1].v);
  });

  it('linePlot places free labels at data coordinates and can hide the legend', () => {
    const svg = linePlot([{ x: [0, 10], y: [0, 1], label: 'hidden' }], {
      xRange: [0, 10],
      yRange: [0, 1],
      legend: false,
      labels: [{ x: 5, y: 0.5, text: 'mid', anchor: 'middle' }],
      width: 800,
      height: 500,
    });
    expect(svg).not.toContain('>hidden<');
    // Plot area: left 62, width 800 - 62 - 16 = 722; x = 5 is its middle.
    expect(svg).toContain(`<text x="${62 + 722 / 2}" `);
  });
});
