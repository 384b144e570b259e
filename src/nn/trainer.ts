import { InterruptedError, UsageError } from '../core/errors.js';
import type { LossValue, Network } from './engine.js';
import type { StateTensor } from './native.js';

/**
 * Epoch loop over a batch source with early stopping on a validation set. While libtorch trains one batch (off the
 * event loop), the next batch is already being requested from the source, so a generator that simulates spectra on
 * the main thread, or one that waits on worker threads, overlaps with training.
 */

export interface Batch {
  x: Float32Array;
  /** `[batch, channels, length]`. */
  shape: readonly number[];
  targets: Record<string, Float32Array>;
}

export interface EpochReport {
  /** 0-based. */
  epoch: number;
  /** Mean training loss over the epoch's batches (weighted by batch size). */
  trainLoss: number;
  /** Validation loss in eval mode, if a validation set was given. */
  validationLoss?: number;
  /** Validation loss terms (else training terms), by label. */
  perHead: Record<string, number>;
  /** Learning rate of the last step of the epoch. */
  lr: number;
  batches: number;
  seconds: number;
  /** This epoch has the best validation loss so far. */
  best: boolean;
}

export interface TrainOptions {
  epochs: number;
  /** The batches of one epoch; called once per epoch (e.g. with a fresh seed per epoch). */
  batches: (epoch: number) => Iterable<Batch> | AsyncIterable<Batch>;
  validation?: Batch;
  /** Stop after this many epochs without a validation improvement larger than `minDelta` (default: never). */
  patience?: number;
  minDelta?: number;
  /** Put back the weights of the best validation epoch at the end (default true with a validation set). */
  restoreBest?: boolean;
  onEpoch?: (report: EpochReport) => void;
  onBatch?: (info: { epoch: number; batch: number; loss: LossValue }) => void;
  /** Aborting stops after the current batch and throws InterruptedError. */
  signal?: AbortSignal;
}

export interface TrainResult {
  history: EpochReport[];
  /** Epoch with the lowest validation loss (the last epoch without a validation set). */
  bestEpoch: number;
  bestValidationLoss?: number;
  stoppedEarly: boolean;
}

function iterate(source: Iterable<Batch> | AsyncIterable<Batch>): AsyncIterator<Batch> | Iterator<Batch> {
  const asyncIt = (source as AsyncIterable<Batch>)[Symbol.asyncIterator];
  return asyncIt ? asyncIt.call(source) : (source as Iterable<Batch>)[Symbol.iterator]();
}

/** Trains `net` (already given its loss and optimiser with configureTraining). */
export async function trainNetwork(net: Network, options: TrainOptions): Promise<TrainResult> {
  if (!Number.isInteger(options.epochs) || options.epochs < 1) {
    throw new UsageError(`epochs must be a positive integer (got ${options.epochs})`);
  }
  const history: EpochReport[] = [];
  const minDelta = options.minDelta ?? 0;
  const restoreBest = options.restoreBest ?? options.validation !== undefined;
  let best = Number.POSITIVE_INFINITY;
  let bestEpoch = -1;
  let bestState: StateTensor[] | undefined;
  let stale = 0;
  let stoppedEarly = false;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const started = performance.now();
    const it = iterate(options.batches(epoch));
    let sum = 0;
    let samples = 0;
    let batches = 0;
    let terms: Record<string, number> = {};
    let next = Promise.resolve(it.next());
    for (;;) {
      const r = await next;
      if (r.done) break;
      if (options.signal?.aborted) throw new InterruptedError('training interrupted');
      const training = net.trainBatch(r.value.x, r.value.shape, r.value.targets);
      next = Promise.resolve(it.next()); // produce the next batch while this one trains
      const loss = await training;
      const n = r.value.shape[0];
      sum += loss.loss * n;
      samples += n;
      terms = loss.perHead;
      options.onBatch?.({ epoch, batch: batches, loss });
      batches++;
    }
    if (batches === 0) throw new UsageError(`epoch ${epoch}: the batch source gave no batches`);
    let validationLoss: number | undefined;
    if (options.validation) {
      const v = await net.evaluate(
        options.validation.x,
        options.validation.shape,
        options.validation.targets,
      );
      validationLoss = v.loss;
      terms = v.perHead;
    }
    const score = validationLoss ?? sum / samples;
    const improved = score < best - minDelta;
    if (improved || bestEpoch < 0) {
      best = Math.min(best, score);
      bestEpoch = epoch;
      stale = 0;
      if (restoreBest) bestState = net.getState();
    } else {
      stale++;
    }
    const report: EpochReport = {
      epoch,
      trainLoss: sum / samples,
      validationLoss,
      perHead: terms,
      lr: net.learningRate,
      batches,
      seconds: (performance.now() - started) / 1000,
      best: bestEpoch === epoch,
    };
    history.push(report);
    options.onEpoch?.(report);
    if (options.patience !== undefined && options.validation && stale >= options.patience) {
      stoppedEarly = epoch < options.epochs - 1;
      break;
    }
  }
  if (restoreBest && bestState) net.setState(bestState);
  return {
    history,
    bestEpoch: options.validation ? bestEpoch : history.length - 1,
    bestValidationLoss: options.validation ? best : undefined,
    stoppedEarly,
  };
}
