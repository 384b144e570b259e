import * as ort from 'onnxruntime-node';
import type { Fid } from '../core/fid.js';
import type { LoadedBundle } from './bundle.js';
import type { ClassifyModelMetadata, QuantifyModelMetadata } from './contract.js';
import { type NetworkInput, networkInput, prepareFid, type WaterReferenceInput } from './input.js';
import { classifyOutputs, quantifyOutputs } from './interpret.js';

/**
 * Runs exported qCNN/cCNN bundles with onnxruntime-node (no libtorch needed): what `livermrs quantify` and
 * `livermrs classify` use. Inputs are prepared as in training (input.ts) and checked against the
 * bundle's protocol when it has a training record.
 */
export function prepareForBundle(
  fid: Fid,
  bundle: LoadedBundle,
  source: string,
  waterReference?: WaterReferenceInput,
): NetworkInput {
  const r = bundle.record;
  if (r) return prepareFid(fid, r.protocol, r.pipeline, source, waterReference);
  // A bundle from elsewhere: the contract's preprocessing alone, as in the browser app.
  return networkInput(fid, bundle.contract.preprocessing, {
    source,
    waterReference,
    notes: ['the model has no training record (.training.json): its protocol was not checked'],
  });
}

async function run(
  bundle: LoadedBundle,
  inputs: NetworkInput[],
  threads: number,
): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(bundle.onnx, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
  });
  try {
    const { points: L, channels } = bundle.contract.preprocessing;
    const C = channels.length;
    const x = new Float32Array(inputs.length * C * L);
    inputs.forEach((p, i) => {
      x.set(p.input, i * C * L);
    });
    const name = bundle.contract.input?.name ?? 'input';
    const out = await session.run({ [name]: new ort.Tensor('float32', x, [inputs.length, C, L]) });
    const result: Record<string, Float32Array> = {};
    for (const [k, v] of Object.entries(out)) result[k] = v.data as Float32Array;
    return result;
  } finally {
    await session.release();
  }
}

export interface QuantifiedSpectrum {
  components: string[];
  values: number[];
  sd: number[];
}

export async function quantifyWithBundle(
  bundle: LoadedBundle<QuantifyModelMetadata>,
  inputs: NetworkInput[],
  threads = 1,
): Promise<QuantifiedSpectrum[]> {
  const out = await run(bundle, inputs, threads);
  const rows = quantifyOutputs(
    bundle.contract,
    out,
    inputs.map((p) => p.norm),
  );
  return rows.map((r) => ({
    components: r.map((c) => c.name),
    values: r.map((c) => c.value),
    sd: r.map((c) => c.sd ?? Number.NaN),
  }));
}

/** Probability of the positive class (contract.classes[1]) per input. */
export async function classifyWithBundle(
  bundle: LoadedBundle<ClassifyModelMetadata>,
  inputs: NetworkInput[],
  threads = 1,
): Promise<number[]> {
  return classifyOutputs(bundle.contract, await run(bundle, inputs, threads), inputs.length);
}
