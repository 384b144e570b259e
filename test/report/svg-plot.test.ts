import { describe, expect, it } from 'vitest';
import { linePlot, niceTicks } from '../../src/report/svg-plot.js';

describe('svg line plots', () => {
  it('chooses round ticks', () => {
    expect(niceTicks(0.5, 5.7, 6)).toEqual([1, 2, 3, 4, 5]);
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-3, 3, 3)).toEqual([-2, 0, 2]);
  });

  it('draws a reversed axis with the largest value on the left, a legend and escaped labels', () => {
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
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    // first trace: x = 1 (smallest) must be drawn to the right of x = 3 on a reversed axis
    const pts = /<polyline points="([^"]+)"/
      .exec(svg)![1]
      .split(' ')
      .map((p) => Number(p.split(',')[0]));
    expect(pts[0]).toBeGreaterThan(pts[2]);
    // tick labels in reversed order from left to right
    const ticks = [
      ...svg.matchAll(/<text x="([\d.]+)" y="[\d.]+" text-anchor="middle">([\d.]+)<\/text>/g),
    ].map((m) => ({
      x: Number(m[1]),
      v: Number(m[2]),
    }));
    const sorted = [...ticks].sort((a, b) => a.x - b.x);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i].v).toBeLessThan(sorted[i - 1].v);
  });
});
