import { mkdirSync, readFileSync } from 'node:fs';
import { REALISM_LEVELS, type RealismLevel } from '../../core/acquisition.js';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { parseSequenceKind } from '../../core/acquisition.js';
import { InputError, ReportedError, UsageError } from '../../core/errors.js';
import { withOutputDir, writeFileAtomic } from '../../io/atomic.js';
import type { LoadedCohort } from '../../simulate/cohort-files.js';
import { ARCHITECTURES } from '../../networks/architectures.js';
import type { StudyDescription } from '../../study/study-output.js';
import {
  ABSENT_SETTINGS,
  AMPLITUDE_MODES,
  type AmplitudeMode,
  CALIBRATION_MODES,
  type CalibrationMode,
  CCNN_HEADS,
  type CcnnHead,
  CORRELATION_MODES,
  type CorrelationMode,
  NUISANCE_MODES,
  type NuisanceMode,
  PRIOR_AMPLITUDE_MODES,
  type PriorAmplitudeMode,
  STUDY_DEFAULTS,
} from '../../study/settings.js';
import type { ArmName, Patient, RepeatResult, StudySettings } from '../../study/virtual-study.js';
import { choicesHelp, parseChoice, parseNumber, printJson } from '../options.js';

interface StudyOptions {
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
  json?: boolean;
  quiet?: boolean;
  design?: string | boolean;
  designMethods?: string;
}

/**
 * Defaults of `livermrs study` (= `npm start`): the study's (study/settings.ts), with 3 repeats and a qCNN of the
 * quantification comparison trained on twice the spectra, to finish within 15 minutes on 2 free cores.
 */
export const STUDY_CLI_DEFAULTS = {
  repeats: 3,
  trainSpectra: STUDY_DEFAULTS.trainSpectra,
  epochs: STUDY_DEFAULTS.epochs,
  quantSpectra: STUDY_DEFAULTS.quantSpectra,
  quantTrainSpectra: 2 * STUDY_DEFAULTS.trainSpectra,
};

