import { linePlotSvg } from '../../report/svg-plot.js';

/**
 * The browser app's spectrum: drawn with the report's plotting (the same SVG as the reports), with zoom on the
 * ppm axis (drag across the plot), reset by double-click, and a readout of the values under the pointer. The
 * geometry (pixels ↔ ppm, the zoom window, the nearest point) is in pure functions, tested in Node; the DOM
 * wiring is attachSpectrumView.
 */

export interface SpectrumTraces {
  title: string;
  /** ppm of every point (any order). */
  ppm: ArrayLike<number>;
  real: ArrayLike<number>;
  magnitude: ArrayLike<number>;
}

/** The plot area of a drawn figure, in SVG user units. */
export interface PlotBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Narrowest zoom window (ppm) and smallest drag (px) that counts as a zoom rather than a click. */
export const MIN_ZOOM_PPM = 0.05;
export const MIN_DRAG_PX = 4;

/** ppm under a horizontal position on a reversed ppm axis showing [lo, hi] (hi at the left edge). */
export function pxToPpm(x: number, box: PlotBox, range: readonly [number, number]): number {
  const [lo, hi] = [Math.min(...range), Math.max(...range)];
  return hi - ((x - box.left) / box.width) * (hi - lo);
}

/**
 * The window a drag from x0 to x1 (px) selects, clamped to the plot and to `full`; undefined for a drag shorter
 * than MIN_DRAG_PX (a click). Windows narrower than MIN_ZOOM_PPM are widened about their centre.
 */
export function zoomWindow(
  x0: number,
  x1: number,
  box: PlotBox,
  current: readonly [number, number],
  full: readonly [number, number],
): [number, number] | undefined {
  if (Math.abs(x1 - x0) < MIN_DRAG_PX) return undefined;
  const clamp = (x: number) => Math.min(box.left + box.width, Math.max(box.left, x));
  const a = pxToPpm(clamp(x0), box, current);
  const b = pxToPpm(clamp(x1), box, current);
  let lo = Math.min(a, b);
  let hi = Math.max(a, b);
  if (hi - lo < MIN_ZOOM_PPM) {
    const mid = (lo + hi) / 2;
    lo = mid - MIN_ZOOM_PPM / 2;
    hi = mid + MIN_ZOOM_PPM / 2;
  }
  // A widened window at an edge of the full range slides inwards rather than shrinking.
  const [flo, fhi] = [Math.min(...full), Math.max(...full)];
  if (lo < flo) [lo, hi] = [flo, Math.min(fhi, hi + (flo - lo))];
  if (hi > fhi) [lo, hi] = [Math.max(flo, lo - (hi - fhi)), fhi];
  return [lo, hi];
}

/** Index of the point nearest to a ppm value. */
export function nearestIndex(ppm: ArrayLike<number>, at: number): number {
  let best = 0;
  for (let i = 1; i < ppm.length; i++) if (Math.abs(ppm[i] - at) < Math.abs(ppm[best] - at)) best = i;
  return best;
}

/** The spectrum over [lo, hi] ppm, the y axis scaled to what is visible there. */
export function spectrumSvg(s: SpectrumTraces, range: readonly [number, number]): string {
  const [lo, hi] = [Math.min(...range), Math.max(...range)];
  let yMax = Number.NEGATIVE_INFINITY;
  let yMin = 0;
  for (let i = 0; i < s.ppm.length; i++) {
    if (s.ppm[i] < lo || s.ppm[i] > hi) continue;
    yMax = Math.max(yMax, s.magnitude[i], s.real[i]);
    yMin = Math.min(yMin, s.real[i]);
  }
  if (!(yMax > yMin)) yMax = yMin + 1;
  const pad = 0.04 * (yMax - yMin);
  return linePlotSvg({
    title: s.title,
    width: 900,
    height: 380,
    traces: [
      { x: s.ppm, y: s.magnitude, label: 'magnitude', color: '#aaa', width: 1 },
      { x: s.ppm, y: s.real, label: 'real (automatic zero-order phase)', color: '#000', width: 1.1 },
    ],
    x: { reversed: true, range: [lo, hi], label: 'chemical shift (ppm)' },
    y: { hidden: true, range: [yMin - pad, yMax + pad], label: 'intensity (a.u.)' },
  });
}

