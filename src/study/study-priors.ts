import { Rng } from '../core/random.js';
import { type Cohort, formatCohort, parseCohort } from '../simulate/cohort-schema.js';
import type { CsvTable } from '../io/csv.js';
import { componentClassifier } from '../simulate/generator.js';
import { lognormalFromMoments } from '../simulate/distributions.js';
import {
  estimatePriors,
  type ParameterEstimate,
  round6,
  shrunkCorrelation,
  VARIANCE_FLOOR,
} from '../simulate/priors.js';
import { symmetricEigen } from '../linalg/eigen.js';
import { type Blocks, estimateLogRatio, type LogRatioRule } from './logratio-priors.js';
import type { SpectrumFit } from './fit-features.js';
import type { AmplitudeMode, NuisanceMode } from './settings.js';

/**
 * The paper's step 2 on the study's prior patients: their NLLS fits become a table in truth.csv columns (with
 * `crlb_` and `sd_` uncertainty columns, which estimatePriors deconvolves), then each group's distributions.
 *
 * Nuisance parameters (linewidths, shift, phases, SNR, residual water) describe the acquisition, not the
 * disease: by default they are estimated once from all prior patients together and given to both groups
 * (`nuisance: 'pooled'`). Estimated per group from 10 patients each, they differ by chance, and a cCNN trained
 * on such priors learns those chance differences (e.g. "HCC spectra are noisier"), which do not hold for new
 * patients. `'per-group'` keeps the paper's literal reading.
 */
export type { AmplitudeMode, NuisanceMode };

export interface PriorPatient {
  group: string;
  fit: SpectrumFit;
  /** The same spectrum fitted with signed amplitudes (FitOptions.amplitudes 'signed'), for `priorAmplitudes: 'signed'`. */
  signed?: { amplitudes: readonly number[]; crlb: readonly number[] };
}

export interface StudyPriorsOptions {
  /** Cohort giving protocol, basis, model and the distributions the fits cannot give (baseline). */
  template: Cohort;
  components: readonly string[];
  /**
   * Nuisance priors: 'pooled' over the prior patients of both groups (default), 'per-group' (the paper's literal
   * reading), or 'transductive': pooled over the prior patients and the unlabelled spectra given as
   * `unlabelled` (the test patients: their linewidths, SNR, phases and water are observable without labels).
   */
  nuisance?: NuisanceMode;
  /** Fits of unlabelled spectra of the same population (nuisance 'transductive'). */
  unlabelled?: readonly SpectrumFit[];
  /**
   * Group differences of the amplitude distributions: as estimated ('separate', the paper's reading) or shrunk
   * toward the pooled estimate by how well the prior patients determine them ('shrunk', see shrinkDifferences),
   * or by an empirical-Bayes prior on the differences shared by all components ('eb', see shrinkDifferencesEb),
   * or in whitened coordinates ('whitened'), or estimated afresh in log-ratio coordinates ('logratio', see
   * applyLogRatioPriors).
   */
  amplitudes?: AmplitudeMode;
  /**
   * Where the amplitude distributions come from: the non-negative fits ('nonnegative', default; estimatePriors'
   * families, biased upward for components far below their CRLB) or moments of the signed fits ('signed', see
   * signedAmplitudePrior; needs PriorPatient.signed). Nuisance parameters and correlations come from the
   * non-negative fits either way.
   */
  priorAmplitudes?: 'nonnegative' | 'signed';
  /** Amplitude correlations per group ('group', default) or pooled within groups ('pooled'; priors.ts). */
  correlation?: 'group' | 'pooled';
  name: string;
  /** Group order of the output cohort. */
  groups: readonly string[];
}

export interface StudyPriors {
  cohort: Cohort;
  estimates: ParameterEstimate[];
  table: CsvTable;
}

