import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { createNetwork } from '../../src/nn/engine.js';
import type { NetworkSpec } from '../../src/nn/spec.js';

/** Each loss recomputed from the network's own predictions with the textbook formula. */
const spec: NetworkSpec = {
  input: { channels: 1, length: 8 },
  layers: [{ type: 'flatten' }],
  heads: [
    { name: 'mu', layers: [{ type: 'linear', features: 3 }] },
    { name: 'logvar', layers: [{ type: 'linear', features: 3 }] },
  ],
};
const n = 6;
const rng = new Rng(4);
const x = Float32Array.from({ length: n * 8 }, () => rng.normal());
const y = Float32Array.from({ length: n * 3 }, () => 2 * rng.normal());
const shape = [n, 1, 8];

const mean = (f: (i: number) => number) =>
  Array.from({ length: y.length }, (_, i) => f(i)).reduce((a, b) => a + b) / y.length;

describe('losses match their formulas', () => {
  const net = createNetwork(spec, { seed: 3 });
  const cases: [
    string,
    Parameters<typeof net.configureTraining>[0]['loss'][number],
    (p: Record<string, Float32Array>) => number,
  ][] = [
    ['mse', { kind: 'mse', head: 'mu', target: 'y' }, (p) => mean((i) => (p.mu[i] - y[i]) ** 2)],
    [
      'huber (delta 0.5)',
      { kind: 'huber', head: 'mu', target: 'y', delta: 0.5 },
      (p) =>
        mean((i) => {
          const a = Math.abs(p.mu[i] - y[i]);
          return a < 0.5 ? 0.5 * a * a : 0.5 * (a - 0.25);
        }),
    ],
    [
      'binary cross-entropy with logits and positive weight 3',
      { kind: 'bce_logits', head: 'mu', target: 'y01', posWeight: 3 },
      (p) =>
        mean((i) => {
          const t = y[i] > 0 ? 1 : 0;
          const s = 1 / (1 + Math.exp(-p.mu[i]));
          return -(3 * t * Math.log(s) + (1 - t) * Math.log(1 - s));
        }),
    ],
    [
      'Gaussian negative log-likelihood',
      { kind: 'gaussian_nll', mean: 'mu', logvar: 'logvar', target: 'y' },
      (p) => mean((i) => 0.5 * (p.logvar[i] + (y[i] - p.mu[i]) ** 2 * Math.exp(-p.logvar[i]))),
    ],
  ];
  for (const [what, term, formula] of cases) {
    it(what, async () => {
      net.configureTraining({ loss: [{ ...term, weight: 2 }] });
      const targets = { y, y01: y.map((v) => (v > 0 ? 1 : 0)) };
      const p = await net.predict(x, shape);
      const r = await net.evaluate(x, shape, targets);
      expect(r.loss).toBeCloseTo(2 * formula(p), 5);
    });
  }

  it('Gaussian NLL clamps the variance at 1e-6 in value but still pulls a collapsed log-variance back up', async () => {
    const collapsed = createNetwork(spec, { seed: 3 });
    const state = collapsed
      .getState()
      .map((t) => (t.name === 'heads.logvar.0.bias' ? { ...t, data: t.data.map(() => -40) } : t));
    collapsed.setState(state);
    collapsed.configureTraining({
      loss: [{ kind: 'gaussian_nll', mean: 'mu', logvar: 'logvar', target: 'y' }],
      optimizer: { lr: 0.1 },
    });
    const p = await collapsed.predict(x, shape);
    const r = await collapsed.evaluate(x, shape, { y });
    const clampedLv = Math.log(1e-6);
    const expected = mean((i) => 0.5 * (clampedLv + (y[i] - p.mu[i]) ** 2 / 1e-6));
    expect(Math.abs(r.loss / expected - 1)).toBeLessThan(1e-5);
    await collapsed.trainBatch(x, shape, { y });
    const bias = collapsed.getState().find((t) => t.name === 'heads.logvar.0.bias')!;
    // AdamW's first step moves each parameter by about lr against the sign of its gradient
    for (const b of bias.data) expect(b).toBeCloseTo(-40 + 0.1, 3);
  });
});
