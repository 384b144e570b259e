/**
 * A small, dependency-free SVG plotting module: axes with "nice" ticks (optionally reversed, as a ppm axis is
 * drawn), line / marker / step traces, horizontal and diagonal reference lines, text annotations and a legend.
 * It emits plain SVG text (no DOM), so the same code draws report figures in Node and the spectrum in the
 * browser app. Figures with several panels place several {@link Frame}s in one SVG.
 *
 * Every figure is a complete standalone `<svg>` with a white background and an explicit size, so it can be
 * written to a .svg file, inlined into HTML, or rasterised to PNG (report/png.ts) unchanged.
 */

/** A colour-blind friendly palette (Okabe & Ito 2008), then darker tones. */
export const PALETTE = [
  '#0072B2',
  '#D55E00',
  '#009E73',
  '#CC79A7',
  '#E69F00',
  '#56B4E9',
  '#000000',
  '#999933',
  '#8C564B',
  '#7F7F7F',
] as const;

/** Distinct colours for many traces (e.g. 20 component contributions): the palette without black and yellow, then a hue wheel. */
export function seriesColor(i: number): string {
  const base = ['#D55E00', '#0072B2', '#009E73', '#CC79A7', '#E69F00', '#56B4E9'];
  if (i < base.length) return base[i];
  const hue = (i * 137.508) % 360; // golden angle: neighbours stay apart
  return `hsl(${hue.toFixed(0)}, 60%, 40%)`;
}

export const FONT_FAMILY = 'DejaVu Sans, Helvetica, Arial, sans-serif';

export interface Trace {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  label?: string;
  color?: string;
  /** Stroke width (px). Default 1.2. */
  width?: number;
  /** SVG stroke-dasharray, e.g. '4 3'. */
  dash?: string;
  /** 'line' (default), 'markers', 'line+markers' or 'step' (post-step, for ROC curves). */
  mode?: 'line' | 'markers' | 'line+markers' | 'step';
  markerRadius?: number;
  /** Marker fill opacity (default 0.8). */
  markerOpacity?: number;
  /** Constant added to every y (stacked spectra). */
  offset?: number;
  /** Leave out of the legend even when labelled. */
  hideInLegend?: boolean;
  /** A shaded band from low to high at each x (an interval around the trace), drawn under it in its colour. */
  band?: { low: ArrayLike<number>; high: ArrayLike<number>; opacity?: number };
}

export interface Axis {
  label?: string;
  /** Data range shown; default: the data extent (with 4 % padding for y). */
  range?: [number, number];
  /** Draw high values on the left (x) or at the bottom (y). A ppm axis is reversed. */
  reversed?: boolean;
  /** Explicit tick positions; default: about `tickCount` nice ticks. */
  ticks?: number[];
  tickCount?: number;
  tickFormat?: (v: number) => string;
  /** Light grid lines at the ticks. */
  grid?: boolean;
  /** Hide tick labels and ticks (e.g. arbitrary-unit spectrum intensity). */
  hidden?: boolean;
  /** 'log2': equal distances for doublings (patient counts 10, 20, 40, …); default ticks at powers of two. */
  scale?: 'linear' | 'log2';
}

export interface Annotation {
  x: number;
  y: number;
  text: string;
  anchor?: 'start' | 'middle' | 'end';
  color?: string;
  size?: number;
  /** Pixel offsets from the data point. */
  dx?: number;
  dy?: number;
}

export interface RefLine {
  /** Horizontal line at y, or vertical at x. */
  y?: number;
  x?: number;
  color?: string;
  dash?: string;
  width?: number;
}

