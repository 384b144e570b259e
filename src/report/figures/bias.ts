import type { BiasPlotInput } from '../types.js';
import {
  Frame,
  n2,
  PALETTE,
  svgOpen,
  type Trace,
  textWidth,
  titleHeight,
  uniquePrefix,
} from '../svg-plot.js';

/** Least-squares line y = a + b x (NaN when x has no spread). */
export function leastSquaresLine(x: ArrayLike<number>, y: ArrayLike<number>): { a: number; b: number } {
  let sx = 0;
  let sy = 0;
  let n = 0;
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) continue;
    sx += x[i];
    sy += y[i];
    n++;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) continue;
    sxx += (x[i] - mx) ** 2;
    sxy += (x[i] - mx) * (y[i] - my);
  }
  const b = sxy / sxx;
  return { a: my - b * mx, b };
}

/**
 * Small multiples, one panel per component: each method's (estimate - truth) against the true value, with its
 * least-squares trend line and the zero line (or estimate vs truth with the identity line). A network trained
 * with priors pulls estimates toward the training mean: a negative trend slope (Rizzo et al., MRM 2023).
 */
export function biasFigureSvg(plots: readonly BiasPlotInput[], title = 'Bias versus true value'): string {
  const cols = Math.min(4, Math.max(1, plots.length));
  const rows = Math.ceil(plots.length / cols);
  const pw = 230;
  const ph = 190;
  const width = cols * pw + 20;
  const legendH = 22;
  const titleH = titleHeight(title, width);
  const top = titleH + legendH;
  const height = top + rows * ph + 10;
  const out = [svgOpen(width, height, title)];
  const methods = [...new Set(plots.flatMap((p) => p.methods.map((m) => m.label)))];
  const colorOf = (label: string, given?: string) => given ?? PALETTE[methods.indexOf(label) % 6];
  let legendX = 20;
  methods.forEach((mname) => {
    const x = legendX;
    legendX += textWidth(mname) + 30;
    const c = colorOf(mname, plots.flatMap((p) => p.methods).find((m) => m.label === mname)?.color);
    out.push(
      `<circle cx="${n2(x)}" cy="${titleH + legendH / 2}" r="4" fill="${c}"/><text x="${n2(x + 9)}" y="${titleH + legendH / 2 + 4}">${mname}</text>`,
    );
  });
  plots.forEach((p, k) => {
    const diff = (p.mode ?? 'difference') === 'difference';
    const traces: Trace[] = [];
    for (const m of p.methods) {
      const y = Array.from(m.estimate, (e, i) => (diff ? e - m.truth[i] : e));
      const color = colorOf(m.label, m.color);
      traces.push({ x: m.truth, y, mode: 'markers', markerRadius: 2.2, markerOpacity: 0.45, color });
      const { a, b } = leastSquaresLine(m.truth, y);
      if (Number.isFinite(a) && Number.isFinite(b)) {
        const xs = Array.from(m.truth).filter(Number.isFinite);
        const lo = Math.min(...xs);
        const hi = Math.max(...xs);
        traces.push({ x: [lo, hi], y: [a + b * lo, a + b * hi], color, width: 1.8 });
      }
    }
    const col = k % cols;
    const row = Math.floor(k / cols);
    const box = { left: 10 + col * pw + 52, top: top + row * ph + 18, width: pw - 64, height: ph - 56 };
    const unit = p.unit ? ` (${p.unit})` : '';
    const frame = new Frame(
      box,
      { label: `true${unit}`, tickCount: 4 },
      { label: diff ? 'estimate − true' : 'estimate', tickCount: 4 },
      traces,
    );
    out.push(
      `<text x="${n2(box.left + box.width / 2)}" y="${n2(box.top - 5)}" text-anchor="middle" font-weight="bold">${p.component}</text>`,
    );
    out.push(
      frame.draw(
        { traces, refLines: diff ? [{ y: 0, color: '#888', dash: '4 3' }] : [], diagonal: !diff },
        uniquePrefix('bias'),
      ),
    );
  });
  out.push('</svg>');
  return out.join('');
}
