// Chemistry of water–fat spectra, shared by the fitter (fit/water-fat/) and the simulator (simulate/water-fat.ts):
// the water shift and the triglyceride model of liver fat.

/**
 * Water's shift in water–fat spectra, ppm: 4.70, as in Hamilton et al. 2011 (below), whose fat shifts are given
 * on the same scale. (The 4.65 ppm receiver reference of metabolite spectra, core/fid.ts, is another convention.)
 */
export const WATER_PPM = 4.7;

/**
 * The triglyceride model of liver fat (Hamilton G, Yokoo T, Bydder M, et al. In vivo characterization of the
 * liver fat 1H MR spectrum. NMR Biomed 2011;24:784-790, Table 1 shifts and proton counts).
 *
 * Per triglyceride molecule with mean chain length CL, ndb double bonds and nmidb methylene-interrupted double
 * bonds per chain set (the paper's notation), the ten resonances hold
 *
 *   5.31 ppm olefinic          -CH=CH-           2·ndb
 *   5.21 ppm glycerol          -CH-O-CO-         1
 *   4.30 ppm glycerol          -CH2-O-CO-        2
 *   4.10 ppm glycerol          -CH2-O-CO-        2
 *   2.75 ppm diallylic         =CH-CH2-CH=       2·nmidb
 *   2.24 ppm α-carboxyl        -CO-CH2-          6
 *   2.02 ppm α-olefinic        -CH2-CH=CH-       4·(ndb − nmidb)
 *   1.60 ppm β-carboxyl        -CO-CH2-CH2-      6
 *   1.30 ppm methylene         -(CH2)n-          6·(CL − 4) − 8·ndb + 2·nmidb
 *   0.90 ppm methyl            -CH3              9
 *
 * protons, 6·CL + 2 − 2·ndb in all. Every area is linear in (1, CL, ndb, nmidb) times the molecule count, so
 * the "chain" model fits four linear amplitudes u = A·(1, CL, ndb, nmidb) with fixed spectral patterns, and
 * the composition follows as ratios (CL = u1/u0, ndb = u2/u0, nmidb = u3/u0).
 *
 * Hamilton's in vivo liver composition: ndb 1.92, nmidb 0.32, CL 17.45 (reproduces the paper's peak-area
 * ratios 2.1/1.3 = 0.172, 0.9/1.3 = 0.125, 2.75 = 0.6 % and ~8.6 % of the fat signal at 4.2–5.3 ppm).
 */
export interface FatPeak {
  ppm: number;
  label: string;
  /** Protons per triglyceride = c0 + c1·CL + c2·ndb + c3·nmidb. */
  coefficients: [number, number, number, number];
}

export const FAT_PEAKS: readonly FatPeak[] = [
  { ppm: 0.9, label: 'methyl', coefficients: [9, 0, 0, 0] },
  { ppm: 1.3, label: 'methylene', coefficients: [-24, 6, -8, 2] },
  { ppm: 1.6, label: 'β-carboxyl', coefficients: [6, 0, 0, 0] },
  { ppm: 2.02, label: 'α-olefinic', coefficients: [0, 0, 4, -4] },
  { ppm: 2.24, label: 'α-carboxyl', coefficients: [6, 0, 0, 0] },
  { ppm: 2.75, label: 'diallylic', coefficients: [0, 0, 0, 2] },
  { ppm: 4.1, label: 'glycerol CH2', coefficients: [2, 0, 0, 0] },
  { ppm: 4.3, label: 'glycerol CH2', coefficients: [2, 0, 0, 0] },
  { ppm: 5.21, label: 'glycerol CH', coefficients: [1, 0, 0, 0] },
  { ppm: 5.31, label: 'olefinic', coefficients: [0, 0, 2, 0] },
];

export interface FatComposition {
  /** Mean fatty-acid chain length. */
  chainLength: number;
  /** Double bonds per triglyceride. */
  doubleBonds: number;
  /** Methylene-interrupted double bonds per triglyceride. */
  midb: number;
}

/** Hamilton et al. 2011, in vivo liver. */
export const LIVER_FAT: Readonly<FatComposition> = Object.freeze({
  chainLength: 17.45,
  doubleBonds: 1.92,
  midb: 0.32,
});

/** Protons of each FAT_PEAKS resonance for one triglyceride of the given composition. */
export function peakProtons(c: FatComposition): number[] {
  return FAT_PEAKS.map((p) => {
    const k = p.coefficients;
    return k[0] + k[1] * c.chainLength + k[2] * c.doubleBonds + k[3] * c.midb;
  });
}

/** Total fat protons per triglyceride: 6·CL + 2 − 2·ndb. */
export function fatProtons(c: FatComposition): number {
  return 6 * c.chainLength + 2 - 2 * c.doubleBonds;
}

/** Relative areas (sum 1) of the FAT_PEAKS resonances. */
export function relativeAreas(c: FatComposition = LIVER_FAT): number[] {
  const p = peakProtons(c);
  const total = p.reduce((a, b) => a + b, 0);
  return p.map((x) => x / total);
}

/**
 * Fat indices from the composition (Hamilton 2011; Ren et al., J Lipid Res 2008): unsaturation = double bonds
 * per chain (ndb/3), polyunsaturation = methylene-interrupted double bonds per chain (nmidb/3), and the mean
 * chain length itself.
 */
export function fatIndices(c: FatComposition): {
  chainLength: number;
  unsaturation: number;
  polyunsaturation: number;
} {
  return { chainLength: c.chainLength, unsaturation: c.doubleBonds / 3, polyunsaturation: c.midb / 3 };
}
