import { ppmAxis } from '../core/fid.js';
import { type DimTag, dimIndex, fidView, type MrsData } from '../core/mrs-data.js';
import { fidToSpectrum } from '../spectra/fft.js';
import { forEachAlong, withoutDim } from './dims.js';
import { fmt, recordStep } from './provenance.js';

/**
 * Averaging of transients with optional outlier rejection. Each transient's distance from the others is the
 * sum of squared differences between its spectrum and the point-wise median spectrum over a ppm window; a
 * transient is rejected when its robust z-score, (d - median(d)) / (1.4826 MAD(d)), exceeds `threshold`
 * (a median/MAD rule in the spirit of the likelihood-based rejection of FSL-MRS and of Near et al. 2021).
 */
export interface AverageOptions {
  dim?: DimTag;
  /** Reject outlier transients before averaging (default false). */
  reject?: boolean;
  threshold?: number;
  /** ppm window of the distance (default the whole spectrum). */
  window?: [number, number];
}

export interface AverageReport {
  /** Indices (along the averaged dimension) of rejected transients, per group of the other dimensions. */
  rejected: number[][];
}

export function averageTransients(
  mrs: MrsData,
  options: AverageOptions = {},
  report?: AverageReport,
): MrsData {
  const tag = options.dim ?? 'DIM_DYN';
  const d = dimIndex(mrs, tag);
  if (d < 0) return mrs;
  const n = mrs.points;
  const out = new Float64Array(mrs.data.length / mrs.dims[d].size);
  const rejectedAll: number[][] = [];
  forEachAlong(mrs, d, (fids, reduced) => {
    const rejected = options.reject ? outliers(mrs, fids, options) : [];
    rejectedAll.push(rejected);
    const dst = out.subarray(2 * n * reduced, 2 * n * (reduced + 1));
    let kept = 0;
    fids.forEach((f, i) => {
      if (rejected.includes(i)) return;
      kept++;
      const s = fidView(mrs, f);
      for (let k = 0; k < 2 * n; k++) dst[k] += s[k];
    });
    for (let k = 0; k < 2 * n; k++) dst[k] /= kept;
  });
  if (report) report.rejected = rejectedAll;
  const total = rejectedAll.reduce((a, r) => a + r.length, 0);
  return recordStep(
    withoutDim(mrs, d, out),
    'Signal averaging',
    `mean of ${mrs.dims[d].size} ${tag} entries` +
      (options.reject
        ? `; outlier rejection z > ${fmt(options.threshold ?? 3)}${options.window ? ` over ${options.window.join('-')} ppm` : ''}: ` +
          `${total} rejected${
            total
              ? ` (${rejectedAll
                  .map((r) => r.join(' '))
                  .filter((s) => s)
                  .join('; ')})`
              : ''
          }`
        : ''),
  );
}

function outliers(mrs: MrsData, fids: number[], o: AverageOptions): number[] {
  if (fids.length < 4) return [];
  const n = mrs.points;
  const ax = ppmAxis({ ...mrs.header, points: n });
  const bins: number[] = [];
  for (let k = 0; k < n; k++) if (!o.window || (ax[k] >= o.window[0] && ax[k] <= o.window[1])) bins.push(k);
  const spectra = fids.map((f) => fidToSpectrum(fidView(mrs, f)));
  const med = new Float64Array(2 * n);
  const tmp = new Float64Array(spectra.length);
  for (const k of bins) {
    for (const part of [0, 1]) {
      spectra.forEach((s, i) => {
        tmp[i] = s[2 * k + part];
      });
      med[2 * k + part] = median(tmp);
    }
  }
  const dist = spectra.map((s) => {
    let sum = 0;
    for (const k of bins) sum += (s[2 * k] - med[2 * k]) ** 2 + (s[2 * k + 1] - med[2 * k + 1]) ** 2;
    return sum;
  });
  const m = median(Float64Array.from(dist));
  const mad = median(Float64Array.from(dist, (x) => Math.abs(x - m)));
  if (!(mad > 0)) return [];
  const threshold = o.threshold ?? 3;
  return dist.map((x, i) => ((x - m) / (1.4826 * mad) > threshold ? i : -1)).filter((i) => i >= 0);
}

function median(a: Float64Array): number {
  const s = Float64Array.from(a).sort();
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}