export function register(program: Command): void {
  program
    .command('study')
    .description(
      'The virtual clinical study of Bae et al. 2025 (or the same protocol on your spectra with --manifest): a hidden ' +
        'truth cohort draws 20 LC and 17 LC-HCC patients; the first 10 + 10 are fitted by NLLS and give the priors; ' +
        'spectra simulated from them train a qCNN and a cCNN; the other 10 + 7 are classified by the cCNN, by NLLS ' +
        'concentrations + logistic regression, and by the Bayes-optimal oracle; repeated with fresh patients.',
    )
    .option(
      '--repeats <R>',
      'repeats with fresh patients',
      parseNumber('--repeats', { min: 1, integer: true }),
      STUDY_CLI_DEFAULTS.repeats,
    )
    .option('--seed <S>', 'master seed', parseNumber('--seed', { min: 0, integer: true }), 1)
    .option('--truth <name|file>', 'hidden truth cohort the patients are drawn from', 'truth-hbv')
    .option(
      '--template <name|file>',
      'cohort for what the fits cannot give (baseline prior); never the truth',
      'hbv-lc',
    )
    .option(
      '--train-spectra <N>',
      'simulated training spectra per network per repeat',
      parseNumber('--train-spectra', { min: 256, integer: true }),
      STUDY_CLI_DEFAULTS.trainSpectra,
    )
    .option(
      '--epochs <E>',
      'epochs (slices of fresh spectra)',
      parseNumber('--epochs', { min: 1, integer: true }),
      STUDY_CLI_DEFAULTS.epochs,
    )
    .option(
      '--quant-spectra <M>',
      'held-out spectra of the qCNN vs NLLS comparison (0: skip)',
      parseNumber('--quant-spectra', { min: 0, integer: true }),
      STUDY_CLI_DEFAULTS.quantSpectra,
    )
    .option(
      '--quant-repeats <Q>',
      'run the comparison in the first Q repeats',
      parseNumber('--quant-repeats', { min: 0, integer: true }),
      STUDY_DEFAULTS.quantRepeats,
    )
    .option(
      '--quant-train-spectra <N>',
      'training spectra of the qCNN in the comparison repeats (at least --train-spectra)',
      parseNumber('--quant-train-spectra', { min: 256, integer: true }),
      STUDY_CLI_DEFAULTS.quantTrainSpectra,
    )
    .option(
      '--threads <K>',
      'cores to use',
      parseNumber('--threads', { min: 1, integer: true }),
      availableParallelism(),
    )
    .option(
      '--nuisance <mode>',
      `nuisance priors: ${choicesHelp(NUISANCE_MODES, {
        pooled: "over both groups' prior patients",
        'per-group': '',
        transductive: 'pooled with the unlabelled test spectra',
      })}`,
      parseChoice('--nuisance', NUISANCE_MODES),
      STUDY_DEFAULTS.nuisance,
    )
    .option(
      '--amplitudes <mode>',
      `group differences of the amplitude priors: ${choicesHelp(AMPLITUDE_MODES, {
        separate: 'as estimated',
        shrunk: 'James-Stein per component',
        whitened: 'James-Stein in coordinates whitened by the pooled covariance',
        eb: 'empirical Bayes across components, CRLB-floored',
        logratio:
          'lipids and metabolites against their totals, sparse empirical Bayes across log-ratios, pooled correlation',
      })}`,
      parseChoice('--amplitudes', AMPLITUDE_MODES),
      STUDY_DEFAULTS.amplitudes,
    )
    .option(
      '--correlation <mode>',
      `amplitude correlations of the priors: ${choicesHelp(CORRELATION_MODES, {
        group: 'per group',
        pooled: 'within groups, twice the patients per estimate',
      })}`,
      parseChoice('--correlation', CORRELATION_MODES),
      ABSENT_SETTINGS.correlation,
    )
    .option(
      '--realism <level>',
      `render the test patients and the held-out quantification spectra with distortions the networks were not trained on (held-out measured lineshapes, eddy currents, humps, water, shifts, phases; docs/robustness.md): ${REALISM_LEVELS.join(', ')}`,
      parseChoice('--realism', REALISM_LEVELS),
      STUDY_DEFAULTS.realism,
    )
    .option(
      '--train-realism <level>',
      `distortions the networks are trained on (training lineshapes only): ${REALISM_LEVELS.join(', ')}`,
      parseChoice('--train-realism', REALISM_LEVELS),
      STUDY_DEFAULTS.trainRealism,
    )
    .option(
      '--bootstrap <B>',
      'train the cCNN on spectra from B bootstrap resamples of the prior patients (0: the point estimate)',
      parseNumber('--bootstrap', { min: 0, max: 64, integer: true }),
      0,
    )
    .option(
      '--prior-amplitudes <mode>',
      `amplitude priors from the prior patients' fits: ${choicesHelp(PRIOR_AMPLITUDE_MODES, {
        nonnegative: 'NLLS fits',
        signed: 'moments of unconstrained fits, whose means are unbiased',
      })}`,
      parseChoice('--prior-amplitudes', PRIOR_AMPLITUDE_MODES),
      ABSENT_SETTINGS.priorAmplitudes,
    )
    .option(
      '--ccnn-head <mode>',
      `cCNN decision: ${choicesHelp(CCNN_HEADS, {
        calibrated: 'its calibrated logit',
        features:
          'refitted on the labelled prior patients from the logit and the principal components of its trunk features',
      })}`,
      parseChoice('--ccnn-head', CCNN_HEADS),
      ABSENT_SETTINGS.ccnnHead,
    )
    .option(
      '--calibration <mode>',
      `cCNN temperature: ${choicesHelp(CALIBRATION_MODES, {
        'prior-patients': 'refitted on the labelled prior patients',
        simulated: 'validation spectra only',
      })}`,
      parseChoice('--calibration', CALIBRATION_MODES),
      STUDY_DEFAULTS.ccnnCalibration,
    )
    .option(
      '--members <M>',
      'cCNN ensemble size',
      parseNumber('--members', { min: 1, max: 16, integer: true }),
      STUDY_DEFAULTS.ccnn.members,
    )
    .option(
      '--architecture <name>',
      `network size (${Object.keys(ARCHITECTURES).join(', ')})`,
      parseChoice('--architecture', Object.keys(ARCHITECTURES)),
      STUDY_DEFAULTS.ccnn.architecture,
    )
    .option(
      '--manifest <file>',
      'real spectra: CSV with columns file, group, role (prior|test), optional water, sw, frequency, te, sequence',
    )
    .option('--positive <group>', 'with --manifest: the positive group (default: the second group listed)')
    .option(
      '--sw <Hz>',
      'with --manifest: spectral width of files that do not store it (LCModel .RAW); a column sw overrides it',
      parseNumber('--sw', { min: 1 }),
    )
    .option(
      '--frequency <MHz>',
      'with --manifest: spectrometer frequency of files that do not store it; a column frequency overrides it',
      parseNumber('--frequency', { min: 1 }),
    )
    .option(
      '--te <ms>',
      'with --manifest: echo time of files that do not state it; a column te overrides it',
      parseNumber('--te', { min: 0 }),
    )
    .option(
      '--sequence <name>',
      'with --manifest: sequence (press, steam, slaser) of files that do not name it; a column sequence overrides it',
    )
    .requiredOption('--out <dir>', 'output directory')
    .option('--resume', 'keep the repeats already in DIR/repeats and run the missing ones')
    .option(
      '--shard <I/N>',
      'run only shard I of N (repeats r with (r-1) mod N = I-1), e.g. one job of a Slurm or Kubernetes array; merge with --resume',
      parseShard,
    )
    .option(
      '--design [sizes]',
      'instead of the study, how many prior patients a site needs: expected AUC of each method against prior patients per group (default 10,20,40,80; 200 studies each unless --repeats) for --truth (a built-in truth or your priors from livermrs priors); no spectra; writes design.json, design.csv, design.html',
    )
    .option('--design-methods <list>', 'with --design: methods (separate, whitened/pooled, logratio, lda, …)')
    .option('--json', 'print the summary as JSON on stdout')
    .option('--quiet', 'no progress messages')
    .addHelpText(
      'after',
      `
Examples:
  livermrs study --out out/study                           # npm start: ${STUDY_CLI_DEFAULTS.repeats} repeats
  nice livermrs study --repeats 50 --train-spectra 30000 --out out/study50 --resume
  livermrs study --manifest patients.csv --out out/real    # your spectra: file,group,role[,water]
  livermrs study --design --truth my-priors.yaml --out out/design   # prior patients a site needs (10,20,40,80)

Writes (updated after every repeat): metrics.json (schema livermrs-study v1), predictions.csv (per patient and
repeat), quantification.csv, report.html, priors.yaml (repeat 1), repeats/NNN.json and repeats/NNN-priors.yaml,
models/ (qCNN and cCNN of repeat 1: .onnx, .json, .training.json, .lmnn).`,
    )
    .action(async (opts: StudyOptions, cmd: Command) => {
      if (opts.design === undefined) return runStudyCommand(opts);
      if (opts.manifest)
        throw new UsageError('--design takes --truth (a cohort or priors file), not --manifest');
      const { runDesign } = await import('../../study/design-run.js');
      const { designText } = await import('../../study/design-report.js');
      const quiet = opts.quiet || opts.json;
      const { result: r, files } = await runDesign({
        ...opts,
        sizes: opts.design,
        methods: opts.designMethods,
        repeats: cmd.getOptionValueSource('repeats') === 'default' ? undefined : opts.repeats,
        command: `livermrs ${process.argv.slice(2).join(' ')}`,
        log: quiet ? undefined : (line) => process.stderr.write(`study: ${line}\n`),
      });
      if (opts.json) printJson({ ...r, files });
      else process.stdout.write(designText(r));
      if (!quiet)
        process.stderr.write(
          `study: design in ${r.seconds} s (${r.cpuSeconds} s CPU) -> ${files.join(', ')}\n`,
        );
      if (r.status === 'failed') throw new ReportedError(1); // the reasons are in the status line
    });
}

