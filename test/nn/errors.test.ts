import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError, NumericalError, UsageError } from '../../src/core/errors.js';
import { createNetwork, loadNetwork, networkFromBytes } from '../../src/nn/engine.js';
import { resolveNetwork } from '../../src/nn/shapes.js';
import type { NetworkSpec } from '../../src/nn/spec.js';

const good: NetworkSpec = {
  input: { channels: 2, length: 32 },
  layers: [
    { type: 'conv1d', channels: 4, kernel: 3, padding: 1 },
    { type: 'activation', fn: 'relu' },
    { type: 'dropout', p: 0.3 },
    { type: 'flatten' },
  ],
  heads: [
    { name: 'mean', layers: [{ type: 'linear', features: 2 }] },
    { name: 'logvar', layers: [{ type: 'linear', features: 2 }] },
    { name: 'logit', layers: [{ type: 'linear', features: 1 }] },
  ],
};

function withLayers(layers: unknown[], input = good.input): unknown {
  return { input, layers, heads: [{ name: 'out', layers: [] }] };
}

const dir = mkdtempSync(join(tmpdir(), 'livermrs-nn-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bad network specs are InputErrors naming the field', () => {
  const cases: [string, unknown, RegExp][] = [
    ['unknown layer type', withLayers([{ type: 'conv2d', channels: 2, kernel: 3 }]), /layers\[0\]/],
    ['misspelt option', withLayers([{ type: 'conv1d', channels: 2, kernal: 3 }]), /layers\[0\]/],
    ['negative kernel', withLayers([{ type: 'conv1d', channels: 2, kernel: -3 }]), /layers\[0\]\.kernel/],
    [
      'fractional channels',
      withLayers([{ type: 'conv1d', channels: 2.5, kernel: 3 }]),
      /layers\[0\]\.channels/,
    ],
    [
      'kernel longer than the input',
      withLayers([{ type: 'conv1d', channels: 2, kernel: 40 }]),
      /longer than/,
    ],
    [
      'conv after flatten',
      withLayers([{ type: 'flatten' }, { type: 'conv1d', channels: 2, kernel: 3 }]),
      /layers\[1\].*\[channels, length\]/,
    ],
    ['linear before flatten', withLayers([{ type: 'linear', features: 3 }]), /layers\[0\].*\[features\]/],
    [
      'same padding with stride 2',
      withLayers([{ type: 'conv1d', channels: 2, kernel: 3, stride: 2, padding: 'same' }]),
      /padding/,
    ],
    [
      'groups not dividing channels',
      withLayers([{ type: 'conv1d', channels: 3, kernel: 3, groups: 2 }]),
      /groups/,
    ],
    [
      'pool padding over half the kernel',
      withLayers([{ type: 'maxpool1d', kernel: 2, padding: 2 }]),
      /padding/,
    ],
    ['adaptive pool longer than input', withLayers([{ type: 'adaptive_avgpool1d', size: 64 }]), /size/],
    ['dropout p = 1', withLayers([{ type: 'dropout', p: 1 }]), /layers\[0\]\.p/],
    ['unknown activation', withLayers([{ type: 'activation', fn: 'swish' }]), /fn/],
    [
      'residual that changes shape without projection',
      withLayers([{ type: 'residual', layers: [{ type: 'conv1d', channels: 5, kernel: 3, padding: 1 }] }]),
      /projection/,
    ],
    [
      'residual projection that cannot match the length',
      withLayers([
        { type: 'residual', layers: [{ type: 'conv1d', channels: 5, kernel: 3 }], projection: { stride: 3 } },
      ]),
      /stride/,
    ],
    ['no heads', { input: good.input, layers: [], heads: [] }, /heads/],
    [
      'duplicate head names',
      {
        input: good.input,
        layers: [],
        heads: [
          { name: 'a', layers: [] },
          { name: 'a', layers: [] },
        ],
      },
      /unique/,
    ],
    ['head named input', { input: good.input, layers: [], heads: [{ name: 'input', layers: [] }] }, /input/],
    [
      'head name with a dot',
      { input: good.input, layers: [], heads: [{ name: 'a.b', layers: [] }] },
      /identifier/,
    ],
    ['zero input length', withLayers([], { channels: 2, length: 0 }), /input\.length/],
    ['not an object', 'conv1d', /network spec/],
  ];
  for (const [what, spec, message] of cases) {
    it(what, () => {
      let err: unknown;
      try {
        resolveNetwork(spec);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InputError);
      expect((err as Error).message).toMatch(message);
    });
  }

  it('createNetwork refuses a bad spec before it reaches libtorch', () => {
    expect(() =>
      createNetwork(withLayers([{ type: 'linear', features: 3 }]) as NetworkSpec, { seed: 1 }),
    ).toThrow(InputError);
    expect(() => createNetwork(good, { seed: -1 })).toThrow(UsageError);
    expect(() => createNetwork(good, { seed: 1, threads: 0 })).toThrow(UsageError);
  });
});

describe('bad shapes and arguments are errors, and the process survives them', () => {
  const net = createNetwork(good, { seed: 1 });
  const x = new Float32Array(4 * 2 * 32);

  it('rejects input shapes that do not fit the network', async () => {
    await expect(net.predict(x, [4, 1, 64])).rejects.toThrow(/\[batch, 2, 32\]/);
    await expect(net.predict(x, [4, 2, 31])).rejects.toThrow(InputError);
    await expect(net.predict(x, [8, 2, 32])).rejects.toThrow(/256 values.*needs 512/);
    await expect(net.predict(x, [4, 64])).rejects.toThrow(/not \[batch, channels, length\]/);
    await expect(net.predict(Array.from(x) as unknown as Float32Array, [4, 2, 32])).rejects.toThrow(
      /Float32Array/,
    );
    await expect(net.predict(x, [4, 2, 32], { batchSize: 0 })).rejects.toThrow(UsageError);
  });

  it('rejects training before configuration, bad losses and bad targets', async () => {
    await expect(net.trainBatch(x, [4, 2, 32], {})).rejects.toThrow(/configureTraining/);
    expect(() => net.configureTraining({ loss: [{ kind: 'mse', head: 'nope' }] })).toThrow(
      /no head named 'nope'/,
    );
    expect(() => net.configureTraining({ loss: [] })).toThrow(InputError);
    expect(() =>
      net.configureTraining({ loss: [{ kind: 'gaussian_nll', mean: 'mean', logvar: 'logit' }] }),
    ).toThrow(/differ in shape/);
    expect(() =>
      net.configureTraining({ loss: [{ kind: 'mse', head: 'mean' }], optimizer: { lr: -1 } }),
    ).toThrow(/lr/);
    expect(() =>
      net.configureTraining({
        loss: [{ kind: 'mse', head: 'mean' }],
        schedule: { kind: 'cosine', totalSteps: 0 },
      }),
    ).toThrow(/schedule/);
    net.configureTraining({
      loss: [
        { kind: 'gaussian_nll', mean: 'mean', logvar: 'logvar', target: 'y' },
        { kind: 'bce_logits', head: 'logit', target: 'label', weight: 0.5 },
      ],
    });
    await expect(net.trainBatch(x, [4, 2, 32], { y: new Float32Array(8) })).rejects.toThrow(
      /target 'label' is missing/,
    );
    await expect(
      net.trainBatch(x, [4, 2, 32], { y: new Float32Array(7), label: new Float32Array(4) }),
    ).rejects.toThrow(/target 'y' has 7 values/);
    const ok = await net.trainBatch(x, [4, 2, 32], { y: new Float32Array(8), label: new Float32Array(4) });
    expect(Object.keys(ok.perHead)).toEqual(['mean', 'logit']);
    expect(ok.loss).toBeCloseTo(ok.perHead.mean + 0.5 * ok.perHead.logit, 5);
  });

  it('refuses a one-sample training batch for a network with batch norm', async () => {
    const bn = createNetwork(
      {
        ...good,
        layers: [{ type: 'batchnorm1d' }, { type: 'flatten' }],
        heads: [{ name: 'y', layers: [{ type: 'linear', features: 1 }] }],
      },
      { seed: 1 },
    );
    bn.configureTraining({ loss: [{ kind: 'mse', head: 'y' }] });
    await expect(bn.trainBatch(x.subarray(0, 64), [1, 2, 32], { y: new Float32Array(1) })).rejects.toThrow(
      /at least 2/,
    );
    await expect(
      bn.trainBatch(x.subarray(0, 128), [2, 2, 32], { y: new Float32Array(2) }),
    ).resolves.toBeDefined();
  });

  it('reports a non-finite loss as a NumericalError and keeps working', async () => {
    const bad = new Float32Array(x.length).fill(Number.NaN);
    await expect(
      net.trainBatch(bad, [4, 2, 32], { y: new Float32Array(8), label: new Float32Array(4) }),
    ).rejects.toThrow(NumericalError);
    const out = await net.predict(x, [4, 2, 32]);
    expect(out.mean.every(Number.isFinite)).toBe(true);
  });

  it('rejects state that does not fit, leaving the weights unchanged', async () => {
    const before = await net.predict(x, [4, 2, 32]);
    const state = net.getState();
    const broken = state.map((t, i) => (i === 0 ? { ...t, shape: [1, ...t.shape] } : t));
    expect(() => net.setState(broken)).toThrow(/wrong shape/);
    expect(() => net.setState(state.slice(1))).toThrow(/tensors/);
    expect(() => net.setState(state.map((t, i) => (i === 0 ? { ...t, name: 'trunk.9.weight' } : t)))).toThrow(
      /not in this network/,
    );
    expect((await net.predict(x, [4, 2, 32])).mean).toEqual(before.mean);
  });

  it('refuses files that are not network files or are truncated', () => {
    const garbage = join(dir, 'garbage.lmnn');
    writeFileSync(garbage, 'hello world, not a network');
    expect(() => loadNetwork(garbage)).toThrow(/not a livermrs network file/);
    expect(() => loadNetwork(join(dir, 'missing.lmnn'))).toThrow(InputError);
    const bytes = net.toBytes({ note: 'x' });
    expect(() => networkFromBytes(bytes.subarray(0, bytes.length - 10), {}, 'cut.lmnn')).toThrow(
      /cut\.lmnn.*truncated/,
    );
    expect(() => networkFromBytes(bytes.subarray(0, 20), {}, 'cut.lmnn')).toThrow(/truncated header/);
    expect(networkFromBytes(bytes).metadata).toEqual({ note: 'x' });
  });

  it('refuses Monte Carlo dropout on a network without dropout', async () => {
    const plain = createNetwork(withLayers([{ type: 'flatten' }]) as NetworkSpec, { seed: 1 });
    await expect(plain.predictMcDropout(x, [4, 2, 32], { passes: 3 })).rejects.toThrow(/no dropout/);
    expect(() => plain.configureTraining({ loss: [{ kind: 'mse', head: 'out' }] })).toThrow(
      /no trainable parameters/,
    );
  });
});
