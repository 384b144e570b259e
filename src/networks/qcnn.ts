import type { Network } from '../nn/engine.js';
import type { EpochReport } from '../nn/trainer.js';
import { type Architecture, type QcnnLayout, qcnnSpec } from './architectures.js';
import type { InputPipeline, ModelProtocol } from './input.js';
import { type NetworkTrainOptions, trainOnStream } from './training.js';
import type { SpectrumBlock } from './training-data.js';

/**
 * qCNN: amplitudes of the 15 metabolites and 5 lipid resonances, each with a predicted standard deviation.
 *
 * Target scaling: the network sees a spectrum divided by its largest magnitude g (input.ts) and
 * predicts y_k = (a_k/g − offset_k) / scale_k, with offset_k and scale_k the mean and SD of a_k/g over the
 * simulated validation set; a_k = (y_k·scale_k + offset_k)·g is then in the units of the data (like an NLLS
 * amplitude), which is the web contract's `scaleByInputNorm`. Linear (not log) targets: amplitudes reach zero,
 * the paper's error measure is the absolute error, and the contract's output transform is affine.
 *
 * Uncertainty: a variance head trained with the Gaussian negative log-likelihood (Nix & Weigend 1994), recalibrated
 * per component on the validation set (σ_k ← s_k·σ_k with s_k² the mean squared z-score, folded into the head's
 * bias so the exported ONNX model carries it); Monte Carlo dropout is measured beside it (docs/qcnn-ablation.md).
 */
export interface QcnnModel {
  kind: 'qcnn';
  components: string[];
  protocol: ModelProtocol;
  pipeline: InputPipeline;
  /** a/g = y·scale + offset (y the network output). */
  targets: { scale: number[]; offset: number[] };
  /** Per-component SD factors applied (already folded into the logvar head). */
  varianceScale: number[];
  architecture: Architecture & { layout: QcnnLayout };
  training: Record<string, unknown>;
}

export interface QcnnTrainOptions extends NetworkTrainOptions {
  layout?: QcnnLayout;
}

export interface TrainedQcnn {
  net: Network;
  model: QcnnModel;
  history: EpochReport[];
  seconds: number;
  validation: SpectrumBlock;
}

export async function trainQcnn(o: QcnnTrainOptions): Promise<TrainedQcnn> {
  const t0 = performance.now();
  const layout = o.layout ?? 'joint';
  let scaling = { offset: [] as number[], scale: [] as number[] };
  const { net, result, validation, record } = await trainOnStream(o, 2e-3, (v) => {
    scaling = targetScaling(v);
    const { offset, scale } = scaling;
    const spec = qcnnSpec(o.architecture, { channels: 2, length: v.length }, v.targetNames.length, layout);
    return {
      spec,
      loss: [{ kind: 'gaussian_nll', mean: 'mean', logvar: 'logvar', target: 'y' }],
      targets: (b) => ({ y: standardise(b, offset, scale) }),
    };
  });
  const K = validation.targetNames.length;
  const model: QcnnModel = {
    kind: 'qcnn',
    components: [...validation.targetNames],
    protocol: { ...o.protocol },
    pipeline: o.source.pipeline,
    targets: scaling,
    varianceScale: new Array(K).fill(1),
    architecture: { ...o.architecture, layout },
    training: record,
  };
  // Variance recalibration on the validation set, folded into the logvar head.
  const pred = await predictQcnn(net, model, validation);
  const s = varianceScaleFactors(pred, validation);
  foldVarianceScale(net, s);
  model.varianceScale = s;
  return { net, model, history: result.history, seconds: (performance.now() - t0) / 1000, validation };
}

/** Mean and SD of a/g per component (SD floored so a constant component does not divide by zero). */
export function targetScaling(b: SpectrumBlock): { offset: number[]; scale: number[] } {
  const K = b.targetNames.length;
  const offset: number[] = [];
  const scale: number[] = [];
  for (let k = 0; k < K; k++) {
    let s = 0;
    let ss = 0;
    for (let i = 0; i < b.n; i++) {
      const v = b.amplitudes[i * K + k] / b.norms[i];
      s += v;
      ss += v * v;
    }
    const m = s / b.n;
    offset.push(m);
    scale.push(Math.sqrt(Math.max(ss / b.n - m * m, 0)) || Math.abs(m) || 1);
  }
  return { offset, scale };
}

