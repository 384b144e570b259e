import { basename } from 'node:path';
import { InputError } from '../core/errors.js';
import { extractLineshape, type Lineshape } from '../spectra/lineshape.js';
import { readSingleFid } from './read-spectrum.js';

/**
 * Measured lineshapes from a user's own water-unsuppressed files (`livermrs train --lineshapes`): the water line
 * of each, as spectra/lineshape.ts takes it, so that a network learns the lineshapes of the scanner it will see.
 */
export function userLineshapes(files: string[]): Lineshape[] {
  return files.map((file) => {
    const fid = readSingleFid(file);
    try {
      return extractLineshape(fid, basename(file), `${basename(file)} (given with --lineshapes)`);
    } catch (e) {
      throw new InputError(e instanceof Error ? e.message : String(e), {
        file,
        expected: 'a water-unsuppressed spectrum with a water line',
      });
    }
  });
}
