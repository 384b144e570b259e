import { exportOnnx } from '../../src/nn/onnx/export.js';
import { resolveNetwork } from '../../src/nn/shapes.js';

/**
 * Linear stand-in networks for the web tests, exported with src/nn's ONNX exporter (the same path trained
 * qCNN/cCNN take): input [batch, C, L] -> flatten -> one linear layer per head. Known weights let the tests
 * compute the expected outputs independently.
 */
export interface LinearHead {
  name: string;
  /** Row-major [outputs, C*L]. */
  weight: Float32Array;
  bias: Float32Array;
}

/** An ONNX model computing head_k = Flatten(input) · W_kᵀ + b_k for each head. */
export function linearOnnx(channels: number, points: number, heads: LinearHead[]): Uint8Array {
  const net = resolveNetwork({
    input: { channels, length: points },
    layers: [{ type: 'flatten' }],
    heads: heads.map((h) => ({ name: h.name, layers: [{ type: 'linear', features: h.bias.length }] })),
  });
  const state = heads.flatMap((h) => [
    { name: `heads.${h.name}.0.weight`, shape: [h.bias.length, channels * points], data: h.weight },
    { name: `heads.${h.name}.0.bias`, shape: [h.bias.length], data: h.bias },
  ]);
  return exportOnnx(net, state);
}

/** Deterministic weights: a smooth pattern per output row, scaled. */
export function patternWeights(rows: number, cols: number, scale: number, phase = 0): Float32Array {
  const w = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) w[r * cols + c] = scale * Math.sin(0.37 * (r + 1) + 0.051 * c + phase);
  return w;
}

/** y = W x + b in double precision (the expected answer). */
export function applyLinear(w: Float32Array, b: Float32Array, x: Float32Array): number[] {
  const k = b.length;
  const n = x.length;
  return Array.from({ length: k }, (_, r) => {
    let s = b[r];
    for (let c = 0; c < n; c++) s += w[r * n + c] * x[c];
    return s;
  });
}