export interface PlotOptions {
  traces: Trace[];
  x?: Axis;
  y?: Axis;
  title?: string;
  width?: number;
  height?: number;
  /**
   * Legend position; false hides it. Default 'auto' when any trace is labelled: the corner of the plot with no
   * data under the legend box, else outside the data area (right of the plot when the legend is narrow, below it
   * otherwise). 'right' and 'below' put it outside; a corner name forces that corner.
   */
  legend?: false | LegendPlace;
  annotations?: Annotation[];
  refLines?: RefLine[];
  /** Draw the y = x line (e.g. chance line of a ROC plot, identity of an estimate-vs-truth plot). */
  diagonal?: boolean;
  /** Equal data scaling on x and y is not enforced; this only fixes margins. */
  margin?: Partial<Margin>;
  /** Accessible description (the <title> element). Default: the title. */
  description?: string;
}

export type Corner = 'top-right' | 'top-left' | 'bottom-right' | 'bottom-left';
export type LegendPlace = Corner | 'auto' | 'right' | 'below';

export interface Margin {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Plot area of one panel inside an SVG, in pixels. */
export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Escapes text for SVG/HTML content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`,
  );
}

/** Numbers in SVG coordinates: 2 decimals, no trailing zeros, never NaN text. */
export function n2(v: number): string {
  if (!Number.isFinite(v)) return '0';
  return String(Math.round(v * 100) / 100);
}

/**
 * Width (px) of text in DejaVu Sans (the figures' first font), from its advance widths in em: narrow glyphs
 * (i, l, punctuation) 0.3–0.42, digits 0.64, most lower case 0.62, capitals 0.74, operators (=, +, ±) 0.84, m/w/M/W 0.92. Bold is about 13 %
 * wider (1.15 here). An estimate that errs wide, so text laid out with it is not clipped in Chromium or resvg.
 */
export function textWidth(text: string, size = 11, bold = false): number {
  let em = 0;
  for (const c of text) {
    if (c === ' ') em += 0.32;
    else if (/[ijl.,;:'|!]/.test(c)) em += 0.3;
    else if (/[ft()[\]{}\-r/"]/.test(c)) em += 0.42;
    else if (/[mwMW@%×—]/.test(c)) em += 0.92;
    else if (/[=+<>~±−]/.test(c)) em += 0.84;
    else if (/[0-9]/.test(c)) em += 0.64;
    else if (/[A-Z]/.test(c)) em += 0.74;
    else em += 0.62;
  }
  return em * size * (bold ? 1.15 : 1);
}

/** Words of `text` in lines no wider than maxWidth px (a single word longer than that gets a line of its own). */
export function wrapText(text: string, maxWidth: number, size = 11, bold = false): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (line && textWidth(next, size, bold) > maxWidth) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

/** Figure titles: 13 px bold, wrapped to the figure width less a 12 px margin each side, 16 px per line. */
const TITLE_SIZE = 13;
const TITLE_LINE = 16;

export function titleLines(title: string | undefined, width: number): string[] {
  return title ? wrapText(title, width - 24, TITLE_SIZE, true) : [];
}

/** Where content may start below a figure's title (30 px for one line, 16 px more per extra line; 10 without). */
export function titleHeight(title: string | undefined, width: number): number {
  const n = titleLines(title, width).length;
  return n === 0 ? 10 : 30 + TITLE_LINE * (n - 1);
}

/** Tick step from {1, 2, 2.5, 5} x 10^k closest to span / count. */
export function niceStep(span: number, count = 6): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, count);
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  const m = f < 1.5 ? 1 : f < 2.25 ? 2 : f < 3.5 ? 2.5 : f < 7.5 ? 5 : 10;
  return m * p;
}

/** Nice ticks covering [lo, hi] (inclusive, within rounding). */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  const a = Math.min(lo, hi);
  const b = Math.max(lo, hi);
  const step = niceStep(b - a, count);
  const out: number[] = [];
  const first = Math.ceil(a / step - 1e-9);
  const last = Math.floor(b / step + 1e-9);
  // Integer multiples of the step, rounded so 3 x 0.2 prints and compares as 0.6.
  for (let k = first; k <= last; k++) out.push(Number((k * step).toPrecision(12)) || 0);
  return out;
}

/** Tick label with as many decimals as the step needs. */
export function formatTick(v: number, step: number): string {
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
  const exact = Math.abs(step * 10 ** decimals - Math.round(step * 10 ** decimals)) < 1e-6;
  return v.toFixed(exact ? decimals : decimals + 1);
}

function extent(values: Iterable<number>): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) return [0, 1];
  if (lo === hi) return [lo - 0.5, hi + 0.5];
  return [lo, hi];
}

/** Data → linear plotting coordinate of an axis (log2 for a log2 axis). */
function axisTransform(axis: Axis): (v: number) => number {
  return axis.scale === 'log2' ? (v) => Math.log2(v) : (v) => v;
}

function* traceY(t: Trace): Iterable<number> {
  const off = t.offset ?? 0;
  for (let i = 0; i < t.y.length; i++) yield t.y[i] + off;
  for (const side of t.band ? [t.band.low, t.band.high] : [])
    for (let i = 0; i < side.length; i++) yield side[i] + off;
}

function* traceX(t: Trace): Iterable<number> {
  for (let i = 0; i < t.x.length; i++) yield t.x[i];
}

function* concat(parts: Iterable<number>[]): Iterable<number> {
  for (const p of parts) yield* p;
}

/**
 * One panel: maps data to pixels and draws axes and traces. The x range is [x0, x1] with x0 drawn at the left
 * (so a reversed axis has x0 > x1); y likewise with y0 at the bottom.
 */
export class Frame {
  readonly box: Box;
  readonly xRange: [number, number];
  readonly yRange: [number, number];
  readonly xAxis: Axis;
  readonly yAxis: Axis;

  constructor(box: Box, xAxis: Axis, yAxis: Axis, traces: readonly Trace[] = []) {
    this.box = box;
    this.xAxis = xAxis;
    this.yAxis = yAxis;
    const xr = xAxis.range ?? extent(concat(traces.map(traceX)));
    let yr = yAxis.range;
    if (!yr) {
      const [lo, hi] = extent(concat(traces.map(traceY)));
      const pad = 0.04 * (hi - lo);
      yr = [lo - pad, hi + pad];
    }
    const xs: [number, number] = [Math.min(...xr), Math.max(...xr)];
    const ys: [number, number] = [Math.min(...yr), Math.max(...yr)];
    this.xRange = xAxis.reversed ? [xs[1], xs[0]] : xs;
    this.yRange = yAxis.reversed ? [ys[1], ys[0]] : ys;
  }

  px(x: number): number {
    const f = axisTransform(this.xAxis);
    const [a, b] = this.xRange.map(f);
    return this.box.left + ((f(x) - a) / (b - a || 1)) * this.box.width;
  }

  py(y: number): number {
    const f = axisTransform(this.yAxis);
    const [a, b] = this.yRange.map(f);
    return this.box.top + this.box.height - ((f(y) - a) / (b - a || 1)) * this.box.height;
  }

  /** Ticks of an axis: explicit, powers of two on a log2 axis, else nice linear ticks. */
  ticksOf(axis: Axis, range: [number, number], count: number): number[] {
    if (axis.ticks) return axis.ticks;
    if (axis.scale === 'log2') {
      const lo = Math.min(...range);
      const hi = Math.max(...range);
      const out: number[] = [];
      for (let k = Math.ceil(Math.log2(lo) - 1e-9); k <= Math.floor(Math.log2(hi) + 1e-9); k++)
        out.push(2 ** k);
      return out;
    }
    return niceTicks(range[0], range[1], count);
  }

  /** Clip-path id unique to this panel (figures may hold several). */
  clipId(prefix: string): string {
    return `${prefix}-clip-${Math.round(this.box.left)}-${Math.round(this.box.top)}`;
  }

  clipDef(prefix: string): string {
    const b = this.box;
    return `<clipPath id="${this.clipId(prefix)}"><rect x="${n2(b.left)}" y="${n2(b.top)}" width="${n2(b.width)}" height="${n2(b.height)}"/></clipPath>`;
  }

  /** Axes, ticks, tick labels, grid and axis labels. */
  axes(opts: { xLabels?: boolean; frame?: boolean } = {}): string {
    const b = this.box;
    const out: string[] = [];
    const bottom = b.top + b.height;
    if (opts.frame !== false) {
      out.push(
        `<rect x="${n2(b.left)}" y="${n2(b.top)}" width="${n2(b.width)}" height="${n2(b.height)}" fill="none" stroke="#444" stroke-width="0.8"/>`,
      );
    }
    if (!this.xAxis.hidden) {
      const ticks = this.ticksOf(this.xAxis, this.xRange, this.xAxis.tickCount ?? 8);
      const step = ticks.length > 1 ? Math.abs(ticks[1] - ticks[0]) : 1;
      for (const t of ticks) {
        const x = this.px(t);
        if (x < b.left - 0.5 || x > b.left + b.width + 0.5) continue;
        if (this.xAxis.grid)
          out.push(
            `<line x1="${n2(x)}" x2="${n2(x)}" y1="${n2(b.top)}" y2="${n2(bottom)}" stroke="#e4e4e4" stroke-width="0.8"/>`,
          );
        out.push(
          `<line x1="${n2(x)}" x2="${n2(x)}" y1="${n2(bottom)}" y2="${n2(bottom + 4)}" stroke="#444" stroke-width="0.8"/>`,
        );
        if (opts.xLabels !== false) {
          const label = this.xAxis.tickFormat
            ? this.xAxis.tickFormat(t)
            : this.xAxis.scale === 'log2'
              ? String(Number(t.toPrecision(6)))
              : formatTick(t, step);
          out.push(
            `<text x="${n2(x)}" y="${n2(bottom + 16)}" text-anchor="middle">${escapeXml(label)}</text>`,
          );
        }
      }
    }
    if (this.xAxis.label && opts.xLabels !== false) {
      out.push(
        `<text x="${n2(b.left + b.width / 2)}" y="${n2(bottom + 34)}" text-anchor="middle">${escapeXml(this.xAxis.label)}</text>`,
      );
    }
    if (!this.yAxis.hidden) {
      const ticks = this.ticksOf(this.yAxis, this.yRange, this.yAxis.tickCount ?? 5);
      const step = ticks.length > 1 ? Math.abs(ticks[1] - ticks[0]) : 1;
      for (const t of ticks) {
        const y = this.py(t);
        if (y < b.top - 0.5 || y > bottom + 0.5) continue;
        if (this.yAxis.grid)
          out.push(
            `<line x1="${n2(b.left)}" x2="${n2(b.left + b.width)}" y1="${n2(y)}" y2="${n2(y)}" stroke="#e4e4e4" stroke-width="0.8"/>`,
          );
        out.push(
          `<line x1="${n2(b.left - 4)}" x2="${n2(b.left)}" y1="${n2(y)}" y2="${n2(y)}" stroke="#444" stroke-width="0.8"/>`,
        );
        const label = this.yAxis.tickFormat ? this.yAxis.tickFormat(t) : formatTick(t, step);
        out.push(`<text x="${n2(b.left - 7)}" y="${n2(y + 4)}" text-anchor="end">${escapeXml(label)}</text>`);
      }
    }
    if (this.yAxis.label) {
      const x = b.left - (this.yAxis.hidden ? 12 : 46);
      const y = b.top + b.height / 2;
      out.push(
        `<text x="${n2(x)}" y="${n2(y)}" text-anchor="middle" transform="rotate(-90 ${n2(x)} ${n2(y)})">${escapeXml(this.yAxis.label)}</text>`,
      );
    }
    return out.join('');
  }

  /** One trace as SVG (clipped to the panel by the caller's clip path). */
  trace(t: Trace, fallbackColor: string): string {
    const color = t.color ?? fallbackColor;
    const off = t.offset ?? 0;
    const n = Math.min(t.x.length, t.y.length);
    const mode = t.mode ?? 'line';
    const out: string[] = [];
    if (t.band) out.push(this.band(t, color));
    if (mode !== 'markers') {
      const parts: string[] = [];
      let pen = false;
      let prevY = 0;
      for (let i = 0; i < n; i++) {
        const yv = t.y[i] + off;
        if (!Number.isFinite(yv) || !Number.isFinite(t.x[i])) {
          pen = false;
          continue;
        }
        const x = n2(this.px(t.x[i]));
        const y = n2(this.py(yv));
        if (!pen) parts.push(`M${x},${y}`);
        else if (mode === 'step') parts.push(`L${x},${prevY}L${x},${y}`);
        else parts.push(`L${x},${y}`);
        pen = true;
        prevY = Number(y);
      }
      const dash = t.dash ? ` stroke-dasharray="${t.dash}"` : '';
      out.push(
        `<path d="${parts.join('')}" fill="none" stroke="${color}" stroke-width="${t.width ?? 1.2}" stroke-linejoin="round"${dash}/>`,
      );
    }
    if (mode === 'markers' || mode === 'line+markers') {
      const r = t.markerRadius ?? 3;
      const op = t.markerOpacity ?? 0.8;
      for (let i = 0; i < n; i++) {
        const yv = t.y[i] + off;
        if (!Number.isFinite(yv) || !Number.isFinite(t.x[i])) continue;
        out.push(
          `<circle cx="${n2(this.px(t.x[i]))}" cy="${n2(this.py(yv))}" r="${r}" fill="${color}" fill-opacity="${op}" stroke="${color}" stroke-width="0.6"/>`,
        );
      }
    }
    return out.join('');
  }

  /** The band of a trace as one filled polygon (high left to right, then low back); x where either side is not finite is skipped. */
  band(t: Trace, color: string): string {
    const b = t.band;
    if (!b) return '';
    const off = t.offset ?? 0;
    const n = Math.min(t.x.length, b.low.length, b.high.length);
    const idx: number[] = [];
    for (let i = 0; i < n; i++)
      if (Number.isFinite(t.x[i]) && Number.isFinite(b.low[i]) && Number.isFinite(b.high[i])) idx.push(i);
    if (idx.length < 2) return '';
    const pt = (i: number, y: number) => `${n2(this.px(t.x[i]))},${n2(this.py(y + off))}`;
    const points = [...idx.map((i) => pt(i, b.high[i])), ...[...idx].reverse().map((i) => pt(i, b.low[i]))];
    return `<polygon class="band" points="${points.join(' ')}" fill="${color}" fill-opacity="${b.opacity ?? 0.18}" stroke="none"/>`;
  }

  refLine(r: RefLine): string {
    const b = this.box;
    const style = `stroke="${r.color ?? '#888'}" stroke-width="${r.width ?? 0.9}"${r.dash ? ` stroke-dasharray="${r.dash}"` : ''}`;
    if (r.y !== undefined) {
      const y = n2(this.py(r.y));
      return `<line x1="${n2(b.left)}" x2="${n2(b.left + b.width)}" y1="${y}" y2="${y}" ${style}/>`;
    }
    if (r.x !== undefined) {
      const x = n2(this.px(r.x));
      return `<line x1="${x}" x2="${x}" y1="${n2(b.top)}" y2="${n2(b.top + b.height)}" ${style}/>`;
    }
    return '';
  }

  annotation(a: Annotation): string {
    const fill = a.color ? ` fill="${a.color}"` : '';
    const size = a.size ? ` font-size="${a.size}"` : '';
    return `<text x="${n2(this.px(a.x) + (a.dx ?? 0))}" y="${n2(this.py(a.y) + (a.dy ?? 0))}" text-anchor="${a.anchor ?? 'start'}"${fill}${size}>${escapeXml(a.text)}</text>`;
  }

  /** The labelled traces of a legend with their colours. */
  static legendItems(traces: readonly Trace[], colors: string[]): { t: Trace; color: string }[] {
    return traces
      .map((t, i) => ({ t, color: t.color ?? colors[i] }))
      .filter(({ t }) => t.label && !t.hideInLegend);
  }

  /** Size (px) of the legend box of these items. */
  static legendSize(items: readonly { t: Trace }[]): { width: number; height: number } {
    const w = Math.max(0, ...items.map(({ t }) => textWidth(t.label ?? ''))) + 40;
    return { width: w, height: items.length * LEGEND_ROW + 8 };
  }

  /**
   * The corner of the panel whose legend-sized box covers the fewest drawn data pixels (points, and the
   * segments between them sampled every 2 px), with that count: 0 means the legend hides no data there.
   */
  emptiestCorner(
    traces: readonly Trace[],
    size: { width: number; height: number },
  ): { corner: Corner; hits: number } {
    const b = this.box;
    const corners: Corner[] = ['top-right', 'top-left', 'bottom-right', 'bottom-left'];
    const rect = (c: Corner) => {
      const x = c.endsWith('right') ? b.left + b.width - size.width - 6 : b.left + 6;
      const y = c.startsWith('top') ? b.top + 6 : b.top + b.height - size.height - 6;
      return { x0: x - 4, x1: x + size.width + 4, y0: y - 4, y1: y + size.height + 4 };
    };
    const boxes = corners.map(rect);
    const hits = corners.map(() => 0);
    const mark = (x: number, y: number) => {
      boxes.forEach((r, k) => {
        if (x >= r.x0 && x <= r.x1 && y >= r.y0 && y <= r.y1) hits[k]++;
      });
    };
    for (const t of traces) {
      const off = t.offset ?? 0;
      const n = Math.min(t.x.length, t.y.length);
      let px0 = Number.NaN;
      let py0 = Number.NaN;
      for (let i = 0; i < n; i++) {
        const x = this.px(t.x[i]);
        const y = this.py(t.y[i] + off);
        if (!Number.isFinite(x) || !Number.isFinite(y)) {
          px0 = Number.NaN;
          continue;
        }
        mark(x, y);
        if ((t.mode ?? 'line') !== 'markers' && Number.isFinite(px0)) {
          const steps = Math.min(200, Math.ceil(Math.hypot(x - px0, y - py0) / 2));
          for (let k = 1; k < steps; k++) {
            const u = k / steps;
            // A step trace goes across first, then up.
            if (t.mode === 'step')
              mark(px0 + (x - px0) * Math.min(1, 2 * u), u < 0.5 ? py0 : py0 + (y - py0) * (2 * u - 1));
            else mark(px0 + (x - px0) * u, py0 + (y - py0) * u);
          }
        }
        px0 = x;
        py0 = y;
      }
    }
    let best = 0;
    for (let k = 1; k < corners.length; k++) if (hits[k] < hits[best]) best = k;
    return { corner: corners[best], hits: hits[best] };
  }

  /** Legend box with its top-left corner at (x, y). */
  static legendAt(items: readonly { t: Trace; color: string }[], x: number, y: number, frame = true): string {
    if (items.length === 0) return '';
    const { width: w, height: h } = Frame.legendSize(items);
    const out = [
      `<g class="legend">${frame ? `<rect x="${n2(x)}" y="${n2(y)}" width="${n2(w)}" height="${n2(h)}" fill="white" fill-opacity="0.85" stroke="#bbb" stroke-width="0.6"/>` : ''}`,
    ];
    items.forEach(({ t, color }, i) => {
      const cy = y + 4 + LEGEND_ROW * i + LEGEND_ROW / 2;
      if ((t.mode ?? 'line') === 'markers') {
        out.push(`<circle cx="${n2(x + 15)}" cy="${n2(cy)}" r="3.5" fill="${color}"/>`);
      } else {
        const dash = t.dash ? ` stroke-dasharray="${t.dash}"` : '';
        out.push(
          `<line x1="${n2(x + 6)}" x2="${n2(x + 24)}" y1="${n2(cy)}" y2="${n2(cy)}" stroke="${color}" stroke-width="2"${dash}/>`,
        );
      }
      out.push(`<text x="${n2(x + 30)}" y="${n2(cy + 4)}">${escapeXml(t.label ?? '')}</text>`);
    });
    out.push('</g>');
    return out.join('');
  }

  /** Legend of the labelled traces in a corner of the panel ('auto': the corner that hides the least data). */
  legend(traces: readonly Trace[], where: NonNullable<PlotOptions['legend']>, colors: string[]): string {
    if (where === false) return '';
    const items = Frame.legendItems(traces, colors);
    if (items.length === 0) return '';
    const size = Frame.legendSize(items);
    const corner: Corner =
      where === 'auto' || where === 'right' || where === 'below'
        ? this.emptiestCorner(traces, size).corner
        : where;
    const b = this.box;
    const x = corner.endsWith('right') ? b.left + b.width - size.width - 6 : b.left + 6;
    const y = corner.startsWith('top') ? b.top + 6 : b.top + b.height - size.height - 6;
    return Frame.legendAt(items, x, y);
  }

  /** Axes + clipped traces + reference lines + annotations + legend. */
  draw(opts: PlotOptions, clipPrefix: string, axesOpts: { xLabels?: boolean } = {}): string {
    const colors = opts.traces.map((_, i) => PALETTE[i % PALETTE.length]);
    const body: string[] = [];
    if (opts.diagonal) {
      const lo = Math.max(Math.min(...this.xRange), Math.min(...this.yRange));
      const hi = Math.min(Math.max(...this.xRange), Math.max(...this.yRange));
      body.push(
        `<line x1="${n2(this.px(lo))}" y1="${n2(this.py(lo))}" x2="${n2(this.px(hi))}" y2="${n2(this.py(hi))}" stroke="#999" stroke-dasharray="4 3" stroke-width="0.9"/>`,
      );
    }
    for (const r of opts.refLines ?? []) body.push(this.refLine(r));
    opts.traces.forEach((t, i) => {
      body.push(this.trace(t, colors[i]));
    });
    const hasLabels = opts.traces.some((t) => t.label && !t.hideInLegend);
    return [
      `<defs>${this.clipDef(clipPrefix)}</defs>`,
      this.axes(axesOpts),
      `<g clip-path="url(#${this.clipId(clipPrefix)})">${body.join('')}</g>`,
      ...(opts.annotations ?? []).map((a) => this.annotation(a)),
      hasLabels ? this.legend(opts.traces, opts.legend ?? 'auto', colors) : '',
    ].join('');
  }
}

/** Opening tag, background and title of a standalone figure. */
export function svgOpen(width: number, height: number, title?: string, description?: string): string {
  const desc = description ?? title;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT_FAMILY}" font-size="11" fill="#222">`,
    desc ? `<title>${escapeXml(desc)}</title>` : '',
    `<rect width="${width}" height="${height}" fill="white"/>`,
    ...titleLines(title, width).map(
      (line, i) =>
        `<text x="${n2(width / 2)}" y="${18 + TITLE_LINE * i}" text-anchor="middle" font-size="${TITLE_SIZE}" font-weight="bold">${escapeXml(line)}</text>`,
    ),
  ].join('');
}

