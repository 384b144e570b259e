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
        const echoTimes =
          opts.te === undefined
            ? undefined
            : parseList(opts.te).map((v) => {
                const x = Number(v);
                if (!(x > 0)) throw new UsageError(`--te: '${v}' is not an echo time in ms`);
                return x / 1000;
              });
        if (echoTimes?.length === 0) throw new UsageError('--te: give at least one echo time (ms)');
        if (opts.pdff !== undefined && opts.pdff > 100) throw new UsageError('--pdff: a percentage 0–100');
        const { loadWaterFatCohort } = await import('../../simulate/cohort-files.js');
        const { simulateWaterFatDataset } = await import('../../simulate/water-fat-dataset.js');
        const t0 = performance.now();
        const r = simulateWaterFatDataset({
          cohort: loadWaterFatCohort(opts.cohort).cohort,
          n: opts.n,
          seed: opts.seed,
          echoTimes,
          repetitionTime: opts.tr === undefined ? undefined : opts.tr / 1000,
          pdff: opts.pdff === undefined ? undefined : opts.pdff / 100,
        });
        await withOutputDir(opts.out, (dir) => {
          for (const f of r.files) dir.write(f.name, f.bytes);
          dir.write('truth.csv', r.truthCsv);
        });
        const seconds = (performance.now() - t0) / 1000;
        if (opts.json) printJson({ out: opts.out, spectra: r.files.length, echoTimes: r.echoTimes, seconds });
        else
          process.stderr.write(
            `simulate: ${r.files.length} water–fat subjects in ${seconds.toFixed(1)} s -> ${opts.out}\n`,
          );
        return;
      }
      if (!opts.cohort) throw new UsageError('simulate: give --cohort (or --water-fat)');
      const cohort = opts.cohort;
      if (opts.group && opts.groups) throw new UsageError('--group and --groups: give one of them');
      // The worker threads start first and load their code while this thread reads the cohort and simulates
      // its basis; they get their setup when startDataset begins.
      const { PendingSimulationPool } = await import('../../simulate/worker-pool.js');
      const workers = opts.threads > 1 ? new PendingSimulationPool(opts.threads) : undefined;
      let started = false;
      try {
        // The simulator, cohort schema and NIfTI writer load here, not at start-up (the progress bar if shown).
        const { writeNiftiMrsFile } = await import('../../io/nifti-mrs/write-file.js');
        const { loadCohort, loadCohortBasis } = await import('../../simulate/cohort-files.js');
        const { formatCohort } = await import('../../simulate/cohort-schema.js');
        const { datasetToMrs32, startDataset, writeTruthCsv } = await import('../../simulate/dataset.js');
        const loaded = loadCohort(cohort);
        const all = Object.keys(loaded.cohort.groups);
        const wanted = opts.group
          ? [opts.group]
          : !opts.groups || opts.groups === 'all'
            ? all
            : parseList(opts.groups);
        for (const g of wanted) {
          if (!all.includes(g))
            throw new UsageError(
              `--group: '${g}' is not a group of ${loaded.file} (groups: ${all.join(', ')})`,
            );
        }
        const basis = loadCohortBasis(loaded, opts.basis);
        const total = opts.n * wanted.length;
        const bar =
          opts.progress && process.stderr.isTTY && !opts.json
            ? new (await import('cli-progress')).SingleBar({
                format: 'simulate [{bar}] {value}/{total} spectra {eta_formatted}',
                stream: process.stderr,
              })
            : undefined;
        bar?.start(total, 0);
        const spectra = opts.gzip ? 'spectra.nii.gz' : 'spectra.nii';
        const summary = {
          out: opts.out,
          cohort: loaded.cohort.name,
          groups: wanted,
          perGroup: opts.n,
          spectra: total,
          seed: opts.seed,
          threads: opts.threads,
          seconds: 0,
          files: [spectra, 'truth.csv', 'cohort.yaml', 'simulation.json'],
        };
        let seconds = 0;
        await withOutputDir(opts.out, async (out) => {
          const t0 = performance.now();
          const run = startDataset({
            cohort: loaded.cohort,
            basis,
            groups: wanted,
            perGroup: opts.n,
            seed: opts.seed,
            threads: opts.threads,
            onProgress: (done) => bar?.update(done),
            file: loaded.file,
            truthRows: true,
            workers,
          });
          started = true;
          // The spectra stream to the file as the workers finish them (zlib and the writes on libuv's threads),
          // so that little is left to write when the last one is made.
          const nifti = writeNiftiMrsFile(out.path(spectra), datasetToMrs32(run.ds), {
            gzip: opts.gzip,
            ready: run.ready,
          });
          nifti.catch(() => {}); // awaited below; if the simulation fails first, its error is the one reported
          const truth = writeTruthCsv(out.path('truth.csv'), run);
          truth.catch(() => {});
          const ds = await run.done.finally(() => bar?.stop());
          seconds = (performance.now() - t0) / 1000;
          summary.seconds = Number(seconds.toFixed(3));
          out.write(
            'cohort.yaml',
            formatCohort(loaded.cohort, `cohort used by livermrs simulate (from ${loaded.file})`),
          );
          out.write(
            'simulation.json',
            `${JSON.stringify(
              {
                ...summary,
                cohortFile: loaded.file,
                columns: ds.columns,
                order: 'group-major: spectrum i is group floor(i / perGroup), its number i mod perGroup',
                snr: 'height of the L13 peak (max of the real, phased, noise-free spectrum in 1.3 ± 0.2 ppm) / SD of the real frequency-domain noise',
              },
              null,
              2,
            )}\n`,
          );
          await truth;
          await nifti;
          if (opts.perFile) {
            const { perFileManifest, perFileSpectra } = await import('../../simulate/per-file.js');
            const { encodeNiftiMrs } = await import('../../io/nifti-mrs/nifti-mrs.js');
            const files = perFileSpectra(ds);
            for (const f of files) {
              out.write(f.name, encodeNiftiMrs(f.mrs, { gzip: true, dataType: 'complex64' }));
            }
            out.write('manifest.csv', perFileManifest(files, opts.n));
            summary.files.push('manifest.csv', `spectra/ (${files.length} files)`);
          }
        });
        if (opts.json) printJson(summary);
        else process.stderr.write(`simulate: ${total} spectra in ${seconds.toFixed(1)} s -> ${opts.out}\n`);
      } finally {
        if (!started) await workers?.close();
      }
    });
}
