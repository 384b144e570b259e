import cliProgress from 'cli-progress';
import { InterruptedError } from '../core/errors.js';

/**
 * Progress and interruption for long work (simulation, training epochs, batch fits, studies).
 *
 * - On a terminal: a cli-progress bar on stderr (value/total, rate, ETA, a short status such as the loss).
 * - Not on a terminal (CI logs, pipes): one plain line at the start, then at most one line every `intervalMs`,
 *   and a closing line, so logs stay short and readable.
 * - `quiet`: nothing.
 * - Ctrl-C (SIGINT) or SIGTERM: the first signal asks the work to stop; the next `tick()` (or
 *   `throwIfInterrupted()`) throws InterruptedError, which unwinds through `withOutputDir` (staged outputs are
 *   discarded) to the CLI, which exits with 130. A second Ctrl-C exits at once with 130.
 *
 * Usage inside a command:
 *   await withOutputDir(outDir, (out) =>
 *     withProgress('simulate', n, async (p) => {
 *       for (let i = 0; i < n; i++) { out.write(...); p.tick(); }
 *     }, { quiet: opts.quiet }));
 */
export type ProgressMode = 'bar' | 'plain' | 'quiet';

export interface ProgressOptions {
  /** Same as mode 'quiet' (the usual `--quiet` flag). */
  quiet?: boolean;
  /** Default: 'bar' when the stream is a TTY and CI is not set, else 'plain'. */
  mode?: ProgressMode;
  /** Where progress goes (default process.stderr; stdout stays free for results and --json). */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Plain mode: minimum time between lines (default 10 000 ms). */
  intervalMs?: number;
  /** Unit shown after the counts, e.g. 'spectra', 'epochs' (default none). */
  unit?: string;
  /** Install the SIGINT/SIGTERM handler (default true). Tests pass their own `signal` instead. */
  handleSignals?: boolean;
  /** An extra abort signal that interrupts the work like Ctrl-C. */
  signal?: AbortSignal;
  /** Clock (ms), for tests. */
  now?: () => number;
}

export interface Progress {
  /** Advance by `n` (default 1); `status` is a short text such as 'loss 0.013'. Throws when interrupted. */
  tick(n?: number, status?: string): void;
  /** Set the absolute count. Throws when interrupted. */
  update(done: number, status?: string): void;
  /** Change the total (e.g. when it becomes known). */
  setTotal(total: number): void;
  /** Print a line without breaking the bar. */
  log(line: string): void;
  /** True once Ctrl-C (or the abort signal) has asked the work to stop. */
  readonly interrupted: boolean;
  /** Aborted on interruption; pass it to APIs that accept an AbortSignal. */
  readonly signal: AbortSignal;
  throwIfInterrupted(): void;
}

// ---------------------------------------------------------------------------------------------------------
// Process-wide interruption: one handler, shared by nested progress scopes.

let activeScopes = 0;
let controller = new AbortController();
let signalCount = 0;
let interruptMessageStream: NodeJS.WritableStream = process.stderr;

function onSignal(): void {
  signalCount++;
  if (signalCount === 1) {
    interruptMessageStream.write(
      '\nlivermrs: interrupted; stopping after the current step and discarding partial outputs (Ctrl-C again to quit now)\n',
    );
    controller.abort(new InterruptedError('interrupted'));
  } else {
    process.exit(130);
  }
}