/** The prior patients' fits as a priors table (group, amplitudes, crlb_, nuisance columns, sd_). */
export function priorsTable(patients: readonly PriorPatient[], components: readonly string[]): CsvTable {
  const { nuisance, sds } = tableColumns(patients);
  const header = [
    'group',
    ...components,
    ...components.map((c) => `crlb_${c}`),
    ...nuisance,
    ...sds.map((c) => `sd_${c}`),
  ];
  const rows = patients.map((p) =>
    [
      p.group,
      ...p.fit.amplitudes,
      ...p.fit.crlb.map((v) => (Number.isFinite(v) ? v : 0)),
      ...nuisance.map((c) => p.fit.columns[c]),
      ...sds.map((c) => p.fit.sd[c]),
    ].map(String),
  );
  return { header, rows };
}

/** The nuisance columns (and those with an SD) that every patient's fit gives a finite value for. */
function tableColumns(patients: readonly PriorPatient[]): { nuisance: string[]; sds: string[] } {
  const nuisance = [...new Set(patients.flatMap((p) => Object.keys(p.fit.columns)))].filter((c) =>
    patients.every((p) => Number.isFinite(p.fit.columns[c])),
  );
  return { nuisance, sds: nuisance.filter((c) => patients.every((p) => Number.isFinite(p.fit.sd[c]))) };
}

export function estimateStudyPriors(patients: readonly PriorPatient[], o: StudyPriorsOptions): StudyPriors {
  const table = priorsTable(patients, o.components);
  const classOf = componentClassifier();
  const perGroup = estimatePriors(table, {
    template: o.template,
    classOf,
    name: o.name,
    groups: o.groups,
    file: `${o.name} (NLLS fits of the prior patients)`,
    correlation: o.correlation,
  });
  const estimates = [...perGroup.estimates];
  const cohort = perGroup.cohort;
  if ((o.nuisance ?? 'pooled') !== 'per-group') {
    const pooledLabel = o.groups[0];
    // Transductive: the unlabelled fits that give every value the prior patients' table has join it.
    const { nuisance: needed, sds } = tableColumns(patients);
    const unlabelled =
      o.nuisance === 'transductive'
        ? (o.unlabelled ?? []).filter(
            (f) =>
              f.amplitudes.every(Number.isFinite) &&
              needed.every((c) => Number.isFinite(f.columns[c])) &&
              sds.every((c) => Number.isFinite(f.sd[c])),
          )
        : [];
    const all = unlabelled.length
      ? priorsTable([...patients, ...unlabelled.map((fit) => ({ group: pooledLabel, fit }))], o.components)
      : table;
    const pooled = estimatePriors(
      { header: all.header, rows: all.rows.map((r) => [pooledLabel, ...r.slice(1)]) },
      { template: o.template, classOf, groups: [pooledLabel], file: `${o.name} (pooled nuisance)` },
    );
    const nuisance = pooled.cohort.groups[pooledLabel].nuisance;
    for (const g of o.groups) cohort.groups[g].nuisance = structuredClone(nuisance);
    const amplitudeNames = new Set(o.components);
    const kept = estimates.filter((e) => amplitudeNames.has(e.parameter));
    const pooledNuisance = pooled.estimates
      .filter((e) => !amplitudeNames.has(e.parameter))
      .map((e) => ({ ...e, group: 'pooled' }));
    estimates.length = 0;
    estimates.push(...kept, ...pooledNuisance);
  }
  if (o.priorAmplitudes === 'signed')
    applySignedAmplitudes(cohort, estimates, patients, o.groups, o.components);
  if (o.amplitudes === 'shrunk') {
    shrinkDifferences(cohort, patients, o.groups, o.components, o.priorAmplitudes ?? 'nonnegative');
  } else if (o.amplitudes === 'eb') {
    shrinkDifferencesEb(cohort, patients, o.groups, o.components);
  } else if (o.amplitudes === 'whitened') {
    shrinkDifferencesWhitened(cohort, patients, o.groups, o.components);
  } else if (o.amplitudes === 'logratio' || o.amplitudes === 'logratio-js') {
    applyLogRatioPriors(
      cohort,
      patients,
      o.groups,
      o.components,
      o.amplitudes === 'logratio' ? 'sparse' : 'james-stein',
    );
  }
  for (const g of o.groups) keepSnrPositive(cohort.groups[g].nuisance);
  // Never hand the simulator a cohort that would not read back.
  parseCohort(formatCohort(cohort), o.name);
  cohort.description = `Priors estimated from NLLS fits of ${patients.length} prior patients (${o.groups
    .map((g) => `${patients.filter((p) => p.group === g).length} ${g}`)
    .join(
      ', ',
    )}${o.nuisance === 'transductive' ? ` and ${o.unlabelled?.length ?? 0} unlabelled spectra (nuisance only)` : ''}); nuisance ${o.nuisance ?? 'pooled'}; amplitudes ${o.amplitudes ?? 'separate'} from ${o.priorAmplitudes ?? 'nonnegative'} fits; template ${o.template.name}.`;
  return { cohort, estimates, table };
}

