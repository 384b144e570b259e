import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseSequenceKind, type RealismLevel } from '../core/acquisition.js';
import type { BasisSet } from '../core/basis.js';
import { InputError, UsageError } from '../core/errors.js';
import { defaultBasisForCohort } from '../simulate/cohort-basis.js';
import { type LoadedCohort, loadCohort, loadCohortBasis } from '../simulate/cohort-files.js';
import { manifestDesign, parseManifest } from './manifest.js';
import { loadManifestPatients, readManifestSpectra } from './manifest-spectra.js';
import type {
  AmplitudeMode,
  CalibrationMode,
  CcnnHead,
  CorrelationMode,
  NuisanceMode,
  PriorAmplitudeMode,
  StudyDesign,
} from './settings.js';
import { armIntervals } from './small-sample.js';
import type { StudyDescription } from './study-output.js';
import { headline, headlineText, pairedText, paperCounts, type StudySummary } from './study-summary.js';
import {
  ARM_LABELS,
  ARM_SHORT,
  type ArmName,
  DEFAULT_SETTINGS,
  type Patient,
  type RepeatResult,
  type StudySettings,
} from './virtual-study.js';

/**
 * A study as `livermrs study` asks for it (defaults in settings.ts STUDY_COMMAND_DEFAULTS): a virtual study
 * drawn from a truth cohort, or the same protocol on real spectra listed in a manifest.
 */
export interface StudyRequest {
  repeats: number;
  seed: number;
  truth: string;
  template: string;
  trainSpectra: number;
  epochs: number;
  quantSpectra: number;
  quantRepeats: number;
  quantTrainSpectra: number;
  threads: number;
  nuisance: NuisanceMode;
  amplitudes: AmplitudeMode;
  correlation: CorrelationMode;
  realism: RealismLevel;
  trainRealism: RealismLevel;
  bootstrap: number;
  priorAmplitudes: PriorAmplitudeMode;
  calibration: CalibrationMode;
  ccnnHead: CcnnHead;
  members: number;
  architecture: string;
  manifest?: string;
  positive?: string;
  sw?: number;
  frequency?: number;
  te?: number;
  sequence?: string;
  out: string;
  resume?: boolean;
  shard?: { index: number; count: number };
}

/** What a study runs on: the template and basis, the truth or the manifest's patients, the design. */
export interface StudySetup {
  template: LoadedCohort['cohort'];
  basis: BasisSet;
  truth?: LoadedCohort;
  patients?: Patient[];
  design: StudyDesign;
  desc: StudyDescription;
  notes: string[];
  warnings: string[];
}

function readManifestText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError('cannot read the manifest', { file: path, expected: 'a CSV file' }, { cause: err });
  }
}

/**
 * The cohorts, patients and design of a study request, every input checked before any work: a manifest and its
 * spectra (all findings at once, exit 2), or a truth cohort that holds the design's groups. `command` is the
 * command line the outputs record.
 */
export function studySetup(o: StudyRequest, command: string): StudySetup {
  for (const [flag, v] of [
    ['--positive', o.positive],
    ['--sw', o.sw],
    ['--frequency', o.frequency],
    ['--te', o.te],
    ['--sequence', o.sequence],
  ] as const) {
    if (v !== undefined && !o.manifest) throw new UsageError(`${flag} needs --manifest`);
  }
  const templateLoaded = loadCohort(o.template);
  const notes: string[] = [];
  const warnings: string[] = [];
  if (o.manifest) {
    const manifest = parseManifest(readManifestText(o.manifest), resolve(o.manifest), {
      positive: o.positive,
      sw: o.sw,
      frequency: o.frequency,
      te: o.te,
      sequence: o.sequence === undefined ? undefined : parseSequenceKind(o.sequence),
    });
    const spectra = readManifestSpectra(manifest);
    const loaded = loadManifestPatients(manifest, templateLoaded.cohort, spectra);
    warnings.push(...manifest.warnings);
    notes.push(...loaded.notes);
    const basis = defaultBasisForCohort(loaded.template);
    return {
      template: loaded.template,
      basis,
      patients: loaded.patients,
      design: manifestDesign(manifest),
      desc: {
        mode: 'manifest',
        source: manifest.file,
        template: templateLoaded.file,
        components: basis.names,
        command,
      },
      notes,
      warnings,
    };
  }
  const truth = loadCohort(o.truth);
  const design = DEFAULT_SETTINGS.design;
  // The acquisition protocol is not hidden: the template takes the truth's protocol and basis.
  const template = {
    ...structuredClone(templateLoaded.cohort),
    protocol: truth.cohort.protocol,
    basis: truth.cohort.basis,
  };
  const basis = loadCohortBasis(truth);
  for (const g of design.groups) {
    if (!truth.cohort.groups[g]) {
      throw new InputError(`no group '${g}'`, {
        file: truth.file,
        field: 'groups',
        expected: `the groups ${design.groups.join(' and ')}`,
      });
    }
  }
  return {
    template,
    basis,
    truth,
    design,
    desc: {
      mode: 'virtual',
      source: truth.file,
      template: templateLoaded.file,
      components: basis.names,
      command,
    },
    notes,
    warnings,
  };
}

