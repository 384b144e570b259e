import { InputError } from '../core/errors.js';
import {
  type ActivationFn,
  type HeadSpec,
  type LayerSpec,
  MAX_DIM,
  type NetworkSpec,
  parseNetworkSpec,
} from './spec.js';

/**
 * Shape inference: turns a {@link NetworkSpec} into resolved layers with every option explicit (input channels,
 * paddings, strides) and the shape before and after each layer. Every shape error is found here, in TypeScript,
 * before anything reaches libtorch; the native side and the ONNX exporter both build from the resolved layers.
 *
 * Shapes exclude the batch dimension. `path` is the module path of the layer in the libtorch network
 * (`trunk.3`, `trunk.5.body.0`, `trunk.5.proj.0`, `heads.mean.1`): parameter names are `<path>.weight` etc.
 */

interface Base {
  path: string;
  inShape: number[];
  outShape: number[];
}

export interface ResolvedConv1d extends Base {
  type: 'conv1d';
  inChannels: number;
  outChannels: number;
  kernel: number;
  stride: number;
  padding: number;
  dilation: number;
  groups: number;
  bias: boolean;
}
export interface ResolvedBatchNorm1d extends Base {
  type: 'batchnorm1d';
  features: number;
  eps: number;
  momentum: number;
}
export interface ResolvedLayerNorm extends Base {
  type: 'layernorm';
  eps: number;
}
export interface ResolvedActivation extends Base {
  type: 'activation';
  fn: ActivationFn;
  alpha: number;
  slope: number;
}
export interface ResolvedDropout extends Base {
  type: 'dropout';
  p: number;
}
export interface ResolvedPool1d extends Base {
  type: 'maxpool1d' | 'avgpool1d';
  kernel: number;
  stride: number;
  padding: number;
  countIncludePad: boolean;
}
export interface ResolvedAdaptivePool1d extends Base {
  type: 'adaptive_avgpool1d' | 'adaptive_maxpool1d';
  size: number;
}
export interface ResolvedFlatten extends Base {
  type: 'flatten';
}
export interface ResolvedLinear extends Base {
  type: 'linear';
  inFeatures: number;
  outFeatures: number;
  bias: boolean;
}
export interface ResolvedResidual extends Base {
  type: 'residual';
  body: ResolvedLayer[];
  /** Empty: identity skip. */
  projection: ResolvedLayer[];
}

export type ResolvedLayer =
  | ResolvedConv1d
  | ResolvedBatchNorm1d
  | ResolvedLayerNorm
  | ResolvedActivation
  | ResolvedDropout
  | ResolvedPool1d
  | ResolvedAdaptivePool1d
  | ResolvedFlatten
  | ResolvedLinear
  | ResolvedResidual;

export interface ResolvedHead {
  name: string;
  layers: ResolvedLayer[];
  /** Output shape of this head without the batch dimension. */
  outShape: number[];
}

export interface ResolvedNetwork {
  spec: NetworkSpec;
  /** `[channels, length]`. */
  inputShape: [number, number];
  trunk: ResolvedLayer[];
  /** Shape of the trunk's output, the input of every head. */
  trunkShape: number[];
  heads: ResolvedHead[];
  parameterCount: number;
}

/** Validates a spec (schema and shapes) and resolves it. Throws InputError naming the layer and option. */
export function resolveNetwork(spec: unknown, source = 'network spec'): ResolvedNetwork {
  const s = parseNetworkSpec(spec, source);
  const ctx: Ctx = { source };
  const inputShape: [number, number] = [s.input.channels, s.input.length];
  const trunk = resolveLayers(s.layers, inputShape, 'trunk', 'layers', ctx);
  const trunkShape = outShapeOf(trunk, inputShape);
  const heads = s.heads.map((h: HeadSpec, i: number): ResolvedHead => {
    const layers = resolveLayers(h.layers, trunkShape, `heads.${h.name}`, `heads[${i}].layers`, ctx);
    return { name: h.name, layers, outShape: outShapeOf(layers, trunkShape) };
  });
  const parameterCount = [...trunk, ...heads.flatMap((h) => h.layers)].reduce((n, l) => n + paramsOf(l), 0);
  if (parameterCount > 2 ** 31)
    fail(ctx, 'layers', `the network would have ${parameterCount} parameters`, 'fewer than 2^31');
  return { spec: s, inputShape, trunk, trunkShape, heads, parameterCount };
}

/** Number of trainable parameters of a resolved layer (recursively for residual blocks). */
export function paramsOf(l: ResolvedLayer): number {
  switch (l.type) {
    case 'conv1d':
      return l.outChannels * (l.inChannels / l.groups) * l.kernel + (l.bias ? l.outChannels : 0);
    case 'batchnorm1d':
      return 2 * l.features;
    case 'layernorm':
      return 2 * product(l.inShape);
    case 'linear':
      return l.inFeatures * l.outFeatures + (l.bias ? l.outFeatures : 0);
    case 'residual':
      return [...l.body, ...l.projection].reduce((n, c) => n + paramsOf(c), 0);
    default:
      return 0;
  }
}

