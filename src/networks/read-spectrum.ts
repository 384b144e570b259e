import { InputError } from '../core/errors.js';
import type { Fid } from '../core/fid.js';
import { inputName, type MrsInput, readMrsInput } from '../io/mrs-file.js';
import type { ReadMrsOptions } from '../io/read.js';
import { analysableFids } from '../preproc/analysable.js';

/**
 * The Node edge of quantify, classify and the manifest study: one FID per file or bytes (coils combined,
 * transients aligned and averaged with the project's preprocessing when the file holds several,
 * preproc/analysable.ts), ready for networkInput. A given echo time replaces the header's.
 */
export function readSingleFid(input: MrsInput, options: ReadMrsOptions = {}): Fid {
  const fids = analysableFids(readMrsInput(input, options));
  if (fids.length !== 1) {
    throw new InputError(`holds ${fids.length} echoes`, { file: inputName(input), expected: 'one spectrum' });
  }
  const fid = fids[0];
  if (options.echoTime !== undefined) fid.echoTime = options.echoTime;
  return fid;
}
