import type { RocCurveInput } from '../types.js';
import { linePlotSvg, PALETTE, type Trace } from '../svg-plot.js';

/** ROC curves (step lines from (0, 0) to (1, 1)) with AUC in the legend, and the chance diagonal. */
export function rocFigureSvg(curves: readonly RocCurveInput[], title = 'ROC curve'): string {
  const traces: Trace[] = curves.map((c, i) => {
    const ci = c.aucInterval ? ` [${c.aucInterval[0].toFixed(2)}, ${c.aucInterval[1].toFixed(2)}]` : '';
    return {
      x: c.fpr,
      y: c.tpr,
      mode: 'line',
      label: `${c.label} (AUC ${Number.isFinite(c.auc) ? c.auc.toFixed(3) : 'n/a'}${ci})`,
      color: c.color ?? PALETTE[i % PALETTE.length],
      width: 2,
    };
  });
  return linePlotSvg({
    traces,
    title,
    width: 460,
    height: 440,
    x: { label: '1 − specificity (false-positive rate)', range: [0, 1], grid: true, tickCount: 5 },
    y: { label: 'sensitivity (true-positive rate)', range: [0, 1], grid: true, tickCount: 5 },
    diagonal: true,
    // Where it hides no curve, else below the plot (ROC legends with AUCs are wide).
    legend: 'auto',
  });
}
