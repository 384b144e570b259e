import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LivermrsError } from '../core/errors.js';
import type { NativeLossTerm } from './loss.js';
import type { ResolvedLayer, ResolvedNetwork } from './shapes.js';

/**
 * Loading the libtorch addon (native/, built by `npm run build:native`) and the shapes of what crosses into it.
 * Only this module knows the addon exists; everything else talks to {@link Network}.
 */

/** One layer as the addon reads it: options sorted by type into integer, real and text maps. */
export interface NativeLayer {
  type: string;
  ints?: Record<string, number>;
  reals?: Record<string, number>;
  text?: Record<string, string>;
  shape?: number[];
  body?: NativeLayer[];
  projection?: NativeLayer[];
}

export interface NativeSpec {
  trunk: NativeLayer[];
  heads: { name: string; layers: NativeLayer[] }[];
}

export interface NativeTarget {
  data: Float32Array;
  shape: number[];
}

export interface NativeLossResult {
  loss: number;
  terms: number[];
}

/** A tensor of the network's state: a parameter or a buffer (batch-norm running statistics). */
export interface StateTensor {
  /** Module path and name, e.g. `trunk.0.weight`, `trunk.1.running_mean`. */
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface NativeOptimizer {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  decayAll: boolean;
  clipGradNorm: number;
}

export interface NativeNetwork {
  setThreads(threads: number): void;
  configureOptimizer(options: NativeOptimizer): void;
  trainBatch(
    x: Float32Array,
    shape: number[],
    targets: Record<string, NativeTarget>,
    loss: NativeLossTerm[],
    lr: number,
  ): Promise<NativeLossResult>;
  evaluate(
    x: Float32Array,
    shape: number[],
    targets: Record<string, NativeTarget>,
    loss: NativeLossTerm[],
    batchSize: number,
  ): Promise<NativeLossResult>;
  predict(x: Float32Array, shape: number[], batchSize: number): Promise<Record<string, Float32Array>>;
  predictMcDropout(
    x: Float32Array,
    shape: number[],
    passes: number,
    batchSize: number,
  ): Promise<{ mean: Record<string, Float32Array>; std: Record<string, Float32Array> }>;
  getState(): StateTensor[];
  setState(state: StateTensor[]): void;
  parameterCount(): number;
}

export interface NativeAddon {
  NativeNetwork: new (spec: NativeSpec, seed: number, threads: number, device: string) => NativeNetwork;
  runtimeInfo(): Record<string, string>;
}

const ADDON = join('native', 'build', 'Release', 'livermrs_torch.node');
let addon: NativeAddon | undefined;

/** The package root: the nearest ancestor of this module holding native/binding.gyp (works from src/ and dist/). */
function packageRoot(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'native', 'binding.gyp'))) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/**
 * The addon, loaded on first use (so importing livermrs never needs libtorch). `LIVERMRS_TORCH_ADDON` may name
 * the .node file explicitly. OpenBLAS, if that is libtorch's BLAS, is kept to one thread (it reads the variable
 * when the library loads).
 */
export function loadAddon(): NativeAddon {
  if (addon) return addon;
  const root = packageRoot();
  const path = process.env.LIVERMRS_TORCH_ADDON ?? (root ? join(root, ADDON) : ADDON);
  if (!existsSync(path)) {
    throw new LivermrsError(
      `the libtorch engine is not built (${path} is missing): run 'npm run build' (needs libtorch: docs/engine.md)`,
    );
  }
  process.env.OPENBLAS_NUM_THREADS ??= '1';
  try {
    addon = createRequire(import.meta.url)(path) as NativeAddon;
  } catch (err) {
    throw new LivermrsError(`cannot load the libtorch engine ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return addon;
}

/** libtorch version, thread settings, oneDNN and CUDA availability of the loaded engine. */
export function engineInfo(): Record<string, string> {
  return loadAddon().runtimeInfo();
}

/** The addon's view of a resolved layer. */
export function toNativeLayer(l: ResolvedLayer): NativeLayer {
  switch (l.type) {
    case 'conv1d':
      return {
        type: l.type,
        ints: {
          in: l.inChannels,
          out: l.outChannels,
          kernel: l.kernel,
          stride: l.stride,
          padding: l.padding,
          dilation: l.dilation,
          groups: l.groups,
          bias: l.bias ? 1 : 0,
        },
      };
    case 'batchnorm1d':
      return { type: l.type, ints: { features: l.features }, reals: { eps: l.eps, momentum: l.momentum } };
    case 'layernorm':
      return { type: l.type, shape: l.inShape, reals: { eps: l.eps } };
    case 'activation':
      return { type: l.type, text: { fn: l.fn }, reals: { alpha: l.alpha, slope: l.slope } };
    case 'dropout':
      return { type: l.type, reals: { p: l.p } };
    case 'maxpool1d':
    case 'avgpool1d':
      return {
        type: l.type,
        ints: {
          kernel: l.kernel,
          stride: l.stride,
          padding: l.padding,
          countIncludePad: l.countIncludePad ? 1 : 0,
        },
      };
    case 'adaptive_avgpool1d':
    case 'adaptive_maxpool1d':
      return { type: l.type, ints: { size: l.size } };
    case 'flatten':
      return { type: l.type };
    case 'linear':
      return { type: l.type, ints: { in: l.inFeatures, out: l.outFeatures, bias: l.bias ? 1 : 0 } };
    case 'residual':
      return { type: l.type, body: l.body.map(toNativeLayer), projection: l.projection.map(toNativeLayer) };
  }
}

export function toNativeSpec(net: ResolvedNetwork): NativeSpec {
  return {
    trunk: net.trunk.map(toNativeLayer),
    heads: net.heads.map((h) => ({ name: h.name, layers: h.layers.map(toNativeLayer) })),
  };
}
