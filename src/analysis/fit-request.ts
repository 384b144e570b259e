import { availableParallelism } from 'node:os';
import { parseSequenceKind } from '../core/acquisition.js';
import { LivermrsError, UsageError } from '../core/errors.js';
import { parseTissue } from '../fit/water-fat/relaxation.js';
import { msToSeconds } from '../io/header-values.js';
import { withProgress } from '../parallel/progress.js';
import {
  type AnalysisJob,
  type AnalysisJobFailure,
  type AnalysisJobOutput,
  runAnalysisJob,
  runAnalysisJobs,
} from './batch.js';
import { pairedWaterFile } from './input.js';
import type {
  ANALYSIS_KINDS,
  AnalysisOptions,
  BASELINES,
  ECC_MODES,
  FAT_MODELS,
  LINE_MODELS,
  LINESHAPE_MODES,
  NOISE_SOURCES,
  Preset,
  WATER_LINE_CHOICES,
  WATER_SUPPRESSION_MODES,
} from './options.js';

type Of<T extends readonly string[]> = T[number];

/**
 * A fit as `livermrs fit` asks for it: the options in its units (ms, Hz, MHz), each choice already one of its
 * list (analysis/options.ts), plus where the results go.
 */
export interface FitRequest {
  water?: string;
  basis?: string;
  preset?: Preset;
  ppm?: [number, number];
  baseline?: Of<typeof BASELINES>;
  baselineEd?: number;
  baselineOrder?: number;
  model?: Of<typeof LINE_MODELS>;
  sw?: number;
  frequency?: number;
  te?: number;
  tr?: number;
  reference?: string;
  addLipids?: boolean;
  waterConc?: number;
  noise?: Of<typeof NOISE_SOURCES>;
  out?: string;
  json?: boolean;
  sequence?: string;
  waterSuppression?: Of<typeof WATER_SUPPRESSION_MODES>;
  fatModel?: Of<typeof FAT_MODELS>;
  waterLines?: Of<typeof WATER_LINE_CHOICES>;
  lineshape?: Of<typeof LINESHAPE_MODES>;
  ecc?: Of<typeof ECC_MODES>;
  analysis?: Of<typeof ANALYSIS_KINDS>;
  tissue?: string;
  t2Water?: number;
  t2Fat?: number;
  t1Water?: number;
  t1Fat?: number;
  force?: boolean;
  series?: boolean;
  pulses?: string;
  grid?: number;
}

/** --analysis and --water-suppression say the same thing; both given must agree. */
function suppressionMode(o: FitRequest): AnalysisOptions['waterSuppression'] {
  const fromAnalysis =
    o.analysis === undefined ? undefined : o.analysis === 'metabolites' ? ('on' as const) : ('off' as const);
  if (o.waterSuppression && fromAnalysis && o.waterSuppression !== fromAnalysis) {
    throw new UsageError(`--analysis ${o.analysis} contradicts --water-suppression ${o.waterSuppression}`);
  }
  return fromAnalysis ?? o.waterSuppression;
}

/**
 * The jobs of a fit request over `files`: one per file (with its water reference: one file, or 'auto' for X.H2O
 * beside X.RAW), or one series job. Contradictory options are refused here, before anything is read.
 */
export function fitJobs(files: string[], o: FitRequest): { options: AnalysisOptions; jobs: AnalysisJob[] } {
  const options: AnalysisOptions = {
    basis: o.basis,
    preset: o.preset ?? (o.basis ? 'generic' : 'liver'),
    ppm: o.ppm,
    baseline: o.baseline,
    baselineEd: o.baselineEd,
    baselineOrder: o.baselineOrder,
    model: o.model,
    sw: o.sw,
    frequency: o.frequency,
    te: o.te,
    tr: o.tr,
    reference: o.reference,
    addLipids: o.addLipids,
    waterConcentration: o.waterConc,
    noise: o.noise,
    sequence: o.sequence === undefined ? undefined : parseSequenceKind(o.sequence),
    waterSuppression: suppressionMode(o),
    fatModel: o.fatModel,
    waterLines:
      o.waterLines === undefined || o.waterLines === 'auto' ? undefined : o.waterLines === '1' ? 1 : 2,
    lineshape: o.lineshape,
    force: o.force,
    relaxation: {
      tissue: o.tissue === undefined ? undefined : parseTissue(o.tissue),
      waterT2: msToSeconds(o.t2Water),
      fatT2: msToSeconds(o.t2Fat),
      waterT1: msToSeconds(o.t1Water),
      fatT1: msToSeconds(o.t1Fat),
    },
    ecc: o.ecc,
    pulses: o.pulses,
    grid: o.grid,
  };
  if (o.pulses !== undefined && o.basis !== undefined) {
    throw new UsageError('--pulses simulates the basis: it does not go with --basis');
  }
  if (o.grid !== undefined && o.pulses === undefined) {
    throw new UsageError('--grid needs --pulses (the ideal engine has no slices)');
  }
  if (!o.out && !o.json) throw new UsageError('fit: give --out DIR and/or --json');
  if (o.water && o.water !== 'auto' && files.length > 1) {
    throw new UsageError(
      '--water FILE works with one input; use --water auto to pair X.RAW with X.H2O in batch mode',
    );
  }
  const render = o.out !== undefined;
  const jobs: AnalysisJob[] = o.series
    ? [{ file: files[0], series: files, options, render }]
    : files.map((file) => ({
        file,
        water: o.water === 'auto' ? pairedWaterFile(file) : o.water,
        options,
        render,
      }));
  return { options, jobs };
}

/** The jobs of a fit request and their results, in job order. */
export interface FitRun {
  jobs: AnalysisJob[];
  results: (AnalysisJobOutput | AnalysisJobFailure)[];
}

/**
 * Runs a fit request over `files`: one job in this thread (with `pulses`, its shaped systems over every core),
 * several on `jobs` worker threads (default: every core, at most one per job), one job per thread at a time.
 * `progress`: a bar on a terminal for batches of 4 or more (logs and pipes keep their one line per file).
 */
export async function runFitRequest(
  files: string[],
  o: FitRequest & { jobs?: number },
  progress = false,
): Promise<FitRun> {
  const { options, jobs } = fitJobs(files, o);
  if (jobs.length === 1) {
    const single = { ...jobs[0], options: { ...options, shapedThreads: availableParallelism() } };
    return { jobs, results: [await runAnalysisJob(o.pulses ? single : jobs[0])] };
  }
  const threads = o.jobs ?? Math.min(availableParallelism(), jobs.length);
  const bar = progress && jobs.length >= 4 && process.stderr.isTTY === true;
  const results = await withProgress(
    'fit',
    jobs.length,
    (p) => runAnalysisJobs(jobs, threads, () => p.tick()),
    {
      quiet: !bar,
      unit: 'files',
    },
  );
  return { jobs, results };
}

/**
 * The failures of a run: the messages of all but the last, and an error with the last one's message and the
 * highest exit code of all (undefined when every job succeeded).
 */
export function fitFailures(results: FitRun['results']): { earlier: string[]; error?: LivermrsError } {
  const failed = results.filter((r): r is AnalysisJobFailure => 'error' in r);
  if (failed.length === 0) return { earlier: [] };
  const error = new LivermrsError(failed[failed.length - 1].error);
  Object.defineProperty(error, 'exitCode', { value: Math.max(...failed.map((f) => f.code)) });
  return { earlier: failed.slice(0, -1).map((f) => f.error), error };
}
