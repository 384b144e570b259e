import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Transferable, Worker } from 'node:worker_threads';
import { LivermrsError } from '../core/errors.js';

/**
 * What a worker thread does: `run` answers one job; `transfer` names the buffers of a result that move to the
 * calling thread instead of being copied. A task module exports `createTask(setup)` returning one (the setup is
 * plain data, structured-cloned into each thread; the task is built once per thread).
 */
export interface WorkerTask<Job, Result> {
  run(job: Job): Result | Promise<Result>;
  transfer?(result: Result): Transferable[];
}

/** The shape of a task module, for `satisfies` checks in the modules that define one. */
export type TaskFactory<Setup, Job, Result> = (
  setup: Setup,
) => WorkerTask<Job, Result> | Promise<WorkerTask<Job, Result>>;

/** What parallel/worker.ts receives as workerData. */
export interface WorkerBoot {
  /** URL of the task module (.js from dist, .ts from the sources). */
  task: string;
  setup: unknown;
  /** The setup comes later, as the first message (the pool was started before it was ready). */
  deferred?: boolean;
}

/**
 * URL of the module `name` (without extension) next to the caller: the .ts file when the caller runs from the
 * TypeScript sources (tests), the .js file from dist.
 */
export function siblingModule(callerUrl: string, name: string): string {
  return new URL(`./${name}${callerUrl.endsWith('.ts') ? '.ts' : '.js'}`, callerUrl).href;
}

/** Starts a worker thread on parallel/worker (the one worker entry), which builds its task from `boot`. */
function startWorker(boot: WorkerBoot): Worker {
  return startModuleWorker(import.meta.url, 'worker', boot);
}

/**
 * Starts a worker thread on the module `name` (without extension) next to the caller. From the TypeScript sources
 * (tests) the thread first loads tsx's ESM API and imports the .ts entry through it (Node 20 cannot load .ts
 * itself, and `--import tsx` does not reach worker threads). For workers that keep their own state between
 * messages (the shaped-pulse engine's propagators), which the task pool's any-worker scheduling does not suit.
 */
export function startModuleWorker(callerUrl: string, name: string, workerData: unknown): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, callerUrl), { workerData });
  const entry = new URL(`./${name}.ts`, callerUrl).href;
  const code = `import(${JSON.stringify(tsxApi())}).then((m) => m.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}))`;
  return new Worker(code, { eval: true, workerData });
}

/** file: URL of tsx's ESM API (tsx/esm/api; tsx is a dev dependency, used only when running the .ts sources). */
export function tsxApi(): string {
  const tsxDir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  return pathToFileURL(join(tsxDir, 'dist', 'esm', 'api', 'index.mjs')).href;
}

export interface WorkerPoolOptions<Job, Result> {
  /** URL of the task module (see siblingModule). */
  task: string;
  /**
   * Plain data each thread builds its task from. A promise starts the threads at once, to load their code while
   * the caller prepares the setup; jobs wait for it.
   */
  setup: unknown;
  /** Worker threads; 0 runs the jobs in the calling thread with `local`. */
  threads: number;
  /** The task for threads = 0 (built by the caller from the same module, so both paths run the same code). */
  local?: (setup: unknown) => WorkerTask<Job, Result>;
  /** Jobs a worker holds at once (default 1). With 2, the next job is already in its queue when it finishes one,
   * so it never waits for a busy main thread to send more. */
  jobsPerWorker?: number;
  /** Names the pool in its errors ("simulation worker: …"). */
  name: string;
}

interface Reply<Result> {
  id: number;
  result?: Result;
  error?: string;
}

/**
 * Runs jobs on worker threads. Jobs are handed out in submission order, each to the worker with the fewest
 * jobs, up to `jobsPerWorker` per worker; results arrive as promises, in any order. Idle workers do not keep
 * the process alive. A worker that crashes fails every pending job.
 */
export class WorkerPool<Job, Result> {
  readonly threads: number;
  private readonly name: string;
  private readonly perWorker: number;
  private readonly workers: Worker[] = [];
  /** Jobs sent to each worker and not yet answered. */
  private readonly load: number[] = [];
  private readonly waiting: { msg: { id: number; job: Job }; transfer: Transferable[] }[] = [];
  private readonly pending = new Map<number, { resolve: (r: Result) => void; reject: (e: Error) => void }>();
  private local?: WorkerTask<Job, Result> | Promise<WorkerTask<Job, Result>>;
  /** Jobs wait while a deferred setup is on its way. */
  private held = false;
  private setupError?: Error;
  private nextId = 0;
  private closed = false;

  constructor(o: WorkerPoolOptions<Job, Result>) {
    this.name = o.name;
    this.perWorker = Math.max(1, o.jobsPerWorker ?? 1);
    this.threads = Math.max(0, Math.floor(o.threads));
    const deferred = o.setup instanceof Promise;
    if (this.threads === 0) {
      const local = o.local;
      if (!local) throw new LivermrsError(`${o.name} pool: no worker threads and no local task`);
      this.local = deferred ? (o.setup as Promise<unknown>).then(local) : local(o.setup);
      return;
    }
    const boot: WorkerBoot = { task: o.task, setup: deferred ? undefined : o.setup, deferred };
    if (deferred) {
      this.held = true;
      (o.setup as Promise<unknown>).then(
        (setup) => {
          if (this.closed) return;
          for (const w of this.workers) w.postMessage({ setup });
          this.held = false;
          this.dispatch();
        },
        (err) => {
          this.setupError = err instanceof Error ? err : new LivermrsError(String(err));
          this.failAll(this.setupError);
        },
      );
    }
    for (let t = 0; t < this.threads; t++) {
      const w = startWorker(boot);
      w.on('message', (msg: Reply<Result>) => this.onMessage(t, msg));
      w.on('error', (err) => this.failAll(err));
      w.unref();
      this.workers.push(w);
      this.load.push(0);
    }
  }

  /** Runs a job; resolves with its result. `transfer` lists buffers of the job to move into the worker. */
  run(job: Job, transfer: Transferable[] = []): Promise<Result> {
    if (this.closed) return Promise.reject(new LivermrsError(`${this.name} pool is closed`));
    if (this.setupError) return Promise.reject(this.setupError);
    const local = this.local;
    if (local) {
      if (local instanceof Promise) return local.then((t) => t.run(job));
      try {
        return Promise.resolve(local.run(job));
      } catch (err) {
        return Promise.reject(err);
      }
    }
    const id = this.nextId++;
    const p = new Promise<Result>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.waiting.push({ msg: { id, job }, transfer });
    this.dispatch();
    return p;
  }

  /** Stops the workers; pending jobs are rejected. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.failAll(new LivermrsError(`${this.name} pool closed`));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private dispatch(): void {
    while (!this.held && this.waiting.length > 0) {
      let t = 0;
      for (let u = 1; u < this.workers.length; u++) if (this.load[u] < this.load[t]) t = u;
      if (this.load[t] >= this.perWorker) return;
      if (this.load[t]++ === 0) this.workers[t].ref();
      const { msg, transfer } = this.waiting.shift()!;
      this.workers[t].postMessage(msg, transfer);
    }
  }

  private onMessage(t: number, msg: Reply<Result>): void {
    const p = this.pending.get(msg.id);
    this.pending.delete(msg.id);
    if (--this.load[t] === 0) this.workers[t].unref();
    this.dispatch();
    if (!p) return;
    if (msg.error !== undefined) p.reject(new LivermrsError(`${this.name} worker: ${msg.error}`));
    else p.resolve(msg.result as Result);
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    this.waiting.length = 0;
  }
}
