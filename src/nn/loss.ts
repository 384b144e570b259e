import { z } from 'zod';
import { InputError } from '../core/errors.js';
import type { ResolvedNetwork } from './shapes.js';
import { parseWith } from './spec.js';

/**
 * Training losses. The total loss is Σ weight_k · term_k, each term a mean over the elements of one head's
 * output (two heads for the Gaussian likelihood) against one target array of the same shape.
 *
 * - `mse`: mean squared error.
 * - `huber`: Huber loss with threshold `delta` (PyTorch `huber_loss`).
 * - `bce_logits`: binary cross-entropy on logits (sigmoid inside, numerically stable); `posWeight` weights positives.
 * - `gaussian_nll`: 0.5·(log σ² + (y − μ)²/σ²) with μ from the `mean` head and log σ² from the `logvar` head
 *   (PyTorch `GaussianNLLLoss` without the constant, σ² kept ≥ 1e-6).
 */
export type LossTermSpec =
  | { kind: 'mse'; head: string; target?: string; weight?: number; name?: string }
  | { kind: 'huber'; head: string; delta?: number; target?: string; weight?: number; name?: string }
  | { kind: 'bce_logits'; head: string; posWeight?: number; target?: string; weight?: number; name?: string }
  | { kind: 'gaussian_nll'; mean: string; logvar: string; target?: string; weight?: number; name?: string };

const common = {
  target: z.string().min(1).optional(),
  weight: z.number().nonnegative().finite().optional(),
  name: z.string().min(1).optional(),
};
export const lossTermSchema: z.ZodType<LossTermSpec> = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('mse'), head: z.string(), ...common }),
  z.strictObject({
    kind: z.literal('huber'),
    head: z.string(),
    delta: z.number().positive().finite().optional(),
    ...common,
  }),
  z.strictObject({
    kind: z.literal('bce_logits'),
    head: z.string(),
    posWeight: z.number().positive().finite().optional(),
    ...common,
  }),
  z.strictObject({ kind: z.literal('gaussian_nll'), mean: z.string(), logvar: z.string(), ...common }),
]);

/** What the addon receives for one term. */
export interface NativeLossTerm {
  kind: LossTermSpec['kind'];
  head: string;
  head2?: string;
  target: string;
  weight: number;
  delta?: number;
  posWeight?: number;
}

export interface ResolvedLoss {
  terms: NativeLossTerm[];
  /** Label of each term (its `name`, else its head; made unique), the keys of `perHead` in results. */
  labels: string[];
  /** Targets the loss reads and their shape without the batch dimension. */
  targets: Map<string, number[]>;
}

/** Validates loss terms against the network's heads. Throws InputError naming the term. */
export function resolveLoss(terms: unknown, net: ResolvedNetwork, source = 'loss'): ResolvedLoss {
  const parsed = parseWith(z.array(lossTermSchema).min(1, 'the loss needs at least one term'), terms, source);
  const heads = new Map(net.heads.map((h) => [h.name, h.outShape]));
  const targets = new Map<string, number[]>();
  const labels: string[] = [];
  const out: NativeLossTerm[] = [];
  parsed.forEach((t, i) => {
    const field = `[${i}]`;
    const headOf = (name: string, key: string): number[] => {
      const shape = heads.get(name);
      if (!shape) {
        throw new InputError(`no head named '${name}'`, {
          file: source,
          field: `${field}.${key}`,
          expected: `one of ${[...heads.keys()].join(', ')}`,
        });
      }
      return shape;
    };
    const head = t.kind === 'gaussian_nll' ? t.mean : t.head;
    const shape = headOf(head, t.kind === 'gaussian_nll' ? 'mean' : 'head');
    const term: NativeLossTerm = { kind: t.kind, head, target: t.target ?? head, weight: t.weight ?? 1 };
    if (t.kind === 'gaussian_nll') {
      const lv = headOf(t.logvar, 'logvar');
      if (lv.join() !== shape.join()) {
        throw new InputError(`heads '${t.mean}' [${shape}] and '${t.logvar}' [${lv}] differ in shape`, {
          file: source,
          field,
        });
      }
      term.head2 = t.logvar;
    }
    if (t.kind === 'huber') term.delta = t.delta ?? 1;
    if (t.kind === 'bce_logits' && t.posWeight !== undefined) term.posWeight = t.posWeight;
    const known = targets.get(term.target);
    if (known && known.join() !== shape.join()) {
      throw new InputError(`target '${term.target}' is used for heads of different shapes`, {
        file: source,
        field,
      });
    }
    targets.set(term.target, shape);
    let label = t.name ?? head;
    for (let k = 2; labels.includes(label); k++) label = `${t.name ?? head}_${k}`;
    labels.push(label);
    out.push(term);
  });
  return { terms: out, labels, targets };
}
