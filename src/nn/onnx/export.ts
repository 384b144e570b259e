import { LivermrsError } from '../../core/errors.js';
import type { StateTensor } from '../native.js';
import type { ResolvedLayer, ResolvedNetwork } from '../shapes.js';
import { encodeModel, OnnxGraph } from './graph.js';

/**
 * ONNX export of a resolved network with its weights (opset 17, IR version 8): the graph input is `input`
 * `[batch, channels, length]` with a dynamic batch dimension, and each head is an output of the same name.
 * The file runs in onnxruntime-node, onnxruntime-web and Python onnxruntime. Dropout is the identity (inference);
 * batch norm uses its running statistics.
 *
 * Operator mapping: conv1d → Conv; batchnorm1d → BatchNormalization; layernorm → LayerNormalization (axis 1);
 * relu/tanh/sigmoid/elu/leaky_relu → their ops; silu → x·Sigmoid(x); gelu → exact 0.5·x·(1 + erf(x/√2));
 * pools → MaxPool/AveragePool; adaptive pools → a pool with kernel = stride = L/size when size divides L, else one
 * Slice + ReduceMean/ReduceMax per output bin (PyTorch's bins [⌊iL/n⌋, ⌈(i+1)L/n⌉)) and a Concat;
 * flatten → Flatten; linear → Gemm; residual → its branches and Add.
 */
export interface OnnxExportOptions {
  /** Free-form text shown by model viewers. */
  docString?: string;
  /** Extra key–value metadata (metadata_props). `livermrs.spec` and `livermrs.metadata` are always written. */
  metadata?: Record<string, unknown>;
  producerVersion?: string;
}

export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8;
export const ONNX_INPUT = 'input';

export function exportOnnx(
  net: ResolvedNetwork,
  state: readonly StateTensor[],
  options: OnnxExportOptions = {},
): Uint8Array {
  const weights = new Map(state.map((t) => [t.name, t]));
  const g = new OnnxGraph();
  const weight = (name: string): string => {
    const t = weights.get(name);
    if (!t) throw new LivermrsError(`ONNX export: the network state has no tensor '${name}'`);
    return g.floatTensor(name, t.shape, t.data);
  };
  const x = g.input(ONNX_INPUT, ['batch', ...net.inputShape]);
  for (const head of net.heads) g.reserve(head.name);
  const trunk = emitLayers(g, net.trunk, x, weight);
  for (const head of net.heads) {
    const y = emitLayers(g, head.layers, trunk, weight);
    g.node('Identity', [y], head.name, {}, head.name);
    g.output(head.name, ['batch', ...head.outShape]);
  }
  const { metadata = {} } = options;
  return encodeModel(g, 'livermrs_network', {
    opset: ONNX_OPSET,
    irVersion: ONNX_IR_VERSION,
    producerName: 'livermrs',
    producerVersion: options.producerVersion ?? '',
    docString: options.docString,
    metadata: {
      'livermrs.spec': JSON.stringify(net.spec),
      'livermrs.metadata': JSON.stringify(metadata),
    },
  });
}

type WeightFn = (name: string) => string;

function emitLayers(g: OnnxGraph, layers: readonly ResolvedLayer[], x: string, weight: WeightFn): string {
  return layers.reduce((input, l) => emitLayer(g, l, input, weight), x);
}

