import type { ClassProbabilityInput } from '../types.js';
import { escapeXml, n2, svgOpen, titleHeight, uniquePrefix } from '../svg-plot.js';

/**
 * A horizontal probability bar from 0 (negative class) to 1 (positive class) with the decision threshold, the
 * probability as a marker (and its interval when given) and the predicted class in words.
 */
export function probabilityFigureSvg(p: ClassProbabilityInput): string {
  const w = 520;
  const h = 112;
  const left = 40;
  const right = 40;
  const barTop = 62;
  const barH = 18;
  const bw = w - left - right;
  const x = (v: number) => left + Math.min(1, Math.max(0, v)) * bw;
  const thr = p.threshold ?? 0.5;
  const positive = p.probability >= thr;
  const title = p.title ?? `P(${p.positiveLabel})`;
  const gid = uniquePrefix('pgrad');
  const dy = titleHeight(title, w) - 30;
  const out = [
    svgOpen(w, h + dy, title, `${title} = ${p.probability.toFixed(3)}`),
    `<g transform="translate(0 ${dy})">`,
  ];
  out.push(
    `<defs><linearGradient id="${gid}" x1="0" x2="1" y1="0" y2="0"><stop offset="0" stop-color="#0072B2" stop-opacity="0.35"/><stop offset="1" stop-color="#D55E00" stop-opacity="0.35"/></linearGradient></defs>`,
    `<rect x="${left}" y="${barTop}" width="${bw}" height="${barH}" fill="url(#${gid})" stroke="#444" stroke-width="0.8"/>`,
    `<line x1="${n2(x(thr))}" x2="${n2(x(thr))}" y1="${barTop - 6}" y2="${barTop + barH + 6}" stroke="#444" stroke-dasharray="3 2"/>`,
    `<text x="${n2(x(thr))}" y="${barTop + barH + 18}" text-anchor="middle" font-size="10" fill="#555">threshold ${thr}</text>`,
    `<text x="${left}" y="${barTop + barH + 18}" text-anchor="start" font-size="10">0 · ${escapeXml(p.negativeLabel)}</text>`,
    `<text x="${left + bw}" y="${barTop + barH + 18}" text-anchor="end" font-size="10">${escapeXml(p.positiveLabel)} · 1</text>`,
  );
  if (p.interval) {
    out.push(
      `<line x1="${n2(x(p.interval[0]))}" x2="${n2(x(p.interval[1]))}" y1="${barTop + barH / 2}" y2="${barTop + barH / 2}" stroke="#000" stroke-width="2"/>`,
    );
  }
  const px = x(p.probability);
  out.push(
    `<path d="M${n2(px)},${barTop - 1}L${n2(px - 6)},${barTop - 11}L${n2(px + 6)},${barTop - 11}Z" fill="#000"/>`,
    `<line x1="${n2(px)}" x2="${n2(px)}" y1="${barTop - 2}" y2="${barTop + barH + 2}" stroke="#000" stroke-width="2.5"/>`,
    `<text x="${n2(w / 2)}" y="40" text-anchor="middle" font-size="12">${escapeXml(
      `${title} = ${p.probability.toFixed(3)} → ${positive ? p.positiveLabel : p.negativeLabel}${p.model ? ` (${p.model})` : ''}`,
    )}</text>`,
    '</g></svg>',
  );
  return out.join('');
}
