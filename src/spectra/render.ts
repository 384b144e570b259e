import type { ComplexArray } from '../core/complex.js';
import type { LineList } from './line-list.js';

/**
 * Rendering a line list to an FID on any grid, in the internal convention (core/fid.ts):
 *   fid(t_n) = sum_k a_k exp(i 2 pi f_k t_n) exp(-pi w_k t_n) * L(t_n),   t_n = n * dwellTime,
 * with the shared lineshape L(t) = exp(-pi * lorentzHz * t) * exp(-(pi * gaussHz * t)^2 / (4 ln 2)): a Lorentzian
 * of FWHM lorentzHz, a Gaussian of FWHM gaussHz, or their product (Voigt). With no broadening a singlet of n
 * protons has fid(0) = n.
 */
export interface RenderOptions {
  points: number;
  dwellTime: number;
  /** Lorentzian FWHM, Hz (default 0). */
  lorentzHz?: number;
  /** Gaussian FWHM, Hz (default 0). */
  gaussHz?: number;
  /** Extra frequency shift, Hz; positive moves peaks to higher ppm (FID x exp(-i 2 pi shiftHz t)). */
  shiftHz?: number;
}

/** Every this many samples the phasor recurrence is re-anchored to the exact exponential. */
const ANCHOR = 256;

export function renderLines(lines: LineList, opts: RenderOptions): ComplexArray {
  const { points, dwellTime } = opts;
  if (!Number.isInteger(points) || points < 1) throw new RangeError(`renderLines: points ${points}`);
  if (!(dwellTime > 0)) throw new RangeError(`renderLines: dwellTime ${dwellTime}`);
  const out = new Float64Array(2 * points);
  const shift = opts.shiftHz ?? 0;
  const n = lines.hz.length;
  for (let k = 0; k < n; k++) {
    const ar = lines.re[k];
    const ai = lines.im[k];
    if (ar === 0 && ai === 0) continue;
    const omega = 2 * Math.PI * (lines.hz[k] - shift) * dwellTime;
    const decay = lines.fwhmHz ? Math.PI * lines.fwhmHz[k] * dwellTime : 0;
    // One-step multiplier w = exp(-decay + i omega).
    const wm = Math.exp(-decay);
    const wr = wm * Math.cos(omega);
    const wi = wm * Math.sin(omega);
    for (let start = 0; start < points; start += ANCHOR) {
      const mag = Math.exp(-decay * start);
      const ph = omega * start;
      const cr = mag * Math.cos(ph);
      const ci = mag * Math.sin(ph);
      let zr = ar * cr - ai * ci;
      let zi = ar * ci + ai * cr;
      const end = Math.min(points, start + ANCHOR);
      for (let t = start; t < end; t++) {
        out[2 * t] += zr;
        out[2 * t + 1] += zi;
        const nr = zr * wr - zi * wi;
        zi = zr * wi + zi * wr;
        zr = nr;
      }
    }
  }
  applyLineshape(out, dwellTime, opts.lorentzHz ?? 0, opts.gaussHz ?? 0);
  return out;
}

/** Multiplies an FID in place by the Lorentzian x Gaussian envelope (FWHMs in Hz). */
export function applyLineshape(
  fid: Float64Array,
  dwellTime: number,
  lorentzHz: number,
  gaussHz: number,
): void {
  if (lorentzHz === 0 && gaussHz === 0) return;
  if (lorentzHz < 0 || gaussHz < 0) throw new RangeError('applyLineshape: negative line width');
  const a = Math.PI * lorentzHz;
  const b = (Math.PI * gaussHz) ** 2 / (4 * Math.LN2);
  const points = fid.length / 2;
  for (let n = 0; n < points; n++) {
    const t = n * dwellTime;
    const e = Math.exp(-a * t - b * t * t);
    fid[2 * n] *= e;
    fid[2 * n + 1] *= e;
  }
}
