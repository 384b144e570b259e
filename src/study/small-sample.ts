import { auc } from '../networks/classification-metrics.js';
import { Rng } from '../core/random.js';
import type { ArmName, RepeatResult } from './virtual-study.js';

/**
 * Intervals that stay honest with a handful of patients per group, where the normal approximations (Wald,
 * Hanley–McNeil) are too narrow or leave [0, 1].
 */

/** P(X <= k) for X ~ Binomial(n, p), by the recurrence of the terms (n is a patient count, small). */
export function binomialCdf(k: number, n: number, p: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (p <= 0) return 1;
  if (p >= 1) return 0;
  let term = (1 - p) ** n;
  let sum = term;
  for (let i = 1; i <= k; i++) {
    term *= ((n - i + 1) / i) * (p / (1 - p));
    sum += term;
  }
  return Math.min(1, sum);
}

/**
 * The exact (Clopper & Pearson, Biometrika 1934;26:404) interval of a proportion k/n: the p whose binomial tail
 * probabilities equal (1 - level)/2, found by bisection (both tails are monotone in p).
 */
export function clopperPearson(k: number, n: number, level = 0.95): [number, number] {
  if (!(n >= 1) || k < 0 || k > n) return [Number.NaN, Number.NaN];
  const a = (1 - level) / 2;
  const solve = (f: (p: number) => number) => {
    // f is increasing in p; find f(p) = 0.
    let lo = 0;
    let hi = 1;
    for (let i = 0; i < 60; i++) {
      const mid = (lo + hi) / 2;
      if (f(mid) < 0) lo = mid;
      else hi = mid;
    }
    return (lo + hi) / 2;
  };
  // Lower: P(X >= k | p) = a, i.e. 1 - cdf(k-1) = a. Upper: P(X <= k | p) = a.
  const lower = k === 0 ? 0 : solve((p) => 1 - binomialCdf(k - 1, n, p) - a);
  const upper = k === n ? 1 : solve((p) => a - binomialCdf(k, n, p));
  return [lower, upper];
}

/**
 * Percentile bootstrap interval of the AUC, resampling patients within each group (stratified, so every
 * resample has both classes); B resamples with a fixed seed, so the interval is reproducible.
 */
export function bootstrapAucInterval(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  options: { resamples?: number; seed?: number; level?: number } = {},
): [number, number] {
  const B = options.resamples ?? 2000;
  const level = options.level ?? 0.95;
  const pos: number[] = [];
  const neg: number[] = [];
  for (let i = 0; i < labels.length; i++) (labels[i] === 1 ? pos : neg).push(scores[i]);
  if (pos.length === 0 || neg.length === 0) return [Number.NaN, Number.NaN];
  const rng = new Rng(options.seed ?? 1);
  const values = new Float64Array(B);
  const l = new Float64Array(pos.length + neg.length);
  l.fill(1, 0, pos.length);
  const s = new Float64Array(l.length);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < pos.length; i++) s[i] = pos[rng.int(pos.length)];
    for (let i = 0; i < neg.length; i++) s[pos.length + i] = neg[rng.int(neg.length)];
    values[b] = auc(l, s);
  }
  values.sort();
  const q = (f: number) => values[Math.min(B - 1, Math.max(0, Math.round(f * (B - 1))))];
  return [q((1 - level) / 2), q(1 - (1 - level) / 2)];
}

export interface ProportionInterval {
  k: number;
  n: number;
  value: number;
  /** Exact 95 % interval (Clopper–Pearson). */
  low: number;
  high: number;
}

export interface ArmIntervals {
  sensitivity: ProportionInterval;
  specificity: ProportionInterval;
  /** AUC with its stratified percentile-bootstrap 95 % interval (2,000 resamples, seed 1). */
  auc: { value: number; low: number; high: number; resamples: number };
}

/**
 * Small-sample intervals of every arm of one run on its test patients: sensitivity and specificity at p = 0.5
 * with exact intervals, the AUC with a bootstrap interval (Hanley–McNeil's normal approximation is too narrow,
 * and leaves [0, 1], with 10 or fewer patients per group).
 */
export function armIntervals(r: RepeatResult): Partial<Record<ArmName, ArmIntervals>> {
  const out: Partial<Record<ArmName, ArmIntervals>> = {};
  for (const [arm, m] of Object.entries(r.arms) as [ArmName, RepeatResult['arms'][ArmName]][]) {
    if (!m) continue;
    const labels: number[] = [];
    const scores: number[] = [];
    for (const p of r.patients) {
      const v = p.probabilities[arm];
      if (p.role === 'test' && v !== undefined && v !== null) {
        labels.push(p.label);
        scores.push(v);
      }
    }
    const prop = (k: number, n: number): ProportionInterval => {
      const [low, high] = clopperPearson(k, n);
      return { k, n, value: n > 0 ? k / n : Number.NaN, low, high };
    };
    const B = 2000;
    const [low, high] = bootstrapAucInterval(labels, scores, { resamples: B, seed: 1 });
    out[arm] = {
      sensitivity: prop(m.tp, m.tp + m.fn),
      specificity: prop(m.tn, m.tn + m.fp),
      auc: { value: m.auc, low, high, resamples: B },
    };
  }
  return out;
}
