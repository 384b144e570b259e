/**
 * The sampling grid of a spectrum — what a Fid, a basis set, a file header, a fit and a simulation share, and
 * what two of them must agree on before one can be fitted with, resampled to or compared with the other.
 */
export interface SpectralGrid {
  /** Complex samples of the FID. */
  points: number;
  /** Seconds between samples (1 / spectral width). */
  dwellTime: number;
  /** Spectrometer (Larmor) frequency in MHz, e.g. 123.2 (Siemens 3T) or 127.76. */
  spectrometerFrequency: number;
  /** Chemical shift (ppm) at the receiver centre frequency. */
  ppmReference: number;
}

/** The acquisition values every consumer needs, in livermrs units (s, MHz, ppm): a file's header holds the
 * grid but its points (those are its data's). */
export interface MrsHeader extends Omit<SpectralGrid, 'points'> {
  /** e.g. '1H'. */
  nucleus: string;
  echoTime?: number;
  repetitionTime?: number;
}

/** The grid of anything that carries one (a new object with the four fields only). */
export function gridOf(g: SpectralGrid): SpectralGrid {
  return {
    points: g.points,
    dwellTime: g.dwellTime,
    spectrometerFrequency: g.spectrometerFrequency,
    ppmReference: g.ppmReference,
  };
}
