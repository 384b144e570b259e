// The frequency/phase change of an FID lives in spectra/ (the canonical frame of the networks uses it too).
export { shiftFidInPlace } from '../spectra/shift.js';

/** Mean of several FIDs (interleaved, equal length). */
export function meanFid(fids: Float64Array[]): Float64Array {
  const out = new Float64Array(fids[0].length);
  for (const f of fids) for (let i = 0; i < out.length; i++) out[i] += f[i];
  for (let i = 0; i < out.length; i++) out[i] /= fids.length;
  return out;
}