/**
 * Floor of a signed-moment mean, as a fraction of the group's mean CRLB of that component. A population mean of
 * a concentration is > 0, but with 10 patients whose CRLBs are several times the mean, the sample mean of the
 * signed estimates (standard error ≈ CRLB/√10 ≈ 0.3 CRLB) is ≤ 0 about as often as the truth is below 0.3 CRLB.
 * Such a mean says "below what these fits resolve", and is set to a tenth of one fit's CRLB: small against
 * the data's resolution, but not so small that the lognormal degenerates.
 */
export const SIGNED_MEAN_FLOOR = 0.1;

export interface SignedAmplitudePrior {
  spec: { dist: 'lognormal'; mu: number; sigma: number };
  /** Mean and SD of the amplitude (after deconvolution and the floor). */
  mean: number;
  sd: number;
  /** The sample mean was below SIGNED_MEAN_FLOOR × mean CRLB and was raised to it. */
  floored: boolean;
  /** Mean CRLB² subtracted from the observed variance. */
  deconvolved: number;
}

/**
 * A group's amplitude distribution by moments of signed (unconstrained) estimates x_i with CRLBs c_i: mean =
 * the sample mean (unbiased: E x_i = a_i for an unbiased fit), variance = sample variance − mean c_i² (the
 * spread of the patients plus the fit noise, as estimatePriors deconvolves; floored at VARIANCE_FLOOR × the
 * sample variance), then the lognormal with that mean and SD (the family of the study's cohorts). The mean is
 * floored at SIGNED_MEAN_FLOOR × the mean CRLB (see there).
 */
export function signedAmplitudePrior(x: ArrayLike<number>, crlb: ArrayLike<number>): SignedAmplitudePrior {
  const n = x.length;
  if (n < 2 || crlb.length !== n)
    throw new RangeError('signedAmplitudePrior: needs ≥ 2 values with a CRLB each');
  let m = 0;
  let c = 0;
  let c2 = 0;
  for (let i = 0; i < n; i++) {
    m += x[i] / n;
    c += crlb[i] / n;
    c2 += crlb[i] ** 2 / n;
  }
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[i] - m) ** 2 / (n - 1);
  const variance = Math.max(v - c2, VARIANCE_FLOOR * v);
  const floor = SIGNED_MEAN_FLOOR * c;
  const floored = !(m >= floor);
  const mean = floored ? floor : m;
  const sd = Math.sqrt(variance);
  if (!(mean > 0) || !(sd > 0)) {
    throw new RangeError('signedAmplitudePrior: the values and CRLBs give no positive mean and spread');
  }
  const { mu, sigma } = lognormalFromMoments(mean, sd);
  return {
    spec: { dist: 'lognormal', mu: round6(mu), sigma: round6(sigma) },
    mean,
    sd,
    floored,
    deconvolved: v - variance,
  };
}

/** Replaces each group's amplitude distributions (and their estimates) by signedAmplitudePrior of the signed fits. */
function applySignedAmplitudes(
  cohort: Cohort,
  estimates: ParameterEstimate[],
  patients: readonly PriorPatient[],
  groups: readonly string[],
  components: readonly string[],
): void {
  for (const g of groups) {
    const members = patients.filter((p) => p.group === g);
    const signed = members.map((p) => {
      if (!p.signed) throw new RangeError(`estimateStudyPriors: a ${g} prior patient has no signed fit`);
      return p.signed;
    });
    components.forEach((c, k) => {
      const prior = signedAmplitudePrior(
        signed.map((s) => s.amplitudes[k]),
        signed.map((s) => s.crlb[k]),
      );
      cohort.groups[g].amplitudes[c] = prior.spec;
      const e = estimates.find((q) => q.group === g && q.parameter === c);
      if (e) Object.assign(e, { family: 'lognormal', spec: prior.spec, deconvolved: prior.deconvolved });
    });
  }
}

