import { describe, expect, it } from 'vitest';
import {
  MIN_ZOOM_PPM,
  nearestIndex,
  pxToPpm,
  readoutText,
  spectrumSvg,
  zoomWindow,
} from '../../src/web/app/spectrum-view.js';

/** The browser spectrum's zoom geometry on a reversed ppm axis, and its redraw for a window. */
const box = { left: 62, top: 30, width: 800, height: 300 };

describe('spectrum view', () => {
  it('maps pixels to ppm on a reversed axis (high ppm on the left)', () => {
    expect(pxToPpm(62, box, [0, 6.5])).toBe(6.5);
    expect(pxToPpm(862, box, [0, 6.5])).toBe(0);
    expect(pxToPpm(462, box, [0, 6.5])).toBeCloseTo(3.25, 12);
    expect(pxToPpm(262, box, [1, 3])).toBeCloseTo(2.5, 12);
  });

  it('a drag selects its ppm window, clamped to the plot; a click does not zoom', () => {
    // 0.5 ppm per 61.5 px on [0, 6.5]: a drag from 1.6 ppm to 1.0 ppm (either direction).
    const at = (p: number) => 62 + ((6.5 - p) / 6.5) * 800;
    const w = zoomWindow(at(1.6), at(1.0), box, [0, 6.5], [0, 6.5]);
    expect(w?.[0]).toBeCloseTo(1.0, 10);
    expect(w?.[1]).toBeCloseTo(1.6, 10);
    expect(zoomWindow(at(1.0), at(1.6), box, [0, 6.5], [0, 6.5])).toEqual(w);
    expect(zoomWindow(300, 302, box, [0, 6.5], [0, 6.5])).toBeUndefined();
    // Beyond the plot edges the window stops at the shown range.
    expect(zoomWindow(0, at(5), box, [0, 6.5], [0, 6.5])?.[1]).toBe(6.5);
    // Zooming inside a zoom: the current window maps the pixels.
    const inner = zoomWindow(62, 462, box, [1, 3], [0, 6.5]);
    expect(inner?.[0]).toBeCloseTo(2, 10);
    expect(inner?.[1]).toBeCloseTo(3, 10);
    // Never narrower than MIN_ZOOM_PPM.
    const narrow = zoomWindow(400, 405, box, [0, 0.02], [0, 6.5]) as [number, number];
    expect(narrow[1] - narrow[0]).toBeCloseTo(MIN_ZOOM_PPM, 10);
  });

  it('redraws the window with the y axis scaled to what is visible there', () => {
    const ppm = Array.from({ length: 601 }, (_, i) => 6 - i / 100);
    const peak = (c: number, a: number) => ppm.map((p) => a * Math.exp(-(((p - c) / 0.03) ** 2)));
    const water = peak(4.7, 100);
    const fat = peak(1.3, 2);
    const real = ppm.map((_, i) => water[i] + fat[i]);
    const s = { title: 't', ppm, real, magnitude: real };
    const full = spectrumSvg(s, [0, 6]);
    const zoom = spectrumSvg(s, [1, 1.6]);
    const ticks = (svg: string) =>
      [...svg.matchAll(/text-anchor="middle">([\d.]+)<\/text>/g)].map((m) => Number(m[1]));
    expect(Math.min(...ticks(zoom))).toBeGreaterThanOrEqual(1);
    expect(Math.max(...ticks(zoom))).toBeLessThanOrEqual(1.6);
    expect(Math.max(...ticks(full))).toBeGreaterThanOrEqual(5);
    // The fat peak fills the zoomed plot: its apex is near the top, not 2 % of the way up as at full scale.
    const apexY = (svg: string) => {
      const d = /<path d="([^"]+)" fill="none" stroke="#000"/.exec(svg)?.[1] ?? '';
      return Math.min(...[...d.matchAll(/[ML][\d.]+,([\d.]+)/g)].map((m) => Number(m[1])));
    };
    const top = Number(/<clipPath id="[^"]+"><rect x="[\d.]+" y="([\d.]+)"/.exec(zoom)?.[1]);
    expect(apexY(zoom) - top).toBeLessThan(30);
    expect(nearestIndex(ppm, 1.304)).toBe(470);
    expect(readoutText(s, 470)).toBe(
      `1.300 ppm · real ${real[470].toFixed(2)} · magnitude ${real[470].toFixed(2)} (a.u.)`,
    );
  });
});
