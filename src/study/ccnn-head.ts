import { symmetricEigen } from '../linalg/eigen.js';
import { gramRows } from '../linalg/real.js';
import { fitLogisticCv, type LogisticModel, predictLogistic } from './logistic-regression.js';

/**
 * The cCNN's decision refitted on the labelled prior patients ("a small head on frozen features"): a penalised
 * logistic regression on the cCNN's logit and the first `components` principal components of its trunk features,
 * trained on the prior patients (penalty by leave-one-out, logistic-regression.ts). With the penalty large the
 * components drop out and what remains is Platt scaling of the logit (temperature and offset); with it small, the
 * 20 labelled spectra can turn the decision toward directions the simulated priors got wrong. The principal
 * axes come from every patient's features (labels unused), so the test patients' spectra shape the axes, never
 * the decision.
 */
export interface FeatureHead {
  model: LogisticModel & { cvLogLoss: number };
  /** Mean feature vector and the principal axes (components × width). */
  mean: Float64Array;
  axes: Float64Array[];
}

/** Rows [logit, pc1..pck] of the patients `idx`. */
function rows(
  head: Pick<FeatureHead, 'mean' | 'axes'>,
  logits: ArrayLike<number>,
  features: Float32Array,
  width: number,
  idx: readonly number[],
): number[][] {
  return idx.map((i) => [
    logits[i],
    ...head.axes.map((a) => {
      let s = 0;
      for (let j = 0; j < width; j++) s += a[j] * (features[i * width + j] - head.mean[j]);
      return s;
    }),
  ]);
}

/** Principal axes of the rows of `features` ([n, width]) by the eigenvectors of the n × n Gram matrix. */
export function principalAxes(
  features: Float32Array,
  n: number,
  width: number,
  components: number,
): { mean: Float64Array; axes: Float64Array[] } {
  const mean = new Float64Array(width);
  for (let i = 0; i < n; i++) for (let j = 0; j < width; j++) mean[j] += features[i * width + j] / n;
  const centred = new Float64Array(n * width);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < width; j++) centred[i * width + j] = features[i * width + j] - mean[j];
  const gram = new Float64Array(n * n);
  gramRows(centred, n, width, gram);
  const { values, vectors } = symmetricEigen(gram, n);
  const axes: Float64Array[] = [];
  // Eigenvalues ascending: the largest last.
  for (let r = 0; r < Math.min(components, n); r++) {
    const k = n - 1 - r;
    if (!(values[k] > 1e-12 * values[n - 1])) break;
    // Axis in feature space: X^T v / |X^T v|.
    const axis = new Float64Array(width);
    for (let i = 0; i < n; i++) {
      const v = vectors[i * n + k];
      for (let j = 0; j < width; j++) axis[j] += v * centred[i * width + j];
    }
    const norm = Math.hypot(...axis);
    axes.push(axis.map((x) => x / norm));
  }
  return { mean, axes };
}

export function fitFeatureHead(
  logits: ArrayLike<number>,
  features: Float32Array,
  width: number,
  n: number,
  train: readonly number[],
  labels: readonly number[],
  components = 5,
): FeatureHead {
  const pca = principalAxes(features, n, width, components);
  return { ...pca, model: fitLogisticCv(rows(pca, logits, features, width, train), labels) };
}

export function predictFeatureHead(
  head: FeatureHead,
  logits: ArrayLike<number>,
  features: Float32Array,
  width: number,
  idx: readonly number[],
): number[] {
  return predictLogistic(head.model, rows(head, logits, features, width, idx));
}
