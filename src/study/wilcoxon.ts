/**
 * Wilcoxon signed-rank test for paired samples (Wilcoxon 1945), as the paper uses to compare qCNN and NLLS
 * errors. Zero differences are dropped (Wilcoxon's convention); tied |d| get mid-ranks.
 * P value: exact (enumerated null distribution of W+) for n <= 50 without ties, otherwise the normal
 * approximation with tie correction and continuity correction.
 */
export type Alternative = 'two-sided' | 'less' | 'greater';

export interface WilcoxonResult {
  /** Number of non-zero differences used. */
  n: number;
  /** Sum of ranks of positive differences. */
  wPlus: number;
  /** Sum of ranks of negative differences. */
  wMinus: number;
  /** min(W+, W-) for two-sided, W+ otherwise (scipy's convention). */
  statistic: number;
  pValue: number;
  method: 'exact' | 'normal';
  /** Median of the differences (including zeros). */
  medianDifference: number;
}

/** Test of d = x - y; 'less' means x tends to be smaller than y. */
export function wilcoxonSignedRank(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  alternative: Alternative = 'two-sided',
): WilcoxonResult {
  if (x.length !== y.length) throw new RangeError('wilcoxon: x and y differ in length');
  const all: number[] = [];
  for (let i = 0; i < x.length; i++) all.push(x[i] - y[i]);
  return wilcoxonOneSample(all, alternative);
}

export function wilcoxonOneSample(d: number[], alternative: Alternative = 'two-sided'): WilcoxonResult {
  const medianDifference = median(d);
  const nz = d.filter((v) => v !== 0 && Number.isFinite(v));
  const n = nz.length;
  if (n === 0) {
    return { n, wPlus: 0, wMinus: 0, statistic: 0, pValue: 1, method: 'exact', medianDifference };
  }
  const order = nz.map((_, i) => i).sort((a, b) => Math.abs(nz[a]) - Math.abs(nz[b]));
  const ranks = new Float64Array(n);
  let tieTerm = 0;
  let hasTies = false;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && Math.abs(nz[order[j + 1]]) === Math.abs(nz[order[i]])) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]] = r;
    const t = j - i + 1;
    if (t > 1) {
      hasTies = true;
      tieTerm += t * t * t - t;
    }
    i = j + 1;
  }
  let wPlus = 0;
  for (let i = 0; i < n; i++) if (nz[i] > 0) wPlus += ranks[i];
  const total = (n * (n + 1)) / 2;
  const wMinus = total - wPlus;
  const statistic = alternative === 'two-sided' ? Math.min(wPlus, wMinus) : wPlus;

  if (n <= 50 && !hasTies) {
    const pmf = exactNullPmf(n); // pmf[w] = P(W+ = w)
    const cdf = (w: number) => {
      let s = 0;
      for (let k = 0; k <= Math.floor(w) && k < pmf.length; k++) s += pmf[k];
      return s;
    };
    const sf = (w: number) => 1 - cdf(w - 1); // P(W+ >= w)
    let p: number;
    if (alternative === 'greater') p = sf(wPlus);
    else if (alternative === 'less') p = cdf(wPlus);
    else p = Math.min(1, 2 * Math.min(cdf(Math.min(wPlus, wMinus)), 1));
    return { n, wPlus, wMinus, statistic, pValue: p, method: 'exact', medianDifference };
  }

  const mean = total / 2;
  const sd = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48);
  let p: number;
  if (alternative === 'greater') p = normalSf((wPlus - mean - 0.5) / sd);
  else if (alternative === 'less') p = normalCdf((wPlus - mean + 0.5) / sd);
  else p = Math.min(1, 2 * normalSf((Math.abs(wPlus - mean) - 0.5) / sd));
  return { n, wPlus, wMinus, statistic, pValue: p, method: 'normal', medianDifference };
}

/** Null distribution of W+ for n untied ranks: each rank is + or - with probability 1/2. */
function exactNullPmf(n: number): Float64Array {
  const max = (n * (n + 1)) / 2;
  let counts = new Float64Array(max + 1);
  counts[0] = 1;
  for (let r = 1; r <= n; r++) {
    const next = new Float64Array(max + 1);
    for (let w = 0; w <= max; w++) {
      if (counts[w] === 0) continue;
      next[w] += counts[w];
      if (w + r <= max) next[w + r] += counts[w];
    }
    counts = next;
  }
  const scale = 2 ** -n;
  for (let w = 0; w <= max; w++) counts[w] *= scale;
  return counts;
}

function median(v: number[]): number {
  if (v.length === 0) return Number.NaN;
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Standard normal CDF (via erfc with a rational Chebyshev approximation, |error| < 1.2e-7 relative). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

export function normalSf(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** Complementary error function (Numerical Recipes erfcc; fractional error < 1.2e-7 everywhere). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
