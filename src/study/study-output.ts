import { formatCsv, roundedCell } from '../io/csv.js';
import { armIntervals } from './small-sample.js';
import type { QuantComparison } from './quant-comparison.js';
import { paperCounts, type StudySummary, summariseStudy } from './study-summary.js';
import { ARMS, type RepeatResult, type StudySettings } from './virtual-study.js';

/**
 * The study's machine-readable outputs: metrics.json (schema `livermrs-study` version 1: settings, per-repeat
 * metrics with paper-style counts, their distribution over repeats, the quantification comparison),
 * predictions.csv (one row per patient and repeat) and quantification.csv (one row per component).
 */
export const METRICS_SCHEMA = { name: 'livermrs-study', version: 1 } as const;

export interface StudyDescription {
  mode: 'virtual' | 'manifest';
  /** Truth cohort (virtual) or manifest file. */
  source: string;
  template: string;
  components: readonly string[];
  command?: string;
}

/** A repeat without its networks, as stored in repeats/NNN.json. */
export function storableRepeat(r: RepeatResult): Omit<RepeatResult, 'networks'> {
  const { networks: _n, ...rest } = r;
  return rest;
}

export function metricsJson(
  desc: StudyDescription,
  settings: StudySettings,
  results: readonly RepeatResult[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> & { summary: StudySummary } {
  const summary = summariseStudy(results);
  const quantification = results.find((r) => r.quantification)?.quantification;
  return {
    schema: METRICS_SCHEMA.name,
    schemaVersion: METRICS_SCHEMA.version,
    created: new Date().toISOString(),
    mode: desc.mode,
    source: desc.source,
    template: desc.template,
    ...(desc.command ? { command: desc.command } : {}),
    settings,
    components: desc.components,
    repeatsCompleted: results.length,
    // The groups in the study's own names (the manifest's, or the truth cohort's).
    groups: { negative: settings.design.groups[0], positive: settings.design.groups[1] },
    summary,
    // Real patients are few: exact (sensitivity, specificity) and bootstrap (AUC) intervals of the one run.
    ...(desc.mode === 'manifest' && results[0] ? { intervals: armIntervals(results[0]) } : {}),
    repeats: results.map((r) => ({
      repeat: r.repeat,
      seed: r.seed,
      classPrior: r.classPrior,
      arms: Object.fromEntries(
        Object.entries(r.arms).map(([arm, m]) => [arm, m ? { ...m, counts: paperCounts(m) } : m]),
      ),
      ...(r.youden
        ? {
            youden: Object.fromEntries(
              Object.entries(r.youden).map(([arm, m]) => [arm, m ? { ...m, counts: paperCounts(m) } : m]),
            ),
          }
        : {}),
      qcnn: r.qcnn,
      ccnn: r.ccnn,
      seconds: r.seconds,
      quantificationClaimMet: r.quantification?.claimMet,
    })),
    quantification: quantification ? withoutSamples(quantification) : null,
    ...extra,
  };
}

function withoutSamples(q: QuantComparison): Omit<QuantComparison, 'samples'> {
  const { samples: _s, ...rest } = q;
  return rest;
}

export function predictionsCsv(results: readonly RepeatResult[], components: readonly string[]): string {
  const hasTruth = results.some((r) => r.patients.some((p) => p.truth));
  // The groups in the study's own names: the predicted group of each arm at probability 0.5.
  const all = results.flatMap((r) => r.patients);
  const groupOf = (label: number) => all.find((p) => p.label === label)?.group ?? String(label);
  // Only the arms the study ran (a manifest study has no oracle and no spectral bound).
  const arms = ARMS.filter((a) => results.some((r) => r.arms[a]));
  const header = [
    'repeat',
    'patient',
    'group',
    'label',
    'role',
    'nlls_status',
    'nlls_reasons',
    'in_priors',
    ...arms.map((a) => `p_${a}`),
    ...arms.map((a) => `predicted_${a}`),
    ...components.map((c) => `nlls_${c}`),
    ...components.map((c) => `crlb_${c}`),
    ...components.map((c) => `qcnn_${c}`),
    ...components.map((c) => `qcnn_sd_${c}`),
    'ccnn_logit',
    ...(hasTruth ? components.map((c) => `true_${c}`) : []),
  ];
  const rows: (string | number)[][] = [];
  for (const r of results) {
    for (const p of r.patients) {
      rows.push([
        r.repeat,
        p.id,
        p.group,
        p.label,
        p.role,
        p.nllsStatus?.status ?? '',
        p.nllsStatus?.reasons.join('; ') ?? '',
        p.role === 'prior' ? (p.excludedFromPriors ? `no: ${p.excludedFromPriors}` : 'yes') : '',
        ...arms.map((a) => num(p.probabilities[a])),
        ...arms.map((a) => {
          const v = p.probabilities[a];
          return v === undefined || v === null ? '' : groupOf(v >= 0.5 ? 1 : 0);
        }),
        ...p.nlls.map(num),
        ...p.nllsCrlb.map(num),
        ...p.qcnn.map(num),
        ...p.qcnnSd.map(num),
        num(p.ccnnLogit),
        ...(hasTruth ? (p.truth ?? components.map(() => Number.NaN)).map(num) : []),
      ]);
    }
  }
  return formatCsv(header, rows);
}

export function quantificationCsv(q: QuantComparison): string {
  const header = [
    'component',
    'mean_true',
    'qcnn_mae',
    'nlls_mae',
    'qcnn_mape',
    'nlls_mape',
    'wilcoxon_p',
    'claim_met',
    'mean_crlb',
    'mean_crlb_percent',
    'qcnn_bias',
    'nlls_bias',
    'qcnn_bias_slope',
    'nlls_bias_slope',
    'coverage68',
    'coverage95',
  ];
  const rows = q.components.map((c) => [
    c.component,
    num(c.meanTruth),
    num(c.qcnn.mae),
    num(c.nlls.mae),
    num(c.qcnn.mape),
    num(c.nlls.mape),
    num(c.wilcoxon.p),
    c.claimMet ? 'yes' : 'no',
    num(c.meanCrlb),
    num(c.meanCrlbPercent),
    num(c.qcnn.bias),
    num(c.nlls.bias),
    num(c.biasQcnn.slope),
    num(c.biasNlls.slope),
    num(c.coverage68),
    num(c.coverage95),
  ]);
  return formatCsv(header, rows);
}

const num = (v: number | undefined) => roundedCell(v, 6);
