import type { Fid } from '../core/fid.js';
import { fidCount, fidView, headerFacts, type MrsData } from '../core/mrs-data.js';
import { combineAndAverage, fidWithProvenance } from '../preproc/analysable.js';

/**
 * The browser app's file → one FID step: the same chain as the command line (preproc/analysable.ts: coil
 * combination, alignment, averaging with outlier rejection), then what a page that always shows one spectrum
 * adds: the first voxel of MRSI data, and a plain mean over any other dimension (where `fit` refuses the file).
 * The FID then goes to the networks through networks/input.ts like every other.
 */

export interface CombinedFid {
  fid: Fid;
  /** How many FIDs of the voxel went into it. */
  averaged: number;
  notes: string[];
}

/** One FID per file, with a note for each step taken. */
export function combineFids(mrs: MrsData): CombinedFid {
  const notes: string[] = [];
  const voxels = mrs.spatial[0] * mrs.spatial[1] * mrs.spatial[2];
  if (voxels > 1) notes.push(`MRSI data (${mrs.spatial.join('×')} voxels): the first voxel is used`);
  const total = fidCount(mrs) / voxels;
  const { data, report } = combineAndAverage(mrs);
  if (report.coils > 1) notes.push(`${report.coils} coil channels combined (SNR-optimal weights)`);
  if (report.transients > 1) {
    const rejected = report.rejected ? ` (${report.rejected} outliers rejected)` : '';
    notes.push(`${report.transients} transients aligned and averaged${rejected}`);
  }
  const perVoxel = fidCount(data) / voxels;
  const fid = fidWithProvenance(data);
  // The file's own header facts and what was combined, for the report's acquisition table (as the CLI).
  fid.meta = { ...fid.meta, header: headerFacts(mrs), combined: report };
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