async function runStudyCommand(o: StudyOptions): Promise<void> {
  for (const [flag, v] of [
    ['--positive', o.positive],
    ['--sw', o.sw],
    ['--frequency', o.frequency],
    ['--te', o.te],
    ['--sequence', o.sequence],
  ] as const) {
    if (v !== undefined && !o.manifest) throw new UsageError(`${flag} needs --manifest`);
  }
  // The study's simulator, fitter, networks and report load here, not at start-up.
  const { defaultBasisForCohort } = await import('../../simulate/cohort-basis.js');
  const { loadCohort, loadCohortBasis } = await import('../../simulate/cohort-files.js');
  const { formatCohort } = await import('../../simulate/cohort-schema.js');
  const { manifestDesign, parseManifest } = await import('../../study/manifest.js');
  const { loadManifestPatients, readManifestSpectra } = await import('../../study/manifest-spectra.js');
  const { writeBundle } = await import('../../networks/bundle.js');
  const { metricsJson, predictionsCsv, quantificationCsv } = await import('../../study/study-output.js');
  const { studyReport } = await import('../../study/study-report.js');
  const { writeReport } = await import('../../report/write.js');
  const { withProgress } = await import('../progress.js');
  const { toJson } = await import('../../io/json.js');
  const { runStudy } = await import('../../study/study-runner.js');
  const { headline, headlineText, pairedText, paperCounts, summariseStudy } = await import(
    '../../study/study-summary.js'
  );
  const { ARM_LABELS, ARM_SHORT, DEFAULT_SETTINGS } = await import('../../study/virtual-study.js');
  const templateLoaded = loadCohort(o.template);
  let template = templateLoaded.cohort;
  let basis = loadCohortBasis(templateLoaded);
  let truth: LoadedCohort | undefined;
  let patients: Patient[] | undefined;
  let design = DEFAULT_SETTINGS.design;
  let desc: StudyDescription;
  const notes: string[] = [];
  const warnings: string[] = [];
  if (o.manifest) {
    // Everything about the manifest and its spectra is checked before any work (exit 2 with every finding).
    const manifest = parseManifest(readManifestText(o.manifest), resolve(o.manifest), {
      positive: o.positive,
      sw: o.sw,
      frequency: o.frequency,
      te: o.te,
      sequence: o.sequence === undefined ? undefined : parseSequenceKind(o.sequence),
    });
    const spectra = readManifestSpectra(manifest);
    const loaded = loadManifestPatients(manifest, template, spectra);
    warnings.push(...manifest.warnings);
    patients = loaded.patients;
    template = loaded.template;
    basis = defaultBasisForCohort(template);
    design = manifestDesign(manifest);
    notes.push(...loaded.notes);
    desc = {
      mode: 'manifest',
      source: manifest.file,
      template: templateLoaded.file,
      components: basis.names,
    };
  } else {
    truth = loadCohort(o.truth);
    // The acquisition protocol is not hidden: the template takes the truth's protocol and basis.
    template = { ...structuredClone(template), protocol: truth.cohort.protocol, basis: truth.cohort.basis };
    basis = loadCohortBasis(truth);
    for (const g of design.groups) {
      if (!truth.cohort.groups[g]) {
        throw new InputError(`no group '${g}'`, {
          file: truth.file,
          field: 'groups',
          expected: `the groups ${design.groups.join(' and ')}`,
        });
      }
    }
    desc = { mode: 'virtual', source: truth.file, template: templateLoaded.file, components: basis.names };
  }
  desc.command = `livermrs ${process.argv.slice(2).join(' ')}`;
  const threads = Math.max(1, o.threads);
  const settings: StudySettings = {
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
  const out = o.out;
  mkdirSync(join(out, 'repeats'), { recursive: true });
  const { readDoneRepeats, repeatFile, storedRepeat } = await import('../../study/store.js');
  const done = o.resume ? readDoneRepeats(out, settings) : [];
  let log: (line: string) => void = (line) => process.stderr.write(`${line}\n`);
  const say = (msg: string) => {
    if (!o.quiet && !o.json) log(`study: ${msg}`);
  };
  if (done.length) say(`resuming: ${done.length} repeat(s) already in ${join(out, 'repeats')}`);
  for (const n of notes) say(n);
  for (const w of warnings) say(`warning: ${w}`);
  const t0 = performance.now();
  const write = async (results: RepeatResult[]) => {
    const metrics = metricsJson(desc, settings, results, {
      notes,
      warnings,
      // This invocation's wall time; a resumed or merged run's work is repeatSeconds (all repeats, any shard).
      wallSeconds: (performance.now() - t0) / 1000,
      repeatSeconds: results.reduce((s, r) => s + r.seconds.total, 0),
    });
    writeFileAtomic(join(out, 'metrics.json'), `${toJson(metrics)}\n`);
    writeFileAtomic(join(out, 'predictions.csv'), predictionsCsv(results, basis.names));
    const q = results.find((r) => r.quantification)?.quantification;
    if (q) writeFileAtomic(join(out, 'quantification.csv'), quantificationCsv(q));
    await writeReport(
      out,
      studyReport({
        title: `livermrs study: ${desc.mode === 'virtual' ? `virtual patients from ${truth?.cohort.name}` : desc.source}`,
        meta: [
          ['command', desc.command ?? ''],
          ...(desc.mode === 'manifest'
            ? []
            : ([['repeats', `${results.length} of ${settings.repeats}`]] as [string, string][])),
          ['training spectra per network', String(settings.trainSpectra)],
          [
            'design',
            `${design.groups[0]} ${design.prior[0]} prior + ${design.test[0]} test; ${design.groups[1]} ${design.prior[1]} prior + ${design.test[1]} test`,
          ],
        ],
        summary: metrics.summary,
        repeats: results,
        quantification: q,
        notes,
        warnings,
        ...(desc.mode === 'manifest'
          ? {
              manifest: {
                groups: design.groups,
                protocol: protocolText(template.protocol),
                trainSpectra: settings.trainSpectra,
                components: basis.names.length,
              },
            }
          : {}),
      }),
      { png: false },
    );
  };
  const results = await withProgress(
    'study',
    settings.repeats,
    async (p) => {
      log = (line) => p.log(line);
      p.update(done.length);
      const all = await runStudy({
        settings,
        template,
        basis,
        truth: truth?.cohort,
        patients,
        done,
        signal: p.signal,
        shard: o.shard,
        onEvent: (e) => {
          if (e.stage !== 'quantification' || !e.message.startsWith('NLLS '))
            say(`repeat ${e.repeat}: ${e.stage}: ${e.message}`);
        },
        onRepeat: async (r, all) => {
          const name = String(r.repeat).padStart(3, '0');
          writeFileAtomic(join(out, repeatFile(r.repeat)), `${toJson(storedRepeat(settings, r))}\n`);
          const yaml = formatCohort(
            r.priors.cohort,
            `priors estimated in repeat ${r.repeat} of livermrs study`,
          );
          writeFileAtomic(join(out, 'repeats', `${name}-priors.yaml`), yaml);
          if (r.repeat === 1) {
            writeFileAtomic(join(out, 'priors.yaml'), yaml);
            if (r.networks) {
              const nets = r.networks;
              await withOutputDir(join(out, 'models'), (dir) => {
                writeBundle(dir, nets.qcnn.net, nets.qcnn.model, { name: 'qCNN (study repeat 1)' });
                writeBundle(dir, nets.ccnn.net, nets.ccnn.model, { name: 'cCNN (study repeat 1)' });
              });
            }
          }
          await write(all);
          const line = Object.entries(r.arms)
            .map(([a, m]) =>
              m
                ? `${ARM_LABELS[a as ArmName]} ${paperCounts(m).sensitivity}, ${paperCounts(m).specificity}, AUC ${m.auc.toFixed(2)}`
                : '',
            )
            .join('; ');
          say(`repeat ${r.repeat} done in ${r.seconds.total.toFixed(0)} s: ${line}`);
          p.update(all.length);
        },
      });
      return all;
    },
    { quiet: o.quiet || o.json, unit: 'repeats' },
  );
  log = (line) => process.stderr.write(`${line}\n`);
  // Written after every new repeat; written here too so that a --resume with nothing left to run (merging
  // shards) still leaves the metrics, predictions and report of all repeats.
  await write(results);
  const summary = summariseStudy(results);
  if (o.json) {
    const { armIntervals } = await import('../../study/small-sample.js');
    printJson({
      out,
      repeats: results.length,
      groups: { negative: design.groups[0], positive: design.groups[1] },
      summary,
      headline: headline(summary, results),
      ...(desc.mode === 'manifest' && results[0] ? { intervals: armIntervals(results[0]), warnings } : {}),
    });
  } else if (desc.mode === 'manifest' && results[0]) {
    const { armIntervals } = await import('../../study/small-sample.js');
    const [neg, pos] = design.groups;
    const pc = (x: number) => `${Math.round(100 * x)}%`;
    for (const [arm, iv] of Object.entries(armIntervals(results[0]))) {
      if (!iv) continue;
      say(
        `${ARM_LABELS[arm as ArmName]}: ${pos} called ${pos} ${iv.sensitivity.k}/${iv.sensitivity.n} (95% CI ${pc(iv.sensitivity.low)}–${pc(iv.sensitivity.high)}), ` +
          `${neg} called ${neg} ${iv.specificity.k}/${iv.specificity.n} (${pc(iv.specificity.low)}–${pc(iv.specificity.high)}), ` +
          `AUC ${iv.auc.value.toFixed(2)} (bootstrap 95% CI ${iv.auc.low.toFixed(2)}–${iv.auc.high.toFixed(2)})`,
      );
    }
    say(`report: ${join(out, 'report.html')}`);
  } else {
    for (const a of summary.arms) {
      say(
        `${ARM_LABELS[a.arm]}: sensitivity ${a.counts.sensitivity}, specificity ${a.counts.specificity}, accuracy ${a.counts.accuracy} (medians)`,
      );
    }
    // The headline: per method the pooled AUC with its interval and the gaps to both bounds.
    for (const line of headlineText(headline(summary, results), (arm) => ARM_LABELS[arm])) say(line);
    for (const line of pairedText(summary.paired, (arm) => ARM_SHORT[arm])) say(line);
    say(`report: ${join(out, 'report.html')}`);
    say(`${results.length} repeat(s) in ${((performance.now() - t0) / 1000).toFixed(0)} s -> ${out}`);
  }
}

/** `127.76 MHz, PRESS TE 30 ms, 2000 Hz, 1024 points` for the manifest report's method text. */
function protocolText(p: LoadedCohort['cohort']['protocol']): string {
  const seq = p.sequence ? `${String(p.sequence).toUpperCase()} ` : '';
  return `${p.spectrometerFrequency} MHz, ${seq}TE ${p.echoTime ?? '?'} ms, ${p.spectralWidth} Hz, ${p.points} points`;
}

function readManifestText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError('cannot read the manifest', { file: path, expected: 'a CSV file' }, { cause: err });
  }
}

function parseShard(v: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(v.trim());
  const index = m ? Number(m[1]) : Number.NaN;
  const count = m ? Number(m[2]) : Number.NaN;
  if (!(count >= 1 && index >= 1 && index <= count)) {
    throw new UsageError(`--shard: '${v}' is not I/N with 1 <= I <= N (e.g. 3/10)`);
  }
  return { index, count };
}
