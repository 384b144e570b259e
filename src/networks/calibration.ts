/**
 * Calibration of a binary classifier's probabilities: temperature scaling (Guo et al., ICML 2017: p =
 * σ(z / T), one parameter fitted by the log-likelihood on held-out data; the decision at p = 0.5 is unchanged),
 * the expected calibration error and the Brier score.
 */
export function sigmoid(t: number): number {
  return t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t));
}

export function logit(p: number): number {
  const q = Math.min(Math.max(p, 1e-15), 1 - 1e-15);
  return Math.log(q / (1 - q));
}

/** Mean binary cross-entropy of probabilities σ(z / T). */
export function logLoss(labels: ArrayLike<number>, logits: ArrayLike<number>, temperature = 1): number {
  let s = 0;
  for (let i = 0; i < labels.length; i++) {
    const z = logits[i] / temperature;
    // −log σ(z) = softplus(−z), −log(1 − σ(z)) = softplus(z)
    s += labels[i] === 1 ? softplus(-z) : softplus(z);
  }
  return s / labels.length;
}

function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** The temperature T in [e^-4, e^4] minimising the log loss (golden-section search on ln T; convex in 1/T). */
export function fitTemperature(labels: ArrayLike<number>, logits: ArrayLike<number>): number {
  let a = -4;
  let b = 4;
  const f = (u: number) => logLoss(labels, logits, Math.exp(u));
  const r = (Math.sqrt(5) - 1) / 2;
  let c = b - r * (b - a);
  let d = a + r * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let i = 0; i < 80; i++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - r * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + r * (b - a);
      fd = f(d);
    }
  }
  return Math.exp((a + b) / 2);
}

export interface ReliabilityBin {
  lo: number;
  hi: number;
  n: number;
  meanProbability: number;
  observedRate: number;
}

/**
 * Expected calibration error with `bins` equal-width probability bins: Σ_b (n_b / N)·|mean p_b − rate_b|, the
 * rate being the fraction of positives in the bin; with the bins for a reliability diagram.
 */
export function expectedCalibrationError(
  labels: ArrayLike<number>,
  probs: ArrayLike<number>,
  bins = 10,
): { ece: number; bins: ReliabilityBin[] } {
  const n = labels.length;
  const out: ReliabilityBin[] = [];
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    const lo = b / bins;
    const hi = (b + 1) / bins;
    let m = 0;
    let sp = 0;
    let sy = 0;
    for (let i = 0; i < n; i++) {
      const p = probs[i];
      if (p >= lo && (p < hi || (b === bins - 1 && p <= hi))) {
        m++;
        sp += p;
        sy += labels[i];
      }
    }
    if (m === 0) continue;
    out.push({ lo, hi, n: m, meanProbability: sp / m, observedRate: sy / m });
    ece += (m / n) * Math.abs(sp / m - sy / m);
  }
  return { ece, bins: out };
}

export function brierScore(labels: ArrayLike<number>, probs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < labels.length; i++) s += (probs[i] - labels[i]) ** 2;
  return s / labels.length;
}
