import type { BiasPlotInput, MetricsRow, ReportBlock, ReportInput, ReportSection } from '../report/types.js';
import { rocCurve } from '../networks/classification-metrics.js';
import { type ManifestReportInput, manifestSections } from './manifest-report.js';
import type { QuantComparison } from './quant-comparison.js';
import {
  headline,
  headlineText,
  PAPER_RESULT,
  pairedText,
  paperCounts,
  type StudySummary,
} from './study-summary.js';
import { ARM_LABELS, ARM_SHORT, type ARMS, type RepeatResult } from './virtual-study.js';

/**
 * The study's report (src/report blocks): the one place the study talks to the report module. Sections: the
 * classification of the test patients over repeats (box plots of sensitivity, specificity, accuracy and AUC per
 * method with the paper's result as reference lines, pooled ROC curves and confusion matrices, per-repeat
 * counts), the cCNN's calibration, and the qCNN vs NLLS quantification (error tables with the paired test,
 * bias against the true value, interval coverage).
 */
export interface StudyReportInput {
  title: string;
  meta: [string, string][];
  summary: StudySummary;
  repeats: readonly RepeatResult[];
  quantification?: QuantComparison;
  notes?: string[];
  /** Legal but weak designs (e.g. few test patients per group), shown at the top. */
  warnings?: string[];
  /** A manifest study (real spectra): its own method text, patients and small-sample intervals. */
  manifest?: Omit<ManifestReportInput, 'run' | 'warnings' | 'notes'>;
}

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(0)}%` : '–');
const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '–');

export function studyReport(input: StudyReportInput): ReportInput {
  const run = input.repeats[0];
  if (input.manifest && run) {
    const sections = [
      ...manifestSections({ ...input.manifest, run, warnings: input.warnings, notes: input.notes }),
      calibrationSection(input),
    ];
    if (input.quantification) sections.push(...quantificationSections(input.quantification));
    return { title: input.title, meta: input.meta, sections };
  }
  const sections: ReportSection[] = [
    headlineSection(input),
    classificationSection(input),
    calibrationSection(input),
  ];
  if (input.quantification) sections.push(...quantificationSections(input.quantification));
  return { title: input.title, meta: input.meta, sections };
}

function testPatients(repeats: readonly RepeatResult[], arm: (typeof ARMS)[number]) {
  const labels: number[] = [];
  const probs: number[] = [];
  for (const r of repeats) {
    for (const p of r.patients) {
      const v = p.probabilities[arm];
      if (p.role === 'test' && v !== undefined && v !== null) {
        labels.push(p.label);
        probs.push(v);
      }
    }
  }
  return { labels, probs };
}

/** The report opens with the headline: pooled AUC per method with its interval, the gaps to both bounds, ROC. */
function headlineSection(input: StudyReportInput): ReportSection {
  const s = input.summary;
  const arms = s.arms.map((a) => a.arm);
  const blocks: ReportBlock[] = [
    ...(input.warnings?.length ? [{ kind: 'warnings', warnings: input.warnings } as ReportBlock] : []),
    {
      kind: 'text',
      text:
        'All test patients of all repeats pooled. The spectral bound is a cCNN of the same architecture and budget ' +
        'trained on the truth cohort itself (what the pipeline reaches when its priors are right); the oracle ' +
        'uses the true amplitudes (what any quantification could give).',
    },
    {
      kind: 'keyValue',
      title: 'Headline',
      entries: headlineText(headline(s, input.repeats), (arm) => ARM_LABELS[arm]).map((line) => {
        const k = line.indexOf(': ');
        return [line.slice(0, k), line.slice(k + 2)] as [string, string];
      }),
    },
  ];
  if (s.paired.length > 0) {
    blocks.push({
      kind: 'keyValue',
      title: `Paired over ${s.repeats} repeats (AUC per repeat, same patients)`,
      entries: pairedText(s.paired, (arm) => ARM_SHORT[arm]).map((line) => {
        const k = line.indexOf(': ');
        return [line.slice(0, k), line.slice(k + 2)] as [string, string];
      }),
    });
  }
  blocks.push({
    kind: 'roc',
    id: 'roc-pooled',
    title: 'ROC, all test patients pooled',
    curves: arms.map((arm) => {
      const { labels, probs } = testPatients(input.repeats, arm);
      const pts = rocCurve(labels, probs);
      const a = s.arms.find((x) => x.arm === arm);
      return {
        label: ARM_LABELS[arm],
        fpr: pts.map((p) => p.fpr),
        tpr: pts.map((p) => p.tpr),
        auc: a?.pooled.auc ?? Number.NaN,
      };
    }),
  });
  return { heading: 'Headline', blocks };
}

function classificationSection(input: StudyReportInput): ReportSection {
  const s = input.summary;
  const arms = s.arms.map((a) => a.arm);
  const blocks: ReportBlock[] = [
    {
      kind: 'text',
      text:
        `${s.repeats} repeat(s). Each repeat draws fresh virtual patients; the classifiers decide at probability 0.5 ` +
        `under the study's class prior. Medians (IQR) and mean ± SD over repeats; counts are medians, as the paper ` +
        `reports its single study (7/7, 9/10, 16/17). The oracle sees the TRUE amplitudes and the truth cohort's ` +
        'densities: no method working from spectra can beat it on average.',
    },
    {
      kind: 'keyValue',
      title: 'Distribution over repeats',
      entries: s.arms.map((a) => [
        ARM_LABELS[a.arm],
        `sensitivity ${pct(a.sensitivity.median)} (${pct(a.sensitivity.q1)}–${pct(a.sensitivity.q3)}), ` +
          `specificity ${pct(a.specificity.median)} (${pct(a.specificity.q1)}–${pct(a.specificity.q3)}), ` +
          `accuracy ${pct(a.accuracy.median)} (${pct(a.accuracy.q1)}–${pct(a.accuracy.q3)}; ${pct(a.accuracy.mean)} ± ${pct(a.accuracy.sd)}), ` +
          `AUC ${f2(a.auc.median)} (${f2(a.auc.q1)}–${f2(a.auc.q3)}; ${f2(a.auc.mean)} ± ${f2(a.auc.sd)}); ` +
          `median counts ${a.counts.sensitivity}, ${a.counts.specificity}, ${a.counts.accuracy}; ` +
          `≥ paper's 7/7, 9/10, 16/17 in ${a.atLeastPaper}/${a.repeats} repeats`,
      ]),
    },
  ];
  const metric = (key: 'sensitivity' | 'specificity' | 'accuracy' | 'auc', label: string, ref?: number) => {
    blocks.push({
      kind: 'distribution',
      id: `distribution-${key}`,
      input: {
        title: `${label} over repeats`,
        metric: label,
        range: [0, 1],
        series: arms.map((arm) => ({
          label: ARM_SHORT[arm],
          values: input.repeats.map((r) => r.arms[arm]?.[key] ?? Number.NaN).filter(Number.isFinite),
        })),
        ...(ref !== undefined ? { references: [{ value: ref, label: 'Bae et al. 2025' }] } : {}),
      },
    });
  };
  metric('sensitivity', 'sensitivity', PAPER_RESULT.sensitivity);
  metric('specificity', 'specificity', PAPER_RESULT.specificity);
  metric('accuracy', 'accuracy', PAPER_RESULT.accuracy);
  metric('auc', 'AUC');
  const pooledRows: MetricsRow[] = s.arms.map((a) => {
    const sum = (k: 'tp' | 'fn' | 'tn' | 'fp') =>
      input.repeats.reduce((acc, r) => acc + (r.arms[a.arm]?.[k] ?? 0), 0);
    return {
      method: ARM_LABELS[a.arm],
      tp: sum('tp'),
      fn: sum('fn'),
      tn: sum('tn'),
      fp: sum('fp'),
      auc: a.pooled.auc,
    };
  });
  blocks.push({ kind: 'metrics', title: 'All test patients of all repeats pooled', rows: pooledRows });
  const first = input.repeats[0];
  if (first) {
    blocks.push({
      kind: 'confusion',
      id: 'confusion',
      matrices: arms
        .filter((arm) => first.arms[arm])
        .map((arm) => {
          const m = first.arms[arm] as NonNullable<(typeof first.arms)[typeof arm]>;
          return {
            title: `${ARM_LABELS[arm]}, repeat 1`,
            tp: m.tp,
            fn: m.fn,
            tn: m.tn,
            fp: m.fp,
            positiveLabel: groupName(first, 1),
            negativeLabel: groupName(first, 0),
          };
        }),
    });
  }
  blocks.push({
    kind: 'keyValue',
    title: 'Per repeat: sensitivity, specificity, accuracy (AUC)',
    entries: input.repeats.map((r) => [
      `repeat ${r.repeat}`,
      arms
        .filter((arm) => r.arms[arm])
        .map((arm) => {
          const m = r.arms[arm] as NonNullable<(typeof r.arms)[typeof arm]>;
          const c = paperCounts(m);
          return `${ARM_LABELS[arm]} ${c.sensitivity}, ${c.specificity}, ${c.accuracy} (${f2(m.auc)})`;
        })
        .join(' · '),
    ]),
  });
  if (input.notes?.length) blocks.push({ kind: 'warnings', warnings: input.notes });
  return { heading: 'Classification of the test patients', blocks };
}