/** "1.302 ppm · real 1.23e+4 · magnitude 1.31e+4" */
export function readoutText(s: SpectrumTraces, i: number): string {
  const v = (x: number) =>
    Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-2 && x !== 0) ? x.toExponential(2) : x.toFixed(2);
  return `${s.ppm[i].toFixed(3)} ppm · real ${v(s.real[i])} · magnitude ${v(s.magnitude[i])} (a.u.)`;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The window listener of the spectrum shown last (a new file replaces it). */
let detach: AbortController | undefined;

/**
 * Draws the spectrum into `figure` and makes it zoomable: drag across the plot to zoom on the ppm axis,
 * double-click to go back to `full`; moving the pointer shows the values under it in `readout`. The current
 * window is kept in figure.dataset.range ("lo,hi") for scripts and tests.
 */
export function attachSpectrumView(
  figure: HTMLElement,
  readout: HTMLElement,
  s: SpectrumTraces,
  full: [number, number],
): void {
  let range: [number, number] = full;
  let box: PlotBox = { left: 0, top: 0, width: 1, height: 1 };
  let svg: SVGSVGElement | null = null;
  let band: SVGRectElement | undefined;
  let cursor: SVGLineElement | undefined;
  let dragFrom: number | undefined;

  const toUser = (clientX: number) => {
    const r = (svg as SVGSVGElement).getBoundingClientRect();
    return (clientX - r.left) * ((svg as SVGSVGElement).viewBox.baseVal.width / r.width);
  };
  const overlay = <K extends 'rect' | 'line'>(tag: K, attrs: Record<string, string>) => {
    const el = document.createElementNS(SVG_NS, tag) as SVGElementTagNameMap[K];
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    (svg as SVGSVGElement).appendChild(el);
    return el;
  };
  const draw = () => {
    figure.innerHTML = spectrumSvg(s, range);
    figure.dataset.range = `${range[0]},${range[1]}`;
    svg = figure.querySelector('svg');
    const clip = svg?.querySelector('clipPath rect');
    if (!svg || !clip) return;
    box = {
      left: Number(clip.getAttribute('x')),
      top: Number(clip.getAttribute('y')),
      width: Number(clip.getAttribute('width')),
      height: Number(clip.getAttribute('height')),
    };
    svg.style.cursor = 'crosshair';
    svg.style.userSelect = 'none';
    const y = String(box.top);
    const h = String(box.height);
    band = overlay('rect', {
      y,
      height: h,
      width: '0',
      fill: '#0072B2',
      'fill-opacity': '0.15',
      visibility: 'hidden',
    });
    cursor = overlay('line', {
      y1: y,
      y2: String(box.top + box.height),
      stroke: '#D55E00',
      'stroke-width': '0.8',
      visibility: 'hidden',
    });
    svg.addEventListener('mousedown', (e) => {
      dragFrom = toUser(e.clientX);
      e.preventDefault();
    });
    svg.addEventListener('mousemove', (e) => {
      const x = toUser(e.clientX);
      const inside = x >= box.left && x <= box.left + box.width;
      if (cursor) {
        cursor.setAttribute('x1', String(x));
        cursor.setAttribute('x2', String(x));
        cursor.setAttribute('visibility', inside ? 'visible' : 'hidden');
      }
      readout.textContent = inside ? readoutText(s, nearestIndex(s.ppm, pxToPpm(x, box, range))) : '';
      if (dragFrom !== undefined && band) {
        band.setAttribute('x', String(Math.max(box.left, Math.min(dragFrom, x))));
        band.setAttribute('width', String(Math.abs(x - dragFrom)));
        band.setAttribute('visibility', 'visible');
      }
    });
    svg.addEventListener('mouseleave', () => {
      cursor?.setAttribute('visibility', 'hidden');
      readout.textContent = '';
    });
    svg.addEventListener('dblclick', () => {
      range = full;
      draw();
    });
  };
  // The drag ends wherever the button is released (also outside the figure).
  detach?.abort();
  detach = new AbortController();
  window.addEventListener(
    'mouseup',
    (e) => {
      if (dragFrom === undefined || !svg) return;
      const next = zoomWindow(dragFrom, toUser(e.clientX), box, range, full);
      dragFrom = undefined;
      band?.setAttribute('visibility', 'hidden');
      if (next) {
        range = next;
        draw();
      }
    },
    { signal: detach.signal },
  );
  draw();
}
