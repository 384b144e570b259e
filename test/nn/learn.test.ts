import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createNetwork, loadNetwork } from '../../src/nn/engine.js';
import type { NetworkSpec } from '../../src/nn/spec.js';
import { lorentzianSet, POINTS } from './lorentzians.js';

const spec: NetworkSpec = {
  input: { channels: 1, length: POINTS },
  layers: [
    { type: 'conv1d', channels: 8, kernel: 7, stride: 2, padding: 3 },
    { type: 'activation', fn: 'relu' },
    { type: 'conv1d', channels: 16, kernel: 5, stride: 2, padding: 2 },
    { type: 'activation', fn: 'relu' },
    { type: 'adaptive_avgpool1d', size: 8 },
    { type: 'flatten' },
    { type: 'linear', features: 32 },
    { type: 'activation', fn: 'relu' },
  ],
  heads: [{ name: 'amplitude', layers: [{ type: 'linear', features: 2 }] }],
};

const dir = mkdtempSync(join(tmpdir(), 'livermrs-nn-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function rmse(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s / a.length);
}

describe('libtorch engine learns a known function', () => {
  const test = lorentzianSet(256, 2);
  const net = createNetwork(spec, { seed: 7, threads: 1 });

  it('recovers two Lorentzian amplitudes from noisy spectra to RMSE < 0.05 (amplitudes span 0.5–2)', async () => {
    const steps = 400;
    const batch = 32;
    net.configureTraining({
      loss: [{ kind: 'mse', head: 'amplitude' }],
      optimizer: { lr: 3e-3, weightDecay: 1e-4 },
      schedule: { kind: 'warmup_cosine', warmupSteps: 20, totalSteps: steps },
      clipGradNorm: 5,
    });
    const before = rmse((await net.predict(test.x, test.shape)).amplitude, test.amplitudes);
    for (let step = 0; step < steps; step++) {
      const b = lorentzianSet(batch, 1000 + step);
      await net.trainBatch(b.x, b.shape, { amplitude: b.amplitudes });
    }
    const after = rmse((await net.predict(test.x, test.shape)).amplitude, test.amplitudes);
    // The SD of a uniform [0.5, 2] amplitude is 0.43: predicting the mean would give RMSE 0.43.
    expect(before).toBeGreaterThan(0.3);
    expect(after).toBeLessThan(0.05);
    const evaluated = await net.evaluate(test.x, test.shape, { amplitude: test.amplitudes });
    expect(Math.sqrt(evaluated.loss)).toBeCloseTo(after, 4);
    expect(evaluated.perHead.amplitude).toBeCloseTo(evaluated.loss, 10);
  });

  it('save, load and predict give identical outputs, and keep the metadata', async () => {
    const path = join(dir, 'amp.lmnn');
    const metadata = { ppm: [0.5, 5.7], scale: 2.5, components: ['a1', 'a2'] };
    net.save(path, metadata);
    const loaded = loadNetwork(path, { threads: 1 });
    expect(loaded.metadata).toEqual(metadata);
    expect(loaded.spec).toEqual(spec);
    const a = await net.predict(test.x, test.shape, { batchSize: 50 });
    const b = await loaded.predict(test.x, test.shape, { batchSize: 50 });
    expect(b.amplitude).toEqual(a.amplitude);
  });
});
