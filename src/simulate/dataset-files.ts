import type { BasisSet } from '../core/basis.js';
import { UsageError } from '../core/errors.js';
import type { OutputDir } from '../io/atomic.js';
import { encodeNiftiMrs } from '../io/nifti-mrs/nifti-mrs.js';
import { writeNiftiMrsFile } from '../io/nifti-mrs/write-file.js';
import { type LoadedCohort, loadCohort, loadCohortBasis, loadWaterFatCohort } from './cohort-files.js';
import { formatCohort } from './cohort-schema.js';
import { datasetToMrs32, startDataset, writeTruthCsv } from './dataset.js';
import { perFileManifest, perFileSpectra } from './per-file.js';
import { simulateWaterFatDataset } from './water-fat-dataset.js';
import type { PendingSimulationPool } from './worker-pool.js';

/** A water–fat data set to simulate (`livermrs simulate --water-fat`, in its units: ms and percent). */
export interface WaterFatFilesRequest {
  cohort?: string;
  n: number;
  seed: number;
  /** Echo times in ms (default: the cohort's). */
  echoTimes?: string[];
  /** Repetition time in ms (default: the cohort's). */
  tr?: number;
  /** A fixed PDFF for every subject, percent. */
  pdff?: number;
}

/** Simulates the water–fat data set and writes one NIfTI-MRS per subject and truth.csv into `dir`. */
export function writeWaterFatDataset(dir: OutputDir, o: WaterFatFilesRequest) {
  const echoTimes = o.echoTimes?.map((v) => {
    const x = Number(v);
    if (!(x > 0)) throw new UsageError(`--te: '${v}' is not an echo time in ms`);
    return x / 1000;
  });
  if (echoTimes?.length === 0) throw new UsageError('--te: give at least one echo time (ms)');
  if (o.pdff !== undefined && o.pdff > 100) throw new UsageError('--pdff: a percentage 0–100');
  const r = simulateWaterFatDataset({
    cohort: loadWaterFatCohort(o.cohort).cohort,
    n: o.n,
    seed: o.seed,
    echoTimes,
    repetitionTime: o.tr === undefined ? undefined : o.tr / 1000,
    pdff: o.pdff === undefined ? undefined : o.pdff / 100,
  });
  for (const f of r.files) dir.write(f.name, f.bytes);
  dir.write('truth.csv', r.truthCsv);
  return { spectra: r.files.length, echoTimes: r.echoTimes };
}

/** A cohort data set to simulate (`livermrs simulate --cohort`). */
export interface CohortDatasetRequest {
  cohort: string;
  /** The output folder, as the summary names it. */
  out: string;
  n: number;
  seed: number;
  /** One group, or a list; default every group of the cohort. */
  groups?: string[];
  threads: number;
  /** An LCModel .BASIS file instead of the cohort's basis. */
  basis?: string;
  gzip: boolean;
  /** Also one NIfTI-MRS per spectrum and manifest.csv (for `livermrs study --manifest`). */
  perFile?: boolean;
}

/** The cohort, groups and basis of a request, checked before any simulation. */
export interface CohortDataset {
  loaded: LoadedCohort;
  groups: string[];
  basis: BasisSet;
}

export function prepareCohortDataset(o: CohortDatasetRequest): CohortDataset {
  const loaded = loadCohort(o.cohort);
  const all = Object.keys(loaded.cohort.groups);
  const groups = o.groups ?? all;
  for (const g of groups) {
    if (!all.includes(g))
      throw new UsageError(`--group: '${g}' is not a group of ${loaded.file} (groups: ${all.join(', ')})`);
  }
  return { loaded, groups, basis: loadCohortBasis(loaded, o.basis) };
}

/**
 * Simulates the cohort's data set into `dir`: spectra.nii(.gz) with one spectrum per DIM_DYN entry (streamed as
 * the workers finish them), truth.csv, cohort.yaml, simulation.json and with `perFile` one file per spectrum and
 * manifest.csv. `workers` are started by the caller (they load their code while this thread simulates the basis);
 * `onStarted` is called once they have their work. Returns the summary simulation.json holds and the seconds.
 */
export async function writeCohortDataset(
  dir: OutputDir,
  o: CohortDatasetRequest,
  { loaded, groups, basis }: CohortDataset,
  hooks: {
    workers?: PendingSimulationPool;
    onStarted?: () => void;
    onProgress?: (done: number) => void;
    /** Called when the last spectrum is simulated (or the simulation failed). */
    onSimulated?: () => void;
  } = {},
) {
  const spectra = o.gzip ? 'spectra.nii.gz' : 'spectra.nii';
  const summary = {
    out: o.out,
    cohort: loaded.cohort.name,
    groups,
    perGroup: o.n,
    spectra: o.n * groups.length,
    seed: o.seed,
    threads: o.threads,
    seconds: 0,
    files: [spectra, 'truth.csv', 'cohort.yaml', 'simulation.json'],
  };
  const t0 = performance.now();
  const run = startDataset({
    cohort: loaded.cohort,
    basis,
    groups,
    perGroup: o.n,
    seed: o.seed,
    threads: o.threads,
    onProgress: hooks.onProgress,
    file: loaded.file,
    truthRows: true,
    workers: hooks.workers,
  });
  hooks.onStarted?.();
  // The spectra stream to the file as the workers finish them (zlib and the writes on libuv's threads), so that
  // little is left to write when the last one is made.
  const nifti = writeNiftiMrsFile(dir.path(spectra), datasetToMrs32(run.ds), {
    gzip: o.gzip,
    ready: run.ready,
  });
  nifti.catch(() => {}); // awaited below; if the simulation fails first, its error is the one reported
  const truth = writeTruthCsv(dir.path('truth.csv'), run);
  truth.catch(() => {});
  const ds = await run.done.finally(() => hooks.onSimulated?.());
  const seconds = (performance.now() - t0) / 1000;
  summary.seconds = Number(seconds.toFixed(3));
  dir.write(
    'cohort.yaml',
    formatCohort(loaded.cohort, `cohort used by livermrs simulate (from ${loaded.file})`),
  );
  dir.write(
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
  if (o.perFile) {
    const files = perFileSpectra(ds);
    for (const f of files) dir.write(f.name, encodeNiftiMrs(f.mrs, { gzip: true, dataType: 'complex64' }));
    dir.write('manifest.csv', perFileManifest(files, o.n));
    summary.files.push('manifest.csv', `spectra/ (${files.length} files)`);
  }
  return { summary, seconds };
}
