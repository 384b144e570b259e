import { UsageError } from '../core/errors.js';
import { createNetwork, type Network } from '../nn/engine.js';
import type { EpochReport } from '../nn/trainer.js';
import { type Architecture, ccnnSpec } from './architectures.js';
import { brierScore, expectedCalibrationError, fitTemperature, logLoss, sigmoid } from './calibration.js';
import { auc } from './classification-metrics.js';
import type { InputPipeline, ModelProtocol } from './input.js';
import { type NetworkTrainOptions, streamSeeds, trainOnStream } from './training.js';
import { type SpectrumBlock, simulateBlock } from './training-data.js';

/**
 * cCNN: the probability that a spectrum comes from the positive group (LC-HCC), trained on simulated spectra
 * of both groups, balanced (the stream interleaves them). Probabilities are calibrated by temperature scaling
 * on a held-out simulated validation set (the temperature is folded into the logit head, so the exported ONNX
 * graph gives calibrated logits); the calibration error is then measured on a further independent simulated
 * set. With `members` > 1 the cCNN is a deep ensemble (Lakshminarayanan et al., NeurIPS 2017) of that many
 * networks with their own initialisation, whose logits are averaged (architectures.ts).
 */
export interface CcnnModel {
  kind: 'ccnn';
  /** [negative, positive] group names. */
  classes: [string, string];
  protocol: ModelProtocol;
  pipeline: InputPipeline;
  members: number;
  temperature: number;
  /** Class prior the probabilities refer to (the balanced training set). */
  trainingPrior: number;
  architecture: Architecture;
  calibration: CalibrationReport;
  training: Record<string, unknown>;
}

export interface CalibrationReport {
  temperature: number;
  /** On the validation set (where T was fitted): before and after. */
  validation: {
    n: number;
    auc: number;
    logLossBefore: number;
    logLossAfter: number;
    eceBefore: number;
    eceAfter: number;
  };
  /** On an independent simulated set from the same cohort. */
  test: { n: number; auc: number; logLoss: number; ece: number; brier: number; accuracy: number };
}

export interface CcnnTrainOptions extends NetworkTrainOptions {
  members?: number;
}

export interface TrainedCcnn {
  net: Network;
  model: CcnnModel;
  history: EpochReport[];
  seconds: number;
}

export async function trainCcnn(o: CcnnTrainOptions): Promise<TrainedCcnn> {
  const t0 = performance.now();
  const src = o.source;
  const labels = src.labels ?? src.groups.map((_, i) => i);
  if (
    src.groups.length !== labels.length ||
    new Set(labels).size !== 2 ||
    labels.some((l) => l !== 0 && l !== 1)
  )
    throw new UsageError(`a cCNN needs two classes (got groups ${src.groups.join(', ')})`);
  // Class names: the groups of a mixture are named `${group}~${resample}`.
  const className = (label: number) => src.groups[labels.indexOf(label)].replace(/~\d+$/, '');
  const M = o.members ?? 1;
  const L = src.pipeline.model.points;
  const labelsOf = (b: SpectrumBlock) => {
    const y = new Float32Array(b.n * M);
    for (let i = 0; i < b.n; i++) y.fill(b.labels[i], i * M, (i + 1) * M);
    return y;
  };
  const { net, result, validation, record } = await trainOnStream(o, 1e-3, () => ({
    spec: ccnnSpec(o.architecture, { channels: 2, length: L }, M),
    loss: [{ kind: 'bce_logits', head: M === 1 ? 'logit' : 'members', target: 'label' }],
    targets: (b) => ({ label: labelsOf(b) }),
  }));
  // Temperature on the validation set, folded into the logit head.
  const raw = await memberMeanLogits(net, validation, M, L);
  const T = fitTemperature(validation.labels, raw);
  foldTemperature(net, M, T);
  const probsBefore = Array.from(raw, (z) => sigmoid(z));
  const probsAfter = Array.from(raw, (z) => sigmoid(z / T));
  const test = await simulateBlock(src, streamSeeds(o.seed).test, o.validation ?? 2000);
  const testLogits = await ccnnLogits(net, test, L);
  const testProbs = Array.from(testLogits, (z) => sigmoid(z));
  let correct = 0;
  for (let i = 0; i < test.n; i++) if ((testProbs[i] >= 0.5 ? 1 : 0) === test.labels[i]) correct++;
  const calibration: CalibrationReport = {
    temperature: T,
    validation: {
      n: validation.n,
      auc: auc(validation.labels, raw),
      logLossBefore: logLoss(validation.labels, raw),
      logLossAfter: logLoss(validation.labels, raw, T),
      eceBefore: expectedCalibrationError(validation.labels, probsBefore).ece,
      eceAfter: expectedCalibrationError(validation.labels, probsAfter).ece,
    },
    test: {
      n: test.n,
      auc: auc(test.labels, testLogits),
      logLoss: logLoss(test.labels, testLogits),
      ece: expectedCalibrationError(test.labels, testProbs).ece,
      brier: brierScore(test.labels, testProbs),
      accuracy: correct / test.n,
    },
  };
  const model: CcnnModel = {
    kind: 'ccnn',
    classes: [className(0), className(1)],
    protocol: { ...o.protocol },
    pipeline: src.pipeline,
    members: M,
    temperature: T,
    trainingPrior: 0.5,
    architecture: { ...o.architecture },
    calibration,
    training: record,
  };
  return { net, model, history: result.history, seconds: (performance.now() - t0) / 1000 };
}

