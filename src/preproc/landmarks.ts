/**
 * Peaks to reference a spectrum to (reference.ts): water 4.65 (body temperature), NAA 2.008 and Cr 3.027
 * (Govindaraju et al. 2000), the liver methylene lipid 1.30 (Hamilton et al., NMR Biomed 2011;24:784). A module
 * of their own so that the CLI can list them without loading the preprocessing code.
 */
export const LANDMARKS = {
  water: { ppm: 4.65, window: [4.3, 5.0] as [number, number] },
  naa: { ppm: 2.008, window: [1.85, 2.15] as [number, number] },
  cr: { ppm: 3.027, window: [2.92, 3.12] as [number, number] },
  lipid: { ppm: 1.3, window: [1.1, 1.5] as [number, number] },
} as const;
