import { InputError } from '../core/errors.js';
import { type Cohort, type CohortGroup, cholesky } from './cohort-schema.js';
import type { ComponentClass } from './cohort-sampler.js';
import { type CsvTable, numericColumn } from '../io/csv.js';
import type { DistributionSpec } from './distributions.js';
import { normalQuantile } from './special.js';

/**
 * Priors estimation (the paper's step 2): from per-spectrum values of a few patients per group (NLLS fits, or
 * for now known truth), estimate each group's distributions and return a cohort.
 *
 * - Family per parameter: amplitudes lognormal when all values are > 0 (else a normal truncated at 0);
 *   other non-negative parameters (widths, SNR, water amplitude and width, baseline amplitude): lognormal or
 *   truncated normal, whichever has the larger likelihood; signed parameters (shift, phases, water offset):
 *   normal or uniform by likelihood; a constant column becomes a fixed value.
 * - Fit uncertainty: where a column `sd_<name>` or `crlb_<name>` (an SD, same units) is given, its mean square is
 *   subtracted from the observed variance (on the log scale, (sd/x)², for lognormals), floored at
 *   VARIANCE_FLOOR × the observed variance: the spread of the fits is the spread of the patients plus fit noise.
 * - Correlations between amplitudes, on normal scores (ln x for lognormals): only strong, significant pairs
 *   (see shrunkCorrelation), shrunk toward the identity by the Schäfer–Strimmer estimate (Stat Appl Genet Mol
 *   Biol 2005;4:32), which suits n = 10 per group.
 * - Lorentzian widths: one entry per class (metabolites, lipids) when the class' lw_ columns are equal in every
 *   row (a shared width), else one entry per component.
 * Parameters absent from the table keep the template's distribution.
 */
export const VARIANCE_FLOOR = 0.1;
export const MIN_CORRELATION = 0.3;

export interface PriorsOptions {
  /** Template cohort: protocol, basis, model and the distributions of parameters the table lacks. */
  template: Cohort;
  /** Classifies components as metabolite or lipid (for width classes). */
  classOf: (component: string) => ComponentClass;
  name?: string;
  /** Groups to estimate (default: all groups in the table, in order of appearance). */
  groups?: readonly string[];
  file?: string;
  /**
   * Amplitude correlations per group ('group', default) or one matrix from the within-group scores of all groups
   * pooled ('pooled': twice the patients per estimate at two groups, and no chance difference of correlation
   * between the groups for a classifier to learn).
   */
  correlation?: 'group' | 'pooled';
}

export interface ParameterEstimate {
  group: string;
  parameter: string;
  n: number;
  family: DistributionSpec['dist'];
  spec: DistributionSpec;
  /** Mean fit variance subtracted (in the family's scale), or 0. */
  deconvolved: number;
}

export interface PriorsResult {
  cohort: Cohort;
  estimates: ParameterEstimate[];
  /** Per group: the components in its copula and the shrinkage intensity used. */
  correlations: Record<string, { components: string[]; lambda: number }>;
}

