import { parentPort, workerData } from 'node:worker_threads';
import { type FitSetup, fitBlock } from './fit-pool.js';

/** Worker thread of FitPool: prepares one Fitter, then fits the blocks of FIDs it is sent. */
const run = fitBlock(workerData as FitSetup);

parentPort?.on('message', (msg: { id: number; fids: Float64Array; count: number }) => {
  try {
    parentPort?.postMessage({ id: msg.id, fits: run(msg.fids, msg.count) });
  } catch (err) {
    parentPort?.postMessage({ id: msg.id, error: (err as Error).message });
  }
});
