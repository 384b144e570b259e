import { expectedCalibrationError } from '../networks/calibration.js';
import { auc, type ClassificationMetrics } from '../networks/classification-metrics.js';
import { type Distribution, distribution } from './quant-metrics.js';
import { ARMS, type ArmName, type RepeatResult } from './virtual-study.js';
import { wilcoxonSignedRank } from './wilcoxon.js';

/**
 * The study across repeats: per classifier the distribution (median, IQR, mean ± SD) of sensitivity,
 * specificity, accuracy and AUC over the repeats, the counts the paper reports (7/7, 9/10, 16/17), the AUC and
 * calibration of all test patients pooled, and how often a repeat reached the paper's result.
 */
export interface ArmSummary {
  arm: ArmName;
  repeats: number;
  sensitivity: Distribution;
  specificity: Distribution;
  accuracy: Distribution;
  auc: Distribution;
  /** Median counts, paper style. */
  counts: { sensitivity: string; specificity: string; accuracy: string };
  /** All test patients of all repeats together. */
  pooled: { n: number; auc: number; ece: number; sensitivity: number; specificity: number; accuracy: number };
  /** Repeats with sensitivity, specificity and accuracy at least the paper's 7/7, 9/10, 16/17 (scaled). */
  atLeastPaper: number;
}

/**
 * Two methods compared on the same patients, repeat by repeat: the per-repeat AUC difference a − b and the
 * paired Wilcoxon signed-rank test over repeats (ties dropped). Only a comparison over paired repeats can rank
 * methods: one study of 17 test patients cannot (docs/validation.md).
 */
export interface PairedComparison {
  a: ArmName;
  b: ArmName;
  /** Repeats in which both AUCs are defined. */
  repeats: number;
  /** Repeats with AUC(a) > AUC(b), < and equal. */
  higher: number;
  lower: number;
  ties: number;
  /** Median over repeats of AUC(a) − AUC(b). */
  medianDifference: number;
  /** Pooled AUC(a) − pooled AUC(b). */
  pooledDifference: number;
  /** Two-sided P and one-sided P for 'a above b'. */
  pTwoSided: number;
  pAbove: number;
}

/** The comparisons the study is judged on: the paper's method against both conventional arms and its bound. */
export const PAIRED_COMPARISONS: [ArmName, ArmName][] = [
  ['ccnn', 'conventional'],
  ['ccnn', 'qcnnLogistic'],
  ['qcnnLogistic', 'conventional'],
  ['ccnn', 'spectralBound'],
];

export interface StudySummary {
  repeats: number;
  arms: ArmSummary[];
  /** Paired comparisons of the per-repeat AUCs (when at least two repeats ran both arms). */
  paired: PairedComparison[];
  /** Mean seconds per stage per repeat. */
  seconds: Record<string, number>;
}

/** The paper's test-set result (Bae et al. 2025): 7/7, 9/10, 16/17. */
export const PAPER_RESULT = { sensitivity: 7 / 7, specificity: 9 / 10, accuracy: 16 / 17 };

