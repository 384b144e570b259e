import type { BasisSet } from '../core/basis.js';
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InputError, LivermrsError } from '../core/errors.js';
import type { MrsData } from '../core/mrs-data.js';
import type { MrsData32 } from '../io/nifti-mrs/write-file.js';
import type { Cohort } from './cohort-schema.js';
import { type CsvTable, formatCsvNumbers, formatCsvRow, numericColumn } from '../io/csv.js';
import { basisOnProtocol, SpectrumGenerator } from './generator.js';
import type { DatasetChunk } from './jobs.js';
import type { Realism } from './realism.js';
import { type PendingSimulationPool, SimulationPool } from './worker-pool.js';
import type { SpectralGrid } from '../core/grid.js';

/**
 * A simulated data set: `perGroup` spectra of each group, stored group after group (spectrum i belongs to group
 * ⌊i / perGroup⌋ and is its number i mod perGroup), with every parameter of every spectrum.
 */
export interface Dataset extends SpectralGrid {
  cohort: Cohort;
  groups: string[];
  perGroup: number;
  seed: number;
  /** Parameter column names (see parameters.ts). */
  columns: readonly string[];
  /** Parameter rows, count × columns.length. */
  params: Float64Array;
  /** Time-domain FIDs (float32), count × 2·points, interleaved complex. */
  fids: Float32Array;
  count: number;
  /**
   * The lines of truth.csv after its header, when simulateDataset was asked to format them (truthRows); a
   * running simulation fills them as its chunks finish.
   */
  truthRows?: string[];
  /** True when realism distortions were applied (the spectra then leave the cohort's signal model). */
  distorted?: boolean;
}

export interface DatasetRequest {
  cohort: Cohort;
  basis: BasisSet;
  groups?: readonly string[];
  perGroup: number;
  seed: number;
  /** Worker threads; 0 or 1: the calling thread. */
  threads?: number;
  /** Spectra per job (default 256). */
  chunk?: number;
  onProgress?: (done: number, total: number) => void;
  /** Name of the cohort file, for error messages. */
  file?: string;
  /** Workers started earlier (see PendingSimulationPool); they take the place of `threads`. */
  workers?: PendingSimulationPool;
  /** Distortions beyond the cohort's nuisance model (realism.ts; default none). */
  realism?: Realism;
  /**
   * Format the truth.csv row of every spectrum as its chunk arrives, while the workers simulate the next
   * ones (this thread is otherwise idle then), so that truthCsv only joins them. Same text.
   */
  truthRows?: boolean;
}

/** A data set being simulated: its arrays (allocated, filled as the jobs finish) and when its spectra are final. */
export interface DatasetRun {
  ds: Dataset;
  /** Resolves once the first `spectra` spectra are final (rejects if the simulation fails). */
  ready(spectra: number): Promise<void>;
  /** Resolves with the finished data set. */
  done: Promise<Dataset>;
}

/**
 * Starts simulating a data set; a writer can stream the spectra out while later ones are still being made
 * (ready). simulateDataset is the same without the stream.
 */
