import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { withOutputDir } from '../../io/atomic.js';
import { parseList, parseNumber, printJson } from '../options.js';

interface SimulateOptions {
  cohort?: string;
  waterFat?: boolean;
  te?: string;
  tr?: number;
  pdff?: number;
  n: number;
  seed: number;
  group?: string;
  groups?: string;
  threads: number;
  basis?: string;
  out: string;
  json?: boolean;
  progress: boolean;
  gzip: boolean;
  perFile?: boolean;
}

/** `livermrs simulate`: a simulated data set (NIfTI-MRS + truth.csv) from a cohort. */
export function register(program: Command): void {
  program
    .command('simulate')
    .description(
      'Simulate liver spectra from a cohort (built-in name or YAML file): writes OUT/spectra.nii.gz (one spectrum ' +
        'per DIM_DYN entry), OUT/truth.csv (group and every parameter of every spectrum, same order), ' +
        'OUT/cohort.yaml (the cohort used) and OUT/simulation.json.',
    )
    .option(
      '--cohort <name|file>',
      'built-in cohort (hbv-lc, hbv-lc-hcc, truth-hbv) or a cohort YAML file; with --water-fat a water–fat cohort (default body)',
    )
    .option(
      '--water-fat',
      'water-unsuppressed body spectra instead (data/cohorts/water-fat/body.yaml: PDFF 0–95 %; one NIfTI-MRS per subject, echoes along DIM_INDIRECT_0)',
    )
    .option(
      '--te <ms,...>',
      "echo times (ms) of --water-fat spectra (default: the cohort's, 12,24,36,48,72 for body)",
    )
    .option(
      '--tr <ms>',
      "repetition time (ms) of --water-fat spectra (default: the cohort's, 3000 for body)",
      parseNumber('--tr', { min: 1 }),
    )
    .option('--pdff <percent>', 'fixed PDFF for every --water-fat subject', parseNumber('--pdff', { min: 0 }))
    .requiredOption('--n <count>', 'spectra per group', parseNumber('--n', { min: 1, integer: true }))
    .requiredOption(
      '--seed <int>',
      'random seed (same seed, same spectra)',
      parseNumber('--seed', { min: 0, integer: true }),
    )
    .option('--group <name>', 'simulate only this group')
    .option('--groups <list>', "comma-separated groups, or 'all' (default: all)")
    .option(
      '--threads <k>',
      'worker threads (the output does not depend on it)',
      parseNumber('--threads', { min: 1, integer: true }),
      availableParallelism(),
    )
    .option('--basis <file>', "LCModel .BASIS file to use instead of the cohort's basis")
    .requiredOption('--out <dir>', 'output directory')
    .option('--json', 'print a JSON summary on stdout')
    .option('--no-progress', 'no progress bar')
    .option('--no-gzip', 'write OUT/spectra.nii (uncompressed) instead of OUT/spectra.nii.gz')
    .option(
      '--per-file',
      'also one NIfTI-MRS per spectrum, OUT/spectra/GROUP_NNN.nii.gz, and OUT/manifest.csv listing them (first half of each group prior, the rest test) for livermrs study --manifest',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  livermrs simulate --cohort hbv-lc-hcc --n 1000 --seed 1 --out sims/hcc\n' +
        '  livermrs simulate --cohort truth-hbv --n 8 --seed 1 --per-file --out sims/patients   # then study --manifest sims/patients/manifest.csv\n',
    )
    .action(async (opts: SimulateOptions) => {
      if (opts.waterFat) {
        const { writeWaterFatDataset } = await import('../../simulate/dataset-files.js');
        const t0 = performance.now();
        const echoTimes = opts.te === undefined ? undefined : parseList(opts.te);
        const r = await withOutputDir(opts.out, (dir) => writeWaterFatDataset(dir, { ...opts, echoTimes }));
        const seconds = (performance.now() - t0) / 1000;
        if (opts.json) printJson({ out: opts.out, spectra: r.spectra, echoTimes: r.echoTimes, seconds });
        else
          process.stderr.write(
            `simulate: ${r.spectra} water–fat subjects in ${seconds.toFixed(1)} s -> ${opts.out}\n`,
          );
        return;
      }
      if (!opts.cohort) throw new UsageError('simulate: give --cohort (or --water-fat)');
      if (opts.group && opts.groups) throw new UsageError('--group and --groups: give one of them');
      // The worker threads start first and load their code while this thread reads the cohort and simulates
      // its basis; they get their setup when the data set starts.
      const { PendingSimulationPool } = await import('../../simulate/worker-pool.js');
      const workers = opts.threads > 1 ? new PendingSimulationPool(opts.threads) : undefined;
      let started = false;
      try {
        // The simulator, cohort schema and NIfTI writer load here, not at start-up (the progress bar if shown).
        const { prepareCohortDataset, writeCohortDataset } = await import('../../simulate/dataset-files.js');
        const groups = opts.group
          ? [opts.group]
          : !opts.groups || opts.groups === 'all'
            ? undefined
            : parseList(opts.groups);
        const request = { ...opts, cohort: opts.cohort, groups };
        const dataset = prepareCohortDataset(request);
        const total = opts.n * dataset.groups.length;
        const bar =
          opts.progress && process.stderr.isTTY && !opts.json
            ? new (await import('cli-progress')).SingleBar({
                format: 'simulate [{bar}] {value}/{total} spectra {eta_formatted}',
                stream: process.stderr,
              })
            : undefined;
        bar?.start(total, 0);
        const { summary, seconds } = await withOutputDir(opts.out, (dir) =>
          writeCohortDataset(dir, request, dataset, {
            workers,
            onStarted: () => {
              started = true;
            },
            onProgress: (done) => bar?.update(done),
            onSimulated: () => bar?.stop(),
          }),
        );
        if (opts.json) printJson(summary);
        else process.stderr.write(`simulate: ${total} spectra in ${seconds.toFixed(1)} s -> ${opts.out}\n`);
      } finally {
        if (!started) await workers?.close();
      }
    });
}
