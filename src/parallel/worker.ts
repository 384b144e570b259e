import { parentPort, type Transferable, workerData } from 'node:worker_threads';
import { type TaskFactory, tsxApi, type WorkerBoot, type WorkerTask } from './pool.js';

/**
 * The one worker-thread entry of WorkerPool: imports the task module named in workerData, builds its task from
 * the setup once, then answers jobs as they come ({ id, result } or { id, error }). The setup is in workerData,
 * or, for a pool started before its setup was ready, the first message ({ setup }): the thread loads its code
 * meanwhile. Jobs that arrive before the task is built wait for it, in order.
 */
const boot = workerData as WorkerBoot;
let provide: (setup: unknown) => void = () => {};
const setup = boot.deferred
  ? new Promise<unknown>((resolve) => (provide = resolve))
  : Promise.resolve(boot.setup);
const task: Promise<WorkerTask<unknown, unknown>> = (async () => {
  // From the TypeScript sources the task module is a .ts file, loaded through tsx like this entry was.
  const mod = (
    boot.task.endsWith('.ts')
      ? await (await import(tsxApi())).tsImport(boot.task, import.meta.url)
      : await import(boot.task)
  ) as { createTask: TaskFactory<unknown, unknown, unknown> };
  return mod.createTask(await setup);
})();
task.catch(() => {}); // reported to each job below

parentPort?.on('message', async (msg: { id: number; job: unknown } | { setup: unknown }) => {
  if ('setup' in msg) {
    provide(msg.setup);
    return;
  }
  try {
    const t = await task;
    const result = await t.run(msg.job);
    parentPort?.postMessage({ id: msg.id, result }, (t.transfer?.(result) ?? []) as Transferable[]);
  } catch (err) {
    parentPort?.postMessage({ id: msg.id, error: (err as Error)?.message ?? String(err) });
  }
});
