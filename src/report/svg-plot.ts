/**
 * Small dependency-free SVG line plots: several traces, linear axes with "nice" ticks, an optional reversed
 * x axis (chemical shift is drawn high ppm on the left), axis labels, a legend and free text labels. Returns a
 * standalone SVG document as a string, so it works in Node and in the browser and embeds in HTML reports.
 */
export interface Trace {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  label?: string;
  /** CSS colour; default from the palette. */
  color?: string;
  /** Stroke width in px (default 1.25). */
  width?: number;
  /** SVG stroke-dasharray, e.g. '4 2'. */
  dash?: string;
}

export interface TextLabel {
  /** Data coordinates. */
  x: number;
  y: number;
  text: string;
  color?: string;
  anchor?: 'start' | 'middle' | 'end';
}

export interface PlotOptions {
  width?: number;
  height?: number;
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Draw x decreasing to the right (ppm axes). */
  reverseX?: boolean;
  /** Axis ranges in data units (default: the data extent, y padded by 5%). */
  xRange?: [number, number];
  yRange?: [number, number];
  /** Show a legend of labelled traces (default true when any trace has a label). */
  legend?: boolean;
  /** Hide the y tick labels (e.g. for stacked spectra in arbitrary units). */
  hideYTicks?: boolean;
  labels?: TextLabel[];
}

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
];

/** Round tick positions covering [lo, hi], at most about `target` of them (1, 2, 5 x 10^k steps). */
export function niceTicks(lo: number, hi: number, target = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, target);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  const first = Math.ceil(lo / step - 1e-9);
  const last = Math.floor(hi / step + 1e-9);
  for (let i = first; i <= last; i++) out.push(Number((i * step).toPrecision(12)) || 0);
  return out;
}

function fmtTick(v: number, step: number): string {
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return v.toFixed(Math.min(decimals, 6));
}

export function escapeXml(s: string): string {
  return s.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!,
  );
}

function extent(traces: Trace[], axis: 'x' | 'y'): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const t of traces) {
    const v = t[axis];
    for (let i = 0; i < v.length; i++) {
      if (!Number.isFinite(v[i])) continue;
      lo = Math.min(lo, v[i]);
      hi = Math.max(hi, v[i]);
    }
  }
  if (!Number.isFinite(lo)) return [0, 1];
  if (lo === hi) return [lo - 0.5, hi + 0.5];
  return [lo, hi];
}

let plotCounter = 0;

