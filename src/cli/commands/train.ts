import type { Command } from 'commander';
import { REALISM_LEVELS } from '../../core/acquisition.js';
import { withOutputDir } from '../../io/atomic.js';
import { ARCHITECTURES } from '../../networks/architectures.js';
import type { TrainRequest } from '../../networks/train-from-cohorts.js';
import {
  CANONICAL_FRAMES,
  NETWORK_KINDS,
  QCNN_LAYOUTS,
  TRAIN_DEFAULTS,
} from '../../networks/train-options.js';
import { parseChoice, parseList, parseNumber, printJson } from '../options.js';

interface TrainOptions extends Omit<TrainRequest, 'cohorts' | 'groups' | 'lineshapes'> {
  cohort: string;
  groups?: string;
  lineshapes?: string;
  out: string;
  json?: boolean;
  quiet?: boolean;
}

/** `livermrs train`: a qCNN or cCNN trained on spectra simulated from cohort priors, as an ONNX bundle. */
export function register(program: Command): void {
  program
    .command('train')
    .description(
      'Train a qCNN (amplitudes of every basis component with SDs) or a cCNN (probability of the second group) on ' +
        'spectra simulated on the fly from a cohort; writes DIR/qcnn.* or DIR/ccnn.*: .onnx (runs without libtorch), ' +
        '.json (model contract: preprocessing, outputs), .training.json (protocol, seeds, settings, calibration), .lmnn',
    )
    .requiredOption(
      '--cohort <name|file,...>',
      'cohort(s) whose groups are simulated, e.g. hbv-lc,hbv-lc-hcc (built-in names or YAML files; one protocol)',
    )
    .requiredOption(
      `--kind <${NETWORK_KINDS.join('|')}>`,
      'which network',
      parseChoice('--kind', NETWORK_KINDS),
    )
    .option('--groups <a,b>', 'groups to use (ccnn: negative,positive); default: all groups of the cohort(s)')
    .option(
      '--spectra <N>',
      'training spectra',
      parseNumber('--spectra', { min: 256, integer: true }),
      TRAIN_DEFAULTS.spectra,
    )
    .option(
      '--epochs <E>',
      'epochs (slices of fresh spectra; early stopping)',
      parseNumber('--epochs', { min: 1, integer: true }),
      TRAIN_DEFAULTS.epochs,
    )
    .option(
      '--validation <n>',
      'validation spectra',
      parseNumber('--validation', { min: 100, integer: true }),
      TRAIN_DEFAULTS.validation,
    )
    .option(
      '--seed <S>',
      'seed (weights, training and validation spectra)',
      parseNumber('--seed', { min: 0, integer: true }),
      TRAIN_DEFAULTS.seed,
    )
    .option(
      '--architecture <name>',
      `network size: ${Object.keys(ARCHITECTURES).join(', ')}`,
      TRAIN_DEFAULTS.architecture,
    )
    .option(
      `--layout <${QCNN_LAYOUTS.join('|')}>`,
      'qcnn: one network for all components, or one per component',
      parseChoice('--layout', QCNN_LAYOUTS),
      TRAIN_DEFAULTS.layout,
    )
    .option(
      '--members <M>',
      'ccnn: ensemble size',
      parseNumber('--members', { min: 1, max: 16, integer: true }),
      TRAIN_DEFAULTS.members,
    )
    .option(
      '--threads <k>',
      'libtorch threads',
      parseNumber('--threads', { min: 1, integer: true }),
      TRAIN_DEFAULTS.threads,
    )
    .option(
      '--sim-threads <k>',
      'simulation worker threads',
      parseNumber('--sim-threads', { min: 0, integer: true }),
      TRAIN_DEFAULTS.simThreads,
    )
    .option(
      '--realism <level>',
      `distortions beyond the cohort's nuisance model that real scanner data show (measured and asymmetric lineshapes, eddy-current phase, broad humps, large residual water, wide shifts and phases; docs/robustness.md): ${REALISM_LEVELS.join(', ')}`,
      parseChoice('--realism', REALISM_LEVELS),
      TRAIN_DEFAULTS.realism,
    )
    .option(
      '--lineshapes <files>',
      'comma-separated water-unsuppressed files whose water lines join the measured lineshapes of the training (your scanner)',
    )
    .option(
      `--canonical <${CANONICAL_FRAMES.join('|')}>`,
      'frame every spectrum on the 1.3 ppm lipid peak (frequency and zero-order phase) before the network, in training and at inference',
      parseChoice('--canonical', CANONICAL_FRAMES),
      TRAIN_DEFAULTS.canonical,
    )
    .option('--name <text>', 'model name shown by tools')
    .requiredOption('--out <dir>', 'output directory (other files in it are kept)')
    .option('--json', 'print a JSON summary on stdout')
    .option('--quiet', 'no progress messages')
    .addHelpText(
      'after',
      `
Examples:
  livermrs train --cohort hbv-lc,hbv-lc-hcc --kind qcnn --spectra 800000 --out models
  livermrs train --cohort my-priors.yaml --kind ccnn --groups LC,LC-HCC --members 3 --out my-models`,
    )
    .action(async (opts: TrainOptions) => {
      // The simulator, the training code and the libtorch engine load here, not at start-up.
      const { trainFromCohorts, trainSummary } = await import('../../networks/train-from-cohorts.js');
      const { writeBundle } = await import('../../networks/bundle.js');
      const say = (m: string) => {
        if (!opts.quiet && !opts.json) process.stderr.write(`train ${opts.kind}: ${m}\n`);
      };
      const request = {
        ...opts,
        cohorts: parseList(opts.cohort),
        groups: opts.groups ? parseList(opts.groups) : undefined,
        lineshapes: opts.lineshapes ? parseList(opts.lineshapes) : undefined,
      };
      const t = await trainFromCohorts(request, say);
      const command = `livermrs ${process.argv.slice(2).join(' ')}`;
      const files = await withOutputDir(opts.out, (out) =>
        writeBundle(out, t.trained.net, t.trained.model, { name: t.name, command, guard: t.guard }),
      );
      const summary = trainSummary(t, opts.out, opts.kind, files);
      if (opts.json) printJson(summary);
      else say(`${files.join(', ')} -> ${opts.out} (${summary.seconds} s)`);
    });
}
