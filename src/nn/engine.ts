import { readFileSync } from 'node:fs';
import { InputError, LivermrsError, NumericalError, UsageError } from '../core/errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { decodeNetworkFile, encodeNetworkFile } from './file.js';
import { type LossTermSpec, type ResolvedLoss, resolveLoss } from './loss.js';
import {
  loadAddon,
  type NativeNetwork,
  type NativeTarget,
  type StateTensor,
  toNativeSpec,
} from './native.js';
import { exportOnnx, type OnnxExportOptions } from './onnx/export.js';
import { learningRateAt, type ScheduleSpec, scheduleSchema } from './schedule.js';
import { checkInput, product, type ResolvedLayer, type ResolvedNetwork, resolveNetwork } from './shapes.js';
import { type NetworkSpec, parseWith } from './spec.js';

/**
 * The deep-learning engine: a network described by a {@link NetworkSpec}, trained and run by libtorch through the
 * project's N-API addon. Every compute call (train, evaluate, predict) runs off the event loop and returns a
 * Promise; calls on one network run one at a time in call order.
 *
 * Arrays are passed without copying: do not modify an input or target array until the call's Promise settles.
 *
 * @example
 * const net = createNetwork(spec, { seed: 1, threads: 1 });
 * net.configureTraining({ loss: [{ kind: 'mse', head: 'amp' }], optimizer: { lr: 1e-3 } });
 * const { loss } = await net.trainBatch(x, [64, 2, 1024], { amp: y });
 * const { amp } = await net.predict(x, [64, 2, 1024]);
 */

export interface NetworkOptions {
  /** Seed of the network's own random stream (weight initialisation, dropout). */
  seed: number;
  /** Threads for libtorch's intra-op parallelism (default 1; on a busy 2-core machine 1 often beats 2). */
  threads?: number;
  /** 'cpu' (default) or 'cuda' (needs a CUDA build of libtorch via LIBTORCH_DIR). */
  device?: 'cpu' | 'cuda';
}

export interface OptimizerConfig {
  /** Base learning rate (default 1e-3); the schedule scales it. */
  lr?: number;
  /** AdamW decoupled weight decay (default 1e-2). */
  weightDecay?: number;
  /** Default [0.9, 0.999]. */
  betas?: [number, number];
  /** Default 1e-8. */
  eps?: number;
  /** Also decay biases and normalisation parameters (default false: only weights of rank ≥ 2 decay). */
  decayNormsAndBiases?: boolean;
}

export interface TrainingConfig {
  loss: LossTermSpec[];
  optimizer?: OptimizerConfig;
  /** Learning-rate schedule over optimiser steps (default constant). */
  schedule?: ScheduleSpec;
  /** Clip the global gradient norm to this value (default: no clipping). */
  clipGradNorm?: number;
}

/** Total weighted loss and the value of each term, keyed by the term's label (its name, else its head). */
export interface LossValue {
  loss: number;
  perHead: Record<string, number>;
}

export interface PredictOptions {
  /** Samples per forward pass (default 256). */
  batchSize?: number;
}

export interface McDropoutOptions extends PredictOptions {
  /** Forward passes with dropout active (default 30). */
  passes?: number;
}

/** Per-head mean and standard deviation over Monte Carlo dropout passes. */
export interface McDropoutResult {
  mean: Record<string, Float32Array>;
  std: Record<string, Float32Array>;
}

interface ActiveTraining {
  loss: ResolvedLoss;
  lr: number;
  schedule: ScheduleSpec;
}

function positiveInteger(value: number | undefined, fallback: number, what: string): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1)
    throw new UsageError(`${what} must be a positive integer (got ${value})`);
  return v;
}

/** Maps an addon error (with its code) to a livermrs error. */
function fromNative(err: unknown, what: string): Error {
  const e = err as Error & { code?: string };
  if (e?.code === 'nonfinite') return new NumericalError(`${what}: ${e.message}`, { cause: err });
  if (e?.code === 'invalid') return new InputError(`${what}: ${e.message}`, {}, { cause: err });
  if (e instanceof LivermrsError) return e;
  return new LivermrsError(`${what}: libtorch: ${e?.message ?? String(err)}`, { cause: err });
}

