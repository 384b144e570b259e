/**
 * Worker threads: one pool (WorkerPool, least-loaded dispatch, idle workers unref'd) and one worker entry
 * (worker.ts, not re-exported: it runs on import) that loads a task module's createTask(setup). Simulation, the
 * study's NLLS fits and batch `fit` all run on it. progress.ts reports long work (a bar on a terminal, plain lines
 * in logs) and turns Ctrl-C into an InterruptedError that stops it between steps.
 */
export * from './pool.js';
export * from './progress.js';
