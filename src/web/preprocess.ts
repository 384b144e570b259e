import type { Fid } from '../core/fid.js';
import { dimSize, fidCount, fidView, type MrsData, toFid } from '../core/mrs-data.js';
import { alignTransients } from '../preproc/align.js';
import { type AverageReport, averageTransients } from '../preproc/average.js';
import { combineCoils } from '../preproc/combine.js';

/**
 * The browser app's file → one FID step (the CLI's is preproc/analysable.ts); the FID then goes to the networks
 * through networks/input.ts like every other.
 */

export interface CombinedFid {
  fid: Fid;
  /** How many FIDs of the voxel went into it. */
  averaged: number;
  notes: string[];
}

/**
 * One FID per file for single-voxel data, with the project's preprocessing steps (src/preproc): coil
 * combination (SNR-optimal weights, Roemer 1990) when the file has a coil dimension, frequency/phase alignment
 * and averaging with outlier rejection along DIM_DYN, then a plain mean over any other dimension. MRSI files
 * use the first voxel (noted).
 */
export function combineFids(mrs: MrsData): CombinedFid {
  const notes: string[] = [];
  const voxels = mrs.spatial[0] * mrs.spatial[1] * mrs.spatial[2];
  if (voxels > 1) notes.push(`MRSI data (${mrs.spatial.join('×')} voxels): the first voxel is used`);
  const total = fidCount(mrs) / voxels;
  let data = mrs;
  const coils = dimSize(mrs, 'DIM_COIL');
  if (coils > 1) {
    data = combineCoils(data);
    notes.push(`${coils} coil channels combined (SNR-optimal weights)`);
  }
  const dyn = dimSize(data, 'DIM_DYN');
  if (dyn > 1) {
    const report: AverageReport = { rejected: [] };
    data = averageTransients(alignTransients(data), { reject: true }, report);
    const rejected = report.rejected.reduce((a, r) => a + r.length, 0);
    notes.push(`${dyn} transients aligned and averaged${rejected ? ` (${rejected} outliers rejected)` : ''}`);
  }
  const perVoxel = fidCount(data) / voxels;
  const fid = toFid(data, 0);
  if (perVoxel > 1) {
    const sum = new Float64Array(2 * data.points);
    for (let j = 0; j < perVoxel; j++) {
      const v = fidView(data, j * voxels);
      for (let i = 0; i < sum.length; i++) sum[i] += v[i];
    }
    for (let i = 0; i < sum.length; i++) sum[i] /= perVoxel;
    fid.data = sum;
    notes.push(`${perVoxel} FIDs averaged (${data.dims.map((d) => `${d.tag} ${d.size}`).join(', ')})`);
  }
  return { fid, averaged: total, notes };
}
