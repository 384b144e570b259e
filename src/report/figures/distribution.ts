import type { DistributionInput } from '../types.js';
import {
  escapeXml,
  Frame,
  n2,
  niceTicks,
  PALETTE,
  svgOpen,
  textWidth,
  titleHeight,
  uniquePrefix,
} from '../svg-plot.js';

/** Quantile with linear interpolation between order statistics (type 7, the R and NumPy default). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Deterministic horizontal jitter in [-1, 1] (a fixed low-discrepancy sequence, no randomness). */
function jitter(i: number): number {
  return ((i * 0.618033988749895) % 1) * 2 - 1;
}

/**
 * Box plots (median, quartiles, whiskers to the most extreme points within 1.5 IQR) with every repeat drawn as a
 * jittered point over the box, one column per method; optional horizontal reference lines (e.g. the paper's
 * result). The n of each series is printed under its label.
 */
export function distributionFigureSvg(input: DistributionInput): string {
  const k = input.series.length;
  const refs = input.references ?? [];
  // Reference labels go in the right margin, beside their line: never over the points.
  const refW = refs.length ? Math.max(...refs.map((r) => textWidth(r.label, 10))) + 10 : 0;
  const width = Math.max(320, 110 * k + 100) + refW;
  const m = { left: 64, right: 16 + refW, top: titleHeight(input.title, width) + 2, bottom: 58 };
  const height = 348 + m.top;
  const all = input.series.flatMap((s) => Array.from(s.values).filter(Number.isFinite));
  let range = input.range;
  if (!range) {
    const vals = [...all, ...refs.map((r) => r.value)];
    const lo = vals.length ? Math.min(...vals) : 0;
    const hi = vals.length ? Math.max(...vals) : 1;
    const pad = 0.06 * (hi - lo || 1);
    range = [lo - pad, hi + pad];
  }
  const box = {
    left: m.left,
    top: m.top,
    width: width - m.left - m.right,
    height: height - m.top - m.bottom,
  };
  // 3 % room beyond the range so points on its ends (accuracy 1.0) are drawn whole; ticks stay inside it.
  const span = range[1] - range[0];
  const shown: [number, number] = [range[0] - 0.03 * span, range[1] + 0.03 * span];
  const ticks = niceTicks(range[0], range[1], 5);
  const frame = new Frame(
    box,
    { range: [0, k], hidden: true },
    { range: shown, ticks, label: input.metric, grid: true },
  );
  const prefix = uniquePrefix('dist');
  const out = [svgOpen(width, height, input.title, `${input.title}: distribution of ${input.metric}`)];
  out.push(`<defs>${frame.clipDef(prefix)}</defs>`, frame.axes());
  const body: string[] = [];
  for (const r of refs) {
    body.push(frame.refLine({ y: r.value, color: '#999', dash: '5 3' }));
  }
  input.series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % 6];
    const values = Array.from(s.values).filter(Number.isFinite);
    const sorted = [...values].sort((a, b) => a - b);
    const cx = frame.px(i + 0.5);
    const bw = Math.min(60, (box.width / k) * 0.5);
    if (sorted.length) {
      const q1 = quantile(sorted, 0.25);
      const med = quantile(sorted, 0.5);
      const q3 = quantile(sorted, 0.75);
      const iqr = q3 - q1;
      const wLo = sorted.find((v) => v >= q1 - 1.5 * iqr) ?? sorted[0];
      const wHi = [...sorted].reverse().find((v) => v <= q3 + 1.5 * iqr) ?? sorted[sorted.length - 1];
      const yq1 = frame.py(q1);
      const yq3 = frame.py(q3);
      body.push(
        `<line x1="${n2(cx)}" x2="${n2(cx)}" y1="${n2(frame.py(wLo))}" y2="${n2(yq1)}" stroke="${color}"/>`,
        `<line x1="${n2(cx)}" x2="${n2(cx)}" y1="${n2(yq3)}" y2="${n2(frame.py(wHi))}" stroke="${color}"/>`,
        `<line x1="${n2(cx - bw / 4)}" x2="${n2(cx + bw / 4)}" y1="${n2(frame.py(wLo))}" y2="${n2(frame.py(wLo))}" stroke="${color}"/>`,
        `<line x1="${n2(cx - bw / 4)}" x2="${n2(cx + bw / 4)}" y1="${n2(frame.py(wHi))}" y2="${n2(frame.py(wHi))}" stroke="${color}"/>`,
        `<rect x="${n2(cx - bw / 2)}" y="${n2(yq3)}" width="${n2(bw)}" height="${n2(Math.max(1, yq1 - yq3))}" fill="${color}" fill-opacity="0.15" stroke="${color}" stroke-width="1.2"/>`,
        `<line x1="${n2(cx - bw / 2)}" x2="${n2(cx + bw / 2)}" y1="${n2(frame.py(med))}" y2="${n2(frame.py(med))}" stroke="${color}" stroke-width="2.4"/>`,
      );
      values.forEach((v, j) => {
        body.push(
          `<circle cx="${n2(cx + jitter(j + 1) * bw * 0.45)}" cy="${n2(frame.py(v))}" r="2.6" fill="${color}" fill-opacity="0.55"/>`,
        );
      });
    }
    out.push(
      `<text x="${n2(cx)}" y="${n2(box.top + box.height + 18)}" text-anchor="middle">${escapeXml(s.label)}</text>`,
      `<text x="${n2(cx)}" y="${n2(box.top + box.height + 33)}" text-anchor="middle" font-size="10" fill="#666">n = ${values.length}</text>`,
    );
  });
  out.push(`<g clip-path="url(#${frame.clipId(prefix)})">${body.join('')}</g>`);
  for (const r of refs) {
    out.push(
      `<text x="${n2(box.left + box.width + 6)}" y="${n2(frame.py(r.value) + 3.5)}" text-anchor="start" font-size="10" fill="#666">${escapeXml(r.label)}</text>`,
    );
  }
  out.push('</svg>');
  return out.join('');
}
