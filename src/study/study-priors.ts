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
  for (const g of o.groups) keepSnrPositive(cohort.groups[g].nuisance);
  // Never hand the simulator a cohort that would not read back.
  parseCohort(formatCohort(cohort), o.name);
  cohort.description = `Priors estimated from NLLS fits of ${patients.length} prior patients (${o.groups
    .map((g) => `${patients.filter((p) => p.group === g).length} ${g}`)
    .join(', ')}); nuisance ${o.nuisance ?? 'pooled'}; template ${o.template.name}.`;
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