/**
 * estimatePriors may fit the SNR with a normal truncated at 0, which can draw SNR ≈ 0 (infinite noise) and which
 * the cohort schema refuses (SNR must be > 0): such a fit is truncated at 5% of its mean instead.
 */
function keepSnrPositive(nuisance: Cohort['groups'][string]['nuisance']): void {
  const snr = nuisance.snr;
  if (snr.dist === 'truncnormal' && !((snr.min ?? Number.NEGATIVE_INFINITY) > 0)) {
    nuisance.snr = { ...snr, min: round6(0.05 * Math.max(snr.mean, 1)) };
  }
}

/**
 * Positive-part James–Stein shrinkage of each component's group difference (Efron & Morris, JASA 1973): with d
 * the difference of the two groups' location parameters (μ of ln a for lognormals, the mean for truncated
 * normals) and v its sampling variance from the prior patients (s₀²/n₀ + s₁²/n₁ of the observed values, fit noise
 * included), both groups move toward their pooled location by the factor λ = max(0, 1 − v/d²), and their spreads
 * toward the pooled spread by the same factor. A difference of one standard error (|d|/√v = 1) vanishes; one of
 * three keeps 89%. Ten patients per group give 20 chance differences the size of their standard error; a cCNN
 * trained on unshrunk priors learns every one of them.
 */
export function shrinkDifferences(
  cohort: Cohort,
  patients: readonly PriorPatient[],
  groups: readonly string[],
  components: readonly string[],
  source: 'nonnegative' | 'signed' = 'nonnegative',
): Record<string, number> {
  const factors: Record<string, number> = {};
  if (groups.length !== 2) return factors;
  components.forEach((c, k) => {
    const specs = groups.map((g) => cohort.groups[g].amplitudes[c]);
    const values = groups.map((g) =>
      patients
        .filter((p) => p.group === g)
        .map((p) => (source === 'signed' && p.signed ? p.signed.amplitudes[k] : p.fit.amplitudes[k])),
    );
    const [a, b] = specs;
    if (a.dist === 'lognormal' && b.dist === 'lognormal') {
      // Sampling variance of each μ: of the mean of ln x for fitted lognormals; for priors by moments of signed
      // values (signedAmplitudePrior), by the delta method from the mean, Var(ln x̄) ≈ s²/(n x̄²), x̄ the prior's
      // (floored) mean.
      const logs =
        source === 'signed'
          ? values.map((v, gi) => {
              const sp = gi === 0 ? a : b;
              const m = Math.exp(sp.mu + 0.5 * sp.sigma ** 2);
              return v.map((x) => x / m);
            })
          : values.map((v) => v.map(Math.log));
      const lambda = jamesStein(a.mu, b.mu, logs);
      pullTogether(cohort, groups, c, [logs[0].length, logs[1].length], lambda);
      factors[c] = lambda;
    } else if (a.dist === 'truncnormal' && b.dist === 'truncnormal') {
      const lambda = jamesStein(a.mean, b.mean, values);
      pullTogether(cohort, groups, c, [values[0].length, values[1].length], lambda);
      factors[c] = lambda;
    }
  });
  return factors;
}

/**
 * Moves both groups' distributions of component c toward their pooled distribution (n-weighted location; spread
 * from the n-weighted variances), keeping the fraction λ of each group's departure from it: λ = 1 leaves them,
 * λ = 0 makes them equal. Lognormals (μ, σ) and truncated normals (mean, sd) alike.
 */
