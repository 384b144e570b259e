import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { architecture, ccnnSpec } from '../../src/networks/architectures.js';
import { ccnnFeatures, ccnnLogits } from '../../src/networks/ccnn.js';
import { auc } from '../../src/networks/classification-metrics.js';
import { createNetwork } from '../../src/nn/engine.js';
import { fitFeatureHead, predictFeatureHead, principalAxes } from '../../src/study/ccnn-head.js';

describe('cCNN head on frozen features', () => {
  it('principal axes: the direction of largest spread first, unit length', () => {
    // Points along (3, 4)/5 with large spread, plus small spread along (−4, 3)/5.
    const rng = new Rng(3);
    const n = 50;
    const x = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      const a = 10 * rng.normal();
      const b = 0.5 * rng.normal();
      x[2 * i] = 1 + (3 * a - 4 * b) / 5;
      x[2 * i + 1] = 2 + (4 * a + 3 * b) / 5;
    }
    const { mean, axes } = principalAxes(x, n, 2, 2);
    let m0 = 0;
    for (let i = 0; i < n; i++) m0 += x[2 * i] / n;
    expect(mean[0]).toBeCloseTo(m0, 5);
    expect(Math.abs(axes[0][0])).toBeCloseTo(0.6, 2);
    expect(Math.abs(axes[0][1])).toBeCloseTo(0.8, 2);
    expect(Math.hypot(...axes[1])).toBeCloseTo(1, 12);
    expect(Math.abs(axes[0][0] * axes[1][0] + axes[0][1] * axes[1][1])).toBeLessThan(1e-9);
  });

  it('learns from 20 labelled patients a direction the logit misses, and keeps the logit when it is right', () => {
    const rng = new Rng(5);
    const n = 120;
    const width = 8;
    const labels = Array.from({ length: n }, (_, i) => i % 2);
    const features = new Float32Array(n * width);
    const noise = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < width; j++) features[i * width + j] = rng.normal();
      // The label shifts feature 2 strongly (the largest-variance direction once shifted).
      features[i * width + 2] += 4 * labels[i];
      noise[i] = rng.normal();
    }
    const train = Array.from({ length: 20 }, (_, i) => i);
    const test = Array.from({ length: n - 20 }, (_, i) => i + 20);
    const testLabels = test.map((i) => labels[i]);
    const testAuc = (logits: Float64Array, feats: Float32Array) => {
      const head = fitFeatureHead(
        logits,
        feats,
        width,
        n,
        train,
        train.map((i) => labels[i]),
      );
      return auc(testLabels, predictFeatureHead(head, logits, feats, width, test));
    };
    // A useless logit: the head must find the feature direction (the logit alone: AUC near 0.5; 0.66 for this draw of 100).
    expect(
      auc(
        testLabels,
        test.map((i) => noise[i]),
      ),
    ).toBeLessThan(0.7);
    expect(testAuc(noise, features)).toBeGreaterThan(0.95);
    // A logit that already separates, features that carry nothing: the logit is kept.
    const good = Float64Array.from(labels, (l, i) => 3 * l + 0.3 * noise[i]);
    expect(
      testAuc(
        good,
        new Float32Array(n * width).map(() => rng.normal()),
      ),
    ).toBeGreaterThan(0.95);
  });

  it('ccnnFeatures returns the trunk output the logit head weighs: logit = w·h + b', async () => {
    const spec = ccnnSpec(architecture('deep'), { channels: 2, length: 128 }, 1);
    const net = createNetwork(spec, { seed: 4, threads: 1 });
    const rng = new Rng(9);
    const inputs = new Float32Array(3 * 2 * 128).map(() => rng.normal());
    const { features, width } = await ccnnFeatures(net, { n: 3, inputs }, 128);
    const logits = await ccnnLogits(net, { n: 3, inputs }, 128);
    const state = net.getState();
    const w = state.find((t) => t.name === 'heads.logit.0.weight')?.data as Float32Array;
    const b = state.find((t) => t.name === 'heads.logit.0.bias')?.data as Float32Array;
    expect(width).toBe(w.length);
    for (let i = 0; i < 3; i++) {
      let z = b[0];
      for (let j = 0; j < width; j++) z += w[j] * features[i * width + j];
      expect(z).toBeCloseTo(logits[i], 4);
    }
  });
});
