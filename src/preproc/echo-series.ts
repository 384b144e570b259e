import { InputError } from '../core/errors.js';
import type { Fid } from '../core/fid.js';
import { fidCount, type MrsData, toFid } from '../core/mrs-data.js';

/**
 * A multi-echo series stored in one NIfTI-MRS file: the higher dimension whose dimension header
 * (`dim_N_header`) lists an `EchoTime` per index (NIfTI-MRS standard, dynamic header parameters; seconds).
 * Returns one Fid per echo with its echo time, or undefined when no dimension carries echo times.
 */
export function echoDimension(mrs: MrsData): number | undefined {
  for (let d = 0; d < mrs.dims.length; d++) {
    const h = mrs.extension[`dim_${d + 5}_header`] as Record<string, unknown> | undefined;
    if (h && typeof h === 'object' && 'EchoTime' in h) return d;
  }
  return undefined;
}

export function echoSeries(mrs: MrsData): Fid[] | undefined {
  const d = echoDimension(mrs);
  if (d === undefined) return undefined;
  const file = mrs.source.file;
  const field = `dim_${d + 5}_header.EchoTime`;
  const raw = (mrs.extension[`dim_${d + 5}_header`] as Record<string, unknown>).EchoTime;
  const values = Array.isArray(raw) ? raw : (raw as { Value?: unknown })?.Value;
  const size = mrs.dims[d].size;
  if (!Array.isArray(values) || values.length !== size || !values.every((v) => typeof v === 'number')) {
    throw new InputError(`${field} is not a list of ${size} numbers`, {
      file,
      field,
      expected: `one echo time (s) per index of dimension ${d + 5}`,
    });
  }
  if (fidCount(mrs) !== size) {
    throw new InputError(`holds ${fidCount(mrs)} FIDs for ${size} echo times`, {
      file,
      expected: 'one (combined, averaged) FID per echo time',
    });
  }
  return values.map((te, i) => {
    const idx = mrs.dims.map((_, k) => (k === d ? i : 0));
    const fid = toFid(mrs, idx);
    fid.echoTime = te as number;
    if (fid.acquisition) fid.acquisition.echoTime = te as number;
    return fid;
  });
}
