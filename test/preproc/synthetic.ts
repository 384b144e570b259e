import { ppmToHz } from '../../src/core/fid.js';
import type { MrsData, MrsDim } from '../../src/core/mrs-data.js';
import type { Rng } from '../../src/core/random.js';

export interface Peak {
  ppm: number;
  amplitude: number;
  /** Lorentzian FWHM, Hz. */
  width: number;
  phase?: number;
}

export const H = { spectrometerFrequency: 127.76, dwellTime: 1 / 2000, nucleus: '1H', ppmReference: 4.65 };

/** Noise-free FID of Lorentzian peaks in the livermrs convention. */
export function lorentzians(peaks: Peak[], points = 1024, h = H): Float64Array {
  const out = new Float64Array(2 * points);
  for (const p of peaks) {
    const f = ppmToHz(p.ppm, h);
    for (let k = 0; k < points; k++) {
      const t = k * h.dwellTime;
      const a = p.amplitude * Math.exp(-Math.PI * p.width * t);
      const ph = 2 * Math.PI * f * t + (p.phase ?? 0);
      out[2 * k] += a * Math.cos(ph);
      out[2 * k + 1] += a * Math.sin(ph);
    }
  }
  return out;
}

export function addNoise(fid: Float64Array, sd: number, rng: Rng): Float64Array {
  const out = Float64Array.from(fid);
  for (let i = 0; i < out.length; i++) out[i] += sd * rng.normal();
  return out;
}

/** A single-voxel data set from FIDs in storage order. */
export function dataset(fids: Float64Array[], dims: MrsDim[], h = H): MrsData {
  const points = fids[0].length / 2;
  const data = new Float64Array(fids.length * 2 * points);
  for (let i = 0; i < fids.length; i++) data.set(fids[i], 2 * points * i);
  return {
    data,
    points,
    spatial: [1, 1, 1],
    dims,
    header: { ...h },
    extension: {},
    source: { format: 'synthetic', file: 'synthetic' },
  };
}

/** Brain-like singlets (NAA, Cr, Cho) plus a lipid. */
export const METABOLITES: Peak[] = [
  { ppm: 2.008, amplitude: 10, width: 4 },
  { ppm: 3.027, amplitude: 8, width: 4 },
  { ppm: 3.185, amplitude: 6, width: 4 },
  { ppm: 1.3, amplitude: 5, width: 8 },
];