function pullTogether(
  cohort: Cohort,
  groups: readonly string[],
  c: string,
  n: [number, number],
  lambda: number,
): void {
  const specs = groups.map((g) => cohort.groups[g].amplitudes[c]);
  const [a, b] = specs;
  const w = (x: number, y: number) => (n[0] * x + n[1] * y) / (n[0] + n[1]);
  const toward = (pooled: number, own: number) => round6(pooled + lambda * (own - pooled));
  if (a.dist === 'lognormal' && b.dist === 'lognormal') {
    const mu = w(a.mu, b.mu);
    const sigma = Math.sqrt(w(a.sigma ** 2, b.sigma ** 2));
    groups.forEach((g, i) => {
      const sp = i === 0 ? a : b;
      cohort.groups[g].amplitudes[c] = {
        dist: 'lognormal',
        mu: toward(mu, sp.mu),
        sigma: toward(sigma, sp.sigma),
      };
    });
  } else if (a.dist === 'truncnormal' && b.dist === 'truncnormal') {
    const mean = w(a.mean, b.mean);
    const sd = Math.sqrt(w(a.sd ** 2, b.sd ** 2));
    groups.forEach((g, i) => {
      const sp = i === 0 ? a : b;
      cohort.groups[g].amplitudes[c] = { ...sp, mean: toward(mean, sp.mean), sd: toward(sd, sp.sd) };
    });
  }
}

/** Sampling variance of the mean of x: its sample variance (divisor n − 1), at least `floor`, over n. */
function meanVariance(x: readonly number[], floor = 0): number {
  const m = x.reduce((p, q) => p + q, 0) / x.length;
  const s2 = x.reduce((p, q) => p + (q - m) ** 2, 0) / Math.max(1, x.length - 1);
  return Math.max(s2, floor) / x.length;
}

function jamesStein(loc0: number, loc1: number, values: number[][]): number {
  const d = loc1 - loc0;
  const v = values.reduce((acc, x) => acc + meanVariance(x), 0);
  if (!(d * d > 0) || !Number.isFinite(v)) return 0;
  return Math.max(0, 1 - v / (d * d));
}

/**
 * Empirical-Bayes shrinkage of the group differences (Efron & Morris 1973, the normal–normal model across
 * components). Each component's difference of log locations d_k (μ of ln a for lognormals; for truncated normals
 * the difference of means over the pooled mean, a log ratio to first order) is an estimate of a true difference
 * δ_k with sampling variance v_k; the true differences are taken as drawn from N(0, τ²) with τ² shared by all
 * components and estimated by moments, τ² = max(0, mean_k(d_k² − v_k)); each difference is shrunk by its own
 * factor λ_k = τ² / (τ² + v_k). Unlike the per-component rule (shrinkDifferences), a component's difference
 * survives by standing out against what the other components' differences say real effects look like, and a
 * component measured with a small v keeps more than one measured with a large v.
 *
 * v_k uses the CRLBs: per group, the variance of a fitted value is at least its fit noise, so the group's
 * variance of ln a is max(sample variance of ln a, mean of (CRLB/a)²) (the delta method), divided by its n. With
 * 10 patients a sample variance can be small by chance; the CRLB floor stops such a component from claiming a
 * precise difference the fits cannot resolve.
 */