export class Network {
  /** The validated spec with every layer's shapes resolved. */
  readonly resolved: ResolvedNetwork;
  /** Free-form metadata (preprocessing etc.) read from a network file, written again by {@link save}. */
  metadata: Record<string, unknown> = {};
  private readonly native: NativeNetwork;
  private training?: ActiveTraining;
  private steps = 0;
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  private constructor(resolved: ResolvedNetwork, native: NativeNetwork) {
    this.resolved = resolved;
    this.native = native;
  }

  /** @internal use {@link createNetwork}. */
  static build(spec: unknown, options: NetworkOptions, source?: string): Network {
    const resolved = resolveNetwork(spec, source);
    if (!Number.isSafeInteger(options?.seed) || options.seed < 0) {
      throw new UsageError(`seed must be a non-negative integer (got ${options?.seed})`);
    }
    const threads = positiveInteger(options.threads, 1, 'threads');
    const device = options.device ?? 'cpu';
    if (device !== 'cpu' && device !== 'cuda')
      throw new UsageError(`device must be 'cpu' or 'cuda' (got ${device})`);
    const addon = loadAddon();
    let native: NativeNetwork;
    try {
      native = new addon.NativeNetwork(toNativeSpec(resolved), options.seed, threads, device);
    } catch (err) {
      throw fromNative(err, 'createNetwork');
    }
    return new Network(resolved, native);
  }

  get spec(): NetworkSpec {
    return this.resolved.spec;
  }

  /** `[channels, length]` of one input sample. */
  get inputShape(): [number, number] {
    return this.resolved.inputShape;
  }

  /** Output shape of each head, without the batch dimension. */
  get outputShapes(): Record<string, number[]> {
    return Object.fromEntries(this.resolved.heads.map((h) => [h.name, h.outShape]));
  }

  get parameterCount(): number {
    return this.resolved.parameterCount;
  }

  /** Optimiser steps taken since the last {@link configureTraining}. */
  get step(): number {
    return this.steps;
  }

  setThreads(threads: number): void {
    this.native.setThreads(positiveInteger(threads, 1, 'threads'));
  }

  /** Sets the loss, optimiser (fresh AdamW state), schedule and clipping; resets the step counter. */
  configureTraining(config: TrainingConfig): void {
    if (this.parameterCount === 0) throw new UsageError('the network has no trainable parameters');
    const loss = resolveLoss(config?.loss, this.resolved);
    const o = config.optimizer ?? {};
    const [beta1, beta2] = o.betas ?? [0.9, 0.999];
    const lr = o.lr ?? 1e-3;
    const checks: [string, number, boolean][] = [
      ['optimizer.lr', lr, lr > 0],
      ['optimizer.weightDecay', o.weightDecay ?? 0, (o.weightDecay ?? 0) >= 0],
      ['optimizer.betas[0]', beta1, beta1 >= 0 && beta1 < 1],
      ['optimizer.betas[1]', beta2, beta2 >= 0 && beta2 < 1],
      ['optimizer.eps', o.eps ?? 1e-8, (o.eps ?? 1e-8) > 0],
      ['clipGradNorm', config.clipGradNorm ?? 0, (config.clipGradNorm ?? 0) >= 0],
    ];
    for (const [field, value, ok] of checks) {
      if (!ok || !Number.isFinite(value))
        throw new InputError(`${value} is out of range`, { file: 'training config', field });
    }
    const schedule = parseWith(
      scheduleSchema,
      config.schedule ?? { kind: 'constant' },
      'training config',
      'schedule.',
    );
    const optimizer = {
      lr,
      beta1,
      beta2,
      eps: o.eps ?? 1e-8,
      weightDecay: o.weightDecay ?? 1e-2,
      decayAll: o.decayNormsAndBiases ?? false,
      clipGradNorm: config.clipGradNorm ?? 0,
    };
    try {
      this.native.configureOptimizer(optimizer);
    } catch (err) {
      throw fromNative(err, 'configureTraining');
    }
    this.training = { loss, lr, schedule };
    this.steps = 0;
  }

