import { UsageError } from '../core/errors.js';
import { FORMAT_IDS, type FormatId } from './format-ids.js';
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

/**
 * What `info` and `convert` accept for files that lack header values: a forced reader and the values in the
 * command line's units (`dwell` in seconds is the alternative to `sw`).
 */
export interface ReadFileOptions {
  format?: string;
  sw?: number;
  dwell?: number;
  frequency?: number;
  te?: number;
  ppmReference?: number;
}

/** The readers' options from ReadFileOptions, refusing an unknown reader and `sw` with `dwell`. */
export function readMrsOptionsFrom(o: ReadFileOptions): ReadMrsOptions {
  if (o.format !== undefined && !FORMAT_IDS.includes(o.format as FormatId)) {
    throw new UsageError(`--format: unknown reader '${o.format}' (expected one of ${FORMAT_IDS.join(', ')})`);
  }
  if (o.sw !== undefined && o.dwell !== undefined)
    throw new UsageError('--sw and --dwell: give one, not both');
  const h = readOptionsOf(o);
  return {
    format: o.format as FormatId | undefined,
    dwellTime: o.dwell ?? h.dwellTime,
    spectrometerFrequency: h.spectrometerFrequency,
    echoTime: h.echoTime,
    ppmReference: o.ppmReference,
  };
}