export function shrinkDifferencesEb(
  cohort: Cohort,
  patients: readonly PriorPatient[],
  groups: readonly string[],
  components: readonly string[],
): Record<string, number> {
  const factors: Record<string, number> = {};
  if (groups.length !== 2) return factors;
  type Entry = { c: string; d: number; v: number; pooled: (lambda: number) => void };
  const entries: Entry[] = [];
  components.forEach((c, k) => {
    const specs = groups.map((g) => cohort.groups[g].amplitudes[c]);
    const members = groups.map((g) => patients.filter((p) => p.group === g));
    const n = members.map((m) => m.length);
    if (n[0] < 2 || n[1] < 2) return;
    const [a, b] = specs;
    // Per group: sampling variance of the log location, with the CRLB floor.
    const v = members.reduce((acc, m) => {
      const x = m.map((p) => p.fit.amplitudes[k]);
      // Relative CRLB against the group mean where a fit is 0 (a non-negative fit at its bound).
      const xm = x.reduce((s, q) => s + q, 0) / x.length;
      const crel = m.map((p) => (p.fit.crlb[k] / Math.max(p.fit.amplitudes[k], xm)) ** 2);
      const logs = x.map((q) => Math.log(Math.max(q, 1e-3 * xm)));
      const floor = crel.reduce((s, q) => s + q, 0) / crel.length;
      return acc + meanVariance(logs, floor);
    }, 0);
    const pooled = (lambda: number) => pullTogether(cohort, groups, c, [n[0], n[1]], lambda);
    if (a.dist === 'lognormal' && b.dist === 'lognormal') {
      entries.push({ c, d: b.mu - a.mu, v, pooled });
    } else if (a.dist === 'truncnormal' && b.dist === 'truncnormal') {
      const mean = (n[0] * a.mean + n[1] * b.mean) / (n[0] + n[1]);
      if (mean > 0) entries.push({ c, d: (b.mean - a.mean) / mean, v, pooled });
    }
  });
  const usable = entries.filter((e) => Number.isFinite(e.d) && Number.isFinite(e.v));
  if (usable.length === 0) return factors;
  const tau2 = Math.max(0, usable.reduce((s, e) => s + e.d * e.d - e.v, 0) / usable.length);
  for (const e of entries) {
    const lambda = Number.isFinite(e.v) && tau2 > 0 ? tau2 / (tau2 + e.v) : 0;
    e.pooled(lambda);
    factors[e.c] = lambda;
  }
  return factors;
}

/** Priors from bootstrap resamples of the prior patients: one cohort whose groups are `${group}~${b}`. */
export interface BootstrapPriors {
  cohort: Cohort;
  /** Group list of the mixture, interleaved [g0~1, g1~1, g0~2, …], and the class label of each. */
  groups: string[];
  labels: number[];
  /** Resamples kept (a resample whose priors cannot be estimated is replaced by another). */
  resamples: number;
}

/**
 * Priors that carry their own uncertainty: B bootstrap resamples of the prior patients (with replacement within
 * each group), each estimated as `estimateStudyPriors` does, and a network trained on spectra drawn evenly from
 * all B (each training spectrum's group parameters come from one resample). A network trained so learns the
 * group difference averaged over what 10 + 10 patients could have shown, not the one point estimate: a
 * difference carried by one or two patients changes between resamples and is learned only in part.
 */
export function bootstrapStudyPriors(
  patients: readonly PriorPatient[],
  o: StudyPriorsOptions,
  resamples: number,
  seed: number,
): BootstrapPriors {
  const rng = new Rng(seed, 0xb007);
  const byGroup = o.groups.map((g) => patients.filter((p) => p.group === g));
  // The mixture takes everything but its groups from the first resample's cohort.
  let merged: Cohort | undefined;
  const groups: string[] = [];
  const labels: number[] = [];
  let kept = 0;
  for (let attempt = 0; kept < resamples && attempt < 4 * resamples; attempt++) {
    const sample = byGroup.flatMap((m) => m.map(() => m[rng.int(m.length)]));
    let est: StudyPriors;
    try {
      est = estimateStudyPriors(sample, { ...o, name: `${o.name}-boot${kept + 1}` });
    } catch {
      continue;
    }
    kept++;
    merged ??= { ...structuredClone(est.cohort), groups: {} };
    const mixture = merged;
    o.groups.forEach((g, label) => {
      const name = `${g}~${kept}`;
      mixture.groups[name] = est.cohort.groups[g];
      groups.push(name);
      labels.push(label);
    });
  }
  if (!merged) throw new RangeError('bootstrapStudyPriors: no resample gave priors');
  merged.name = `${o.name}-bootstrap`;
  merged.description = `Priors from ${kept} bootstrap resamples of ${patients.length} prior patients; ${merged.description ?? ''}`;
  parseCohort(formatCohort(merged), merged.name);
  return { cohort: merged, groups, labels, resamples: kept };
}