  /** Learning rate of the next optimiser step. */
  get learningRate(): number {
    if (!this.training) return Number.NaN;
    return learningRateAt(this.training.schedule, this.training.lr, this.steps);
  }

  /**
   * One optimiser step on one batch. `x` is `[batch, channels, length]`; `targets` maps each target the loss
   * reads to an array of `[batch, ...headShape]` (extra keys are ignored).
   */
  trainBatch(
    x: Float32Array,
    shape: readonly number[],
    targets: Record<string, Float32Array>,
  ): Promise<LossValue> {
    return this.compute(
      () => `trainBatch (step ${this.steps})`,
      x,
      shape,
      async (batch) => {
        const training = this.requireTraining();
        if (batch < 2 && hasLayer(this.resolved, 'batchnorm1d')) {
          throw new InputError('a training batch of 1 sample has no batch statistics', {
            expected: 'at least 2 samples (the network has batch norm)',
          });
        }
        const native = this.nativeTargets(training.loss, targets, batch);
        const lr = learningRateAt(training.schedule, training.lr, this.steps);
        const r = await this.native.trainBatch(x, [...shape], native, training.loss.terms, lr);
        this.steps++;
        return this.lossValue(training.loss, r);
      },
    );
  }

  /** The training loss in eval mode (dropout off, batch-norm running statistics) over all samples. */
  evaluate(
    x: Float32Array,
    shape: readonly number[],
    targets: Record<string, Float32Array>,
    options: PredictOptions = {},
  ): Promise<LossValue> {
    return this.compute('evaluate', x, shape, async (batch) => {
      const training = this.requireTraining();
      const native = this.nativeTargets(training.loss, targets, batch);
      const batchSize = positiveInteger(options.batchSize, 256, 'batchSize');
      const r = await this.native.evaluate(x, [...shape], native, training.loss.terms, batchSize);
      return this.lossValue(training.loss, r);
    });
  }

  /** Outputs of every head, each `[batch, ...headShape]` flattened, in eval mode. */
  predict(
    x: Float32Array,
    shape: readonly number[],
    options: PredictOptions = {},
  ): Promise<Record<string, Float32Array>> {
    return this.compute('predict', x, shape, () =>
      this.native.predict(x, [...shape], positiveInteger(options.batchSize, 256, 'batchSize')),
    );
  }

  /**
   * Monte Carlo dropout (Gal & Ghahramani, ICML 2016): `passes` forward passes with dropout active and batch norm
   * in eval mode; per head the mean and the standard deviation over passes, an estimate of model uncertainty.
   */
  predictMcDropout(
    x: Float32Array,
    shape: readonly number[],
    options: McDropoutOptions = {},
  ): Promise<McDropoutResult> {
    return this.compute('predictMcDropout', x, shape, () => {
      if (!hasLayer(this.resolved, 'dropout')) {
        throw new UsageError('the network has no dropout layer, so every pass would be the same');
      }
      const passes = positiveInteger(options.passes, 30, 'passes');
      const batchSize = positiveInteger(options.batchSize, 256, 'batchSize');
      return this.native.predictMcDropout(x, [...shape], passes, batchSize);
    });
  }

  /** Copies of all parameters and buffers (batch-norm running statistics), by module path. */
  getState(): StateTensor[] {
    return this.native.getState();
  }

  /** Replaces all parameters and buffers; nothing changes unless every tensor's name and shape fit. */
  setState(state: readonly StateTensor[]): void {
    try {
      this.native.setState([...state]);
    } catch (err) {
      throw fromNative(err, 'setState');
    }
  }

  /** The network file bytes: spec, weights and metadata (see src/nn/file.ts). */
  toBytes(metadata: Record<string, unknown> = this.metadata): Uint8Array {
    return encodeNetworkFile({ spec: this.spec, metadata: jsonOnly(metadata), state: this.getState() });
  }

  /** Writes spec, weights and metadata to one file, atomically. */
  save(path: string, metadata: Record<string, unknown> = this.metadata): void {
    writeFileAtomic(path, this.toBytes(metadata));
  }