const LEGEND_ROW = 16;

let plotCounter = 0;

/** A unique id prefix for clip paths, so several figures can be inlined in one HTML page. */
export function uniquePrefix(stem = 'p'): string {
  plotCounter = (plotCounter + 1) % 1e9;
  return `${stem}${plotCounter.toString(36)}`;
}

/**
 * A complete single-panel line/marker plot (axes, traces, reference lines, annotations, legend). The title wraps
 * to the width; the legend goes where it hides no data (PlotOptions.legend), outside the plot if need be, the
 * figure growing to the right or downwards to hold it.
 */
export function linePlotSvg(opts: PlotOptions): string {
  let width = opts.width ?? 640;
  let height = opts.height ?? 400;
  const m: Margin = {
    left: opts.y?.hidden ? 24 : 62,
    right: 16,
    top: titleHeight(opts.title, width),
    bottom: opts.x?.label ? 46 : 30,
    ...opts.margin,
  };
  const frameFor = () =>
    new Frame(
      { left: m.left, top: m.top, width: width - m.left - m.right, height: height - m.top - m.bottom },
      opts.x ?? {},
      opts.y ?? {},
      opts.traces,
    );
  let frame = frameFor();
  const colors = opts.traces.map((_, i) => PALETTE[i % PALETTE.length]);
  const items = Frame.legendItems(opts.traces, colors);
  let where = opts.legend ?? 'auto';
  if (items.length && where === 'auto') {
    const size = Frame.legendSize(items);
    const { corner, hits } = frame.emptiestCorner(opts.traces, size);
    where = hits === 0 ? corner : size.width <= 0.3 * width ? 'right' : 'below';
  }
  let outside = '';
  if (items.length && (where === 'right' || where === 'below')) {
    const size = Frame.legendSize(items);
    if (where === 'right') {
      width += size.width + 12;
      m.right += size.width + 12;
      frame = frameFor();
      outside = Frame.legendAt(items, frame.box.left + frame.box.width + 12, frame.box.top, false);
    } else {
      const below = size.height + 8;
      height += below;
      frame = new Frame(
        {
          left: m.left,
          top: m.top,
          width: width - m.left - m.right,
          height: height - m.top - m.bottom - below,
        },
        opts.x ?? {},
        opts.y ?? {},
        opts.traces,
      );
      const x = Math.max(4, Math.min(frame.box.left, width - size.width - 4));
      outside = Frame.legendAt(items, x, height - below + 2, false);
    }
  }
  const drawn = frame.draw({ ...opts, legend: outside ? false : where }, uniquePrefix());
  return `${svgOpen(width, height, opts.title, opts.description)}${drawn}${outside}</svg>`;
}