export function estimatePriors(table: CsvTable, opts: PriorsOptions): PriorsResult {
  const file = opts.file ?? '<fits>';
  const gcol = table.header.indexOf('group');
  if (gcol < 0)
    throw new InputError("no column 'group'", {
      file,
      expected: "a group column naming each spectrum's group",
    });
  const groups = opts.groups ?? [...new Set(table.rows.map((r) => r[gcol]))];
  const templateGroups = Object.values(opts.template.groups);
  const components = Object.keys(templateGroups[0].amplitudes);
  for (const c of components) {
    if (!table.header.includes(c)) {
      throw new InputError(`no column '${c}'`, {
        file,
        expected: `a column per component (${components.join(', ')})`,
      });
    }
  }
  const has = (c: string) => table.header.includes(c);
  const estimates: ParameterEstimate[] = [];
  const correlations: PriorsResult['correlations'] = {};
  const outGroups: Record<string, CohortGroup> = {};
  const groupScores: Record<string, { name: string; z: Float64Array }[]> = {};

  for (const g of groups) {
    const rows = table.rows
      .map((r, i) => [r, i] as const)
      .filter(([r]) => r[gcol] === g)
      .map(([, i]) => i);
    if (rows.length < 3) {
      throw new InputError(`group '${g}' has ${rows.length} spectra`, {
        file,
        field: 'group',
        expected: 'at least 3 spectra per group',
      });
    }
    const col = (c: string) => {
      const all = numericColumn(table, c, file);
      return Float64Array.from(rows, (i) => all[i]);
    };
    const uncertainty = (c: string) => {
      for (const prefix of ['sd_', 'crlb_']) if (has(prefix + c)) return col(prefix + c);
      return undefined;
    };
    const base = structuredClone(opts.template.groups[g] ?? templateGroups[0]);
    const record = (parameter: string, spec: DistributionSpec, deconvolved = 0) => {
      estimates.push({ group: g, parameter, n: rows.length, family: spec.dist, spec, deconvolved });
      return spec;
    };

    // Amplitudes and their normal scores.
    const scores: { name: string; z: Float64Array }[] = [];
    const amplitudes: Record<string, DistributionSpec> = {};
    for (const c of components) {
      const x = col(c);
      const fit = fitAmplitude(x, uncertainty(c));
      amplitudes[c] = record(c, fit.spec, fit.deconvolved);
      if (fit.scores) scores.push({ name: c, z: fit.scores });
    }
    groupScores[g] = scores;

    // Nuisance parameters.
    const nu = base.nuisance;
    const widths = estimateWidths(components, opts.classOf, has, col, uncertainty, record);
    if (widths) nu.lorentzianWidth = widths;
    const signed = (c: string, set: (d: DistributionSpec) => void) => {
      if (has(c)) set(record(c, fitSigned(col(c), uncertainty(c))));
    };
    const positive = (c: string, set: (d: DistributionSpec) => void) => {
      if (has(c)) set(record(c, fitNonNegative(col(c), uncertainty(c))));
    };
    positive('gauss_hz', (d) => {
      nu.gaussianWidth = d;
    });
    signed('shift_hz', (d) => {
      nu.shift = d;
    });
    signed('phi0_deg', (d) => {
      nu.phase0 = d;
    });
    signed('phi1_deg_per_ppm', (d) => {
      nu.phase1 = d;
    });
    positive('snr', (d) => {
      nu.snr = d;
    });
    positive('water_amp', (d) => {
      nu.water.amplitude = d;
    });
    signed('water_offset_hz', (d) => {
      nu.water.offset = d;
    });
    positive('water_lw_hz', (d) => {
      nu.water.width = d;
    });
    signed('water_phase_deg', (d) => {
      nu.water.phase = d;
    });
    positive('baseline_amp', (d) => {
      nu.baseline.amplitude = d;
    });

    const group: CohortGroup = {
      description: `estimated by livermrs priors from ${rows.length} spectra`,
      amplitudes,
      nuisance: nu,
    };
    outGroups[g] = group;
  }
  const pooled = opts.correlation === 'pooled' ? pooledScores(groupScores) : undefined;
  for (const g of groups) {
    const corr = shrunkCorrelation(pooled ?? groupScores[g]);
    correlations[g] = { components: corr?.components ?? [], lambda: corr?.lambda ?? 0 };
    if (corr) outGroups[g].correlation = { components: corr.components, matrix: corr.matrix };
  }

  const cohort: Cohort = {
    ...structuredClone(opts.template),
    name: opts.name ?? `${opts.template.name}-estimated`,
    description: `Priors estimated by livermrs priors from ${file} (groups ${groups.join(', ')}); template ${opts.template.name}.`,
    illustrative: false,
    groups: outGroups,
  };
  return { cohort, estimates, correlations };
}

// ---- families -------------------------------------------------------------------------------------------

function meanVar(x: ArrayLike<number>): { mean: number; variance: number } {
  const n = x.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += x[i];
  m /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[i] - m) ** 2;
  return { mean: m, variance: n > 1 ? v / (n - 1) : 0 };
}

function isConstant(x: ArrayLike<number>): boolean {
  for (let i = 1; i < x.length; i++) if (x[i] !== x[0]) return false;
  return true;
}

/** Observed variance minus the mean fit variance, floored. */
function deconvolve(variance: number, fitVariance: number): { variance: number; removed: number } {
  if (!(fitVariance > 0)) return { variance, removed: 0 };
  const v = Math.max(variance - fitVariance, VARIANCE_FLOOR * variance);
  return { variance: v, removed: variance - v };
}

function meanSquare(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return s / x.length;
}

const LN_SQRT_2PI = 0.9189385332046728;

/** Cohort numbers written by priors estimation keep 6 significant digits. */
export function round6(x: number): number {
  return Number(x.toPrecision(6));
}

interface LogFit {
  mu: number;
  sigma: number;
  removed: number;
  logLik: number;
}