/** Mean of the member logits (before calibration): the `members` head, or `logit` for one member. */
async function memberMeanLogits(net: Network, b: SpectrumBlock, M: number, L: number): Promise<Float64Array> {
  const out = await net.predict(b.inputs, [b.n, 2, L]);
  const z = M === 1 ? out.logit : out.members;
  const mean = new Float64Array(b.n);
  for (let i = 0; i < b.n; i++) {
    let s = 0;
    for (let m = 0; m < M; m++) s += z[i * M + m];
    mean[i] = s / M;
  }
  return mean;
}

/** Calibrated logits of normalised inputs (the `logit` head). */
export async function ccnnLogits(
  net: Network,
  b: Pick<SpectrumBlock, 'n' | 'inputs'>,
  L: number,
): Promise<Float64Array> {
  const out = await net.predict(b.inputs, [b.n, 2, L]);
  return Float64Array.from(out.logit);
}

/** logit ← mean member logit / T, in the weights of the `logit` head. */
function foldTemperature(net: Network, M: number, T: number): void {
  const state = net.getState();
  const get = (name: string) => {
    const t = state.find((s) => s.name === name);
    if (!t) throw new Error(`ccnn: no tensor ${name}`);
    return t;
  };
  if (M === 1) {
    const w = get('heads.logit.0.weight');
    const b = get('heads.logit.0.bias');
    for (let i = 0; i < w.data.length; i++) w.data[i] /= T;
    for (let i = 0; i < b.data.length; i++) b.data[i] /= T;
  } else {
    get('heads.logit.0.weight').data.set(get('heads.members.0.weight').data);
    get('heads.logit.0.bias').data.set(get('heads.members.0.bias').data);
    get('heads.logit.1.weight').data.fill(1 / (M * T));
  }
  net.setState(state);
}

/**
 * The trunk's output (the features the logit head weighs) of each input, [n, F]: a copy of the network with an
 * extra head of no layers, carrying the trained weights (the trunk is shared, so its parameter names match).
 */
export async function ccnnFeatures(
  net: Network,
  b: Pick<SpectrumBlock, 'n' | 'inputs'>,
  L: number,
): Promise<{ features: Float32Array; width: number }> {
  const spec = net.spec;
  const copy = createNetwork(
    { ...spec, heads: [...spec.heads, { name: 'features', layers: [] }] },
    { seed: 0, threads: 1 },
  );
  copy.setState(net.getState());
  const out = await copy.predict(b.inputs, [b.n, 2, L]);
  return { features: out.features, width: out.features.length / b.n };
}