/**
 * Shrinkage of the group differences in whitened coordinates. Components co-vary strongly between patients (the
 * lipid resonances with r ≈ 0.97: total fat varies several-fold), so a chance difference in one direction of
 * large spread (all lipids up together) is as large, in each component, as a real difference in a direction of
 * small spread (one resonance up relative to the others: the composition). Per-component shrinkage cannot
 * tell them apart; after whitening by the pooled within-group covariance it can: each whitened coordinate of
 * the difference has sampling variance v = 1/n₀ + 1/n₁ whatever its spread, and is shrunk by the positive-part
 * James–Stein factor max(0, 1 − v/z²), then mapped back.
 *
 * For the components whose two groups are lognormal: d = μ₁ − μ₀ (per component), S = D R D with D the pooled
 * within-group SD of ln a and R the pooled correlation of the ln a scores among the components that co-vary
 * strongly and significantly (shrunkCorrelation's selection; identity elsewhere); z = Λ^(−1/2) Vᵀ D⁻¹ d with
 * R = V Λ Vᵀ. Both groups then share the pooled σ (the spread differences of 10-patient samples are chance as
 * well), and μ_g = μ̄ ∓ (n_other/N) d′. Other components (a truncated normal in either group) are shrunk per
 * component (shrinkDifferences). Returns each whitened coordinate's factor.
 */
export function shrinkDifferencesWhitened(
  cohort: Cohort,
  patients: readonly PriorPatient[],
  groups: readonly string[],
  components: readonly string[],
): number[] {
  if (groups.length !== 2) return [];
  const members = groups.map((g) => patients.filter((p) => p.group === g));
  const n = members.map((m) => m.length);
  if (n[0] < 3 || n[1] < 3) return [];
  const logn = components
    .map((c, k) => ({ c, k }))
    .filter(({ c }) => groups.every((g) => cohort.groups[g].amplitudes[c].dist === 'lognormal'));
  const others = components.filter((c) => !logn.some((x) => x.c === c));
  if (others.length) shrinkDifferences(cohort, patients, groups, others);
  const p = logn.length;
  if (p === 0) return [];
  // Within-group centred ln a, pooled.
  const centred = logn.map(({ k }) =>
    Float64Array.from(
      members.flatMap((m) => {
        const v = m.map((q) => Math.log(q.fit.amplitudes[k]));
        const mean = v.reduce((a, b) => a + b, 0) / v.length;
        return v.map((x) => x - mean);
      }),
    ),
  );
  const N = n[0] + n[1];
  const sd = centred.map((z) => Math.sqrt(z.reduce((a, b) => a + b * b, 0) / (N - 2)) || 1);
  // Correlations among the components that co-vary strongly and significantly (shrunkCorrelation's selection).
  // Whitening needs the small eigenvalues right (1 − r for r ≈ 0.97 is the composition's variance), which the
  // copula's shrinkage toward I inflates several-fold; so the sample correlation of that set is used, with a
  // ridge of 1e-3, when the set is small against the patients (p ≤ (N − 2)/2), else the shrunk matrix.
  const R = new Float64Array(p * p);
  for (let i = 0; i < p; i++) R[i * p + i] = 1;
  const corr = shrunkCorrelation(logn.map(({ c }, i) => ({ name: c, z: centred[i] })));
  if (corr) {
    const idx = corr.components.map((a) => logn.findIndex((x) => x.c === a));
    const sample = idx.length <= (N - 2) / 2;
    idx.forEach((a, i) => {
      idx.forEach((b, j) => {
        let r = corr.matrix[i][j];
        if (sample && a !== b) {
          let sab = 0;
          for (let q = 0; q < N; q++) sab += centred[a][q] * centred[b][q];
          r = (1 - 1e-3) * (sab / ((N - 2) * sd[a] * sd[b]));
        }
        R[a * p + b] = r;
      });
    });
  }
  const spec = (g: string, c: string) =>
    cohort.groups[g].amplitudes[c] as { dist: 'lognormal'; mu: number; sigma: number };
  const dStd = logn.map(({ c }, i) => (spec(groups[1], c).mu - spec(groups[0], c).mu) / sd[i]);
  const { values, vectors } = symmetricEigen(R, p);
  const V = { get: (i: number, j: number) => vectors[i * p + j] };
  const lam = Array.from(values, (x) => Math.max(x, 1e-9));
  const v = 1 / n[0] + 1 / n[1];
  const factors: number[] = [];
  // d′_std = V Λ^(1/2) diag(f) z, z = Λ^(−1/2) Vᵀ d_std.
  const shrunk = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let z = 0;
    for (let i = 0; i < p; i++) z += V.get(i, j) * dStd[i];
    z /= Math.sqrt(lam[j]);
    const f = z * z > 0 ? Math.max(0, 1 - v / (z * z)) : 0;
    factors.push(f);
    for (let i = 0; i < p; i++) shrunk[i] += V.get(i, j) * Math.sqrt(lam[j]) * f * z;
  }
  logn.forEach(({ c }, i) => {
    const a = spec(groups[0], c);
    const b = spec(groups[1], c);
    const mu = (n[0] * a.mu + n[1] * b.mu) / N;
    const sigma = Math.sqrt((n[0] * a.sigma ** 2 + n[1] * b.sigma ** 2) / N);
    const d = shrunk[i] * sd[i];
    cohort.groups[groups[0]].amplitudes[c] = {
      dist: 'lognormal',
      mu: round6(mu - (n[1] / N) * d),
      sigma: round6(sigma),
    };
    cohort.groups[groups[1]].amplitudes[c] = {
      dist: 'lognormal',
      mu: round6(mu + (n[0] / N) * d),
      sigma: round6(sigma),
    };
  });
  return factors;
}

