/**
 * Frequency and phase changes of one FID, in the livermrs convention (core/fid.ts): a positive `shiftHz` moves
 * peaks to higher ppm (FID x exp(-i 2 pi shiftHz t)); `phase` (radians) multiplies by exp(i phase).
 */
export function shiftFidInPlace(fid: Float64Array, dwellTime: number, shiftHz: number, phase = 0): void {
  const n = fid.length >> 1;
  const w = -2 * Math.PI * shiftHz * dwellTime;
  for (let k = 0; k < n; k++) {
    const a = phase + w * k;
    const c = Math.cos(a);
    const s = Math.sin(a);
    const re = fid[2 * k];
    const im = fid[2 * k + 1];
    fid[2 * k] = re * c - im * s;
    fid[2 * k + 1] = re * s + im * c;
  }
}

/** Mean of several FIDs (interleaved, equal length). */
export function meanFid(fids: Float64Array[]): Float64Array {
  const out = new Float64Array(fids[0].length);
  for (const f of fids) for (let i = 0; i < out.length; i++) out[i] += f[i];
  for (let i = 0; i < out.length; i++) out[i] /= fids.length;
  return out;
}
