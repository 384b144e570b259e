import type { SpectrumFigureInput } from '../types.js';
import {
  escapeXml,
  Frame,
  n2,
  PALETTE,
  seriesColor,
  svgOpen,
  type Trace,
  titleHeight,
  uniquePrefix,
} from '../svg-plot.js';

export interface SpectrumFigureOptions {
  width?: number;
  /** Height of the main (data + fit) panel in pixels. Default 300. */
  mainHeight?: number;
  /** Height of each component row. Default 24. */
  componentRowHeight?: number;
}

/** Indices of the points inside [lo, hi] ppm. */
function windowIndices(ppm: ArrayLike<number>, range?: [number, number]): number[] {
  const out: number[] = [];
  const lo = range ? Math.min(...range) : Number.NEGATIVE_INFINITY;
  const hi = range ? Math.max(...range) : Number.POSITIVE_INFINITY;
  for (let i = 0; i < ppm.length; i++) if (ppm[i] >= lo && ppm[i] <= hi) out.push(i);
  return out;
}

function pick(v: ArrayLike<number> | undefined, idx: number[]): number[] | undefined {
  return v ? idx.map((i) => v[i]) : undefined;
}

function span(v: number[]): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const x of v) {
    if (!Number.isFinite(x)) continue;
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}

/** "×20" / "×0.05" style scale label (one significant digit); empty when the scale is about 1. */
function magnification(k: number): string {
  if (!(k > 0) || !Number.isFinite(k) || (k > 0.67 && k < 1.5)) return '';
  const p = 10 ** Math.floor(Math.log10(k));
  return `×${Number((Math.round(k / p) * p).toPrecision(1))}`;
}

/**
 * The fit figure: residual on top, data (black) with fit (red) and baseline (blue, dashed) in the main panel,
 * then one row per component contribution (each scaled to its row, with its magnification relative to the main
 * panel printed next to its name), all on one reversed ppm axis.
 */
