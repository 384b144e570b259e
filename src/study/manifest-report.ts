import { rocCurve } from '../networks/classification-metrics.js';
import type { ReportBlock, ReportSection } from '../report/types.js';
import { armIntervals, type ProportionInterval } from './small-sample.js';
import { ARM_LABELS, type ArmName, type PatientResult, type RepeatResult } from './virtual-study.js';

/**
 * The report of a manifest study: real spectra, in the manifest's own group names. It says what was done with
 * them (no virtual patients, no oracle, no truth: the groups are the labels given), each test patient's
 * predictions, each prior patient's NLLS fit status and whether it entered the priors, and intervals that stay
 * honest with a handful of patients (exact for sensitivity and specificity, bootstrap for the AUC).
 */
export interface ManifestReportInput {
  run: RepeatResult;
  /** [negative, positive] in the manifest's names. */
  groups: readonly [string, string];
  /** e.g. `127.76 MHz, PRESS TE 30 ms, 2000 Hz, 1024 points`. */
  protocol: string;
  trainSpectra: number;
  components: number;
  warnings?: string[];
  notes?: string[];
}

const pct = (x: number) => (Number.isFinite(x) ? `${Math.round(100 * x)} %` : '–');
const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '–');

function count(ps: readonly PatientResult[], role: string, label: number): number {
  return ps.filter((p) => p.role === role && p.label === label).length;
}

export function manifestSections(input: ManifestReportInput): ReportSection[] {
  return [methodSection(input), classificationSection(input), patientsSection(input)];
}

function methodSection(input: ManifestReportInput): ReportSection {
  const { run, groups } = input;
  const ps = run.patients;
  const prior = ps.filter((p) => p.role === 'prior');
  const excluded = prior.filter((p) => p.excludedFromPriors);
  const text =
    `What was done with these spectra. The ${count(ps, 'prior', 0)} ${groups[0]} and ${count(ps, 'prior', 1)} ` +
    `${groups[1]} prior spectra were fitted by NLLS (linear combination of ${input.components} basis components ` +
    `for the files' protocol: ${input.protocol}); the fits of ${prior.length - excluded.length} of them ` +
    `${excluded.length ? `(${excluded.length} excluded, listed below with the reason)` : '(none excluded)'} gave ` +
    `each group's priors (amplitude means and covariances, nuisance parameters). A qCNN and a cCNN were trained ` +
    `on ${input.trainSpectra} spectra simulated from those priors. The ${count(ps, 'test', 0)} ${groups[0]} and ` +
    `${count(ps, 'test', 1)} ${groups[1]} test spectra were then classified by the cCNN, by NLLS concentrations + ` +
    `logistic regression and by qCNN concentrations + logistic regression (both regressions trained on the prior ` +
    `spectra), each calling ${groups[1]} at probability ≥ 0.5. There is no truth here: the groups are the labels ` +
    'given in the manifest, and every number below is measured against them. One run, no repeats, no oracle.';
  const blocks: ReportBlock[] = [];
  if (input.warnings?.length) blocks.push({ kind: 'warnings', warnings: input.warnings });
  blocks.push({ kind: 'text', text });
  if (input.notes?.length)
    blocks.push({ kind: 'keyValue', title: 'Notes', entries: input.notes.map((n, i) => [`${i + 1}`, n]) });
  return { heading: 'Method', blocks };
}

function interval(x: ProportionInterval): string {
  return `${x.k}/${x.n} = ${pct(x.value)} (95 % CI ${pct(x.low)}–${pct(x.high)}, exact)`;
}

function classificationSection(input: ManifestReportInput): ReportSection {
  const { run, groups } = input;
  const intervals = armIntervals(run);
  const arms = Object.keys(run.arms).filter((a) => run.arms[a as ArmName]) as ArmName[];
  const test = run.patients.filter((p) => p.role === 'test');
  const blocks: ReportBlock[] = [
    {
      kind: 'keyValue',
      title: `Test spectra: ${groups[1]} (positive) against ${groups[0]}`,
      entries: arms.map((arm) => {
        const iv = intervals[arm];
        if (!iv) return [ARM_LABELS[arm], '–'];
        return [
          ARM_LABELS[arm],
          `sensitivity (${groups[1]} called ${groups[1]}) ${interval(iv.sensitivity)}; ` +
            `specificity (${groups[0]} called ${groups[0]}) ${interval(iv.specificity)}; ` +
            `AUC ${f2(iv.auc.value)} (95 % CI ${f2(iv.auc.low)}–${f2(iv.auc.high)}, bootstrap of ${iv.auc.resamples} stratified resamples)`,
        ];
      }),
    },
    {
      kind: 'roc',
      id: 'roc',
      title: `ROC: ${groups[1]} (n = ${count(test, 'test', 1)}) against ${groups[0]} (n = ${count(test, 'test', 0)})`,
      curves: arms.map((arm) => {
        const labels: number[] = [];
        const probs: number[] = [];
        for (const p of test) {
          const v = p.probabilities[arm];
          if (v !== undefined && v !== null) {
            labels.push(p.label);
            probs.push(v);
          }
        }
        const pts = rocCurve(labels, probs);
        return {
          label: ARM_LABELS[arm],
          fpr: pts.map((p) => p.fpr),
          tpr: pts.map((p) => p.tpr),
          auc: run.arms[arm]?.auc ?? Number.NaN,
        };
      }),
    },
    {
      kind: 'confusion',
      id: 'confusion',
      matrices: arms.map((arm) => {
        const m = run.arms[arm] as NonNullable<RepeatResult['arms'][ArmName]>;
        return {
          title: ARM_LABELS[arm],
          tp: m.tp,
          fn: m.fn,
          tn: m.tn,
          fp: m.fp,
          positiveLabel: groups[1],
          negativeLabel: groups[0],
        };
      }),
    },
  ];
  return { heading: 'Classification of the test spectra', blocks };
}

function patientsSection(input: ManifestReportInput): ReportSection {
  const { run, groups } = input;
  const arms = Object.keys(run.arms).filter((a) => run.arms[a as ArmName]) as ArmName[];
  const called = (v: number) => groups[v >= 0.5 ? 1 : 0];
  const test: [string, string][] = run.patients
    .filter((p) => p.role === 'test')
    .map((p) => [
      p.id,
      `${p.group}: ${arms
        .map((arm) => {
          const v = p.probabilities[arm];
          if (v === undefined || v === null) return `${ARM_LABELS[arm]} –`;
          return `${ARM_LABELS[arm]} P(${groups[1]}) ${v.toFixed(3)} → ${called(v)}${called(v) === p.group ? '' : ' (wrong)'}`;
        })
        .join('; ')}`,
    ]);
  const prior: [string, string][] = run.patients
    .filter((p) => p.role === 'prior')
    .map((p) => {
      const st = p.nllsStatus;
      const fit = st
        ? `NLLS fit ${st.status}${st.reasons.length ? ` (${st.reasons.join('; ')})` : ''}`
        : 'NLLS fit';
      return [
        p.id,
        `${p.group}: ${fit}; ${p.excludedFromPriors ? `excluded from the priors: ${p.excludedFromPriors}` : 'used in the priors'}`,
      ];
    });
  return {
    heading: 'Patients',
    blocks: [
      {
        kind: 'keyValue',
        title: 'Test spectra: predictions (probability of the positive group, the call at 0.5)',
        entries: test,
      },
      { kind: 'keyValue', title: 'Prior spectra: NLLS fit status and use in the priors', entries: prior },
    ],
  };
}