export function summariseStudy(results: readonly RepeatResult[]): StudySummary {
  const arms: ArmSummary[] = [];
  for (const arm of ARMS) {
    const per = results.map((r) => r.arms[arm]).filter((m): m is ClassificationMetrics => !!m);
    if (per.length === 0) continue;
    const labels: number[] = [];
    const probs: number[] = [];
    for (const r of results) {
      for (const p of r.patients) {
        const v = p.probabilities[arm];
        if (p.role === 'test' && v !== undefined) {
          labels.push(p.label);
          probs.push(v);
        }
      }
    }
    let tp = 0;
    let tn = 0;
    let pos = 0;
    for (let i = 0; i < labels.length; i++) {
      if (labels[i] === 1) {
        pos++;
        if (probs[i] >= 0.5) tp++;
      } else if (probs[i] < 0.5) tn++;
    }
    const neg = labels.length - pos;
    const med = (xs: number[]) => distribution(xs).median;
    const count = (num: number[], den: number[]) => `${fmtCount(med(num))}/${fmtCount(med(den))}`;
    arms.push({
      arm,
      repeats: per.length,
      sensitivity: distribution(per.map((m) => m.sensitivity)),
      specificity: distribution(per.map((m) => m.specificity)),
      accuracy: distribution(per.map((m) => m.accuracy)),
      auc: distribution(per.map((m) => m.auc)),
      counts: {
        sensitivity: count(
          per.map((m) => m.tp),
          per.map((m) => m.tp + m.fn),
        ),
        specificity: count(
          per.map((m) => m.tn),
          per.map((m) => m.tn + m.fp),
        ),
        accuracy: count(
          per.map((m) => m.tp + m.tn),
          per.map((m) => m.tp + m.tn + m.fp + m.fn),
        ),
      },
      pooled: {
        n: labels.length,
        auc: auc(labels, probs),
        ece: expectedCalibrationError(labels, probs).ece,
        sensitivity: pos ? tp / pos : Number.NaN,
        specificity: neg ? tn / neg : Number.NaN,
        accuracy: labels.length ? (tp + tn) / labels.length : Number.NaN,
      },
      atLeastPaper: per.filter(
        (m) =>
          m.sensitivity >= PAPER_RESULT.sensitivity - 1e-9 &&
          m.specificity >= PAPER_RESULT.specificity - 1e-9 &&
          m.accuracy >= PAPER_RESULT.accuracy - 1e-9,
      ).length,
    });
  }
  const seconds: Record<string, number> = {};
  for (const r of results) for (const [k, v] of Object.entries(r.seconds)) seconds[k] = (seconds[k] ?? 0) + v;
  for (const k of Object.keys(seconds)) seconds[k] /= Math.max(1, results.length);
  return { repeats: results.length, arms, paired: pairedComparisons(results, arms), seconds };
}

export function pairedComparisons(
  results: readonly RepeatResult[],
  arms: readonly ArmSummary[],
): PairedComparison[] {
  const out: PairedComparison[] = [];
  for (const [a, b] of PAIRED_COMPARISONS) {
    const xa: number[] = [];
    const xb: number[] = [];
    for (const r of results) {
      const ua = r.arms[a]?.auc;
      const ub = r.arms[b]?.auc;
      if (ua !== undefined && ub !== undefined && Number.isFinite(ua) && Number.isFinite(ub)) {
        xa.push(ua);
        xb.push(ub);
      }
    }
    const pa = arms.find((x) => x.arm === a)?.pooled.auc;
    const pb = arms.find((x) => x.arm === b)?.pooled.auc;
    if (xa.length < 2 || pa === undefined || pb === undefined) continue;
    const d = xa.map((v, i) => v - xb[i]);
    out.push({
      a,
      b,
      repeats: xa.length,
      higher: d.filter((v) => v > 0).length,
      lower: d.filter((v) => v < 0).length,
      ties: d.filter((v) => v === 0).length,
      medianDifference: distribution(d).median,
      pooledDifference: pa - pb,
      pTwoSided: wilcoxonSignedRank(xa, xb, 'two-sided').pValue,
      pAbove: wilcoxonSignedRank(xa, xb, 'greater').pValue,
    });
  }
  return out;
}