/** The name of the group with this label (the study's own: truth cohort or manifest). */
function groupName(r: RepeatResult, label: number): string {
  return r.patients.find((p) => p.label === label)?.group ?? (label ? 'positive' : 'negative');
}

function calibrationSection(input: StudyReportInput): ReportSection {
  const entries: [string, string][] = input.repeats.slice(0, 10).map((r) => {
    const c = r.ccnn.calibration;
    return [
      input.manifest ? 'this run' : `repeat ${r.repeat}`,
      `T = ${f2(c.temperature)}; simulated validation ECE ${c.validation.eceBefore.toFixed(3)} → ${c.validation.eceAfter.toFixed(3)}, ` +
        `independent simulated set: AUC ${f2(c.test.auc)}, ECE ${c.test.ece.toFixed(3)}, Brier ${c.test.brier.toFixed(3)}`,
    ];
  });
  const pooled = input.summary.arms.find((a) => a.arm === 'ccnn');
  if (pooled)
    entries.push(['test patients, pooled', `ECE ${pooled.pooled.ece.toFixed(3)} (n = ${pooled.pooled.n})`]);
  return {
    heading: 'cCNN calibration',
    blocks: [
      {
        kind: 'text',
        text: input.manifest
          ? 'Temperature scaling on a simulated validation set from the estimated priors; the expected calibration ' +
            'error (10 bins) is then measured on an independent simulated set from the same priors, and on the ' +
            'test spectra (with so few, their ECE says little).'
          : 'Temperature scaling on a simulated validation set from the estimated priors; the expected calibration ' +
            'error (10 bins) is then measured on an independent simulated set from the same priors, and on the real ' +
            'test patients pooled over repeats, whose population (the truth) the priors only approximate.',
      },
      { kind: 'keyValue', title: 'Calibration (first repeats)', entries },
    ],
  };
}