export function linePlot(traces: Trace[], opts: PlotOptions = {}): string {
  const clipId = `plot-area-${++plotCounter}`;
  const width = opts.width ?? 800;
  const height = opts.height ?? 500;
  const showLegend = opts.legend ?? traces.some((t) => t.label);
  const legendItems = traces.filter((t) => t.label);
  const margin = {
    top: opts.title ? 40 : 16,
    right: showLegend && legendItems.length ? 150 : 20,
    bottom: opts.xLabel ? 52 : 32,
    left: opts.hideYTicks ? (opts.yLabel ? 34 : 16) : opts.yLabel ? 70 : 54,
  };
  const pw = width - margin.left - margin.right;
  const ph = height - margin.top - margin.bottom;
  const [x0, x1] = opts.xRange ?? extent(traces, 'x');
  let [y0, y1] = opts.yRange ?? extent(traces, 'y');
  if (!opts.yRange) {
    const pad = (y1 - y0) * 0.05;
    y0 -= pad;
    y1 += pad;
  }
  const xmin = Math.min(x0, x1);
  const xmax = Math.max(x0, x1);
  const sx = (x: number) =>
    margin.left + (opts.reverseX ? (xmax - x) / (xmax - xmin) : (x - xmin) / (xmax - xmin)) * pw;
  const sy = (y: number) => margin.top + (1 - (y - y0) / (y1 - y0)) * ph;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
  );
  parts.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  if (opts.title) {
    parts.push(
      `<text x="${width / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(opts.title)}</text>`,
    );
  }
  // axes and ticks
  const xticks = niceTicks(xmin, xmax, Math.max(2, Math.round(pw / 80)));
  const xstep = xticks.length > 1 ? Math.abs(xticks[1] - xticks[0]) : 1;
  const axisY = margin.top + ph;
  parts.push(
    `<rect x="${margin.left}" y="${margin.top}" width="${pw}" height="${ph}" fill="none" stroke="#444" stroke-width="1"/>`,
  );
  for (const t of xticks) {
    const x = sx(t).toFixed(1);
    parts.push(`<line x1="${x}" y1="${axisY}" x2="${x}" y2="${axisY + 5}" stroke="#444"/>`);
    parts.push(`<text x="${x}" y="${axisY + 18}" text-anchor="middle">${fmtTick(t, xstep)}</text>`);
  }
  if (opts.xLabel) {
    parts.push(
      `<text x="${margin.left + pw / 2}" y="${height - 12}" text-anchor="middle">${escapeXml(opts.xLabel)}</text>`,
    );
  }
  if (!opts.hideYTicks) {
    const yticks = niceTicks(y0, y1, Math.max(2, Math.round(ph / 60)));
    const ystep = yticks.length > 1 ? Math.abs(yticks[1] - yticks[0]) : 1;
    for (const t of yticks) {
      const y = sy(t).toFixed(1);
      parts.push(`<line x1="${margin.left - 5}" y1="${y}" x2="${margin.left}" y2="${y}" stroke="#444"/>`);
      parts.push(
        `<text x="${margin.left - 8}" y="${y}" text-anchor="end" dy="4">${fmtTick(t, ystep)}</text>`,
      );
    }
  }
  if (opts.yLabel) {
    const cx = 16;
    const cy = margin.top + ph / 2;
    parts.push(
      `<text x="${cx}" y="${cy}" text-anchor="middle" transform="rotate(-90 ${cx} ${cy})">${escapeXml(opts.yLabel)}</text>`,
    );
  }
  // traces, clipped to the plot area
  parts.push(
    `<clipPath id="${clipId}"><rect x="${margin.left}" y="${margin.top}" width="${pw}" height="${ph}"/></clipPath>`,
  );
  parts.push(`<g clip-path="url(#${clipId})" fill="none" stroke-linejoin="round">`);
  traces.forEach((t, i) => {
    const color = t.color ?? PALETTE[i % PALETTE.length];
    const pts: string[] = [];
    const n = Math.min(t.x.length, t.y.length);
    for (let k = 0; k < n; k++) {
      if (!Number.isFinite(t.x[k]) || !Number.isFinite(t.y[k])) continue;
      if (t.x[k] < xmin - xstep || t.x[k] > xmax + xstep) continue;
      pts.push(`${sx(t.x[k]).toFixed(1)},${sy(t.y[k]).toFixed(1)}`);
    }
    const dash = t.dash ? ` stroke-dasharray="${t.dash}"` : '';
    parts.push(
      `<polyline points="${pts.join(' ')}" stroke="${color}" stroke-width="${t.width ?? 1.25}"${dash}/>`,
    );
  });
  parts.push('</g>');
  for (const l of opts.labels ?? []) {
    parts.push(
      `<text x="${sx(l.x).toFixed(1)}" y="${sy(l.y).toFixed(1)}" text-anchor="${l.anchor ?? 'start'}" fill="${l.color ?? '#222'}">${escapeXml(l.text)}</text>`,
    );
  }
  if (showLegend && legendItems.length) {
    const lx = margin.left + pw + 14;
    let ly = margin.top + 8;
    traces.forEach((t, i) => {
      if (!t.label) return;
      const color = t.color ?? PALETTE[i % PALETTE.length];
      parts.push(
        `<line x1="${lx}" y1="${ly}" x2="${lx + 22}" y2="${ly}" stroke="${color}" stroke-width="2"/>`,
      );
      parts.push(`<text x="${lx + 28}" y="${ly + 4}">${escapeXml(t.label)}</text>`);
      ly += 18;
    });
  }
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
