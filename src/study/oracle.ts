import type { GroupSampler } from '../simulate/cohort-sampler.js';
import { logit, sigmoid } from '../networks/calibration.js';

/**
 * The Bayes-optimal classifier of the virtual study: given a patient's TRUE amplitudes x, the posterior
 * probability of the positive group is σ(ln p₁(x) − ln p₀(x) + ln(π / (1 − π))), with p₀, p₁ the truth cohort's
 * class-conditional amplitude densities (marginals and Gaussian copula: GroupSampler.amplitudeLogDensity) and π
 * the class prior. No classifier that sees only spectra can beat it on average; it is the only part of the study
 * that reads the truth cohort's distributions.
 */
export function oracleProbabilities(
  samplers: { negative: GroupSampler; positive: GroupSampler },
  rows: readonly ArrayLike<number>[],
  prior: number,
): number[] {
  const shift = logit(prior);
  return rows.map((row) => {
    const d = samplers.positive.amplitudeLogDensity(row) - samplers.negative.amplitudeLogDensity(row);
    if (Number.isNaN(d)) return 0.5;
    return sigmoid(d + shift);
  });
}

/** Moves probabilities made under class prior `from` to class prior `to` (Bayes' rule on the odds). */
export function reweightPrior(p: number, from: number, to: number): number {
  return sigmoid(logit(p) - logit(from) + logit(to));
}