function acquireSignals(stream: NodeJS.WritableStream): AbortSignal {
  if (activeScopes === 0) {
    controller = new AbortController();
    signalCount = 0;
    interruptMessageStream = stream;
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  activeScopes++;
  return controller.signal;
}

function releaseSignals(): void {
  activeScopes--;
  if (activeScopes === 0) {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

/** Throws InterruptedError when the process-wide interrupt has fired (for loops without a progress scope). */
export function throwIfInterrupted(): void {
  if (activeScopes > 0 && controller.signal.aborted) throw new InterruptedError('interrupted');
}

// ---------------------------------------------------------------------------------------------------------

export function chooseMode(opts: Pick<ProgressOptions, 'quiet' | 'mode' | 'stream'>): ProgressMode {
  if (opts.quiet) return 'quiet';
  if (opts.mode) return opts.mode;
  const stream = opts.stream ?? process.stderr;
  return stream.isTTY && !process.env.CI ? 'bar' : 'plain';
}

/** "12 s", "3 min 05 s", "1 h 02 min". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m} min ${String(Math.round(seconds - 60 * m)).padStart(2, '0')} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${String(m - 60 * h).padStart(2, '0')} min`;
}

interface Sink {
  start(total: number): void;
  update(done: number, total: number, status: string): void;
  log(line: string): void;
  stop(done: number, total: number, ok: boolean): void;
}

function barSink(label: string, unit: string, stream: NodeJS.WritableStream): Sink {
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total}${unit ? ` ${unit}` : ''} | {duration_formatted} elapsed, ETA {eta_formatted} {status}`,
      stream,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  return {
    start: (total) => bar.start(total, 0, { status: '' }),
    update: (done, total, status) => {
      if (bar.getTotal() !== total) bar.setTotal(total);
      bar.update(done, { status });
    },
    log: (line) => {
      // Clear the bar line, print, and let the next update redraw it.
      stream.write(`\r\x1b[2K${line}\n`);
      bar.render();
    },
    stop: () => bar.stop(),
  };
}

function plainSink(
  label: string,
  unit: string,
  stream: NodeJS.WritableStream,
  intervalMs: number,
  now: () => number,
): Sink {
  const t0 = now();
  let last = t0;
  const u = unit ? ` ${unit}` : '';
  const line = (done: number, total: number, status: string) => {
    const elapsed = (now() - t0) / 1000;
    const pct = total > 0 ? ` (${Math.floor((100 * done) / total)} %)` : '';
    const eta =
      done > 0 && total > done ? `, ~${formatDuration((elapsed * (total - done)) / done)} left` : '';
    return `${label}: ${done}/${total}${u}${pct}, ${formatDuration(elapsed)} elapsed${eta}${status ? `, ${status}` : ''}\n`;
  };
  return {
    start: (total) => stream.write(`${label}: ${total}${u} to do\n`),
    update: (done, total, status) => {
      const t = now();
      if (t - last >= intervalMs) {
        last = t;
        stream.write(line(done, total, status));
      }
    },
    log: (l) => stream.write(`${l}\n`),
    stop: (done, total, ok) => {
      const secs = formatDuration((now() - t0) / 1000);
      stream.write(
        ok
          ? `${label}: done, ${done}/${total}${u} in ${secs}\n`
          : `${label}: stopped at ${done}/${total}${u} after ${secs}\n`,
      );
    },
  };
}

const quietSink: Sink = { start() {}, update() {}, log() {}, stop() {} };

/**
 * Runs `fn` with a progress reporter for `total` steps and process-wide Ctrl-C handling (see the module
 * comment). The reporter is always closed, also when `fn` throws.
 */
export async function withProgress<T>(
  label: string,
  total: number,
  fn: (p: Progress) => Promise<T> | T,
  opts: ProgressOptions = {},
): Promise<T> {
  const stream = opts.stream ?? process.stderr;
  const mode = chooseMode(opts);
  const unit = opts.unit ?? '';
  const sink =
    mode === 'quiet'
      ? quietSink
      : mode === 'bar'
        ? barSink(label, unit, stream)
        : plainSink(label, unit, stream, opts.intervalMs ?? 10_000, opts.now ?? Date.now);
  const handleSignals = opts.handleSignals ?? true;
  const signals: AbortSignal[] = [];
  if (handleSignals) signals.push(acquireSignals(stream));
  if (opts.signal) signals.push(opts.signal);
  const signal = signals.length === 0 ? new AbortController().signal : AbortSignal.any(signals);
  let done = 0;
  let tot = total;
  let ok = false;
  const check = () => {
    if (signal.aborted) throw new InterruptedError('interrupted');
  };
  const progress: Progress = {
    tick(n = 1, status = '') {
      done += n;
      sink.update(done, tot, status);
      check();
    },
    update(d, status = '') {
      done = d;
      sink.update(done, tot, status);
      check();
    },
    setTotal(t) {
      tot = t;
    },
    log: (line) => sink.log(line),
    get interrupted() {
      return signal.aborted;
    },
    signal,
    throwIfInterrupted: check,
  };
  sink.start(tot);
  try {
    const result = await fn(progress);
    ok = true;
    return result;
  } finally {
    sink.stop(done, tot, ok);
    if (handleSignals) releaseSignals();
  }
}
