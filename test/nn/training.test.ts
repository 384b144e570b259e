import { describe, expect, it } from 'vitest';
import { createNetwork } from '../../src/nn/engine.js';
import { type Batch, trainNetwork } from '../../src/nn/trainer.js';
import type { NetworkSpec } from '../../src/nn/spec.js';
import { lorentzianSet, POINTS } from './lorentzians.js';

const spec: NetworkSpec = {
  input: { channels: 1, length: POINTS },
  layers: [
    { type: 'conv1d', channels: 8, kernel: 7, stride: 2, padding: 3 },
    { type: 'batchnorm1d' },
    { type: 'activation', fn: 'relu' },
    { type: 'adaptive_avgpool1d', size: 8 },
    { type: 'flatten' },
    { type: 'dropout', p: 0.2 },
  ],
  heads: [
    { name: 'mean', layers: [{ type: 'linear', features: 2 }] },
    { name: 'logvar', layers: [{ type: 'linear', features: 2 }] },
  ],
};

function batches(epoch: number, count: number, size: number): Batch[] {
  return Array.from({ length: count }, (_, i) => {
    const s = lorentzianSet(size, 10_000 * (epoch + 1) + i);
    return { x: s.x, shape: s.shape, targets: { y: s.amplitudes } };
  });
}

describe('training helpers', () => {
  it('the same seed gives the same weights, training and dropout draws; another seed does not', async () => {
    const data = lorentzianSet(16, 3);
    const run = async (seed: number) => {
      const net = createNetwork(spec, { seed });
      net.configureTraining({
        loss: [{ kind: 'gaussian_nll', mean: 'mean', logvar: 'logvar', target: 'y' }],
      });
      const losses = [];
      for (let i = 0; i < 3; i++)
        losses.push((await net.trainBatch(data.x, data.shape, { y: data.amplitudes })).loss);
      const mc = await net.predictMcDropout(data.x, data.shape, { passes: 5 });
      return { losses, mc: mc.mean.mean };
    };
    const [a, b, c] = [await run(5), await run(5), await run(6)];
    expect(b).toEqual(a);
    expect(c.losses).not.toEqual(a.losses);
  });

  it('Monte Carlo dropout varies between passes around the eval-mode prediction', async () => {
    const net = createNetwork(spec, { seed: 2 });
    const data = lorentzianSet(8, 4);
    const plain = await net.predict(data.x, data.shape);
    const mc = await net.predictMcDropout(data.x, data.shape, { passes: 400, batchSize: 3 });
    expect(mc.std.mean.every((s) => s > 0)).toBe(true);
    // Inverted dropout keeps the expectation of a linear head: the MC mean converges to the eval output
    // within a few standard errors (SD / sqrt(400)).
    for (let i = 0; i < plain.mean.length; i++) {
      expect(Math.abs(mc.mean.mean[i] - plain.mean[i])).toBeLessThan(
        (5 * mc.std.mean[i]) / Math.sqrt(400) + 1e-6,
      );
    }
  });

  it('trainNetwork stops early without validation improvement and restores the best weights', async () => {
    const net = createNetwork(spec, { seed: 9 });
    const validation = lorentzianSet(64, 77);
    // A learning rate far too high after the first epoch makes the validation loss stop improving.
    net.configureTraining({
      loss: [{ kind: 'mse', head: 'mean', target: 'y' }],
      optimizer: { lr: 3e-3 },
      schedule: { kind: 'step', stepSize: 4, gamma: 1 },
    });
    const reports: number[] = [];
    const result = await trainNetwork(net, {
      epochs: 30,
      batches: (epoch) => batches(epoch, 4, 16),
      validation: { x: validation.x, shape: validation.shape, targets: { y: validation.amplitudes } },
      patience: 2,
      minDelta: 1e9, // no improvement ever counts after the first epoch
      onEpoch: (r) => reports.push(r.validationLoss ?? Number.NaN),
    });
    expect(result.stoppedEarly).toBe(true);
    expect(result.history.length).toBe(3);
    expect(result.bestEpoch).toBe(0);
    const restored = await net.evaluate(validation.x, validation.shape, { y: validation.amplitudes });
    expect(restored.loss).toBeCloseTo(reports[0], 6);
  });

  it('trains off the event loop: timers keep firing while a batch trains', async () => {
    const net = createNetwork(spec, { seed: 1 });
    net.configureTraining({ loss: [{ kind: 'mse', head: 'mean', target: 'y' }] });
    const data = lorentzianSet(512, 8);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const started = performance.now();
    await net.trainBatch(data.x, data.shape, { y: data.amplitudes });
    const ms = performance.now() - started;
    clearInterval(timer);
    // A synchronous call would block the loop for the whole batch and let no timer fire.
    expect(ms).toBeGreaterThan(5);
    expect(ticks).toBeGreaterThan(0);
  });
});
