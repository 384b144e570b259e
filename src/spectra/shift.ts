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

/**
 * Offset (in bins, from the middle point) of the vertex of the parabola through three equally spaced values
 * a, b, c around a maximum b; 0 when they do not bend down.
 */
export function parabolicOffset(a: number, b: number, c: number): number {
  const den = a - 2 * b + c;
  return den < 0 ? (0.5 * (a - c)) / den : 0;
}
