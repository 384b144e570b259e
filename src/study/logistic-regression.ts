import { Matrix, solve } from 'ml-matrix';
import { dot } from '../linalg/index.js';

/**
 * L2-penalised logistic regression by iteratively reweighted least squares (Newton's method on the penalised
 * log-likelihood). Features are standardised with the training mean and SD; the intercept is not penalised.
 * This is the "conventional pipeline" classifier of the virtual study: NLLS concentrations -> logistic regression.
 */
export interface LogisticModel {
  mean: number[];
  sd: number[];
  coef: number[];
  intercept: number;
  lambda: number;
}

export function fitLogistic(x: number[][], y: ArrayLike<number>, lambda = 1, maxIter = 100): LogisticModel {
  const n = x.length;
  if (n === 0 || n !== y.length)
    throw new RangeError('logistic: need one label per row and at least one row');
  const p = x[0].length;
  const mean = new Array(p).fill(0);
  const sd = new Array(p).fill(0);
  for (const row of x) for (let j = 0; j < p; j++) mean[j] += row[j] / n;
  for (const row of x) for (let j = 0; j < p; j++) sd[j] += (row[j] - mean[j]) ** 2 / n;
  for (let j = 0; j < p; j++) sd[j] = Math.sqrt(sd[j]) || 1;
  const z = x.map((row) => [1, ...row.map((v, j) => (v - mean[j]) / sd[j])]);
  let beta = new Array(p + 1).fill(0);
  for (let iter = 0; iter < maxIter; iter++) {
    const h = Matrix.zeros(p + 1, p + 1);
    const g = new Array(p + 1).fill(0);
    for (let i = 0; i < n; i++) {
      const eta = dot(z[i], beta);
      const mu = sigmoid(eta);
      const w = Math.max(mu * (1 - mu), 1e-10);
      for (let a = 0; a <= p; a++) {
        g[a] += (y[i] - mu) * z[i][a];
        for (let b = 0; b <= p; b++) h.set(a, b, h.get(a, b) + w * z[i][a] * z[i][b]);
      }
    }
    for (let a = 1; a <= p; a++) {
      g[a] -= lambda * beta[a];
      h.set(a, a, h.get(a, a) + lambda);
    }
    h.set(0, 0, h.get(0, 0) + 1e-8);
    const step = solve(h, Matrix.columnVector(g)).to1DArray();
    beta = beta.map((b, i) => b + step[i]);
    if (Math.max(...step.map(Math.abs)) < 1e-9) break;
  }
  return { mean, sd, coef: beta.slice(1), intercept: beta[0], lambda };
}

export function predictLogistic(model: LogisticModel, x: number[][]): number[] {
  return x.map((row) =>
    sigmoid(
      model.intercept + row.reduce((s, v, j) => s + model.coef[j] * ((v - model.mean[j]) / model.sd[j]), 0),
    ),
  );
}

/**
 * Chooses lambda from a grid by leave-one-out cross-validated log-loss, then fits on all rows. With 20
 * training patients and 20 features, an unpenalised fit separates perfectly and overfits; LOO picks the
 * penalty honestly without touching the test patients.
 */
export function fitLogisticCv(
  x: number[][],
  y: ArrayLike<number>,
  grid: number[] = [0.01, 0.1, 0.3, 1, 3, 10, 30, 100],
): LogisticModel & { cvLogLoss: number } {
  let best = { lambda: grid[0], loss: Number.POSITIVE_INFINITY };
  for (const lambda of grid) {
    let loss = 0;
    for (let i = 0; i < x.length; i++) {
      const xs = x.filter((_, k) => k !== i);
      const ys = Array.from(y).filter((_, k) => k !== i);
      if (new Set(ys).size < 2) continue;
      const m = fitLogistic(xs, ys, lambda, 50);
      const pr = Math.min(Math.max(predictLogistic(m, [x[i]])[0], 1e-12), 1 - 1e-12);
      loss -= y[i] === 1 ? Math.log(pr) : Math.log(1 - pr);
    }
    if (loss < best.loss) best = { lambda, loss };
  }
  return { ...fitLogistic(x, y, best.lambda), cvLogLoss: best.loss / x.length };
}

function sigmoid(t: number): number {
  return t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t));
}
