import { z } from 'zod';
import { InputError } from '../core/errors.js';

/**
 * Networks as data. A {@link NetworkSpec} describes a 1-D convolutional network once; the libtorch addon builds it
 * for training, and the ONNX exporter writes the same graph for onnxruntime (Node, browser, Python).
 *
 * Input tensors are `[batch, channels, length]` (e.g. 2 × 1024 for the real and imaginary parts of a spectrum).
 * The `layers` form a trunk shared by all heads; each head is a further layer list with its own name, and every
 * head is one named output (e.g. `mean` and `logvar` for a Gaussian likelihood, `logit` for a classifier).
 *
 * Shapes below exclude the batch dimension: a layer sees `[channels, length]` before a `flatten` and
 * `[features]` after it.
 */

export const ACTIVATIONS = ['relu', 'gelu', 'elu', 'leaky_relu', 'tanh', 'sigmoid', 'silu'] as const;
export type ActivationFn = (typeof ACTIVATIONS)[number];

/** 1-D convolution over `[channels, length]`. `padding: 'same'` keeps the length (stride 1 only). */
export interface Conv1dSpec {
  type: 'conv1d';
  /** Output channels. */
  channels: number;
  kernel: number;
  /** Default 1. */
  stride?: number;
  /** Zero padding on each side, or 'same'. Default 0. */
  padding?: number | 'same';
  /** Default 1. */
  dilation?: number;
  /** Grouped convolution; input and output channels must both be divisible by it. Default 1. */
  groups?: number;
  /** Default true. */
  bias?: boolean;
}

/** Batch normalisation over channels (`[C, L]`) or features (`[F]`). */
export interface BatchNorm1dSpec {
  type: 'batchnorm1d';
  /** Default 1e-5. */
  eps?: number;
  /** Running-statistics momentum (PyTorch convention). Default 0.1. */
  momentum?: number;
}

/** Layer normalisation over all non-batch dimensions (PyTorch `LayerNorm([C, L])`), with elementwise affine. */
export interface LayerNormSpec {
  type: 'layernorm';
  /** Default 1e-5. */
  eps?: number;
}

export interface ActivationSpec {
  type: 'activation';
  fn: ActivationFn;
  /** elu: alpha (default 1). */
  alpha?: number;
  /** leaky_relu: negative slope (default 0.01). */
  slope?: number;
}

/** Dropout with probability `p` (active in training and in Monte Carlo dropout prediction). */
export interface DropoutSpec {
  type: 'dropout';
  p: number;
}

export interface MaxPool1dSpec {
  type: 'maxpool1d';
  kernel: number;
  /** Default: the kernel size. */
  stride?: number;
  /** At most half the kernel. Default 0. */
  padding?: number;
}

export interface AvgPool1dSpec {
  type: 'avgpool1d';
  kernel: number;
  /** Default: the kernel size. */
  stride?: number;
  /** At most half the kernel. Default 0. */
  padding?: number;
  /** Count padded zeros in the average (PyTorch default true). */
  countIncludePad?: boolean;
}

/** Adaptive pooling to a fixed output length `size` (at most the input length). */
export interface AdaptivePool1dSpec {
  type: 'adaptive_avgpool1d' | 'adaptive_maxpool1d';
  size: number;
}

/** `[C, L]` → `[C·L]`. */
export interface FlattenSpec {
  type: 'flatten';
}

/** Fully connected layer on `[features]` (put a `flatten` before it). */
export interface LinearSpec {
  type: 'linear';
  /** Output features. */
  features: number;
  /** Default true. */
  bias?: boolean;
}

/**
 * Residual block: `body(x) + skip(x)`. The skip is the identity when the body keeps the shape; otherwise a
 * projection is required: a 1×1 convolution (stride chosen to match the body's output length, optionally with
 * batch norm) on `[C, L]`, a linear layer on `[F]`.
 */
export interface ResidualSpec {
  type: 'residual';
  layers: LayerSpec[];
  /** true or options: add the projection on the skip path. Default false (identity). */
  projection?: boolean | { stride?: number; batchnorm?: boolean };
}

export type LayerSpec =
  | Conv1dSpec
  | BatchNorm1dSpec
  | LayerNormSpec
  | ActivationSpec
  | DropoutSpec
  | MaxPool1dSpec
  | AvgPool1dSpec
  | AdaptivePool1dSpec
  | FlattenSpec
  | LinearSpec
  | ResidualSpec;

export type LayerType = LayerSpec['type'];

