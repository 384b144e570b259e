import { LivermrsError } from '../core/errors.js';
import { siblingModule, WorkerPool, type WorkerTask } from '../parallel/pool.js';
import { analyseFile, analyseSeries } from './analyse-file.js';
import type { AnalysisOptions } from './options.js';
import { resultsJson, resultsJsonFile } from './results-json.js';

/**
 * analyseFile over many files, on worker threads (one file per thread at a time): each job returns its output
 * files as text and its results.json object, or its error, so one bad file does not stop the others. The jobs
 * are plain data (they cross threads); a job's options carry no shaped-pulse solver.
 */
export interface AnalysisJob {
  file: string;
  /** Several files that are one multi-echo series (fitted jointly); `file` is then a label. */
  series?: string[];
  water?: string;
  options: AnalysisOptions;
  /** false: no output files (only the results object), e.g. for `fit --json` without --out. Default true. */
  render?: boolean;
}

export interface AnalysisJobOutput {
  file: string;
  files: Record<string, string>;
  summary: Record<string, unknown>;
}

/** A failed job of a batch: its message and exit code. */
export interface AnalysisJobFailure {
  file: string;
  error: string;
  code: number;
}

/** One job: analyse, then render the output files (the report code loads only when files are rendered). */
export async function runAnalysisJob(job: AnalysisJob): Promise<AnalysisJobOutput> {
  const options = { ...job.options, water: job.water };
  const result = job.series
    ? await analyseSeries(job.series, options, job.file)
    : await analyseFile(job.file, options);
  // Rendered, results.json is checked against its schema as it is written; the object alone (`fit --json`) too.
  const files = job.render === false ? {} : (await import('./outputs.js')).analysisFiles(result);
  if (job.render === false) resultsJsonFile(result);
  return { file: job.file, files, summary: resultsJson(result) };
}

/** The task of a batch worker thread (parallel/pool.ts): runs jobs, answering with the outputs or the failure. */
export function createTask(): WorkerTask<AnalysisJob, AnalysisJobOutput | AnalysisJobFailure> {
  return {
    run: async (job) => {
      try {
        return await runAnalysisJob(job);
      } catch (err) {
        const code = err instanceof LivermrsError ? err.exitCode : 1;
        const error =
          err instanceof LivermrsError ? err.message : `internal error: ${(err as Error)?.message ?? err}`;
        return { file: job.file, error, code };
      }
    },
  };
}

/** Runs the jobs on `threads` worker threads; results in job order. `onDone` is called as each job ends. */
export async function runAnalysisJobs(
  jobs: AnalysisJob[],
  threads: number,
  onDone?: () => void,
): Promise<(AnalysisJobOutput | AnalysisJobFailure)[]> {
  const pool = new WorkerPool<AnalysisJob, AnalysisJobOutput | AnalysisJobFailure>({
    task: siblingModule(import.meta.url, 'batch'),
    setup: undefined,
    threads: Math.max(1, Math.min(threads, jobs.length)),
    name: 'fit',
  });
  try {
    return await Promise.all(
      jobs.map((job) =>
        pool.run(job).then((r) => {
          onDone?.();
          return r;
        }),
      ),
    );
  } finally {
    await pool.close();
  }
}
