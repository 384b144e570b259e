import { existsSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { applyTimingOption } from '../core/acquisition.js';
import { InputError } from '../core/errors.js';
import type { Fid } from '../core/fid.js';
import { inputName, type MrsInput, readMrsInput } from '../io/mrs-file.js';
import type { ReadMrsOptions } from '../io/read.js';
import { analysableFids } from '../preproc/analysable.js';

/** A spectrum to analyse: a file path, or its bytes and file name. */
export type AnalysisInput = MrsInput;

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

const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);

/** The readers' options (seconds, MHz) from header values given in the command line's units: the one conversion. */
export function readOptionsOf(h: HeaderValues): ReadMrsOptions {
  return {
    dwellTime: h.sw ? 1 / h.sw : undefined,
    spectrometerFrequency: h.frequency,
    echoTime: seconds(h.te),
  };
}

/**
 * The spectra of one input, read once (format detected once, every format io/read.ts knows, LCModel .RAW/.H2O
 * included): one FID, or every echo of a multi-echo file, each preprocessed to one analysable FID
 * (preproc/analysable.ts). A given TE (single spectrum) and TR are checked against the header (`force` to
 * override, core/acquisition.ts applyTimingOption).
 */
export function readSpectra(input: AnalysisInput, h: HeaderValues): Fid[] {
  const path = inputName(input);
  const fids = analysableFids(readMrsInput(input, readOptionsOf(h)));
  for (const fid of fids) {
    if (fids.length === 1) applyTimingOption(fid, 'echoTime', seconds(h.te), h.force, path);
    applyTimingOption(fid, 'repetitionTime', seconds(h.tr), h.force, path);
  }
  return fids;
}

/** The one spectrum of an input (an error naming the file when it holds several echoes). */
export function readSpectrum(input: AnalysisInput, h: HeaderValues): Fid {
  const fids = readSpectra(input, h);
  if (fids.length !== 1) {
    throw new InputError(`holds ${fids.length} echoes`, { file: inputName(input), expected: 'one spectrum' });
  }
  return fids[0];
}

/** The LCModel water reference next to a spectrum: X.H2O (or X.h2o) for X.RAW, if it exists (`--water auto`). */
export function pairedWaterFile(file: string): string | undefined {
  const stem = join(dirname(file), basename(file, extname(file)));
  for (const ext of ['.H2O', '.h2o']) if (existsSync(stem + ext)) return stem + ext;
  return undefined;
}
