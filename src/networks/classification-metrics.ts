/**
 * Binary classification metrics: the cCNN's calibration report and the arms of the virtual clinical study. The
 * positive class is LC-HCC (label 1), as in Bae et al. 2025 (sensitivity = detected HCC / all HCC).
 */
export interface Confusion {
  tp: number;
  fn: number;
  tn: number;
  fp: number;
}

export interface ClassificationMetrics extends Confusion {
  sensitivity: number;
  specificity: number;
  accuracy: number;
  auc: number;
}

/** Confusion matrix at a probability threshold (predict positive when p >= threshold). */
export function confusion(labels: ArrayLike<number>, probs: ArrayLike<number>, threshold = 0.5): Confusion {
  checkPaired(labels, probs);
  const c: Confusion = { tp: 0, fn: 0, tn: 0, fp: 0 };
  for (let i = 0; i < labels.length; i++) {
    const pos = probs[i] >= threshold;
    if (labels[i] === 1) {
      if (pos) c.tp++;
      else c.fn++;
    } else if (pos) c.fp++;
    else c.tn++;
  }
  return c;
}

/**
 * Area under the ROC curve as the Mann–Whitney probability P(score_pos > score_neg) + 0.5 P(tie).
 * NaN when one class is absent.
 */
export function auc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  checkPaired(labels, scores);
  const idx = Array.from({ length: labels.length }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  // Mid-ranks (1-based) with ties averaged.
  const rank = new Float64Array(labels.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]] === scores[idx[i]]) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) rank[idx[k]] = r;
    i = j + 1;
  }
  let nPos = 0;
  let sumPos = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 1) {
      nPos++;
      sumPos += rank[i];
    }
  }
  const nNeg = labels.length - nPos;
  if (nPos === 0 || nNeg === 0) return Number.NaN;
  return (sumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

export interface RocPoint {
  threshold: number;
  fpr: number;
  tpr: number;
}

/** ROC curve points from the highest threshold (0, 0) to the lowest (1, 1). */
export function rocCurve(labels: ArrayLike<number>, scores: ArrayLike<number>): RocPoint[] {
  checkPaired(labels, scores);
  const nPos = Array.from(labels).filter((l) => l === 1).length;
  const nNeg = labels.length - nPos;
  const thresholds = Array.from(new Set(Array.from(scores))).sort((a, b) => b - a);
  const pts: RocPoint[] = [{ threshold: Number.POSITIVE_INFINITY, fpr: 0, tpr: 0 }];
  for (const t of thresholds) {
    const c = confusion(labels, scores, t);
    pts.push({ threshold: t, fpr: nNeg ? c.fp / nNeg : Number.NaN, tpr: nPos ? c.tp / nPos : Number.NaN });
  }
  return pts;
}

export function classificationMetrics(
  labels: ArrayLike<number>,
  probs: ArrayLike<number>,
  threshold = 0.5,
): ClassificationMetrics {
  const c = confusion(labels, probs, threshold);
  const n = c.tp + c.fn + c.tn + c.fp;
  return {
    ...c,
    sensitivity: c.tp + c.fn ? c.tp / (c.tp + c.fn) : Number.NaN,
    specificity: c.tn + c.fp ? c.tn / (c.tn + c.fp) : Number.NaN,
    accuracy: n ? (c.tp + c.tn) / n : Number.NaN,
    auc: auc(labels, probs),
  };
}

function checkPaired(a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length)
    throw new RangeError(`labels (${a.length}) and scores (${b.length}) differ in length`);
}

/**
 * The threshold that maximises Youden's J = sensitivity + specificity − 1 on (labels, scores): the midpoint
 * between the two scores around the best cut (ties of J broken toward the cut closest to the median score, so
 * that a flat J does not push the threshold to an extreme). NaN when one class is absent. Meant for scores of
 * patients the classifier was not trained on (held-out or out-of-fold), to be applied to further patients.
 */
export function youdenThreshold(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  checkPaired(labels, scores);
  const nPos = Array.from(labels).filter((l) => l === 1).length;
  const nNeg = labels.length - nPos;
  if (nPos === 0 || nNeg === 0) return Number.NaN;
  const sorted = Array.from(new Set(Array.from(scores))).sort((a, b) => a - b);
  const median = sorted[sorted.length >> 1];
  // Candidate cuts: below the lowest, between neighbours, above the highest.
  const cuts = [
    sorted[0] - 1,
    ...sorted.slice(1).map((v, i) => 0.5 * (v + sorted[i])),
    sorted[sorted.length - 1] + 1,
  ];
  let best = Number.NaN;
  let bestJ = Number.NEGATIVE_INFINITY;
  for (const t of cuts) {
    const c = confusion(labels, scores, t);
    const j = c.tp / nPos + c.tn / nNeg - 1;
    if (
      j > bestJ + 1e-12 ||
      (Math.abs(j - bestJ) <= 1e-12 && Math.abs(t - median) < Math.abs(best - median))
    ) {
      bestJ = j;
      best = t;
    }
  }
  return best;
}
