import type { ReadMrsOptions } from './read.js';

/**
 * What a file may not store, in the units of the command line: spectral width (Hz), spectrometer frequency
 * (MHz), echo and repetition time (ms). `force` accepts a TE/TR that contradicts the header.
 */
export interface HeaderValues {
  sw?: number;
  frequency?: number;
  te?: number;
  tr?: number;
  force?: boolean;
}

/** Milliseconds (the command line's unit for TE, TR) to seconds (the readers' and Fid's). */
export const msToSeconds = (ms: number | undefined): number | undefined =>
  ms === undefined ? undefined : ms / 1000;

/** The readers' options (seconds, MHz) from header values in the command line's units: the one conversion. */
export function readOptionsOf(h: HeaderValues): ReadMrsOptions {
  return {
    dwellTime: h.sw ? 1 / h.sw : undefined,
    spectrometerFrequency: h.frequency,
    echoTime: msToSeconds(h.te),
  };
}
