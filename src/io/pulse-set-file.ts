import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError } from '../core/errors.js';
import { defaultPulseSet, type PulseSet, parsePulseSet } from '../physics/pulses/pulse-set.js';

/**
 * The pulse set of `--pulses FILE|default` (basis and fit): 'default' is the built-in set, anything else a
 * pulse-set JSON file whose .pta paths are relative to it. `grid`: positions per slice direction (default 64).
 */
export function readPulseSetOption(pulses: string, grid = 64): PulseSet {
  if (pulses === 'default') return defaultPulseSet(grid);
  const read = (path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch (err) {
      throw new InputError(`cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { file: path });
    }
  };
  return parsePulseSet(read(pulses), pulses, (rel) => read(resolve(dirname(pulses), rel)), grid);
}
