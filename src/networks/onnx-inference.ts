import * as ort from 'onnxruntime-node';
import type { Fid } from '../core/fid.js';
import type { LoadedBundle } from './bundle.js';
import type { ClassifyModelMetadata, QuantifyModelMetadata } from './contract.js';
import { type NetworkInput, networkInput, prepareFid } from './input.js';

/**
 * Runs exported qCNN/cCNN bundles with onnxruntime-node (no libtorch needed): what `livermrs quantify` and
 * `livermrs classify` use. Inputs are prepared as in training (input.ts) and checked against the
 * bundle's protocol when it has a training record.
 */
export function prepareForBundle(fid: Fid, bundle: LoadedBundle, source: string): NetworkInput {
  const r = bundle.record;
  if (r) return prepareFid(fid, r.protocol, r.pipeline, source);
  // A bundle from elsewhere: the contract's preprocessing alone, as in the browser app.
  return networkInput(fid, bundle.contract.preprocessing, {
    source,
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
  const c = bundle.contract;
  const out = await run(bundle, inputs, threads);
  const mean = out[c.heads.mean];
  const logvar = c.heads.logvar ? out[c.heads.logvar] : undefined;
  const K = c.components.length;
  return inputs.map((p, i) => {
    const g = c.targets.scaleByInputNorm ? p.norm : 1;
    const values: number[] = [];
    const sd: number[] = [];
    for (let k = 0; k < K; k++) {
      const s = c.targets.scale?.[k] ?? 1;
      const o = c.targets.offset?.[k] ?? 0;
      values.push((mean[i * K + k] * s + o) * g);
      sd.push(logvar ? Math.exp(logvar[i * K + k] / 2) * Math.abs(s) * g : Number.NaN);
    }
    return { components: [...c.components], values, sd };
  });
}

/** Probability of the positive class (contract.classes[1]) per input. */
export async function classifyWithBundle(
  bundle: LoadedBundle<ClassifyModelMetadata>,
  inputs: NetworkInput[],
  threads = 1,
): Promise<number[]> {
  const out = await run(bundle, inputs, threads);
  const z = out[bundle.contract.heads.logit];
  const width = z.length / inputs.length;
  return inputs.map((_, i) => {
    if (width === 2) {
      const a = z[2 * i];
      const b = z[2 * i + 1];
      return 1 / (1 + Math.exp(a - b));
    }
    const t = z[i];
    return t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t));
  });
}
