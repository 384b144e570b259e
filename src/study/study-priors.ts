import { type Cohort, formatCohort, parseCohort } from '../simulate/cohort-schema.js';
import type { CsvTable } from '../simulate/csv.js';
import { componentClassifier } from '../simulate/generator.js';
import { estimatePriors, type ParameterEstimate } from '../simulate/priors.js';
import type { SpectrumFit } from './fit-features.js';

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
export interface PriorPatient {
  group: string;
  fit: SpectrumFit;
}

export interface StudyPriorsOptions {
  /** Cohort giving protocol, basis, model and the distributions the fits cannot give (baseline). */
  template: Cohort;
  components: readonly string[];
  nuisance?: 'pooled' | 'per-group';
  /**
   * Group differences of the amplitude distributions: as estimated ('separate', the paper's reading) or shrunk
   * toward the pooled estimate by how well the prior patients determine them ('shrunk', see shrinkDifferences).
   */
  amplitudes?: 'separate' | 'shrunk';
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
  const nuisance = [...new Set(patients.flatMap((p) => Object.keys(p.fit.columns)))].filter((c) =>
    patients.every((p) => Number.isFinite(p.fit.columns[c])),
  );
  const sds = nuisance.filter((c) => patients.every((p) => Number.isFinite(p.fit.sd[c])));
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

export function estimateStudyPriors(patients: readonly PriorPatient[], o: StudyPriorsOptions): StudyPriors {
  const table = priorsTable(patients, o.components);
  const classOf = componentClassifier();
  const perGroup = estimatePriors(table, {
    template: o.template,
    classOf,
    name: o.name,
    groups: o.groups,
    file: `${o.name} (NLLS fits of the prior patients)`,
  });
  const estimates = [...perGroup.estimates];
  const cohort = perGroup.cohort;
  if ((o.nuisance ?? 'pooled') === 'pooled') {
    const pooledLabel = o.groups[0];
    const pooled = estimatePriors(
      { header: table.header, rows: table.rows.map((r) => [pooledLabel, ...r.slice(1)]) },
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
  if (o.amplitudes === 'shrunk') shrinkDifferences(cohort, patients, o.groups, o.components);
  for (const g of o.groups) keepSnrPositive(cohort.groups[g].nuisance);
  // Never hand the simulator a cohort that would not read back.
  parseCohort(formatCohort(cohort), o.name);
  cohort.description = `Priors estimated from NLLS fits of ${patients.length} prior patients (${o.groups
    .map((g) => `${patients.filter((p) => p.group === g).length} ${g}`)
    .join(
      ', ',
    )}); nuisance ${o.nuisance ?? 'pooled'}; amplitudes ${o.amplitudes ?? 'separate'}; template ${o.template.name}.`;
  return { cohort, estimates, table };
}

/**
 * estimatePriors may fit the SNR with a normal truncated at 0, which can draw SNR ≈ 0 (infinite noise) and which
 * the cohort schema refuses (SNR must be > 0): such a fit is truncated at 5% of its mean instead.
 */
function keepSnrPositive(nuisance: Cohort['groups'][string]['nuisance']): void {
  const snr = nuisance.snr;
  if (snr.dist === 'truncnormal' && !((snr.min ?? Number.NEGATIVE_INFINITY) > 0)) {
    nuisance.snr = { ...snr, min: Number((0.05 * Math.max(snr.mean, 1)).toPrecision(6)) };
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
): Record<string, number> {
  const factors: Record<string, number> = {};
  if (groups.length !== 2) return factors;
  components.forEach((c, k) => {
    const specs = groups.map((g) => cohort.groups[g].amplitudes[c]);
    const values = groups.map((g) => patients.filter((p) => p.group === g).map((p) => p.fit.amplitudes[k]));
    const [a, b] = specs;
    if (a.dist === 'lognormal' && b.dist === 'lognormal') {
      const logs = values.map((v) => v.map(Math.log));
      const lambda = jamesStein(a.mu, b.mu, logs);
      const n = logs.map((l) => l.length);
      const mu = (n[0] * a.mu + n[1] * b.mu) / (n[0] + n[1]);
      const sigma = Math.sqrt((n[0] * a.sigma ** 2 + n[1] * b.sigma ** 2) / (n[0] + n[1]));
      for (const [g, sp] of [
        [groups[0], a],
        [groups[1], b],
      ] as const) {
        cohort.groups[g].amplitudes[c] = {
          dist: 'lognormal',
          mu: round6(mu + lambda * (sp.mu - mu)),
          sigma: round6(sigma + lambda * (sp.sigma - sigma)),
        };
      }
      factors[c] = lambda;
    } else if (a.dist === 'truncnormal' && b.dist === 'truncnormal') {
      const lambda = jamesStein(a.mean, b.mean, values);
      const n = values.map((v) => v.length);
      const mean = (n[0] * a.mean + n[1] * b.mean) / (n[0] + n[1]);
      const sd = Math.sqrt((n[0] * a.sd ** 2 + n[1] * b.sd ** 2) / (n[0] + n[1]));
      for (const [g, sp] of [
        [groups[0], a],
        [groups[1], b],
      ] as const) {
        cohort.groups[g].amplitudes[c] = {
          ...sp,
          mean: round6(mean + lambda * (sp.mean - mean)),
          sd: round6(sd + lambda * (sp.sd - sd)),
        };
      }
      factors[c] = lambda;
    }
  });
  return factors;
}

function jamesStein(loc0: number, loc1: number, values: number[][]): number {
  const d = loc1 - loc0;
  const v = values.reduce((acc, x) => {
    const m = x.reduce((p, q) => p + q, 0) / x.length;
    const s2 = x.reduce((p, q) => p + (q - m) ** 2, 0) / Math.max(1, x.length - 1);
    return acc + s2 / x.length;
  }, 0);
  if (!(d * d > 0)) return 0;
  return Math.max(0, 1 - v / (d * d));
}

function round6(x: number): number {
  return Number(x.toPrecision(6));
}