/** A free text label at data coordinates (for linePlot). */
export interface TextLabel {
  x: number;
  y: number;
  text: string;
  color?: string;
  anchor?: 'start' | 'middle' | 'end';
}

/** The compact options of linePlot (the first API of this module, used by report/basis-plot.ts). */
export interface LinePlotOptions {
  width?: number;
  height?: number;
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Draw x decreasing to the right (ppm axes). */
  reverseX?: boolean;
  /** Axis ranges in data units (default: the data extent, y padded). */
  xRange?: [number, number];
  yRange?: [number, number];
  /** Show a legend of labelled traces (default true when any trace has a label). */
  legend?: boolean;
  /** Hide the y tick labels (e.g. for stacked spectra in arbitrary units). */
  hideYTicks?: boolean;
  /** 'log2' for doubling x values (patient counts). */
  xScale?: 'linear' | 'log2';
  /** Explicit x ticks (e.g. the x values themselves on a log2 axis). */
  xTicks?: number[];
  labels?: TextLabel[];
}

/** linePlotSvg with the compact option names: `linePlot(traces, { reverseX: true, xLabel: 'ppm' })`. */
export function linePlot(traces: Trace[], opts: LinePlotOptions = {}): string {
  return linePlotSvg({
    traces,
    width: opts.width ?? 800,
    height: opts.height ?? 500,
    title: opts.title,
    x: {
      label: opts.xLabel,
      reversed: opts.reverseX,
      range: opts.xRange,
      scale: opts.xScale,
      ticks: opts.xTicks,
    },
    y: { label: opts.yLabel, range: opts.yRange, hidden: opts.hideYTicks },
    legend: opts.legend === false ? false : undefined,
    annotations: opts.labels?.map((l) => ({ ...l, anchor: l.anchor ?? 'start' })),
  });
}
