import { describe, expect, it } from 'vitest';
import { escapeXml, Frame, formatTick, linePlotSvg, niceStep, niceTicks } from '../../src/report/svg-plot.js';

describe('svg-plot', () => {
  it('chooses nice tick steps from {1, 2, 2.5, 5} x 10^k', () => {
    expect(niceStep(5.2, 8)).toBe(0.5);
    expect(niceStep(1, 5)).toBe(0.2);
    expect(niceStep(1000, 4)).toBe(250);
    expect(niceTicks(0.4, 5.8, 6)).toEqual([1, 2, 3, 4, 5]);
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
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
});
