import { rotateInPlace } from '../core/complex.js';
import { InputError } from '../core/errors.js';
import { dimIndex, fidView, type MrsData, voxelCount } from '../core/mrs-data.js';
import { principalEigenvector, solveComplexMatrix } from '../linalg/index.js';
import { forEachAlong, withoutDim } from './dims.js';
import { fmt, recordStep } from './provenance.js';

/**
 * Coil combination. The weights maximise the signal-to-noise ratio given the coils' noise covariance C:
 * w = the principal generalised eigenvector of (R, C), where R = y y^H summed over the samples y(t) of the
 * coil-wise averaged FIDs (Roemer et al., MRM 1990;16:192 with R of rank one; the whitened-SVD combination of
 * Rodgers & Robson, MRM 2010;63:881 when R spans the whole FID).
 * - method 'first-points' (default): R from the mean of the first `points` samples, i.e. w = C^-1 S.
 * - method 'svd': R from the first `svdPoints` samples of the averaged FIDs.
 * Weights come from a water reference when one is given (same voxels and coils), otherwise from the data
 * averaged over every other dimension. They are phased so the combined weight source starts real and
 * positive, and scaled so the combined noise SD equals the mean single-coil noise SD.
 * The noise covariance comes from the last quarter of every FID (mean removed).
 */
export interface CombineOptions {
  reference?: MrsData;
  method?: 'first-points' | 'svd';
  points?: number;
  svdPoints?: number;
  /** Use the estimated noise covariance (default true); false assumes equal, uncorrelated noise. */
  noiseCovariance?: boolean;
}

export function combineCoils(mrs: MrsData, options: CombineOptions = {}): MrsData {
  const d = dimIndex(mrs, 'DIM_COIL');
  if (d < 0) return mrs;
  const nc = mrs.dims[d].size;
  const source = options.reference ?? mrs;
  const ds = dimIndex(source, 'DIM_COIL');
  if (
    ds < 0 ||
    source.dims[ds].size !== nc ||
    voxelCount(source) !== voxelCount(mrs) ||
    source.points !== mrs.points
  ) {
    throw new InputError('the water reference does not match the data for coil combination', {
      file: source.source.file,
      field: 'DIM_COIL',
      expected: `${nc} coils, ${voxelCount(mrs)} voxel(s) and ${mrs.points} points like ${mrs.source.file}`,
    });
  }
  const cov = noiseCovariance(mrs, d, options.noiseCovariance ?? true);
  const nv = voxelCount(mrs);
  const weights: Float64Array[] = [];
  const sourceMeans = coilMeans(source, ds);
  for (let v = 0; v < nv; v++) weights.push(coilWeights(sourceMeans[v], nc, source.points, cov, options));

  const out = new Float64Array(mrs.data.length / nc);
  const n = mrs.points;
  forEachAlong(mrs, d, (fids, reduced) => {
    const w = weights[fids[0] % nv];
    const dst = out.subarray(2 * n * reduced, 2 * n * (reduced + 1));
    for (let c = 0; c < nc; c++) {
      const s = fidView(mrs, fids[c]);
      const wr = w[2 * c];
      const wi = -w[2 * c + 1]; // conj(w)
      for (let k = 0; k < n; k++) {
        dst[2 * k] += wr * s[2 * k] - wi * s[2 * k + 1];
        dst[2 * k + 1] += wr * s[2 * k + 1] + wi * s[2 * k];
      }
    }
  });
  const result = withoutDim(mrs, d, out);
  const mags = weights[0]
    .filter((_, i) => i % 2 === 0)
    .map((_, c) => Math.hypot(weights[0][2 * c], weights[0][2 * c + 1]));
  return recordStep(
    result,
    'RF coil combination',
    `${options.method ?? 'first-points'} weights from ${options.reference ? `water reference ${options.reference.source.file}` : 'the data'}, ` +
      `${options.noiseCovariance === false ? 'equal noise assumed' : 'noise covariance from FID tails'}; ` +
      `${nc} coils, |w| (voxel 1) = ${Array.from(mags, (m) => fmt(m, 3)).join(', ')}`,
  );
}

/** Per voxel, the coil FIDs averaged over every other dimension: [voxel] -> nc FIDs. */
function coilMeans(mrs: MrsData, d: number): Float64Array[][] {
  const nc = mrs.dims[d].size;
  const nv = voxelCount(mrs);
  const n = mrs.points;
  const sums = Array.from({ length: nv }, () => Array.from({ length: nc }, () => new Float64Array(2 * n)));
  const counts = new Array(nv).fill(0);
  forEachAlong(mrs, d, (fids) => {
    const v = fids[0] % nv;
    counts[v]++;
    for (let c = 0; c < nc; c++) {
      const s = fidView(mrs, fids[c]);
      const acc = sums[v][c];
      for (let k = 0; k < 2 * n; k++) acc[k] += s[k];
    }
  });
  sums.forEach((coils, v) => {
    for (const acc of coils) for (let k = 0; k < acc.length; k++) acc[k] /= counts[v];
  });
  return sums;
}

