import { InputError } from '../core/errors.js';
import type { Fid } from '../core/fid.js';
import { fidCount, type MrsData, toFid } from '../core/mrs-data.js';
import { echoDimension, echoSeries } from './echo-series.js';
import { preprocess } from './pipeline.js';

/**
 * One "file → analysable spectra" step for fit, quantify, classify, the study and the browser:
 * - a multi-echo file (a dimension whose header lists EchoTime) gives one FID per echo;
 * - a file with several FIDs (coils, transients: breath-holds, free breathing) is coil-combined, its transients
 *   aligned by spectral registration (dominated by water and fat in body spectra) and averaged with outlier
 *   rejection; the steps, and how many transients were kept, are recorded in the NIfTI-MRS provenance and in
 *   each Fid's `meta.processing`;
 * - a single FID is returned as it is.
 */
export function analysableFids(mrs: MrsData): Fid[] {
  const file = mrs.source.file;
  if (echoDimension(mrs) !== undefined) {
    const others = mrs.dims.filter((_, d) => d !== echoDimension(mrs)).reduce((a, d) => a * d.size, 1);
    if (others > 1) {
      throw new InputError('holds coils or transients beside its echo dimension', {
        file,
        expected: 'one combined, averaged FID per echo time (convert --preprocess each echo first)',
      });
    }
    return echoSeries(mrs) as Fid[];
  }
  let data = mrs;
  if (fidCount(mrs) > 1) data = preprocess(mrs, { ecc: false, average: { reject: true } }).data;
  const n = fidCount(data);
  if (n !== 1) {
    throw new InputError(`holds ${n} FIDs after combining coils and averaging transients`, {
      file,
      expected: 'single-voxel data',
    });
  }
  const fid = toFid(data, 0);
  const applied = data.extension.ProcessingApplied;
  if (Array.isArray(applied) && applied.length > 0) fid.meta = { ...fid.meta, processing: applied };
  return [fid];
}