  /** The ONNX model bytes (see src/nn/onnx/export.ts); the metadata goes into its metadata_props. */
  toOnnx(options: OnnxExportOptions = {}): Uint8Array {
    return exportOnnx(this.resolved, this.getState(), { metadata: this.metadata, ...options });
  }

  /** Writes the ONNX model, atomically. */
  exportOnnx(path: string, options: OnnxExportOptions = {}): void {
    writeFileAtomic(path, this.toOnnx(options));
  }

  private requireTraining(): ActiveTraining {
    if (!this.training)
      throw new UsageError('configureTraining must be called before training or evaluating');
    return this.training;
  }

  private nativeTargets(
    loss: ResolvedLoss,
    targets: Record<string, Float32Array>,
    batch: number,
  ): Record<string, NativeTarget> {
    const out: Record<string, NativeTarget> = {};
    for (const [name, headShape] of loss.targets) {
      const data = targets?.[name];
      if (!(data instanceof Float32Array))
        throw new InputError(`target '${name}' is missing or not a Float32Array`);
      const shape = [batch, ...headShape];
      if (data.length !== product(shape)) {
        throw new InputError(`target '${name}' has ${data.length} values`, {
          expected: `${product(shape)} for shape [${shape.join(', ')}]`,
        });
      }
      out[name] = { data, shape };
    }
    return out;
  }

  private lossValue(loss: ResolvedLoss, r: { loss: number; terms: number[] }): LossValue {
    return { loss: r.loss, perHead: Object.fromEntries(loss.labels.map((l, i) => [l, r.terms[i]])) };
  }

  /**
   * A compute call: queued behind earlier calls, the input checked against the network, addon errors mapped to
   * livermrs errors naming `what`.
   */
  private compute<T>(
    what: string | (() => string),
    x: Float32Array,
    shape: readonly number[],
    fn: (batch: number) => Promise<T>,
  ): Promise<T> {
    return this.enqueue(async () => {
      const batch = checkInput(this.resolved, x, shape);
      try {
        return await fn(batch);
      } catch (err) {
        throw fromNative(err, typeof what === 'string' ? what : what());
      }
    });
  }

  /**
   * Runs calls on this network one at a time, in call order. An idle network starts the call synchronously, so
   * the addon has the work before the caller's next statement runs (e.g. producing the next batch).
   */
  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.pending === 0 ? fn() : this.tail.then(fn, fn);
    this.pending++;
    const settled = () => {
      this.pending--;
    };
    this.tail = run.then(settled, settled);
    return run;
  }
}

function hasLayer(net: ResolvedNetwork, type: ResolvedLayer['type']): boolean {
  const any = (layers: ResolvedLayer[]): boolean =>
    layers.some((l) => l.type === type || (l.type === 'residual' && (any(l.body) || any(l.projection))));
  return any(net.trunk) || net.heads.some((h) => any(h.layers));
}

function jsonOnly(metadata: Record<string, unknown>): Record<string, unknown> {
  try {
    return JSON.parse(JSON.stringify(metadata)) as Record<string, unknown>;
  } catch (err) {
    throw new InputError(`metadata cannot be written as JSON (${(err as Error).message})`);
  }
}

/** A new network with freshly initialised weights (PyTorch's default initialisation, from `options.seed`). */
export function createNetwork(spec: NetworkSpec, options: NetworkOptions): Network {
  return Network.build(spec, options);
}

/** A network from network-file bytes (spec, weights, metadata); `source` names the file in errors. */
export function networkFromBytes(
  bytes: Uint8Array,
  options: Partial<NetworkOptions> = {},
  source = 'network file',
): Network {
  const file = decodeNetworkFile(bytes, source);
  const net = Network.build(file.spec, { seed: 0, ...options }, source);
  try {
    net.setState(file.state);
  } catch (err) {
    throw new InputError(
      `weights do not fit the spec (${(err as Error).message})`,
      { file: source },
      { cause: err },
    );
  }
  net.metadata = file.metadata;
  return net;
}

/** Loads a network saved by {@link Network.save}. */
export function loadNetwork(path: string, options: Partial<NetworkOptions> = {}): Network {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new InputError(`cannot read (${(err as Error).message})`, { file: path }, { cause: err });
  }
  return networkFromBytes(bytes, options, path);
}
