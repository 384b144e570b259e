import { InputError } from '../core/errors.js';
import type { Fid } from '../core/fid.js';
import { dimSize, fidCount, headerFacts, type MrsData, toFid } from '../core/mrs-data.js';
import { alignTransients } from './align.js';
import { type AverageReport, averageTransients } from './average.js';
import { combineCoils } from './combine.js';
import { echoDimension, echoSeries } from './echo-series.js';

/**
 * One "file → analysable spectra" step for fit, quantify, classify, the study and the browser:
 * - a multi-echo file (a dimension whose header lists EchoTime) gives one FID per echo;
 * - a file with several FIDs (coils, transients: breath-holds, free breathing) is coil-combined, its transients
 *   aligned by spectral registration (dominated by water and fat in body spectra) and averaged with outlier
 *   rejection; the steps, and how many transients were kept, are recorded in the NIfTI-MRS provenance and in
 *   each Fid's `meta.processing`;
 * - a single FID is returned as it is.
 * Pure TypeScript on MrsData (no Node imports): the browser app runs the same chain (web/preprocess.ts).
 */

/** What combineAndAverage did: coil channels and transients found, transients rejected as outliers. */
export interface CombineReport {
  coils: number;
  transients: number;
  rejected: number;
}

/**
 * The chain itself: when the data hold more than one FID, coil combination (SNR-optimal weights), alignment of
 * the transients along DIM_DYN and their average with outlier rejection. Other dimensions are left as they are.
 */
export function combineAndAverage(mrs: MrsData): { data: MrsData; report: CombineReport } {
  const report: CombineReport = { coils: dimSize(mrs, 'DIM_COIL'), transients: 1, rejected: 0 };
  if (fidCount(mrs) <= 1) return { data: mrs, report };
  let data = combineCoils(mrs);
  report.transients = dimSize(data, 'DIM_DYN');
  const averaged: AverageReport = { rejected: [] };
  data = averageTransients(alignTransients(data), { reject: true }, averaged);
  report.rejected = averaged.rejected.reduce((a, r) => a + r.length, 0);
  return { data, report };
}

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
  const simulated = mrs.extension.livermrs_simulation;
  if (simulated !== undefined && fidCount(mrs) > 1) {
    // livermrs simulate stores one patient per DIM_DYN entry: averaging them as transients would mix patients.
    throw new InputError(
      `holds ${fidCount(mrs)} simulated spectra (one patient per entry), not transients of one`,
      {
        file,
        expected: 'one spectrum per file (livermrs simulate --per-file writes them so)',
      },
    );
  }
  const { data, report } = combineAndAverage(mrs);
  const n = fidCount(data);
  if (n !== 1) {
    throw new InputError(`holds ${n} FIDs after combining coils and averaging transients`, {
      file,
      expected: 'single-voxel data',
    });
  }
  const fid = fidWithProvenance(data);
  // The file's own coil and transient dimensions (gone after combining), for the report's acquisition table.
  fid.meta = { ...fid.meta, header: headerFacts(mrs), combined: report };
  return [fid];
}

/** The first FID of the data, carrying the data's NIfTI-MRS processing steps in `meta.processing`. */
export function fidWithProvenance(data: MrsData, index = 0): Fid {
  const fid = toFid(data, index);
  const applied = data.extension.ProcessingApplied;
  if (Array.isArray(applied) && applied.length > 0) fid.meta = { ...fid.meta, processing: applied };
  const simulated = data.extension.livermrs_simulation;
  if (simulated !== null && typeof simulated === 'object') fid.meta = { ...fid.meta, simulation: simulated };
  return fid;
}