/** The study's settings from the request: one repeat for a manifest, the threads split between torch and simulation. */
export function studySettings(o: StudyRequest, design: StudyDesign): StudySettings {
  const threads = Math.max(1, o.threads);
  return {
    ...DEFAULT_SETTINGS,
    design,
    repeats: o.manifest ? 1 : o.repeats,
    seed: o.seed,
    trainSpectra: o.trainSpectra,
    epochs: o.epochs,
    quantSpectra: o.quantSpectra,
    quantRepeats: o.quantRepeats,
    quantTrainSpectra: Math.max(o.quantTrainSpectra, o.trainSpectra),
    qcnn: { ...DEFAULT_SETTINGS.qcnn, architecture: o.architecture },
    ccnn: { architecture: o.architecture, members: o.members },
    nuisance: o.nuisance,
    amplitudes: o.amplitudes,
    correlation: o.correlation,
    realism: o.realism,
    trainRealism: o.trainRealism,
    bootstrapResamples: o.bootstrap,
    ccnnHead: o.ccnnHead,
    priorAmplitudes: o.priorAmplitudes,
    ccnnCalibration: o.calibration,
    threads: { torch: 1, simulation: Math.max(1, threads - 1), fit: threads },
  };
}

/** `127.76 MHz, PRESS TE 30 ms, 2000 Hz, 1024 points` for the manifest report's method text. */
export function protocolText(p: LoadedCohort['cohort']['protocol']): string {
  const seq = p.sequence ? `${String(p.sequence).toUpperCase()} ` : '';
  return `${p.spectrometerFrequency} MHz, ${seq}TE ${p.echoTime ?? '?'} ms, ${p.spectralWidth} Hz, ${p.points} points`;
}

/** One line per finished repeat: every arm's counts and AUC. */
export function repeatLine(r: RepeatResult): string {
  return Object.entries(r.arms)
    .map(([a, m]) =>
      m
        ? `${ARM_LABELS[a as ArmName]} ${paperCounts(m).sensitivity}, ${paperCounts(m).specificity}, AUC ${m.auc.toFixed(2)}`
        : '',
    )
    .join('; ');
}

/**
 * The closing lines of a study: for a manifest that ran, per arm the counts with exact 95 % intervals and the AUC with
 * its bootstrap interval; for a virtual study, per arm the median counts, the headline and the paired tests.
 */
export function studyClosingLines(
  setup: StudySetup,
  results: RepeatResult[],
  summary: StudySummary,
): string[] {
  const lines: string[] = [];
  if (setup.desc.mode === 'manifest' && results[0]) {
    const [neg, pos] = setup.design.groups;
    const pc = (x: number) => `${Math.round(100 * x)}%`;
    for (const [arm, iv] of Object.entries(armIntervals(results[0]))) {
      if (!iv) continue;
      lines.push(
        `${ARM_LABELS[arm as ArmName]}: ${pos} called ${pos} ${iv.sensitivity.k}/${iv.sensitivity.n} (95% CI ${pc(iv.sensitivity.low)}–${pc(iv.sensitivity.high)}), ` +
          `${neg} called ${neg} ${iv.specificity.k}/${iv.specificity.n} (${pc(iv.specificity.low)}–${pc(iv.specificity.high)}), ` +
          `AUC ${iv.auc.value.toFixed(2)} (bootstrap 95% CI ${iv.auc.low.toFixed(2)}–${iv.auc.high.toFixed(2)})`,
      );
    }
    return lines;
  }
  for (const a of summary.arms) {
    lines.push(
      `${ARM_LABELS[a.arm]}: sensitivity ${a.counts.sensitivity}, specificity ${a.counts.specificity}, accuracy ${a.counts.accuracy} (medians)`,
    );
  }
  // The headline: per method the pooled AUC with its interval and the gaps to both bounds.
  lines.push(...headlineText(headline(summary, results), (arm) => ARM_LABELS[arm]));
  lines.push(...pairedText(summary.paired, (arm) => ARM_SHORT[arm]));
  return lines;
}

/** What `livermrs study --json` prints: the folder, the groups, the summary and headline, a manifest's intervals. */
export function studyJson(out: string, setup: StudySetup, results: RepeatResult[], summary: StudySummary) {
  const { design, desc, warnings } = setup;
  return {
    out,
    repeats: results.length,
    groups: { negative: design.groups[0], positive: design.groups[1] },
    summary,
    headline: headline(summary, results),
    ...(desc.mode === 'manifest' && results[0] ? { intervals: armIntervals(results[0]), warnings } : {}),
  };
}