/** Coil noise covariance (nc x nc complex) from the last quarter of every FID, mean removed per FID and coil. */
function noiseCovariance(mrs: MrsData, d: number, full: boolean): Float64Array {
  const nc = mrs.dims[d].size;
  const n = mrs.points;
  const start = n - Math.max(8, Math.floor(n / 4));
  const C = new Float64Array(2 * nc * nc);
  let count = 0;
  forEachAlong(mrs, d, (fids) => {
    const tails = fids.map((f) => {
      const s = fidView(mrs, f);
      let mr = 0;
      let mi = 0;
      for (let k = start; k < n; k++) {
        mr += s[2 * k];
        mi += s[2 * k + 1];
      }
      mr /= n - start;
      mi /= n - start;
      const t = new Float64Array(2 * (n - start));
      for (let k = start; k < n; k++) {
        t[2 * (k - start)] = s[2 * k] - mr;
        t[2 * (k - start) + 1] = s[2 * k + 1] - mi;
      }
      return t;
    });
    for (let i = 0; i < nc; i++) {
      for (let j = 0; j < nc; j++) {
        if (!full && i !== j) continue;
        let sr = 0;
        let si = 0;
        const a = tails[i];
        const b = tails[j];
        for (let k = 0; k < a.length; k += 2) {
          // a * conj(b)
          sr += a[k] * b[k] + a[k + 1] * b[k + 1];
          si += a[k + 1] * b[k] - a[k] * b[k + 1];
        }
        C[2 * (i * nc + j)] += sr;
        C[2 * (i * nc + j) + 1] += si;
      }
    }
    count += n - start;
  });
  for (let i = 0; i < C.length; i++) C[i] /= count;
  // A small ridge keeps the system solvable when a coil is silent.
  let trace = 0;
  for (let i = 0; i < nc; i++) trace += C[2 * (i * nc + i)];
  for (let i = 0; i < nc; i++) C[2 * (i * nc + i)] += 1e-9 * (trace / nc || 1);
  return C;
}

function coilWeights(
  means: Float64Array[],
  nc: number,
  points: number,
  C: Float64Array,
  o: CombineOptions,
): Float64Array {
  const method = o.method ?? 'first-points';
  const m = Math.min(points, method === 'svd' ? (o.svdPoints ?? 256) : Math.max(1, o.points ?? 4));
  // R = sum_t y(t) y(t)^H over the chosen samples (first-points: of their mean only).
  const R = new Float64Array(2 * nc * nc);
  const vectors: Float64Array[] = [];
  if (method === 'svd') {
    for (let t = 0; t < m; t++)
      vectors.push(Float64Array.from({ length: 2 * nc }, (_, i) => means[i >> 1][2 * t + (i & 1)]));
  } else {
    const y = new Float64Array(2 * nc);
    for (let c = 0; c < nc; c++) {
      for (let t = 0; t < m; t++) {
        y[2 * c] += means[c][2 * t] / m;
        y[2 * c + 1] += means[c][2 * t + 1] / m;
      }
    }
    vectors.push(y);
  }
  for (const y of vectors) {
    for (let i = 0; i < nc; i++) {
      for (let j = 0; j < nc; j++) {
        R[2 * (i * nc + j)] += y[2 * i] * y[2 * j] + y[2 * i + 1] * y[2 * j + 1];
        R[2 * (i * nc + j) + 1] += y[2 * i + 1] * y[2 * j] - y[2 * i] * y[2 * j + 1];
      }
    }
  }
  // M = C^-1 R, column by column; its principal eigenvector is the generalised one.
  const M = solveComplexMatrix(C, R, nc);
  const w = principalEigenvector(M, nc);
  // Phase: w^H y(0) real and positive, with y(0) the first sample of the averaged weight source.
  let pr = 0;
  let pi = 0;
  for (let c = 0; c < nc; c++) {
    pr += w[2 * c] * means[c][0] + w[2 * c + 1] * means[c][1];
    pi += w[2 * c] * means[c][1] - w[2 * c + 1] * means[c][0];
  }
  const ph = Math.atan2(pi, pr);
  // conj(w') y should be e^{-i ph} conj(w) y, so w' = w e^{i ph}
  rotateInPlace(w, ph);
  // Noise normalisation: sqrt(w^H C w) -> mean single-coil noise SD.
  let q = 0;
  let meanVar = 0;
  for (let i = 0; i < nc; i++) {
    meanVar += C[2 * (i * nc + i)] / nc;
    for (let j = 0; j < nc; j++) {
      const cr = C[2 * (i * nc + j)];
      const ci = C[2 * (i * nc + j) + 1];
      // conj(w_i) C_ij w_j
      const tr = cr * w[2 * j] - ci * w[2 * j + 1];
      const ti = cr * w[2 * j + 1] + ci * w[2 * j];
      q += w[2 * i] * tr + w[2 * i + 1] * ti;
    }
  }
  const scale = q > 0 ? Math.sqrt(meanVar / q) : 1;
  for (let i = 0; i < w.length; i++) w[i] *= scale;
  return w;
}
