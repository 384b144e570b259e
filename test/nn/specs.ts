import type { NetworkSpec } from '../../src/nn/spec.js';

/** Every layer type and option path of the spec, with three heads (one of them the trunk output itself). */
export const everyLayerSpec: NetworkSpec = {
  input: { channels: 2, length: 64 },
  layers: [
    { type: 'conv1d', channels: 8, kernel: 5, padding: 'same' },
    { type: 'batchnorm1d' },
    { type: 'activation', fn: 'relu' },
    { type: 'conv1d', channels: 8, kernel: 3, dilation: 2, padding: 2, groups: 2, bias: false },
    { type: 'activation', fn: 'gelu' },
    { type: 'maxpool1d', kernel: 3, stride: 2, padding: 1 },
    {
      type: 'residual',
      layers: [
        { type: 'conv1d', channels: 8, kernel: 3, padding: 1 },
        { type: 'activation', fn: 'elu', alpha: 0.7 },
      ],
    },
    {
      type: 'residual',
      layers: [
        { type: 'conv1d', channels: 12, kernel: 3, stride: 2, padding: 1 },
        { type: 'batchnorm1d', eps: 1e-3 },
        { type: 'activation', fn: 'leaky_relu', slope: 0.1 },
      ],
      projection: { batchnorm: true },
    },
    { type: 'layernorm' },
    { type: 'activation', fn: 'silu' },
    { type: 'dropout', p: 0.1 },
    { type: 'avgpool1d', kernel: 3, stride: 1, padding: 1, countIncludePad: false },
    { type: 'avgpool1d', kernel: 2 },
    { type: 'adaptive_maxpool1d', size: 3 },
    { type: 'flatten' },
    { type: 'linear', features: 16 },
    { type: 'batchnorm1d' },
    { type: 'activation', fn: 'tanh' },
    {
      type: 'residual',
      layers: [
        { type: 'linear', features: 10 },
        { type: 'activation', fn: 'sigmoid' },
      ],
      projection: true,
    },
  ],
  heads: [
    { name: 'mean', layers: [{ type: 'linear', features: 3 }] },
    {
      name: 'logvar',
      layers: [
        { type: 'layernorm', eps: 1e-4 },
        { type: 'linear', features: 3, bias: false },
      ],
    },
    { name: 'features', layers: [] },
  ],
};

/** A second trunk for the pooling paths the first one does not reach: adaptive average pooling, both ways. */
export const poolSpec: NetworkSpec = {
  input: { channels: 3, length: 50 },
  layers: [{ type: 'avgpool1d', kernel: 4, stride: 3, padding: 2 }],
  heads: [
    { name: 'divisible', layers: [{ type: 'adaptive_avgpool1d', size: 6 }] },
    { name: 'uneven', layers: [{ type: 'adaptive_avgpool1d', size: 5 }] },
    { name: 'max_even', layers: [{ type: 'adaptive_maxpool1d', size: 2 }] },
  ],
};