export function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

interface Ctx {
  source: string;
}

function fail(ctx: Ctx, field: string, problem: string, expected?: string): never {
  throw new InputError(problem, { file: ctx.source, field, expected });
}

function outShapeOf(layers: ResolvedLayer[], inShape: number[]): number[] {
  return layers.length ? layers[layers.length - 1].outShape : inShape;
}

function resolveLayers(
  layers: LayerSpec[],
  inShape: number[],
  pathPrefix: string,
  fieldPrefix: string,
  ctx: Ctx,
): ResolvedLayer[] {
  const out: ResolvedLayer[] = [];
  let shape = inShape;
  layers.forEach((spec, i) => {
    const r = resolveLayer(spec, shape, `${pathPrefix}.${i}`, `${fieldPrefix}[${i}]`, ctx);
    out.push(r);
    shape = r.outShape;
  });
  return out;
}

function showShape(shape: number[]): string {
  return `[${shape.join(', ')}]`;
}

function needChannelsLength(shape: number[], field: string, what: string, ctx: Ctx): [number, number] {
  if (shape.length !== 2) {
    fail(
      ctx,
      field,
      `${what} needs input [channels, length] but gets ${showShape(shape)}`,
      'no flatten before it',
    );
  }
  return [shape[0], shape[1]];
}

/** Output length of a convolution or pooling window (PyTorch's formula, floor mode). */
function windowLength(
  length: number,
  kernel: number,
  stride: number,
  padding: number,
  dilation: number,
): number {
  return Math.floor((length + 2 * padding - dilation * (kernel - 1) - 1) / stride) + 1;
}

function resolveLayer(
  spec: LayerSpec,
  inShape: number[],
  path: string,
  field: string,
  ctx: Ctx,
): ResolvedLayer {
  const base = { path, inShape };
  switch (spec.type) {
    case 'conv1d': {
      const [c, len] = needChannelsLength(inShape, field, 'conv1d', ctx);
      const stride = spec.stride ?? 1;
      const dilation = spec.dilation ?? 1;
      const groups = spec.groups ?? 1;
      let padding: number;
      if (spec.padding === 'same') {
        const span = dilation * (spec.kernel - 1);
        if (stride !== 1 || span % 2 !== 0) {
          fail(ctx, `${field}.padding`, "'same' padding needs stride 1 and an odd (dilated) kernel");
        }
        padding = span / 2;
      } else {
        padding = spec.padding ?? 0;
      }
      if (c % groups !== 0 || spec.channels % groups !== 0) {
        fail(
          ctx,
          `${field}.groups`,
          `${groups} groups do not divide ${c} input and ${spec.channels} output channels`,
        );
      }
      const outLen = windowLength(len, spec.kernel, stride, padding, dilation);
      if (outLen < 1) {
        fail(
          ctx,
          field,
          `conv1d (kernel ${spec.kernel}, dilation ${dilation}) is longer than its padded input of length ${len + 2 * padding}`,
        );
      }
      return {
        ...base,
        type: 'conv1d',
        outShape: [spec.channels, outLen],
        inChannels: c,
        outChannels: spec.channels,
        kernel: spec.kernel,
        stride,
        padding,
        dilation,
        groups,
        bias: spec.bias ?? true,
      };
    }
    case 'batchnorm1d': {
      if (inShape.length !== 1 && inShape.length !== 2) {
        fail(ctx, field, `batchnorm1d needs [channels, length] or [features] but gets ${showShape(inShape)}`);
      }
      return {
        ...base,
        type: 'batchnorm1d',
        outShape: inShape,
        features: inShape[0],
        eps: spec.eps ?? 1e-5,
        momentum: spec.momentum ?? 0.1,
      };
    }
    case 'layernorm':
      return { ...base, type: 'layernorm', outShape: inShape, eps: spec.eps ?? 1e-5 };
    case 'activation':
      return {
        ...base,
        type: 'activation',
        outShape: inShape,
        fn: spec.fn,
        alpha: spec.alpha ?? 1,
        slope: spec.slope ?? 0.01,
      };
    case 'dropout':
      return { ...base, type: 'dropout', outShape: inShape, p: spec.p };
    case 'maxpool1d':
    case 'avgpool1d': {
      const [c, len] = needChannelsLength(inShape, field, spec.type, ctx);
      const stride = spec.stride ?? spec.kernel;
      const padding = spec.padding ?? 0;
      if (2 * padding > spec.kernel)
        fail(ctx, `${field}.padding`, `padding ${padding} is more than half the kernel ${spec.kernel}`);
      const outLen = windowLength(len, spec.kernel, stride, padding, 1);
      if (outLen < 1)
        fail(
          ctx,
          field,
          `${spec.type} kernel ${spec.kernel} is longer than its padded input of length ${len + 2 * padding}`,
        );
      return {
        ...base,
        type: spec.type,
        outShape: [c, outLen],
        kernel: spec.kernel,
        stride,
        padding,
        countIncludePad: spec.type === 'avgpool1d' ? (spec.countIncludePad ?? true) : false,
      };
    }
    case 'adaptive_avgpool1d':
    case 'adaptive_maxpool1d': {
      const [c, len] = needChannelsLength(inShape, field, spec.type, ctx);
      if (spec.size > len)
        fail(ctx, `${field}.size`, `output length ${spec.size} exceeds the input length ${len}`);
      return { ...base, type: spec.type, outShape: [c, spec.size], size: spec.size };
    }
    case 'flatten': {
      const n = product(inShape);
      if (n > MAX_DIM) fail(ctx, field, `flatten would give ${n} features`, `at most ${MAX_DIM}`);
      return { ...base, type: 'flatten', outShape: [n] };
    }
    case 'linear': {
      if (inShape.length !== 1) {
        fail(
          ctx,
          field,
          `linear needs input [features] but gets ${showShape(inShape)}`,
          'a flatten before it',
        );
      }
      return {
        ...base,
        type: 'linear',
        outShape: [spec.features],
        inFeatures: inShape[0],
        outFeatures: spec.features,
        bias: spec.bias ?? true,
      };
    }
    case 'residual':
      return resolveResidual(spec, inShape, path, field, ctx);
  }
}

