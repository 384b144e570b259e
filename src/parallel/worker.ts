import { parentPort, type Transferable, workerData } from 'node:worker_threads';
import { type TaskFactory, tsxApi, type WorkerBoot } from './pool.js';

/**
 * The one worker-thread entry of WorkerPool: imports the task module named in workerData, builds its task from
 * the setup once, then answers jobs as they come ({ id, result } or { id, error }). Messages sent while the
 * task is being built wait in the port.
 */
const boot = workerData as WorkerBoot;
// From the TypeScript sources the task module is a .ts file, loaded through tsx like this entry was.
const mod = (
  boot.task.endsWith('.ts')
    ? await (await import(tsxApi())).tsImport(boot.task, import.meta.url)
    : await import(boot.task)
) as { createTask: TaskFactory<unknown, unknown, unknown> };
const task = await mod.createTask(boot.setup);

parentPort?.on('message', async (msg: { id: number; job: unknown }) => {
  try {
    const result = await task.run(msg.job);
    parentPort?.postMessage({ id: msg.id, result }, (task.transfer?.(result) ?? []) as Transferable[]);
  } catch (err) {
    parentPort?.postMessage({ id: msg.id, error: (err as Error)?.message ?? String(err) });
  }
});
