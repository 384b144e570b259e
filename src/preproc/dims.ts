import { fidCount, type MrsData, voxelCount, withData } from '../core/mrs-data.js';

/**
 * Walking along one higher dimension of an MrsData (e.g. all coils of each transient), and removing a
 * dimension once it has been combined, with the NIfTI-MRS `dim_N_info` / `dim_N_header` keys renumbered.
 */

/** Stride (in FIDs) of higher dimension d in the storage order. */
export function dimStride(mrs: MrsData, d: number): number {
  let s = voxelCount(mrs);
  for (let i = 0; i < d; i++) s *= mrs.dims[i].size;
  return s;
}

/**
 * Calls fn once per position of all other axes (voxels and the other dimensions), with the FID numbers along
 * dimension d and the FID number that position has once d is removed.
 */
export function forEachAlong(
  mrs: MrsData,
  d: number,
  fn: (fids: number[], reducedIndex: number) => void,
): void {
  const stride = dimStride(mrs, d);
  const size = mrs.dims[d].size;
  const total = fidCount(mrs);
  const outer = stride * size;
  let reduced = 0;
  for (let base = 0; base < total; base += outer) {
    for (let inner = 0; inner < stride; inner++) {
      const fids: number[] = [];
      for (let i = 0; i < size; i++) fids.push(base + inner + i * stride);
      fn(fids, reduced++);
    }
  }
}

/** A copy with dimension d removed and data of the reduced shape; extension dim keys are renumbered. */
export function withoutDim(mrs: MrsData, d: number, data: Float64Array): MrsData {
  const dims = mrs.dims.filter((_, i) => i !== d);
  const out = withData(mrs, data, { dims });
  const ext = out.extension;
  const moved: Record<string, unknown> = {};
  for (let n = 5; n <= 7; n++) {
    for (const suffix of ['', '_info', '_header']) {
      const key = `dim_${n}${suffix}`;
      if (!(key in ext)) continue;
      const value = ext[key];
      delete ext[key];
      const i = n - 5;
      if (i === d) continue;
      moved[`dim_${i > d ? n - 1 : n}${suffix}`] = value;
    }
  }
  Object.assign(ext, moved);
  return out;
}