function quantificationSections(q: QuantComparison): ReportSection[] {
  const rows = (measure: 'mae' | 'mape') =>
    q.components.map((c) => ({
      component: c.component,
      errors: { qCNN: c.qcnn[measure], NLLS: c.nlls[measure] },
      pValue: c.wilcoxon.p,
      crlb: measure === 'mae' ? c.meanCrlb : c.meanCrlbPercent,
    }));
  const blocks: ReportBlock[] = [
    {
      kind: 'text',
      text:
        `${q.spectra} held-out spectra simulated from ${q.source === 'truth' ? 'the truth cohort (the patient population)' : 'the estimated priors'} (${q.cohort}). ` +
        `Paired Wilcoxon signed-rank test on the absolute errors, as the paper. The paper's claim (qCNN error below ` +
        `NLLS at P ≤ 0.004) holds for ${q.claimMet} of ${q.components.length} components` +
        (q.claimMet < q.components.length
          ? `; not for ${q.components
              .filter((c) => !c.claimMet)
              .map((c) => c.component)
              .join(', ')}.`
          : '.'),
    },
    {
      kind: 'errors',
      input: {
        title: 'Mean absolute error (basis units, mmol/kg)',
        measure: 'MAE',
        methods: ['qCNN', 'NLLS'],
        rows: rows('mae'),
        note: 'CRLB column: mean Cramér–Rao lower bound (SD) of the NLLS fits.',
      },
    },
    {
      kind: 'errors',
      input: {
        title: 'Mean absolute percentage error (%)',
        measure: 'MAPE (%)',
        methods: ['qCNN', 'NLLS'],
        rows: rows('mape'),
        note: 'CRLB column: mean CRLB as % of the mean true value.',
      },
    },
    {
      kind: 'keyValue',
      title: 'qCNN predicted SD: coverage of the 68% and 95% intervals; bias slope against the true value',
      entries: q.components.map((c) => [
        c.component,
        `coverage ${pct(c.coverage68)} / ${pct(c.coverage95)}; slope of error on truth: qCNN ${f2(c.biasQcnn.slope)}, NLLS ${f2(c.biasNlls.slope)}`,
      ]),
    },
  ];
  if (q.samples) {
    const s = q.samples;
    const K = q.components.length;
    const step = Math.max(1, Math.floor(s.n / 400));
    const idx = Array.from({ length: Math.ceil(s.n / step) }, (_, j) => j * step);
    const plots: BiasPlotInput[] = q.components.map((c, k) => {
      const truth = idx.map((i) => s.truth[i * K + k]);
      return {
        component: c.component,
        methods: [
          { label: 'qCNN', truth, estimate: idx.map((i) => s.qcnn[i * K + k]) },
          { label: 'NLLS', truth, estimate: idx.map((i) => s.nlls[i * K + k]) },
        ],
      };
    });
    blocks.push({
      kind: 'bias',
      id: 'bias',
      title: 'Error against the true value (every spectrum shown up to 400)',
      plots,
    });
  }
  return [{ heading: 'Quantification: qCNN vs NLLS', blocks }];
}
