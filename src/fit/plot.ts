import type { FitResult } from './fit.js';

/**
 * The fit figure as standalone SVG text: real part of the phased data (black), fit (red), baseline (blue) and,
 * offset above, the residual (grey), on a descending ppm axis. Kept minimal and dependency-free so it can be
 * swapped for the shared report plotting (src/report) without touching the fitter.
 */
export interface FitPlotOptions {
  title?: string;
  width?: number;
  height?: number;
}

export function fitPlotSvg(result: FitResult, opts: FitPlotOptions = {}): string {
  const w = opts.width ?? 900;
  const h = opts.height ?? 520;
  const m = { left: 60, right: 20, top: opts.title ? 36 : 16, bottom: 46 };
  const s = result.spectra;
  const n = s.ppm.length;
  const re = (v: Float64Array) => Array.from({ length: n }, (_, j) => v[2 * j]);
  const data = re(s.data);
  const fit = re(s.fit);
  const base = re(s.baseline);
  const resid = re(s.residual);
  const lo = Math.min(...data, ...fit, ...base);
  const hi = Math.max(...data, ...fit, ...base);
  const rLo = Math.min(...resid);
  const rHi = Math.max(...resid);
  const gap = 0.05 * (hi - lo || 1);
  // Residual band sits above the spectra.
  const offset = hi + gap - rLo;
  const yMin = lo;
  const yMax = offset + rHi;
  const x0 = s.ppm[0];
  const x1 = s.ppm[n - 1];
  const px = (ppm: number) => m.left + ((x0 - ppm) / (x0 - x1 || 1)) * (w - m.left - m.right);
  const py = (y: number) => h - m.bottom - ((y - yMin) / (yMax - yMin || 1)) * (h - m.top - m.bottom);
  const path = (ys: number[], shift = 0) =>
    ys.map((y, j) => `${j === 0 ? 'M' : 'L'}${px(s.ppm[j]).toFixed(1)},${py(y + shift).toFixed(1)}`).join('');
  const ticks: string[] = [];
  const step = niceStep(Math.abs(x0 - x1) / 8);
  for (let t = Math.ceil(x1 / step) * step; t <= x0 + 1e-9; t += step) {
    const x = px(t).toFixed(1);
    ticks.push(
      `<line x1="${x}" x2="${x}" y1="${h - m.bottom}" y2="${h - m.bottom + 5}" stroke="#333"/>` +
        `<text x="${x}" y="${h - m.bottom + 18}" text-anchor="middle">${fmt(t, step)}</text>`,
    );
  }
  const lines = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif" font-size="12">`,
    `<rect width="${w}" height="${h}" fill="white"/>`,
    opts.title
      ? `<text x="${w / 2}" y="20" text-anchor="middle" font-size="14">${escapeXml(opts.title)}</text>`
      : '',
    `<line x1="${m.left}" x2="${w - m.right}" y1="${h - m.bottom}" y2="${h - m.bottom}" stroke="#333"/>`,
    ...ticks,
    `<text x="${(m.left + w - m.right) / 2}" y="${h - 8}" text-anchor="middle">chemical shift (ppm)</text>`,
    `<path d="${path(resid, offset)}" fill="none" stroke="#888" stroke-width="1"/>`,
    `<path d="${path(data)}" fill="none" stroke="#000" stroke-width="1"/>`,
    `<path d="${path(base)}" fill="none" stroke="#1f5fbf" stroke-width="1.2"/>`,
    `<path d="${path(fit)}" fill="none" stroke="#d62728" stroke-width="1.4"/>`,
    legend(w - m.right - 150, m.top + 6),
    '</svg>',
  ];
  return `${lines.filter((l) => l !== '').join('\n')}\n`;
}

function legend(x: number, y: number): string {
  const items: [string, string][] = [
    ['data', '#000'],
    ['fit', '#d62728'],
    ['baseline', '#1f5fbf'],
    ['residual (offset)', '#888'],
  ];
  return items
    .map(
      ([label, c], i) =>
        `<line x1="${x}" x2="${x + 22}" y1="${y + 16 * i}" y2="${y + 16 * i}" stroke="${c}" stroke-width="2"/>` +
        `<text x="${x + 28}" y="${y + 16 * i + 4}">${label}</text>`,
    )
    .join('');
}

function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw || 1));
  for (const f of [1, 2, 5, 10]) if (f * p >= raw) return f * p;
  return 10 * p;
}

function fmt(v: number, step: number): string {
  const d = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return (Math.abs(v) < 1e-12 ? 0 : v).toFixed(d);
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] ?? c);
}