export function startDataset(req: DatasetRequest): DatasetRun {
  const groups = [...(req.groups ?? Object.keys(req.cohort.groups))];
  const basis = basisOnProtocol(req.basis, req.cohort, req.file);
  // Validates the cohort against the basis in this thread, so errors surface before any worker starts.
  const gen = new SpectrumGenerator(req.cohort, basis, { groups, file: req.file });
  const total = req.perGroup * groups.length;
  const P = gen.layout.size;
  const n = basis.points;
  const threads = req.workers
    ? req.workers.pool.threads
    : (req.threads ?? 1) <= 1
      ? 0
      : (req.threads as number);
  // The workers write their spectra straight into the data set's shared memory (no copies, no transfers).
  const shared = (bytes: number) => (threads > 0 ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const params = new Float64Array(shared(total * P * 8));
  const fids = new Float32Array(shared(total * 2 * n * 4));
  const setup = { cohort: req.cohort, basis, groups, output: { params, fids }, realism: req.realism };
  const pool = req.workers ? req.workers.provide(setup) : new SimulationPool(setup, threads);
  const chunk = Math.max(1, req.chunk ?? 256);
  const ds: Dataset = {
    cohort: req.cohort,
    groups,
    perGroup: req.perGroup,
    seed: req.seed,
    columns: gen.layout.columns,
    params,
    fids,
    points: n,
    dwellTime: basis.dwellTime,
    spectrometerFrequency: basis.spectrometerFrequency,
    ppmReference: basis.ppmReference,
    distorted: req.realism !== undefined,
    count: total,
  };
  const rows = req.truthRows ? new Array<string>(total) : undefined;
  ds.truthRows = rows;
  const prefix = new FinishedPrefix(Math.ceil(total / chunk), (k) => Math.min(total, k * chunk));
  let done = 0;
  const jobs: Promise<void>[] = [];
  for (let start = 0; start < total; start += chunk) {
    const count = Math.min(chunk, total - start);
    jobs.push(
      pool.run({ kind: 'dataset', seed: req.seed, start, count, perGroup: req.perGroup }).then((r) => {
        const c = r as DatasetChunk;
        if (rows) for (let i = c.start; i < c.start + c.count; i++) rows[i] = truthRow(ds, i);
        prefix.finish(start / chunk);
        done += c.count;
        req.onProgress?.(done, total);
      }),
    );
  }
  const finished = Promise.all(jobs)
    .then(() => ds)
    .finally(() => pool.close());
  finished.catch((err) => prefix.fail(err));
  return { ds, ready: (spectra) => prefix.reached(spectra), done: finished };
}

/** Simulates a data set (see startDataset). */
export async function simulateDataset(req: DatasetRequest): Promise<Dataset> {
  return startDataset(req).done;
}

/**
 * Which leading part of a sequence of chunks is finished, for chunks that finish in any order: reached(x)
 * resolves once every chunk up to the one that ends at item x is finished.
 */
class FinishedPrefix {
  private readonly finished: boolean[];
  private count = 0;
  private waiting: { items: number; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private error: unknown;

  /** `chunks` chunks; `end(k)` is the number of items in the first k chunks. */
  constructor(
    chunks: number,
    private readonly end: (chunks: number) => number,
  ) {
    this.finished = new Array<boolean>(chunks).fill(false);
  }

  finish(chunk: number): void {
    this.finished[chunk] = true;
    while (this.count < this.finished.length && this.finished[this.count]) this.count++;
    const items = this.end(this.count);
    this.waiting = this.waiting.filter((w) => {
      if (w.items > items) return true;
      w.resolve();
      return false;
    });
  }

  fail(err: unknown): void {
    this.error = err;
    for (const w of this.waiting) w.reject(err);
    this.waiting = [];
  }

  reached(items: number): Promise<void> {
    if (this.error !== undefined) return Promise.reject(this.error);
    if (items <= this.end(this.count)) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiting.push({ items, resolve, reject }));
  }
}

/** Leading identification columns of truth.csv, before the parameter columns. */
export const TRUTH_ID_COLUMNS = ['index', 'group', 'group_index', 'seed'] as const;

/** truth.csv: one row per spectrum, in file order (DIM_DYN index), with the group and every parameter. */
export function truthCsv(ds: Dataset): string {
  const lines = [formatCsvRow([...TRUTH_ID_COLUMNS, ...ds.columns])];
  for (let i = 0; i < ds.count; i++) lines.push(ds.truthRows?.[i] ?? truthRow(ds, i));
  return `${lines.join('\n')}\n`;
}

/**
 * truthCsv written to `path` while the data set is being simulated: each block of rows as soon as its spectra
 * are final (file order), so that little is left to write at the end. The same bytes as truthCsv.
 */
export async function writeTruthCsv(path: string, run: DatasetRun, block = 2048): Promise<void> {
  const { ds } = run;
  async function* text(): AsyncGenerator<string> {
    yield `${formatCsvRow([...TRUTH_ID_COLUMNS, ...ds.columns])}\n`;
    for (let i = 0; i < ds.count; i += block) {
      const end = Math.min(ds.count, i + block);
      await run.ready(end);
      const lines: string[] = [];
      for (let j = i; j < end; j++) lines.push(ds.truthRows?.[j] ?? truthRow(ds, j));
      yield `${lines.join('\n')}\n`;
    }
  }
  try {
    await pipeline(Readable.from(text()), createWriteStream(path));
  } catch (err) {
    throw new LivermrsError(`${path}: cannot write (${(err as Error).message})`, { cause: err });
  }
}

function truthRow(ds: Dataset, i: number): string {
  const P = ds.columns.length;
  const g = Math.floor(i / ds.perGroup);
  const ids = formatCsvRow([i, ds.groups[g], i - g * ds.perGroup, ds.seed]);
  return P === 0 ? ids : `${ids},${formatCsvNumbers(ds.params.subarray(i * P, (i + 1) * P))}`;
}

/** The data set as NIfTI-MRS data: one FID per DIM_DYN entry, simulation provenance in the JSON extension. */
export function datasetToMrs(ds: Dataset): MrsData {
  return { ...datasetToMrs32(ds), data: Float64Array.from(ds.fids) };
}

/** datasetToMrs with the float32 FIDs themselves as the samples (no copy), for writeNiftiMrsFile. */
export function datasetToMrs32(ds: Dataset): MrsData32 {
  const p = ds.cohort.protocol;
  return {
    data: ds.fids,
    points: ds.points,
    spatial: [1, 1, 1],
    dims: [{ tag: 'DIM_DYN', size: ds.count }],
    header: {
      spectrometerFrequency: ds.spectrometerFrequency,
      dwellTime: ds.dwellTime,
      nucleus: '1H',
      ppmReference: ds.ppmReference,
      echoTime: p.echoTime !== undefined ? p.echoTime / 1000 : undefined,
    },
    extension: {
      dim_5_info: 'simulated spectra, one per entry; parameters in truth.csv (same order)',
      ...(p.sequence ? { SequenceName: p.sequence } : {}),
      // The cohort signal model is a water-suppressed spectrum with a residual water peak.
      WaterSuppressed: true,
      ProcessingApplied: [
        {
          Time: new Date().toISOString(),
          Program: 'livermrs simulate',
          Method: 'Spectral simulation from cohort priors',
          Details: `cohort ${ds.cohort.name}, groups ${ds.groups.join(', ')}, ${ds.perGroup} per group, seed ${ds.seed}`,
        },
      ],
      livermrs_simulation: {
        cohort: ds.cohort.name,
        groups: ds.groups,
        perGroup: ds.perGroup,
        seed: ds.seed,
        // The part of the signal model a fit needs to hold it (fit/liver-options.ts cohortFitOptions); absent
        // when realism distortions took the spectra out of that model.
        ...(ds.distorted ? {} : { signalModel: { baseline: ds.cohort.model.baseline } }),
      },
    },
    source: { format: 'NIfTI-MRS', file: '<simulation>', dataType: 'complex64' },
  };
}

/**
 * Re-synthesises spectra from truth.csv rows (with the cohort and basis that made them): returns the FIDs in
 * float64, which agree with the stored float32 FIDs to float precision.
 */
export function resynthesize(
  table: CsvTable,
  cohort: Cohort,
  basis: BasisSet,
  file = 'truth.csv',
): Float64Array[] {
  const groupCol = table.header.indexOf('group');
  if (groupCol < 0) throw new InputError("no column 'group'", { file });
  const groups = [...new Set(table.rows.map((r) => r[groupCol]))];
  const gen = new SpectrumGenerator(cohort, basis, { groups });
  const cols = gen.layout.columns.map((c) => numericColumn(table, c, file));
  const seed = numericColumn(table, 'seed', file);
  const gi = numericColumn(table, 'group_index', file);
  const n = gen.points;
  return table.rows.map((r, i) => {
    const row = Float64Array.from(cols, (c) => c[i]);
    const fd = new Float64Array(2 * n);
    const td = new Float64Array(2 * n);
    gen.synthesize({ seed: seed[i], group: groups.indexOf(r[groupCol]), index: gi[i] }, row, 0, { fd, td });
    return td;
  });
}
