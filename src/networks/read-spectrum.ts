import { InputError } from '../core/errors.js';
import type { Fid } from '../core/fid.js';
import { readMrsFile } from '../io/mrs-file.js';
import type { ReadMrsOptions } from '../io/read.js';
import { analysableFids } from '../preproc/analysable.js';

/**
 * The Node edge of quantify, classify and the manifest study: one FID per file (coils combined, transients
 * aligned and averaged with the project's preprocessing when the file holds several, preproc/analysable.ts),
 * ready for networkInput.
 */
export function readSingleFid(path: string, options: ReadMrsOptions = {}): Fid {
  const fids = analysableFids(readMrsFile(path, options));
  if (fids.length !== 1) {
    throw new InputError(`holds ${fids.length} echoes`, { file: path, expected: 'one spectrum' });
  }
  const fid = fids[0];
  if (options.echoTime !== undefined) fid.echoTime = options.echoTime;
  return fid;
}