function fitLog(x: Float64Array, sd?: Float64Array): LogFit {
  const lx = x.map(Math.log);
  const { mean, variance } = meanVar(lx);
  const rel = sd ? meanSquare(sd.map((s, i) => s / x[i])) : 0;
  const d = deconvolve(variance, rel);
  const sigma = Math.sqrt(d.variance);
  let logLik = 0;
  for (let i = 0; i < x.length; i++)
    logLik += -0.5 * ((lx[i] - mean) / sigma) ** 2 - Math.log(sigma) - lx[i] - LN_SQRT_2PI;
  return { mu: mean, sigma, removed: d.removed, logLik };
}

function fitNormal(
  x: Float64Array,
  sd?: Float64Array,
): { mean: number; sd: number; removed: number; logLik: number } {
  const { mean, variance } = meanVar(x);
  const d = deconvolve(variance, sd ? meanSquare(sd) : 0);
  const s = Math.sqrt(d.variance);
  let logLik = 0;
  for (let i = 0; i < x.length; i++) logLik += -0.5 * ((x[i] - mean) / s) ** 2 - Math.log(s) - LN_SQRT_2PI;
  return { mean, sd: s, removed: d.removed, logLik };
}

function fitAmplitude(
  x: Float64Array,
  sd?: Float64Array,
): { spec: DistributionSpec; deconvolved: number; scores?: Float64Array } {
  if (isConstant(x)) return { spec: { dist: 'fixed', value: x[0] }, deconvolved: 0 };
  if (x.every((v) => v > 0)) {
    const f = fitLog(x, sd);
    const scores = x.map((v) => (Math.log(v) - f.mu) / f.sigma);
    return {
      spec: { dist: 'lognormal', mu: round6(f.mu), sigma: round6(f.sigma) },
      deconvolved: f.removed,
      scores,
    };
  }
  const f = fitNormal(x, sd);
  const scores = x.map((v) => (v - f.mean) / f.sd);
  return {
    spec: { dist: 'truncnormal', mean: round6(f.mean), sd: round6(f.sd), min: 0 },
    deconvolved: f.removed,
    scores,
  };
}

/** Lognormal or truncated normal (on [0, ∞)), by likelihood. */
function fitNonNegative(x: Float64Array, sd?: Float64Array): DistributionSpec {
  if (isConstant(x)) return { dist: 'fixed', value: x[0] };
  const normal = fitNormal(x, sd);
  // log-likelihood of the normal truncated at 0 (renormalised by its mass above 0)
  const mass = 0.5 * (1 + erfApprox(normal.mean / (normal.sd * Math.SQRT2)));
  const truncLogLik = normal.logLik - x.length * Math.log(Math.max(mass, 1e-300));
  if (x.every((v) => v > 0)) {
    const log = fitLog(x, sd);
    if (log.logLik >= truncLogLik) return { dist: 'lognormal', mu: round6(log.mu), sigma: round6(log.sigma) };
  }
  return { dist: 'truncnormal', mean: round6(normal.mean), sd: round6(normal.sd), min: 0 };
}

/** Normal or uniform, by likelihood (the uniform's ends widened by range/(n−1), unbiased for the ends). */
function fitSigned(x: Float64Array, sd?: Float64Array): DistributionSpec {
  if (isConstant(x)) return { dist: 'fixed', value: x[0] };
  const normal = fitNormal(x, sd);
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of x) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const pad = (hi - lo) / (x.length - 1);
  const uniformLogLik = -x.length * Math.log(hi - lo + 2 * pad);
  if (uniformLogLik > normal.logLik) return { dist: 'uniform', min: round6(lo - pad), max: round6(hi + pad) };
  return { dist: 'normal', mean: round6(normal.mean), sd: round6(normal.sd) };
}

function erfApprox(x: number): number {
  // Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7): enough to compare two likelihoods.
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-x * x);
  return x >= 0 ? y : -y;
}

function estimateWidths(
  components: string[],
  classOf: (c: string) => ComponentClass,
  has: (c: string) => boolean,
  col: (c: string) => Float64Array,
  uncertainty: (c: string) => Float64Array | undefined,
  record: (parameter: string, spec: DistributionSpec) => DistributionSpec,
): Record<string, DistributionSpec> | undefined {
  const present = components.filter((c) => has(`lw_${c}`));
  if (present.length === 0) return undefined;
  const out: Record<string, DistributionSpec> = {};
  for (const cls of ['metabolites', 'lipids'] as const) {
    const members = present.filter((c) => (classOf(c) === 'lipid') === (cls === 'lipids'));
    if (members.length === 0) continue;
    // Components whose lw_ columns are identical in every row share one draw: the largest such set becomes the
    // class entry, the others get their own.
    const cols = members.map((c) => col(`lw_${c}`));
    const same = (a: Float64Array, b: Float64Array) => a.every((v, i) => v === b[i]);
    const clusters: number[][] = [];
    cols.forEach((x, k) => {
      const hit = clusters.find((cl) => same(cols[cl[0]], x));
      if (hit) hit.push(k);
      else clusters.push([k]);
    });
    const major = clusters.reduce((a, b) => (b.length > a.length ? b : a));
    if (major.length > 1) {
      out[cls] = record(`lw:${cls}`, fitNonNegative(cols[major[0]], uncertainty(`lw_${members[major[0]]}`)));
    }
    members.forEach((c, k) => {
      if (major.length > 1 && major.includes(k)) return;
      out[c] = record(`lw_${c}`, fitNonNegative(cols[k], uncertainty(`lw_${c}`)));
    });
  }
  return out;
}

