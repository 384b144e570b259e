import type { ConfusionInput } from '../types.js';
import { escapeXml, n2, svgOpen, titleHeight } from '../svg-plot.js';

/** Paper-style fractions: sensitivity tp/(tp+fn), specificity tn/(tn+fp), accuracy (tp+tn)/all. */
export function confusionFractions(c: Pick<ConfusionInput, 'tp' | 'fn' | 'tn' | 'fp'>): {
  sensitivity: string;
  specificity: string;
  accuracy: string;
} {
  return {
    sensitivity: `${c.tp}/${c.tp + c.fn}`,
    specificity: `${c.tn}/${c.tn + c.fp}`,
    accuracy: `${c.tp + c.tn}/${c.tp + c.fn + c.tn + c.fp}`,
  };
}

function pct(num: number, den: number): string {
  return den > 0 ? `${((100 * num) / den).toFixed(0)} %` : 'n/a';
}

/**
 * A 2 x 2 confusion matrix (rows: true class, columns: predicted class; cells shaded by row fraction) with the
 * paper's way of reporting it underneath: sensitivity 7/7, specificity 9/10, accuracy 16/17.
 */
export function confusionFigureSvg(c: ConfusionInput): string {
  const w = 340;
  const h = 300;
  const cell = 90;
  const x0 = 130;
  const y0 = 70;
  const rows = [
    { label: c.negativeLabel, cells: [c.tn, c.fp], correct: 0 },
    { label: c.positiveLabel, cells: [c.fn, c.tp], correct: 1 },
  ];
  // A title that wraps to more lines moves the matrix down (titleHeight is 30 for one line).
  const dy = titleHeight(c.title, w) - 30;
  const out = [
    svgOpen(w, h + dy, c.title, `confusion matrix: ${c.title}`),
    `<g transform="translate(0 ${dy})">`,
  ];
  out.push(
    `<text x="${n2(x0 + cell)}" y="${y0 - 26}" text-anchor="middle" font-weight="bold">predicted</text>`,
  );
  [c.negativeLabel, c.positiveLabel].forEach((l, j) => {
    out.push(
      `<text x="${n2(x0 + cell * j + cell / 2)}" y="${y0 - 8}" text-anchor="middle">${escapeXml(l)}</text>`,
    );
  });
  out.push(
    `<text x="20" y="${n2(y0 + cell)}" text-anchor="middle" font-weight="bold" transform="rotate(-90 20 ${n2(y0 + cell)})">true</text>`,
  );
  rows.forEach((r, i) => {
    const total = r.cells[0] + r.cells[1];
    out.push(
      `<text x="${x0 - 8}" y="${n2(y0 + cell * i + cell / 2 + 4)}" text-anchor="end">${escapeXml(r.label)}</text>`,
    );
    r.cells.forEach((v, j) => {
      const frac = total > 0 ? v / total : 0;
      const good = j === r.correct;
      const hue = good ? '0, 114, 178' : '213, 94, 0';
      const x = x0 + cell * j;
      const y = y0 + cell * i;
      out.push(
        `<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="rgba(${hue}, ${n2(0.12 + 0.7 * frac)})" stroke="#444" stroke-width="0.8"/>`,
        `<text x="${n2(x + cell / 2)}" y="${n2(y + cell / 2 + 2)}" text-anchor="middle" font-size="22" font-weight="bold">${v}</text>`,
        `<text x="${n2(x + cell / 2)}" y="${n2(y + cell / 2 + 20)}" text-anchor="middle" font-size="10">${pct(v, total)}</text>`,
      );
    });
  });
  const f = confusionFractions(c);
  const yText = y0 + 2 * cell + 28;
  out.push(
    `<text x="${n2(w / 2)}" y="${yText}" text-anchor="middle">sensitivity ${f.sensitivity} · specificity ${f.specificity} · accuracy ${f.accuracy}</text>`,
    '</g></svg>',
  );
  return out.join('');
}
