import { existsSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { applyTimingOption } from '../core/acquisition.js';
import { InputError } from '../core/errors.js';
import type { Fid } from '../core/fid.js';
import { inputName, type MrsInput, readMrsInput } from '../io/mrs-file.js';
import { type HeaderValues, msToSeconds, readOptionsOf } from '../io/header-values.js';
import { analysableFids } from '../preproc/analysable.js';

/** A spectrum to analyse: a file path, or its bytes and file name. */
export type AnalysisInput = MrsInput;
export { type HeaderValues, readOptionsOf };

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
    if (fids.length === 1) applyTimingOption(fid, 'echoTime', msToSeconds(h.te), h.force, path);
    applyTimingOption(fid, 'repetitionTime', msToSeconds(h.tr), h.force, path);
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