function resolveResidual(
  spec: Extract<LayerSpec, { type: 'residual' }>,
  inShape: number[],
  path: string,
  field: string,
  ctx: Ctx,
): ResolvedResidual {
  const body = resolveLayers(spec.layers, inShape, `${path}.body`, `${field}.layers`, ctx);
  const outShape = outShapeOf(body, inShape);
  const same = showShape(outShape) === showShape(inShape);
  const projection: ResolvedLayer[] = [];
  if (!spec.projection) {
    if (!same) {
      fail(
        ctx,
        field,
        `residual body changes the shape ${showShape(inShape)} to ${showShape(outShape)}`,
        "the same shape, or 'projection: true'",
      );
    }
    return { type: 'residual', path, inShape, outShape, body, projection };
  }
  const opts = spec.projection === true ? {} : spec.projection;
  const pField = `${field}.projection`;
  if (inShape.length === 1 && outShape.length === 1) {
    projection.push(
      resolveLayer({ type: 'linear', features: outShape[0] }, inShape, `${path}.proj.0`, pField, ctx),
    );
  } else if (inShape.length === 2 && outShape.length === 2) {
    const [len, outLen] = [inShape[1], outShape[1]];
    let stride = opts.stride;
    if (stride === undefined) {
      for (let s = 1; s <= len; s++) {
        if (windowLength(len, 1, s, 0, 1) === outLen) {
          stride = s;
          break;
        }
      }
    }
    if (stride === undefined || windowLength(len, 1, stride, 0, 1) !== outLen) {
      fail(ctx, pField, `no 1x1 convolution stride maps length ${len} to the body's length ${outLen}`);
    }
    projection.push(
      resolveLayer(
        { type: 'conv1d', channels: outShape[0], kernel: 1, stride },
        inShape,
        `${path}.proj.0`,
        pField,
        ctx,
      ),
    );
    if (opts.batchnorm) {
      projection.push(resolveLayer({ type: 'batchnorm1d' }, outShape, `${path}.proj.1`, pField, ctx));
    }
  } else {
    fail(
      ctx,
      pField,
      `cannot project ${showShape(inShape)} onto ${showShape(outShape)}`,
      'a body that keeps the rank',
    );
  }
  return { type: 'residual', path, inShape, outShape, body, projection };
}

/**
 * Checks an input array against the network's input shape: `shape` must be `[batch, channels, length]` with the
 * spec's channels and length, and `x.length` must be their product.
 */
export function checkInput(
  net: Pick<ResolvedNetwork, 'inputShape'>,
  x: unknown,
  shape: readonly number[],
  what = 'input',
): number {
  if (!(x instanceof Float32Array)) throw new InputError(`${what} must be a Float32Array`);
  const [c, len] = net.inputShape;
  if (shape.length !== 3 || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new InputError(`${what} shape ${showShape([...shape])} is not [batch, channels, length]`, {
      expected: `[batch, ${c}, ${len}]`,
    });
  }
  if (shape[1] !== c || shape[2] !== len) {
    throw new InputError(`${what} shape ${showShape([...shape])} does not fit the network`, {
      expected: `[batch, ${c}, ${len}]`,
    });
  }
  if (x.length !== product(shape)) {
    throw new InputError(
      `${what} has ${x.length} values but its shape ${showShape([...shape])} needs ${product(shape)}`,
    );
  }
  return shape[0];
}
