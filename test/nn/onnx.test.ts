import { describe, expect, it } from 'vitest';
import * as ortNode from 'onnxruntime-node';
import { Rng } from '../../src/core/random.js';
import { createNetwork } from '../../src/nn/engine.js';
import { encodeVarint, ProtoMessage } from '../../src/nn/onnx/protobuf.js';
import type { NetworkSpec } from '../../src/nn/spec.js';

/** Every layer type and option path of the spec, with three heads (one of them the trunk output itself). */
const everyLayerSpec: NetworkSpec = {
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
const poolSpec: NetworkSpec = {
  input: { channels: 3, length: 50 },
  layers: [{ type: 'avgpool1d', kernel: 4, stride: 3, padding: 2 }],
  heads: [
    { name: 'divisible', layers: [{ type: 'adaptive_avgpool1d', size: 6 }] },
    { name: 'uneven', layers: [{ type: 'adaptive_avgpool1d', size: 5 }] },
    { name: 'max_even', layers: [{ type: 'adaptive_maxpool1d', size: 2 }] },
  ],
};

function randomInput(count: number, shape: [number, number], seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: count * shape[0] * shape[1] }, () => rng.normal());
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

async function trainedNetwork(spec: NetworkSpec) {
  const net = createNetwork(spec, { seed: 3, threads: 1 });
  if (net.parameterCount === 0) return net;
  const n = 16;
  const x = randomInput(n, net.inputShape, 11);
  const first = net.resolved.heads[0];
  const target = new Float32Array(n * first.outShape.reduce((a, b) => a * b, 1)).fill(0.5);
  net.configureTraining({ loss: [{ kind: 'mse', head: first.name }], optimizer: { lr: 1e-2 } });
  // A few steps so that weights and batch-norm running statistics are far from their initial values.
  for (let i = 0; i < 5; i++) await net.trainBatch(x, [n, ...net.inputShape], { [first.name]: target });
  return net;
}

async function compareWithOrt(spec: NetworkSpec) {
  const net = await trainedNetwork(spec);
  const n = 9; // not the training batch size: the ONNX batch dimension is dynamic
  const x = randomInput(n, net.inputShape, 5);
  const shape = [n, ...net.inputShape];
  const torchOut = await net.predict(x, shape);
  const session = await ortNode.InferenceSession.create(net.toOnnx(), { intraOpNumThreads: 1 });
  const ortOut = await session.run({ input: new ortNode.Tensor('float32', x, shape) });
  const diffs: Record<string, number> = {};
  for (const h of net.resolved.heads) {
    expect([...ortOut[h.name].dims]).toEqual([n, ...h.outShape]);
    diffs[h.name] = maxAbsDiff(torchOut[h.name], ortOut[h.name].data as Float32Array);
  }
  return { net, diffs, x, shape, torchOut };
}

describe('ONNX export', () => {
  it('libtorch and onnxruntime-node agree to 1e-4 on a network with every layer type', async () => {
    const { diffs } = await compareWithOrt(everyLayerSpec);
    for (const [head, d] of Object.entries(diffs)) expect(d, head).toBeLessThanOrEqual(1e-4);
  });

  it('agrees on adaptive average pooling with even and uneven bins and padded average pooling', async () => {
    const { diffs } = await compareWithOrt(poolSpec);
    for (const [head, d] of Object.entries(diffs)) expect(d, head).toBeLessThanOrEqual(1e-4);
  });

  it('runs unchanged in onnxruntime-web (wasm backend) with the same outputs', async () => {
    const { net, x, shape, torchOut } = await compareWithOrt(everyLayerSpec);
    const ortWeb = await import('onnxruntime-web');
    ortWeb.env.wasm.numThreads = 1;
    const session = await ortWeb.InferenceSession.create(net.toOnnx(), { executionProviders: ['wasm'] });
    const out = await session.run({ input: new ortWeb.Tensor('float32', x, shape) });
    for (const h of net.resolved.heads) {
      expect(maxAbsDiff(torchOut[h.name], out[h.name].data as Float32Array), h.name).toBeLessThanOrEqual(
        1e-4,
      );
    }
  });

  it('stores the spec and metadata in the model for the browser app', async () => {
    const net = createNetwork(poolSpec, { seed: 1 });
    net.metadata = { window: [0.5, 5.7] };
    const session = await ortNode.InferenceSession.create(net.toOnnx());
    expect(session.inputNames).toEqual(['input']);
    expect(session.outputNames).toEqual(['divisible', 'uneven', 'max_even']);
  });
});

describe('protobuf encoder', () => {
  it('writes varints as the protobuf documentation shows', () => {
    expect([...encodeVarint(1n)]).toEqual([1]);
    expect([...encodeVarint(150n)]).toEqual([0x96, 0x01]);
    expect([...encodeVarint(300n)]).toEqual([0xac, 0x02]);
  });

  it('writes negative int64 as ten bytes of two’s complement, fields with their tags', () => {
    const m = new ProtoMessage().int(1, -1).string(2, 'testing').float(3, 1.5).finish();
    expect([...m.subarray(0, 11)]).toEqual([
      0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
    ]);
    // https://protobuf.dev/programming-guides/encoding/: field 2 "testing" is 12 07 74 65 73 74 69 6e 67
    expect([...m.subarray(11, 20)]).toEqual([0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67]);
    expect([...m.subarray(20)]).toEqual([0x1d, 0x00, 0x00, 0xc0, 0x3f]);
  });
});
