import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as ortNode from 'onnxruntime-node';
import { Rng } from '../../src/core/random.js';
import { createNetwork } from '../../src/nn/engine.js';
import { encodeVarint, ProtoMessage } from '../../src/nn/onnx/protobuf.js';
import type { NetworkSpec } from '../../src/nn/spec.js';
import { everyLayerSpec, poolSpec } from './specs.js';

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

describe('ONNX files pass the official ONNX checker', () => {
  // Debian's python3-onnx (setup.sh installs it): structural check of every message plus strict shape inference,
  // which recomputes each output shape from the operators and must agree with the declared outputs.
  it('check_model(full_check) and strict shape inference accept both test networks', () => {
    const dir = mkdtempSync(join(tmpdir(), 'livermrs-onnx-'));
    try {
      const files = [everyLayerSpec, poolSpec].map((spec, i) => {
        const file = join(dir, `net${i}.onnx`);
        writeFileSync(file, createNetwork(spec, { seed: 1 }).toOnnx());
        return file;
      });
      const script = [
        'import sys, onnx',
        'for f in sys.argv[1:]:',
        '    m = onnx.load(f)',
        '    onnx.checker.check_model(m, full_check=True)',
        '    onnx.shape_inference.infer_shapes(m, strict_mode=True)',
        '    print(f, m.ir_version, m.opset_import[0].version)',
      ].join('\n');
      const r = spawnSync('/usr/bin/python3', ['-c', script, ...files], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout.trim().split('\n')).toEqual(files.map((f) => `${f} 8 17`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
