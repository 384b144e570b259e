import type { BasisSet } from '../../src/core/basis.js';

/**
 * A TEST-ONLY stand-in for the liver basis: each component is a sum of Lorentzian singlets (1 Hz FWHM) at the
 * main chemical shifts of its protons (Govindaraju et al. NMR Biomed 2000;13:129; glycogen after LCModel's liver
 * model; lipids after Hamilton et al. NMR Biomed 2011;24:784), with areas equal to proton counts (metabolites)
 * or to one proton (lipids). Not physics: no J coupling. Used until the spin-physics basis lands on main.
 */
export const STANDIN_LINES: Record<string, [ppm: number, protons: number][]> = {
  Ala: [
    [1.47, 3],
    [3.78, 1],
  ],
  Bet: [
    [3.26, 9],
    [3.9, 2],
  ],
  Cho: [
    [3.185, 9],
    [3.5, 2],
    [4.05, 2],
  ],
  Cr: [
    [3.03, 3],
    [3.92, 2],
  ],
  GPC: [
    [3.21, 9],
    [3.66, 2],
    [4.31, 2],
  ],
  PCh: [
    [3.2, 9],
    [3.64, 2],
    [4.28, 2],
  ],
  Glc: [
    [3.4, 2],
    [3.5, 2],
    [3.75, 2],
    [3.85, 1],
    [5.22, 0.36],
    [4.63, 0.64],
  ],
  Glyc: [
    [3.42, 1],
    [3.64, 1],
    [3.82, 3],
    [3.97, 1],
    [5.38, 1],
  ],
  Gln: [
    [2.12, 2],
    [2.44, 2],
    [3.75, 1],
  ],
  Glu: [
    [2.04, 2],
    [2.34, 2],
    [3.74, 1],
  ],
  GSH: [
    [2.15, 2],
    [2.55, 2],
    [2.95, 2],
    [3.77, 3],
    [4.56, 1],
  ],
  Gly: [[3.55, 2]],
  Ins: [
    [3.27, 1],
    [3.52, 2],
    [3.61, 2],
    [4.05, 1],
  ],
  Lac: [
    [1.31, 3],
    [4.1, 1],
  ],
  Tau: [
    [3.25, 2],
    [3.42, 2],
  ],
  L09: [[0.9, 1]],
  L13: [[1.3, 1]],
  L21: [
    [2.02, 0.5],
    [2.24, 0.5],
  ],
  L28: [[2.75, 1]],
  L53: [
    [5.29, 0.8],
    [5.19, 0.2],
  ],
};

export interface StandinOptions {
  points?: number;
  spectralWidth?: number;
  spectrometerFrequency?: number;
  ppmReference?: number;
  names?: string[];
}

export function standinBasis(opts: StandinOptions = {}): BasisSet {
  const points = opts.points ?? 1024;
  const dwellTime = 1 / (opts.spectralWidth ?? 2000);
  const mhz = opts.spectrometerFrequency ?? 127.76;
  const ref = opts.ppmReference ?? 4.65;
  const names = opts.names ?? Object.keys(STANDIN_LINES);
  const fids = names.map((name) => {
    const fid = new Float64Array(2 * points);
    for (const [ppm, protons] of STANDIN_LINES[name]) {
      const f = (ref - ppm) * mhz;
      for (let n = 0; n < points; n++) {
        const t = n * dwellTime;
        const env = protons * Math.exp(-Math.PI * 1 * t);
        fid[2 * n] += env * Math.cos(2 * Math.PI * f * t);
        fid[2 * n + 1] += env * Math.sin(2 * Math.PI * f * t);
      }
    }
    return fid;
  });
  return {
    names,
    fids,
    points,
    dwellTime,
    spectrometerFrequency: mhz,
    ppmReference: ref,
    nucleus: '1H',
    linewidthHz: 1,
    components: Object.fromEntries(
      names.map((n) => [n, { group: /^L\d\d$/.test(n) ? 'lipid' : 'metabolite' }]),
    ),
  };
}
