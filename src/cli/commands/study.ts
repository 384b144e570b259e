import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { REALISM_LEVELS } from '../../core/acquisition.js';
import { ReportedError, UsageError } from '../../core/errors.js';
import { ARCHITECTURES } from '../../networks/architectures.js';
import {
  ABSENT_SETTINGS,
  AMPLITUDE_MODES,
  CALIBRATION_MODES,
  CCNN_HEADS,
  CORRELATION_MODES,
  NUISANCE_MODES,
  PRIOR_AMPLITUDE_MODES,
  STUDY_COMMAND_DEFAULTS,
  STUDY_DEFAULTS,
} from '../../study/settings.js';
import type { StudyRequest } from '../../study/study-request.js';
import { choicesHelp, parseChoice, parseNumber, printJson } from '../options.js';

interface StudyOptions extends StudyRequest {
  json?: boolean;
  quiet?: boolean;
  design?: string | boolean;
  designMethods?: string;
}

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
      STUDY_COMMAND_DEFAULTS.repeats,
    )
    .option(
      '--seed <S>',
      'master seed',
      parseNumber('--seed', { min: 0, integer: true }),
      STUDY_COMMAND_DEFAULTS.seed,
    )
    .option(
      '--truth <name|file>',
      'hidden truth cohort the patients are drawn from',
      STUDY_COMMAND_DEFAULTS.truth,
    )
    .option(
      '--template <name|file>',
      'cohort for what the fits cannot give (baseline prior); never the truth',
      STUDY_COMMAND_DEFAULTS.template,
    )
    .option(
      '--train-spectra <N>',
      'simulated training spectra per network per repeat',
      parseNumber('--train-spectra', { min: 256, integer: true }),
      STUDY_COMMAND_DEFAULTS.trainSpectra,
    )
    .option(
      '--epochs <E>',
      'epochs (slices of fresh spectra)',
      parseNumber('--epochs', { min: 1, integer: true }),
      STUDY_COMMAND_DEFAULTS.epochs,
    )
    .option(
      '--quant-spectra <M>',
      'held-out spectra of the qCNN vs NLLS comparison (0: skip)',
      parseNumber('--quant-spectra', { min: 0, integer: true }),
      STUDY_COMMAND_DEFAULTS.quantSpectra,
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
      STUDY_COMMAND_DEFAULTS.quantTrainSpectra,
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
        'logratio-js': "as 'logratio', each log-ratio's difference shrunk by its own James-Stein factor",
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
      STUDY_COMMAND_DEFAULTS.bootstrap,
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
  livermrs study --out out/study                           # npm start: ${STUDY_COMMAND_DEFAULTS.repeats} repeats
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
  // The study's simulator, fitter, networks and report load here, not at start-up.
  const { runStudyRequest } = await import('../../study/study-command.js');
  const command = `livermrs ${process.argv.slice(2).join(' ')}`;
  const json = await runStudyRequest(o, { command, quiet: o.quiet, json: o.json });
  if (o.json) printJson(json);
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