function emitLayer(g: OnnxGraph, l: ResolvedLayer, x: string, weight: WeightFn): string {
  const p = l.path;
  switch (l.type) {
    case 'conv1d': {
      const inputs = [x, weight(`${p}.weight`)];
      if (l.bias) inputs.push(weight(`${p}.bias`));
      return g.node('Conv', inputs, p, {
        kernel_shape: [l.kernel],
        strides: [l.stride],
        pads: [l.padding, l.padding],
        dilations: [l.dilation],
        group: l.groups,
      });
    }
    case 'batchnorm1d':
      return g.node(
        'BatchNormalization',
        [
          x,
          weight(`${p}.weight`),
          weight(`${p}.bias`),
          weight(`${p}.running_mean`),
          weight(`${p}.running_var`),
        ],
        p,
        { epsilon: { float: l.eps } },
      );
    case 'layernorm':
      return g.node('LayerNormalization', [x, weight(`${p}.weight`), weight(`${p}.bias`)], p, {
        axis: 1,
        epsilon: { float: l.eps },
      });
    case 'activation':
      return emitActivation(g, l.fn, x, p, l.alpha, l.slope);
    case 'dropout':
      return x;
    case 'maxpool1d':
      return g.node('MaxPool', [x], p, {
        kernel_shape: [l.kernel],
        strides: [l.stride],
        pads: [l.padding, l.padding],
      });
    case 'avgpool1d':
      return g.node('AveragePool', [x], p, {
        kernel_shape: [l.kernel],
        strides: [l.stride],
        pads: [l.padding, l.padding],
        count_include_pad: l.countIncludePad ? 1 : 0,
      });
    case 'adaptive_avgpool1d':
    case 'adaptive_maxpool1d':
      return emitAdaptivePool(g, l.type === 'adaptive_maxpool1d', l.inShape[1], l.size, x, p);
    case 'flatten':
      return g.node('Flatten', [x], p, { axis: 1 });
    case 'linear': {
      const inputs = [x, weight(`${p}.weight`)];
      if (l.bias) inputs.push(weight(`${p}.bias`));
      return g.node('Gemm', inputs, p, { transB: 1 });
    }
    case 'residual': {
      const body = emitLayers(g, l.body, x, weight);
      const skip = l.projection.length ? emitLayers(g, l.projection, x, weight) : x;
      return g.node('Add', [body, skip], p);
    }
  }
}

function emitActivation(
  g: OnnxGraph,
  fn: string,
  x: string,
  p: string,
  alpha: number,
  slope: number,
): string {
  switch (fn) {
    case 'relu':
      return g.node('Relu', [x], p);
    case 'tanh':
      return g.node('Tanh', [x], p);
    case 'sigmoid':
      return g.node('Sigmoid', [x], p);
    case 'elu':
      return g.node('Elu', [x], p, { alpha: { float: alpha } });
    case 'leaky_relu':
      return g.node('LeakyRelu', [x], p, { alpha: { float: slope } });
    case 'silu':
      return g.node('Mul', [x, g.node('Sigmoid', [x], `${p}/sigmoid`)], p);
    case 'gelu': {
      const scaled = g.node('Div', [x, g.scalar(Math.SQRT2)], `${p}/div`);
      const erf = g.node('Add', [g.node('Erf', [scaled], `${p}/erf`), g.scalar(1)], `${p}/add`);
      return g.node('Mul', [g.node('Mul', [x, erf], `${p}/mul`), g.scalar(0.5)], p);
    }
    default:
      throw new LivermrsError(`ONNX export: unknown activation '${fn}'`);
  }
}

function emitAdaptivePool(
  g: OnnxGraph,
  max: boolean,
  length: number,
  size: number,
  x: string,
  p: string,
): string {
  if (length % size === 0) {
    const k = length / size;
    return g.node(max ? 'MaxPool' : 'AveragePool', [x], p, { kernel_shape: [k], strides: [k] });
  }
  const axes = g.int64Tensor(`${p}/axes`, [2]);
  const bins: string[] = [];
  for (let i = 0; i < size; i++) {
    const start = Math.floor((i * length) / size);
    const end = Math.ceil(((i + 1) * length) / size);
    const slice = g.node(
      'Slice',
      [x, g.int64Tensor(`${p}/start${i}`, [start]), g.int64Tensor(`${p}/end${i}`, [end]), axes],
      `${p}/bin${i}`,
    );
    bins.push(
      g.node(max ? 'ReduceMax' : 'ReduceMean', [slice], `${p}/reduce${i}`, { axes: [2], keepdims: 1 }),
    );
  }
  return g.node('Concat', bins, p, { axis: 2 });
}