export function spectrumFigureSvg(input: SpectrumFigureInput, opts: SpectrumFigureOptions = {}): string {
  const idx = windowIndices(input.ppm, input.ppmRange);
  if (idx.length < 2) throw new RangeError('spectrum figure: fewer than 2 points in the ppm window');
  const ppm = idx.map((i) => input.ppm[i]);
  const data = pick(input.data, idx)!;
  const fit = pick(input.fit, idx);
  const baseline = pick(input.baseline, idx);
  const residual = pick(input.residual, idx) ?? (fit ? data.map((d, i) => d - fit[i]) : undefined);
  const comps = (input.components ?? []).map((c) => ({ name: c.name, values: pick(c.values, idx)! }));

  const width = opts.width ?? 900;
  const left = 70;
  const right = 110;
  const plotW = width - left - right;
  const top = titleHeight(input.title, width);
  const residualH = residual ? 70 : 0;
  const gap = 8;
  const mainH = opts.mainHeight ?? 300;
  const rowH = opts.componentRowHeight ?? 24;
  const compH = comps.length ? comps.length * rowH + 8 : 0;
  const axisH = 46;
  const height = top + residualH + (residual ? gap : 0) + mainH + (comps.length ? gap : 0) + compH + axisH;
  const xRange: [number, number] = input.ppmRange
    ? [Math.min(...input.ppmRange), Math.max(...input.ppmRange)]
    : span(ppm);
  // About one tick label per 80 px, so narrow figures (the side-by-side views) do not crowd them.
  const xAxis = {
    reversed: true,
    range: xRange,
    label: 'chemical shift (ppm)',
    tickCount: Math.max(4, Math.min(8, Math.round(plotW / 80))),
  };
  const prefix = uniquePrefix('spec');
  const parts: string[] = [svgOpen(width, height, input.title, input.title ?? 'spectrum with fit')];

  // Main panel: the y range covers data, fit and baseline.
  const mainTraces: Trace[] = [{ x: ppm, y: data, label: 'data', color: '#000', width: 1 }];
  if (fit) mainTraces.push({ x: ppm, y: fit, label: 'fit', color: '#D55E00', width: 1.4 });
  if (baseline) mainTraces.push({ x: ppm, y: baseline, label: 'baseline', color: '#0072B2', dash: '5 3' });
  const mainTop = top + residualH + (residual ? gap : 0);
  const main = new Frame(
    { left, top: mainTop, width: plotW, height: mainH },
    xAxis,
    {
      label: `intensity (${input.unit ?? 'a.u.'})`,
      hidden: true,
    },
    mainTraces,
  );
  const lastPanel = comps.length === 0;
  parts.push(main.draw({ traces: mainTraces, legend: false }, `${prefix}m`, { xLabels: lastPanel }));
  // The legend in the right margin, beside the main panel: never over the spectrum.
  const colors = mainTraces.map((_, i) => PALETTE[i % PALETTE.length]);
  parts.push(Frame.legendAt(Frame.legendItems(mainTraces, colors), left + plotW + 4, mainTop, false));

  if (residual) {
    // Same vertical scale as the main panel, so the residual's size is read against the data.
    const [mlo, mhi] = main.yRange;
    const scale = (mhi - mlo) / mainH;
    const [rlo, rhi] = span(residual);
    const mid = (rlo + rhi) / 2;
    const half = Math.max(((rhi - rlo) / 2) * 1.1, (scale * residualH) / 2);
    const resFrame = new Frame(
      { left, top, width: plotW, height: residualH },
      { ...xAxis, label: undefined },
      { range: [mid - half, mid + half], hidden: true },
    );
    const rt: Trace = { x: ppm, y: residual, color: '#666', width: 0.9 };
    parts.push(
      resFrame.draw({ traces: [rt], refLines: [{ y: 0, color: '#bbb' }] }, `${prefix}r`, { xLabels: false }),
    );
    const zoom = magnification((scale * residualH) / (2 * half));
    parts.push(
      `<text x="${n2(left + plotW + 8)}" y="${n2(top + residualH / 2 + 4)}">residual${zoom ? ` ${escapeXml(zoom)}` : ''}</text>`,
    );
  }

  if (comps.length) {
    const compTop = mainTop + mainH + gap;
    const [mlo, mhi] = main.yRange;
    const mainPerPx = (mhi - mlo) / mainH;
    const box = { left, top: compTop, width: plotW, height: compH };
    const outer = new Frame(box, xAxis, { range: [0, 1], hidden: true });
    parts.push(outer.axes({ xLabels: true }));
    comps.forEach((c, i) => {
      const [lo, hi] = span(c.values);
      const pad = 0.08 * (hi - lo || 1);
      const row = new Frame({ left, top: compTop + 4 + i * rowH, width: plotW, height: rowH }, xAxis, {
        range: [lo - pad, hi + pad],
        hidden: true,
      });
      const color = seriesColor(i);
      parts.push(`<defs>${row.clipDef(`${prefix}c${i}`)}</defs>`);
      parts.push(
        `<g clip-path="url(#${row.clipId(`${prefix}c${i}`)})">${row.trace({ x: ppm, y: c.values, width: 1 }, color)}</g>`,
      );
      // A component fitted to zero is a flat line: say so instead of printing a huge magnification.
      const flat = hi - lo <= 1e-9 * (mhi - mlo);
      const zoom = flat ? '= 0' : magnification(mainPerPx / ((hi - lo + 2 * pad) / rowH || 1));
      parts.push(
        `<text x="${n2(left + plotW + 8)}" y="${n2(compTop + 4 + i * rowH + rowH / 2 + 4)}" fill="${color}">${escapeXml(c.name)}${zoom ? ` ${escapeXml(zoom)}` : ''}</text>`,
      );
    });
  }
  parts.push('</svg>');
  return parts.join('');
}