function standardise(b: SpectrumBlock, offset: number[], scale: number[]): Float32Array {
  const K = offset.length;
  const y = new Float32Array(b.n * K);
  for (let i = 0; i < b.n; i++)
    for (let k = 0; k < K; k++) y[i * K + k] = (b.amplitudes[i * K + k] / b.norms[i] - offset[k]) / scale[k];
  return y;
}

/** Amplitude estimates and SDs, [n, K] row-major, in the units of the data. */
export interface QcnnPrediction {
  n: number;
  components: string[];
  values: Float64Array;
  sd: Float64Array;
}

export type UncertaintyMethod = 'variance-head' | 'mc-dropout' | 'combined';

/**
 * Predicts amplitudes of normalised inputs ([n, 2, L] with their norms). 'variance-head' uses the logvar head;
 * 'mc-dropout' the spread of the mean over dropout passes; 'combined' adds both variances.
 */
export async function predictQcnn(
  net: Network,
  model: QcnnModel,
  block: Pick<SpectrumBlock, 'n' | 'inputs' | 'norms'>,
  method: UncertaintyMethod = 'variance-head',
  passes = 30,
): Promise<QcnnPrediction> {
  const K = model.components.length;
  const L = model.pipeline.model.points;
  const shape: [number, number, number] = [block.n, 2, L];
  let mean: Float32Array;
  let logvar: Float32Array;
  let mcSd: Float32Array | undefined;
  if (method === 'variance-head') {
    const out = await net.predict(block.inputs, shape);
    mean = out.mean;
    logvar = out.logvar;
  } else {
    const out = await net.predictMcDropout(block.inputs, shape, { passes });
    mean = out.mean.mean;
    logvar = out.mean.logvar;
    mcSd = out.std.mean;
  }
  const values = new Float64Array(block.n * K);
  const sd = new Float64Array(block.n * K);
  const { scale, offset } = model.targets;
  for (let i = 0; i < block.n; i++) {
    const g = block.norms[i];
    for (let k = 0; k < K; k++) {
      const j = i * K + k;
      values[j] = (mean[j] * scale[k] + offset[k]) * g;
      const headVar = Math.exp(logvar[j]);
      const mcVar = mcSd ? mcSd[j] * mcSd[j] : 0;
      const v = method === 'variance-head' ? headVar : method === 'mc-dropout' ? mcVar : headVar + mcVar;
      sd[j] = Math.sqrt(v) * scale[k] * g;
    }
  }
  return { n: block.n, components: [...model.components], values, sd };
}

/** s_k = sqrt(mean z²) of the validation z-scores (so the recalibrated z has unit mean square). */
export function varianceScaleFactors(
  pred: QcnnPrediction,
  truth: Pick<SpectrumBlock, 'n' | 'amplitudes'>,
): number[] {
  const K = pred.components.length;
  const out: number[] = [];
  for (let k = 0; k < K; k++) {
    let s = 0;
    let n = 0;
    for (let i = 0; i < pred.n; i++) {
      const j = i * K + k;
      if (!(pred.sd[j] > 0)) continue;
      const z = (truth.amplitudes[j] - pred.values[j]) / pred.sd[j];
      s += z * z;
      n++;
    }
    out.push(n > 0 ? Math.sqrt(s / n) : 1);
  }
  return out;
}

/** logvar_k += 2 ln s_k, through the last layer's bias of the logvar head. */
function foldVarianceScale(net: Network, s: number[]): void {
  const state = net.getState();
  const biases = state.filter((t) => t.name.startsWith('heads.logvar.') && t.name.endsWith('.bias'));
  const bias = biases[biases.length - 1];
  if (!bias || bias.data.length !== s.length) {
    throw new Error('qcnn: logvar head bias not found');
  }
  for (let k = 0; k < s.length; k++) bias.data[k] += 2 * Math.log(s[k]);
  net.setState(state);
}
