import { InputError } from '../core/errors.js';
import type { HeadSpec, LayerSpec, NetworkSpec } from '../nn/spec.js';

/**
 * The 1-D CNN families of the qCNN and the cCNN, as data (src/nn specs).
 *
 * A trunk of strided convolutions (each: conv1d stride 2 → batch norm → ReLU) halves the window per layer, then
 * a fully connected layer (ReLU, dropout) feeds the heads. `members` > 1 builds that many independent networks
 * side by side in one graph: the first convolution is shared-input but member-sliced, every later convolution is
 * grouped (groups = members), and the fully connected layer is a grouped convolution over each member's whole
 * feature map, so member m sees only its own channels. That one construct gives
 *   - the paper's plural "qCNNs", one network per component (members = number of components, one output each),
 *   - a deep ensemble for the cCNN (members = ensemble size; the `logit` head averages the member logits),
 * trained in one pass and exported as one ONNX graph.
 */
export interface Architecture {
  /** Output channels of each conv layer (per member). */
  widths: number[];
  /** Kernel size of each conv layer. */
  kernels: number[];
  /** Units of the fully connected layer (per member). */
  fc: number;
  /** Dropout before the heads (also what Monte Carlo dropout samples). */
  dropout: number;
}

/** Named variants of the qCNN ablation (docs/qcnn-ablation.md) and the cCNN. */
export const ARCHITECTURES: Record<string, Architecture> = {
  small: { widths: [16, 32, 48, 64], kernels: [7, 5, 5, 3], fc: 128, dropout: 0.1 },
  base: { widths: [32, 64, 96, 128], kernels: [7, 5, 5, 3], fc: 256, dropout: 0.1 },
  deep: { widths: [32, 48, 64, 96, 128, 160], kernels: [7, 5, 5, 3, 3, 3], fc: 256, dropout: 0.1 },
  /** Per member of a per-component qCNN (20 of these side by side). */
  member: { widths: [8, 12, 16, 24], kernels: [7, 5, 5, 3], fc: 32, dropout: 0.1 },
};

export function architecture(name: string): Architecture {
  const a = ARCHITECTURES[name];
  if (!a) {
    throw new InputError(`unknown architecture '${name}'`, {
      field: 'architecture',
      expected: Object.keys(ARCHITECTURES).join(', '),
    });
  }
  return a;
}

/** Length after `layers` stride-2 convolutions with padding ⌊k/2⌋. */
function trunkLength(length: number, kernels: number[]): number {
  let l = length;
  for (const k of kernels) l = Math.floor((l + 2 * (k >> 1) - k) / 2) + 1;
  return l;
}

/** The shared trunk for `members` side-by-side networks; output `[features]` (members = 1) or `[M·fc, 1]`. */
export function trunkLayers(arch: Architecture, length: number, members = 1): LayerSpec[] {
  if (arch.widths.length !== arch.kernels.length || arch.widths.length === 0) {
    throw new InputError('widths and kernels must have the same, non-zero length', { field: 'architecture' });
  }
  const M = members;
  const layers: LayerSpec[] = [];
  arch.widths.forEach((w, i) => {
    const k = arch.kernels[i];
    layers.push(
      { type: 'conv1d', channels: M * w, kernel: k, stride: 2, padding: k >> 1, groups: i === 0 ? 1 : M },
      { type: 'batchnorm1d' },
      { type: 'activation', fn: 'relu' },
    );
  });
  if (M === 1) {
    layers.push({ type: 'flatten' }, { type: 'linear', features: arch.fc });
  } else {
    const l = trunkLength(length, arch.kernels);
    layers.push({ type: 'conv1d', channels: M * arch.fc, kernel: l, groups: M });
  }
  layers.push({ type: 'activation', fn: 'relu' });
  if (arch.dropout > 0) layers.push({ type: 'dropout', p: arch.dropout });
  return layers;
}

/** A head giving `outputs` values per member: `[outputs]` (members = 1) or `[M·outputs]`, member-major. */
function memberHead(name: string, members: number, outputs: number): HeadSpec {
  if (members === 1) return { name, layers: [{ type: 'linear', features: outputs }] };
  return {
    name,
    layers: [
      { type: 'conv1d', channels: members * outputs, kernel: 1, groups: members },
      { type: 'flatten' },
    ],
  };
}

export type QcnnLayout = 'joint' | 'per-component';

/**
 * qCNN: `mean` and `logvar` heads with one value per component (standardised targets, see qcnn.ts).
 * `joint`: one network for all components; `per-component`: one network per component (members = K).
 */
export function qcnnSpec(
  arch: Architecture,
  input: { channels: number; length: number },
  components: number,
  layout: QcnnLayout = 'joint',
): NetworkSpec {
  const M = layout === 'joint' ? 1 : components;
  const outputs = layout === 'joint' ? components : 1;
  return {
    input,
    layers: trunkLayers(arch, input.length, M),
    heads: [memberHead('mean', M, outputs), memberHead('logvar', M, outputs)],
  };
}

/**
 * cCNN: a `logit` head (LC-HCC vs LC). With members > 1 it also has a `members` head (each member's logit,
 * what training fits) and `logit` is their mean: a grouped 1×1 convolution that copies the member head's
 * weights, then a 1×1 convolution with weights 1/(M·T) (temperature T folded in after calibration).
 */
export function ccnnSpec(
  arch: Architecture,
  input: { channels: number; length: number },
  members = 1,
): NetworkSpec {
  const layers = trunkLayers(arch, input.length, members);
  if (members === 1) return { input, layers, heads: [memberHead('logit', 1, 1)] };
  return {
    input,
    layers,
    heads: [
      memberHead('members', members, 1),
      {
        name: 'logit',
        layers: [
          { type: 'conv1d', channels: members, kernel: 1, groups: members },
          { type: 'conv1d', channels: 1, kernel: 1, bias: false },
          { type: 'flatten' },
        ],
      },
    ],
  };
}