/** A named output: its layers run on the trunk's output. */
export interface HeadSpec {
  /** Identifier (letters, digits, underscore; not 'input'): the output name in ONNX and in predictions. */
  name: string;
  layers: LayerSpec[];
}

export interface NetworkSpec {
  input: { channels: number; length: number };
  /** The shared trunk. */
  layers: LayerSpec[];
  heads: HeadSpec[];
}

/** Largest size of any one dimension or option: protects the native side from absurd allocations. */
export const MAX_DIM = 1 << 24;

const dim = z.int().min(1).max(MAX_DIM);
const nonNegative = z.int().min(0).max(MAX_DIM);
const positiveReal = z.number().positive().finite();

const conv1d = z.strictObject({
  type: z.literal('conv1d'),
  channels: dim,
  kernel: dim,
  stride: dim.optional(),
  padding: z.union([nonNegative, z.literal('same')]).optional(),
  dilation: dim.optional(),
  groups: dim.optional(),
  bias: z.boolean().optional(),
});
const batchnorm1d = z.strictObject({
  type: z.literal('batchnorm1d'),
  eps: positiveReal.optional(),
  momentum: z.number().min(0).max(1).optional(),
});
const layernorm = z.strictObject({ type: z.literal('layernorm'), eps: positiveReal.optional() });
const activation = z.strictObject({
  type: z.literal('activation'),
  fn: z.enum(ACTIVATIONS),
  alpha: positiveReal.optional(),
  slope: z.number().finite().optional(),
});
const dropout = z.strictObject({ type: z.literal('dropout'), p: z.number().min(0).lt(1) });
const maxpool1d = z.strictObject({
  type: z.literal('maxpool1d'),
  kernel: dim,
  stride: dim.optional(),
  padding: nonNegative.optional(),
});
const avgpool1d = z.strictObject({
  type: z.literal('avgpool1d'),
  kernel: dim,
  stride: dim.optional(),
  padding: nonNegative.optional(),
  countIncludePad: z.boolean().optional(),
});
const adaptiveAvg = z.strictObject({ type: z.literal('adaptive_avgpool1d'), size: dim });
const adaptiveMax = z.strictObject({ type: z.literal('adaptive_maxpool1d'), size: dim });
const flatten = z.strictObject({ type: z.literal('flatten') });
const linear = z.strictObject({ type: z.literal('linear'), features: dim, bias: z.boolean().optional() });

export const layerSchema: z.ZodType<LayerSpec> = z.lazy(() =>
  z.discriminatedUnion('type', [
    conv1d,
    batchnorm1d,
    layernorm,
    activation,
    dropout,
    maxpool1d,
    avgpool1d,
    adaptiveAvg,
    adaptiveMax,
    flatten,
    linear,
    residual,
  ]),
);

const residual = z.strictObject({
  type: z.literal('residual'),
  layers: z.array(layerSchema).min(1),
  projection: z
    .union([z.boolean(), z.strictObject({ stride: dim.optional(), batchnorm: z.boolean().optional() })])
    .optional(),
});

const headName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a head name is an identifier (letters, digits, underscore)')
  .refine((s) => s !== 'input', "'input' names the network input");

export const networkSpecSchema: z.ZodType<NetworkSpec> = z.strictObject({
  input: z.strictObject({ channels: dim, length: dim }),
  layers: z.array(layerSchema),
  heads: z
    .array(z.strictObject({ name: headName, layers: z.array(layerSchema) }))
    .min(1, 'a network needs at least one head')
    .refine((hs) => new Set(hs.map((h) => h.name)).size === hs.length, 'head names must be unique'),
});

/** `layers[3].kernel` from a zod issue path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : `${s ? '.' : ''}${String(p)}`;
  return s;
}

/**
 * Checks that `value` is a well-formed network spec (types, ranges, known layer types and options). Shapes are
 * checked by {@link resolveNetwork}. Throws InputError naming the field.
 */
export function parseNetworkSpec(value: unknown, source = 'network spec'): NetworkSpec {
  return parseWith(networkSpecSchema, value, source);
}

/**
 * Parses `value` with a zod schema; on failure throws an InputError naming the first bad field, with up to two
 * further problems appended (a misspelt option shows as both a missing and an unknown key).
 */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown, source: string, fieldPrefix = ''): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const [first, ...rest] = r.error.issues;
  const where = (path: readonly PropertyKey[]) => `${fieldPrefix}${formatPath(path)}`;
  const more = rest.slice(0, 2).map((i) => `; ${where(i.path) || 'value'}: ${i.message}`);
  throw new InputError(`${first.message}${more.join('')}`, { file: source, field: where(first.path) });
}
