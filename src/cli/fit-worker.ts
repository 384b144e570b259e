import { parentPort } from 'node:worker_threads';
import { LivermrsError } from '../core/errors.js';
import { type FitJob, runFitJob } from './fit-job.js';

/** Worker thread for batch fitting: receives FitJobs, answers with outputs or an error message and exit code. */
parentPort?.on('message', async (msg: { id: number; job: FitJob }) => {
  try {
    const out = await runFitJob(msg.job);
    parentPort?.postMessage({ id: msg.id, ok: true, out });
  } catch (err) {
    const code = err instanceof LivermrsError ? err.exitCode : 1;
    const message =
      err instanceof LivermrsError ? err.message : `internal error: ${(err as Error)?.message ?? err}`;
    parentPort?.postMessage({ id: msg.id, ok: false, code, message });
  }
});
