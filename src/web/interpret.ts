import type { ConcentrationRow } from '../report/types.js';
import type { ClassifyModelMetadata, QuantifyModelMetadata } from '../networks/contract.js';

/** Display group of a component: the metadata's, else 'lipid' for L + two digits (L09, L13, ...), else 'metabolite'. */
export function componentGroup(name: string, groups?: Record<string, string>): string {
  return groups?.[name] ?? (/^L\d\d$/.test(name) ? 'lipid' : 'metabolite');
}

/**
 * qCNN outputs of one spectrum to table rows: value = raw·scale + offset (× input normalisation when the
 * metadata says so), SD = exp(logvar / 2)·|scale| (likewise), per component.
 */
export function quantificationRows(
  meta: QuantifyModelMetadata,
  mean: ArrayLike<number>,
  logvar: ArrayLike<number> | undefined,
  inputNorm: number,
): ConcentrationRow[] {
  const k = meta.components.length;
  if (mean.length < k)
    throw new RangeError(`qCNN output '${meta.heads.mean}' has ${mean.length} values for ${k} components`);
  const g = meta.targets.scaleByInputNorm ? inputNorm : 1;
  return meta.components.map((name, i) => {
    const s = meta.targets.scale?.[i] ?? 1;
    const o = meta.targets.offset?.[i] ?? 0;
    const value = (mean[i] * s + o) * g;
    const sd = logvar ? Math.exp(0.5 * logvar[i]) * Math.abs(s) * g : undefined;
    return { name, value, sd, group: componentGroup(name, meta.groups) };
  });
}

/** Positive-class probability from the cCNN logit output of one spectrum (1 logit: sigmoid; 2: softmax). */
export function classProbability(meta: ClassifyModelMetadata, logits: ArrayLike<number>): number {
  if (logits.length === 1) return 1 / (1 + Math.exp(-logits[0]));
  if (logits.length === 2) {
    const m = Math.max(logits[0], logits[1]);
    const e0 = Math.exp(logits[0] - m);
    const e1 = Math.exp(logits[1] - m);
    return e1 / (e0 + e1);
  }
  throw new RangeError(`cCNN output '${meta.heads.logit}' has ${logits.length} values (expected 1 or 2)`);
}