/** Paired comparisons as text lines (the end of `livermrs study`, and the report). */
export function pairedText(rows: readonly PairedComparison[], label: (arm: ArmName) => string): string[] {
  const sg = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`;
  const p = (x: number) => (x < 0.001 ? x.toExponential(1) : x.toPrecision(2));
  return rows.map(
    (c) =>
      `${label(c.a)} vs ${label(c.b)}: AUC higher in ${c.higher} of ${c.repeats} repeats` +
      `${c.ties ? ` (${c.ties} tied)` : ''}, median difference ${sg(c.medianDifference)}, pooled ${sg(c.pooledDifference)}; ` +
      `paired Wilcoxon P = ${p(c.pTwoSided)} (two-sided), ${p(c.pAbove)} (${label(c.a)} above)`,
  );
}

/** A median count: integer when whole, else one decimal (e.g. 8.5). */
function fmtCount(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(1);
}

/** Paper-style counts of one repeat: 7/7, 9/10, 16/17. */
export function paperCounts(m: ClassificationMetrics): {
  sensitivity: string;
  specificity: string;
  accuracy: string;
} {
  return {
    sensitivity: `${m.tp}/${m.tp + m.fn}`,
    specificity: `${m.tn}/${m.tn + m.fp}`,
    accuracy: `${m.tp + m.tn}/${m.tp + m.tn + m.fp + m.fn}`,
  };
}

/** One line of the study's headline: a method's pooled AUC with its 95 % interval and its gaps to the bounds. */
export interface HeadlineRow {
  arm: ArmName;
  auc: number;
  /** 95 % interval of the pooled AUC (Hanley & McNeil, Radiology 1982;143:29). */
  low: number;
  high: number;
  /** Median AUC over repeats. */
  median: number;
  /** AUC − the spectral bound's and − the oracle's (pooled), when those arms ran. */
  gapToBound?: number;
  gapToOracle?: number;
  /**
   * Sensitivity and specificity of all test patients pooled at the posterior-0.5 rule (the summary's pooled
   * values) and at each repeat's Youden threshold chosen on its prior patients (when every repeat recorded one).
   */
  atHalf: { sensitivity: number; specificity: number };
  atYouden?: { sensitivity: number; specificity: number };
}

/** Standard error of an AUC from n1 positives and n0 negatives (Hanley & McNeil 1982). */
export function aucStandardError(a: number, n1: number, n0: number): number {
  const q1 = a / (2 - a);
  const q2 = (2 * a * a) / (1 + a);
  const v = (a * (1 - a) + (n1 - 1) * (q1 - a * a) + (n0 - 1) * (q2 - a * a)) / (n1 * n0);
  return Math.sqrt(Math.max(0, v));
}

export function headline(summary: StudySummary, results: readonly RepeatResult[]): HeadlineRow[] {
  const pooled = (arm: ArmName) => summary.arms.find((a) => a.arm === arm)?.pooled.auc;
  const bound = pooled('spectralBound');
  const oracle = pooled('oracle');
  return summary.arms.map((a) => {
    let n1 = 0;
    let n0 = 0;
    for (const r of results) {
      for (const p of r.patients) {
        if (p.role !== 'test' || p.probabilities[a.arm] === undefined) continue;
        if (p.label === 1) n1++;
        else n0++;
      }
    }
    const se = aucStandardError(a.pooled.auc, Math.max(1, n1), Math.max(1, n0));
    // At each repeat's Youden threshold: the repeats' confusion counts summed (all repeats must have one).
    const youden = results.map((r) => r.youden?.[a.arm]);
    const c = { tp: 0, fn: 0, tn: 0, fp: 0 };
    for (const y of youden) {
      if (!y) break;
      c.tp += y.tp;
      c.fn += y.fn;
      c.tn += y.tn;
      c.fp += y.fp;
    }
    const atYouden = youden.every((y) => y)
      ? { sensitivity: c.tp / (c.tp + c.fn), specificity: c.tn / (c.tn + c.fp) }
      : undefined;
    return {
      arm: a.arm,
      auc: a.pooled.auc,
      low: Math.max(0, a.pooled.auc - 1.96 * se),
      high: Math.min(1, a.pooled.auc + 1.96 * se),
      median: a.auc.median,
      atHalf: { sensitivity: a.pooled.sensitivity, specificity: a.pooled.specificity },
      ...(atYouden ? { atYouden } : {}),
      ...(bound !== undefined && a.arm !== 'spectralBound' && a.arm !== 'oracle'
        ? { gapToBound: a.pooled.auc - bound }
        : {}),
      ...(oracle !== undefined && a.arm !== 'oracle' ? { gapToOracle: a.pooled.auc - oracle } : {}),
    };
  });
}

/** The headline as text lines (the end of `livermrs study`, and the report's first table). */
export function headlineText(rows: HeadlineRow[], label: (arm: ArmName) => string): string[] {
  const f = (x: number) => x.toFixed(2);
  const sg = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`;
  return rows.map((r) => {
    const gaps = [
      r.gapToBound !== undefined ? `${sg(r.gapToBound)} to the spectral bound` : '',
      r.gapToOracle !== undefined ? `${sg(r.gapToOracle)} to the oracle` : '',
    ].filter(Boolean);
    const pct = (x: number) => `${Math.round(100 * x)}%`;
    const rule = (name: string, x: { sensitivity: number; specificity: number }) =>
      `${name} sensitivity ${pct(x.sensitivity)}, specificity ${pct(x.specificity)}`;
    const rules = [
      rule('at p = 0.5', r.atHalf),
      ...(r.atYouden ? [rule("at the prior patients' Youden threshold", r.atYouden)] : []),
    ];
    return `${label(r.arm)}: AUC ${f(r.auc)} (95% CI ${f(r.low)}–${f(r.high)}; median per repeat ${f(r.median)})${gaps.length ? `, ${gaps.join(', ')}` : ''}; ${rules.join('; ')}`;
  });
}
