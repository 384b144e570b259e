import { LivermrsError } from '../core/errors.js';
import { sigmoid } from './calibration.js';
import type { ClassifyModelMetadata, QuantifyModelMetadata } from './contract.js';

/**
 * Network outputs back into numbers, as the contract says (docs/web.md "Outputs"): for `livermrs quantify` and
 * `classify` (onnxruntime-node, batches) and the browser app (onnxruntime-web, one spectrum) alike.
 */

/** Display group of a component: the metadata's, else 'lipid' for L + two digits (L09, L13, ...), else 'metabolite'. */
export function componentGroup(name: string, groups?: Record<string, string>): string {
  return groups?.[name] ?? (/^L\d\d$/.test(name) ? 'lipid' : 'metabolite');
}

/** One qCNN estimate in the contract's target unit (a report's concentration-table row). */
export interface QuantifiedRow {
  name: string;
  value: number;
  /** From the variance head; absent when the network has none. */
  sd?: number;
  group: string;
}

/**
 * qCNN outputs of one spectrum to rows: value = raw·scale + offset (× input normalisation when the
 * metadata says so), SD = exp(logvar / 2)·|scale| (likewise), per component.
 */
export function quantificationRows(
  meta: QuantifyModelMetadata,
  mean: ArrayLike<number>,
  logvar: ArrayLike<number> | undefined,
  inputNorm: number,
): QuantifiedRow[] {
  const k = meta.components.length;
  if (mean.length < k)
    throw new RangeError(`qCNN output '${meta.heads.mean}' has ${mean.length} values for ${k} components`);
  const g = meta.targets.scaleByInputNorm ? inputNorm : 1;
  return meta.components.map((name, i) => {
    const s = meta.targets.scale?.[i] ?? 1;
    const o = meta.targets.offset?.[i] ?? 0;
    const value = (mean[i] * s + o) * g;
    const sd = logvar ? Math.exp(logvar[i] / 2) * Math.abs(s) * g : undefined;
    return { name, value, sd, group: componentGroup(name, meta.groups) };
  });
}

/** Positive-class probability from the cCNN logit output of one spectrum (1 logit: sigmoid; 2: softmax). */
export function classProbability(meta: ClassifyModelMetadata, logits: ArrayLike<number>): number {
  if (logits.length === 1) return sigmoid(logits[0]);
  if (logits.length === 2) return sigmoid(logits[1] - logits[0]);
  throw new RangeError(`cCNN output '${meta.heads.logit}' has ${logits.length} values (expected 1 or 2)`);
}

/** Named network outputs of a batch, each [batch, width] row-major. */
export type NetworkOutputs = Record<string, ArrayLike<number> | undefined>;

function head(outputs: NetworkOutputs, name: string, network: string): ArrayLike<number> {
  const out = outputs[name];
  if (!out) throw new LivermrsError(`${network} has no output '${name}'`);
  return out;
}

const row = (a: ArrayLike<number>, i: number, width: number) =>
  Array.prototype.slice.call(a, i * width, (i + 1) * width) as number[];

/** quantificationRows of each spectrum of a batch; `norms` are the inputs' normalisation divisors. */
export function quantifyOutputs(
  meta: QuantifyModelMetadata,
  outputs: NetworkOutputs,
  norms: ArrayLike<number>,
): QuantifiedRow[][] {
  const mean = head(outputs, meta.heads.mean, 'qCNN');
  const logvar = meta.heads.logvar ? outputs[meta.heads.logvar] : undefined;
  const K = meta.components.length;
  return Array.from(norms, (norm, i) =>
    quantificationRows(meta, row(mean, i, K), logvar && row(logvar, i, K), norm),
  );
}

/** classProbability of each of `n` spectra of a batch. */
export function classifyOutputs(meta: ClassifyModelMetadata, outputs: NetworkOutputs, n: number): number[] {
  const z = head(outputs, meta.heads.logit, 'cCNN');
  const width = z.length / n;
  return Array.from({ length: n }, (_, i) => classProbability(meta, row(z, i, width)));
}
