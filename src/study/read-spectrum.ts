import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../core/errors.js';
import type { Fid } from '../core/fid.js';
import { readMrsFile } from '../io/mrs-file.js';
import type { ReadMrsOptions } from '../io/read.js';
import { analysableFids } from '../preproc/analysable.js';

/**
 * The Node edge of quantify, classify and the manifest study: one FID per file (coils combined, transients
 * aligned and averaged with the project's preprocessing when the file holds several), and the package's
 * shipped models directory.
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

/** `<package>/models` (from src/ or dist/src/). */
export function defaultModelsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'models');
    if (existsSync(join(candidate, 'qcnn.json')) || existsSync(join(candidate, 'ccnn.json')))
      return candidate;
    dir = dirname(dir);
  }
  throw new InputError('no shipped models found', {
    file: 'models/',
    expected: 'the package models directory, or --model DIR (make one with livermrs train)',
  });
}
