import { UsageError } from '../core/errors.js';
import { createNetwork, type Network } from '../nn/engine.js';
import type { LossTermSpec } from '../nn/loss.js';
import type { NetworkSpec } from '../nn/spec.js';
import { type EpochReport, type TrainResult, trainNetwork } from '../nn/trainer.js';
import type { Architecture } from './architectures.js';
import { describeRealism } from '../simulate/realism.js';
import type { ModelProtocol } from './input.js';
import { epochSource, type SimulatedSource, type SpectrumBlock, simulateBlock } from './training-data.js';

/**
 * What the qCNN and the cCNN share: a network trained by AdamW with warm-up + cosine learning rate, gradient
 * clipping and early stopping, on a stream of fresh simulated spectra (epochs are slices of it), validated on a
 * fixed simulated set from another seed.
 */
export interface NetworkTrainOptions {
  source: SimulatedSource;
  protocol: ModelProtocol;
  architecture: Architecture;
  seed: number;
  /** Training spectra in total. */
  spectra: number;
  /** Epochs (slices of fresh spectra, validation after each). Default 8. */
  epochs?: number;
  /** Validation spectra. Default 2000. */
  validation?: number;
  batchSize?: number;
  lr?: number;
  weightDecay?: number;
  patience?: number;
  /** libtorch threads (default 1). */
  threads?: number;
  onEpoch?: (r: EpochReport) => void;
  signal?: AbortSignal;
}

/** Seeds of the training, validation and test streams, derived from the run seed. */
export function streamSeeds(seed: number): { train: number; validation: number; test: number } {
  return { train: seed * 7 + 1, validation: seed * 7 + 2, test: seed * 7 + 3 };
}

export interface TrainedOnStream {
  net: Network;
  result: TrainResult;
  validation: SpectrumBlock;
  /** Settings to record with the model. */
  record: Record<string, unknown>;
}

/**
 * Simulates the validation set, lets `prepare` derive the spec, loss and target maker from it, then trains.
 */
export async function trainOnStream(
  o: NetworkTrainOptions,
  defaultLr: number,
  prepare: (validation: SpectrumBlock) => {
    spec: NetworkSpec;
    loss: LossTermSpec[];
    targets: (b: SpectrumBlock) => Record<string, Float32Array>;
  },
): Promise<TrainedOnStream> {
  const src = o.source;
  const seeds = streamSeeds(o.seed);
  const epochs = o.epochs ?? 8;
  const bs = o.batchSize ?? 128;
  if (o.spectra < epochs * bs) {
    throw new UsageError(`${o.spectra} training spectra are fewer than ${epochs} epochs of one batch`);
  }
  const validation = await simulateBlock(src, seeds.validation, o.validation ?? 2000);
  const { spec, loss, targets } = prepare(validation);
  const net = createNetwork(spec, { seed: o.seed, threads: o.threads ?? 1 });
  const perEpoch = Math.floor(o.spectra / epochs);
  const steps = epochs * Math.ceil(perEpoch / bs);
  const lr = o.lr ?? defaultLr;
  net.configureTraining({
    loss,
    optimizer: { lr, weightDecay: o.weightDecay ?? 1e-2 },
    schedule: {
      kind: 'warmup_cosine',
      warmupSteps: Math.min(200, Math.floor(steps / 10)),
      totalSteps: steps,
    },
    clipGradNorm: 1,
  });
  const L = src.pipeline.model.points;
  const data = epochSource(src, { seed: seeds.train, batchSize: bs, epochs, perEpoch }, (b) => ({
    x: b.inputs,
    shape: [b.n, 2, L],
    targets: targets(b),
  }));
  let result: TrainResult;
  try {
    result = await trainNetwork(net, {
      epochs,
      batches: data.batches,
      validation: { x: validation.inputs, shape: [validation.n, 2, L], targets: targets(validation) },
      patience: o.patience ?? 3,
      onEpoch: o.onEpoch,
      signal: o.signal,
    });
  } finally {
    await data.close();
  }
  return {
    net,
    result,
    validation,
    record: {
      cohort: src.cohort.name,
      /** The cohort says its priors are illustrative (the built-in ones): said in the model's description. */
      illustrative: src.cohort.illustrative === true,
      groups: src.groups,
      /** The distortions beyond the cohort's nuisance model it was trained on, and the canonical frame. */
      realism: src.realism ? describeRealism(src.realism) : 'none',
      canonicalFrame: src.pipeline.model.canonical ?? 'none',
      seed: o.seed,
      spectra: o.spectra,
      epochs,
      epochsRun: result.history.length,
      bestEpoch: result.bestEpoch,
      batchSize: bs,
      lr,
      validationSpectra: validation.n,
      parameters: net.parameterCount,
    },
  };
}
