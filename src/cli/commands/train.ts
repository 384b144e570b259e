import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { withOutputDir } from '../../io/atomic.js';
import { ARCHITECTURES, architecture } from '../../networks/architectures.js';
import { REALISM_LEVELS } from '../../core/acquisition.js';
import { parseList, parseNumber, printJson } from '../options.js';
import { LIVER_DEFAULTS } from '../../core/acquisition.js';

interface TrainOptions {
  cohort: string;
  kind: string;
  groups?: string;
  spectra: number;
  epochs: number;
  validation: number;
  seed: number;
  architecture: string;
  layout: string;
  members: number;
  threads: number;
  simThreads: number;
  name?: string;
  out: string;
  json?: boolean;
  quiet?: boolean;
  realism: string;
  canonical: string;
  lineshapes?: string;
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
    .requiredOption('--kind <qcnn|ccnn>', 'which network')
    .option('--groups <a,b>', 'groups to use (ccnn: negative,positive); default: all groups of the cohort(s)')
    .option(
      '--spectra <N>',
      'training spectra',
      parseNumber('--spectra', { min: 256, integer: true }),
      200_000,
    )
    .option(
      '--epochs <E>',
      'epochs (slices of fresh spectra; early stopping)',
      parseNumber('--epochs', { min: 1, integer: true }),
      8,
    )
    .option(
      '--validation <n>',
      'validation spectra',
      parseNumber('--validation', { min: 100, integer: true }),
      4000,
    )
    .option(
      '--seed <S>',
      'seed (weights, training and validation spectra)',
      parseNumber('--seed', { min: 0, integer: true }),
      1,
    )
    .option('--architecture <name>', `network size: ${Object.keys(ARCHITECTURES).join(', ')}`, 'deep')
    .option(
      '--layout <joint|per-component>',
      'qcnn: one network for all components, or one per component',
      'joint',
    )
    .option(
      '--members <M>',
      'ccnn: ensemble size',
      parseNumber('--members', { min: 1, max: 16, integer: true }),
      1,
    )
    .option('--threads <k>', 'libtorch threads', parseNumber('--threads', { min: 1, integer: true }), 1)
    .option(
      '--sim-threads <k>',
      'simulation worker threads',
      parseNumber('--sim-threads', { min: 0, integer: true }),
      1,
    )
    .option(
      '--realism <level>',
      `distortions beyond the cohort's nuisance model that real scanner data show (measured and asymmetric lineshapes, eddy-current phase, broad humps, large residual water, wide shifts and phases; docs/robustness.md): ${REALISM_LEVELS.join(', ')}`,
      'typical',
    )
    .option(
      '--lineshapes <files>',
      'comma-separated water-unsuppressed files whose water lines join the measured lineshapes of the training (your scanner)',
    )
    .option(
      '--canonical <lipid-peak|none>',
      'frame every spectrum on the 1.3 ppm lipid peak (frequency and zero-order phase) before the network, in training and at inference',
      'lipid-peak',
    )
    .option('--name <text>', 'model name shown by tools')
    .requiredOption('--out <dir>', 'output directory (other files in it are kept)')
    .option('--json', 'print a JSON summary on stdout')
    .option('--quiet', 'no progress messages')
    .addHelpText(
      'after',
      `
Examples:
  livermrs train --cohort hbv-lc,hbv-lc-hcc --kind qcnn --spectra 400000 --out models
  livermrs train --cohort my-priors.yaml --kind ccnn --groups LC,LC-HCC --members 3 --out my-models`,
    )
    .action(async (opts: TrainOptions) => {
      if (opts.kind !== 'qcnn' && opts.kind !== 'ccnn') {
        throw new UsageError(`--kind: '${opts.kind}' is not one of qcnn, ccnn`);
      }
      if (opts.layout !== 'joint' && opts.layout !== 'per-component') {
        throw new UsageError(`--layout: '${opts.layout}' is not one of joint, per-component`);
      }
      if (!(REALISM_LEVELS as readonly string[]).includes(opts.realism)) {
        throw new UsageError(`--realism: '${opts.realism}' is not one of ${REALISM_LEVELS.join(', ')}`);
      }
      if (opts.canonical !== 'lipid-peak' && opts.canonical !== 'none') {
        throw new UsageError(`--canonical: '${opts.canonical}' is not one of lipid-peak, none`);
      }
      // The simulator, the training code and the libtorch engine load here, not at start-up.
      const { loadCohort, loadCohortBasis } = await import('../../simulate/cohort-files.js');
      const { cohortGrid, cohortProtocol, combineCohorts } = await import('../../networks/cohorts.js');
      const { inputPipeline } = await import('../../networks/input.js');
      const { trainQcnn } = await import('../../networks/qcnn.js');
      const { trainCcnn } = await import('../../networks/ccnn.js');
      const { writeBundle } = await import('../../networks/bundle.js');
      const loaded = parseList(opts.cohort).map((c) => loadCohort(c));
      const cohort =
        loaded.length === 1
          ? loaded[0].cohort
          : combineCohorts(loaded, loaded.map((l) => l.cohort.name).join('+'));
      const all = Object.keys(cohort.groups);
      const groups = opts.groups ? parseList(opts.groups) : all;
      for (const g of groups) {
        if (!all.includes(g))
          throw new UsageError(`--groups: '${g}' is not a group of the cohort (${all.join(', ')})`);
      }
      if (opts.kind === 'ccnn' && groups.length !== 2) {
        throw new UsageError(
          `a cCNN needs exactly two groups (negative,positive); the cohort has ${groups.join(', ')}`,
        );
      }
      const basis = loadCohortBasis(loaded[0]);
      const { trainingRealism } = await import('../../simulate/lineshape-files.js');
      const { userLineshapes } = await import('../../networks/lineshapes.js');
      const extra = opts.lineshapes ? userLineshapes(parseList(opts.lineshapes)) : [];
      const { DEFAULT_CANONICAL_FRAME } = await import('../../spectra/canonical.js');
      const source = {
        cohort,
        basis,
        groups,
        pipeline: inputPipeline(
          cohortGrid(cohort),
          undefined,
          opts.canonical === 'none' ? null : DEFAULT_CANONICAL_FRAME,
        ),
        threads: opts.simThreads,
        realism: trainingRealism(opts.realism as 'none' | 'typical' | 'harsh', extra),
      };
      const say = (m: string) => {
        if (!opts.quiet && !opts.json) process.stderr.write(`train ${opts.kind}: ${m}\n`);
      };
      const common = {
        source,
        protocol: cohortProtocol(cohort),
        architecture: architecture(opts.architecture),
        seed: opts.seed,
        spectra: opts.spectra,
        epochs: opts.epochs,
        validation: opts.validation,
        threads: opts.threads,
        onEpoch: (e: { epoch: number; trainLoss: number; validationLoss?: number; seconds: number }) =>
          say(
            `epoch ${e.epoch + 1}/${opts.epochs}: train loss ${e.trainLoss.toFixed(4)}, validation ${e.validationLoss?.toFixed(4)} (${e.seconds.toFixed(0)} s)`,
          ),
      };
      const command = `livermrs ${process.argv.slice(2).join(' ')}`;
      const trained =
        opts.kind === 'qcnn'
          ? await trainQcnn({ ...common, layout: opts.layout as 'joint' | 'per-component' })
          : await trainCcnn({ ...common, members: opts.members });
      const name =
        opts.name ??
        `${opts.kind === 'qcnn' ? 'qCNN' : 'cCNN'} ${cohort.name} (${cohort.protocol.spectrometerFrequency} MHz, ${cohort.protocol.sequence ?? LIVER_DEFAULTS.sequence.toUpperCase()} TE ${cohort.protocol.echoTime ?? '?'} ms)`;
      say('calibrating the input guard on 4000 spectra simulated like the training spectra');
      const { calibrateGuard } = await import('../../networks/guard-calibration.js');
      const { predictQcnn } = await import('../../networks/qcnn.js');
      const model = trained.model;
      const guard = await calibrateGuard({
        source,
        seed: opts.seed * 7 + 5,
        ...(model.kind === 'qcnn' ? { predict: (b) => predictQcnn(trained.net, model, b) } : {}),
      });
      const files = await withOutputDir(opts.out, (out) =>
        writeBundle(out, trained.net, trained.model, { name, command, guard }),
      );
      const summary = {
        out: opts.out,
        kind: opts.kind,
        files,
        seconds: Number(trained.seconds.toFixed(1)),
        epochs: trained.history.length,
        parameters: trained.net.parameterCount,
        ...(trained.model.kind === 'ccnn'
          ? { calibration: trained.model.calibration }
          : { varianceScale: trained.model.varianceScale }),
      };
      if (opts.json) printJson(summary);
      else say(`${files.join(', ')} -> ${opts.out} (${summary.seconds} s)`);
    });
}