// ---- correlation ----------------------------------------------------------------------------------------

/**
 * The normal scores of the components every group has, centred and scaled within each group and concatenated:
 * their correlations are the pooled within-group correlations.
 */
export function pooledScores(
  byGroup: Record<string, { name: string; z: Float64Array }[]>,
): { name: string; z: Float64Array }[] {
  const groups = Object.values(byGroup);
  if (groups.length === 0) return [];
  const names = groups[0].map((s) => s.name).filter((n) => groups.every((g) => g.some((s) => s.name === n)));
  return names.map((name) => {
    const parts = groups.map((g) => {
      const z = (g.find((s) => s.name === name) as { z: Float64Array }).z;
      const { mean, variance } = meanVar(z);
      const sd = Math.sqrt(variance) || 1;
      return z.map((v) => (v - mean) / sd);
    });
    const z = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      z.set(p, o);
      o += p.length;
    }
    return { name, z };
  });
}

/**
 * Correlations that matter, shrunk: a pair of components counts when its sample |r| is both >= MIN_CORRELATION
 * and significant at PAIR_ALPHA (two-sided, Fisher z: |r| >= tanh(z_{1-α/2} / √(n−3))), which at n = 10 keeps
 * only strong correlations such as the lipid resonances'. The components in such pairs get a correlation
 * matrix shrunk toward I by the Schäfer–Strimmer estimate λ* = Σ_{i≠j} Var(r_ij) / Σ_{i≠j} r_ij² (target D,
 * Var(r_ij) from the standardised data), raised further if needed until the (rounded) matrix is positive definite.
 */
export const PAIR_ALPHA = 0.001;

export function shrunkCorrelation(
  scores: { name: string; z: Float64Array }[],
): { components: string[]; matrix: number[][]; lambda: number } | undefined {
  if (scores.length < 2) return undefined;
  const n = scores[0].z.length;
  if (n < 4) return undefined;
  const std = scores.map(({ z }) => {
    const { mean, variance } = meanVar(z);
    const s = Math.sqrt(variance) || 1;
    return z.map((v) => (v - mean) / s);
  });
  const pearson = (a: Float64Array, b: Float64Array) => {
    let s = 0;
    for (let k = 0; k < n; k++) s += a[k] * b[k];
    return s / (n - 1);
  };
  const critical = Math.max(
    MIN_CORRELATION,
    Math.tanh(normalQuantile(1 - PAIR_ALPHA / 2) / Math.sqrt(n - 3)),
  );
  const keep = scores
    .map((_, i) => i)
    .filter((i) => std.some((other, j) => j !== i && Math.abs(pearson(std[i], other)) >= critical));
  if (keep.length < 2) return undefined;
  const p = keep.length;
  const r: number[][] = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  let num = 0;
  let den = 0;
  for (let a = 0; a < p; a++) {
    r[a][a] = 1;
    for (let b = 0; b < a; b++) {
      const w = std[keep[a]].map((v, k) => v * std[keep[b]][k]);
      const wbar = w.reduce((x, y) => x + y, 0) / n;
      const rab = (n / (n - 1)) * wbar;
      let varW = 0;
      for (const v of w) varW += (v - wbar) ** 2;
      r[a][b] = rab;
      r[b][a] = rab;
      num += (n / (n - 1) ** 3) * varW;
      den += rab * rab;
    }
  }
  let lambda = den > 0 ? Math.min(1, Math.max(0, num / den)) : 1;
  const shrunk = (l: number) =>
    r.map((row, a) => row.map((v, b) => (a === b ? 1 : Number(((1 - l) * v).toFixed(4)))));
  let m = shrunk(lambda);
  while (!cholesky(m) && lambda < 1) {
    lambda = Math.min(1, lambda + 0.05);
    m = shrunk(lambda);
  }
  return { components: keep.map((i) => scores[i].name), matrix: m, lambda };
}