/**
 * `amplitudes: 'logratio'`: the amplitude priors of every component that is positive in all prior patients
 * re-estimated in log-ratio coordinates (logratio-priors.ts estimateLogRatio: the lipids against their
 * geometric-mean total, the metabolites against theirs, plus the two log totals; the group difference shrunk by
 * a sparse empirical-Bayes rule across these coordinates, or with `logratio-js` by each coordinate's own
 * James–Stein factor; one spread and one correlation for both groups, the
 * covariance shrunk in isometric log-ratio coordinates toward their diagonal), then mapped back: lognormal marginals with the mean and
 * SD of ln a, and the correlation of ln a as the group's copula. The fit noise (CRLB/a)² is subtracted from each
 * variance of ln a. Components with a zero fit (no logarithm) keep their estimated family, shrunk per component
 * (shrinkDifferences), and are left out of the copula. Returns the factor of each log-ratio coordinate.
 */
export function applyLogRatioPriors(
  cohort: Cohort,
  patients: readonly PriorPatient[],
  groups: readonly string[],
  components: readonly string[],
  rule: LogRatioRule = 'sparse',
): number[] {
  if (groups.length !== 2) return [];
  const members = groups.map((g) => patients.filter((p) => p.group === g));
  if (members.some((m) => m.length < 3)) return [];
  const positive = components
    .map((c, k) => ({ c, k }))
    .filter(({ k }) => members.every((m) => m.every((p) => p.fit.amplitudes[k] > 0)));
  const others = components.filter((c) => !positive.some((x) => x.c === c));
  if (others.length) shrinkDifferences(cohort, patients, groups, others);
  if (positive.length < 2) return [];
  const classOf = componentClassifier();
  const blocks: Blocks = (['lipid', 'metabolite'] as const)
    .map((cls) => positive.flatMap(({ c }, i) => (classOf(c) === cls ? [i] : [])))
    .filter((b) => b.length > 0);
  const rows = members.map((m) => m.map((p) => positive.map(({ k }) => Math.log(p.fit.amplitudes[k]))));
  const all = members.flat();
  const noise = positive.map(
    ({ k }) =>
      all.reduce(
        (s, p) => s + (Number.isFinite(p.fit.crlb[k]) ? (p.fit.crlb[k] / p.fit.amplitudes[k]) ** 2 : 0),
        0,
      ) / all.length,
  );
  const est = estimateLogRatio([rows[0], rows[1]], blocks, noise, rule);
  groups.forEach((g, gi) => {
    const group = cohort.groups[g];
    positive.forEach(({ c }, i) => {
      group.amplitudes[c] = { dist: 'lognormal', mu: round6(est.mu[gi][i]), sigma: round6(est.sigma[i]) };
    });
    group.correlation = {
      components: positive.map(({ c }) => c),
      matrix: est.correlation.map((r) => [...r]),
    };
  });
  return est.factors;
}
