import type { BasisSet } from '../core/basis.js';
import { InputError } from '../core/errors.js';
import { liverBasisFor, type Protocol } from '../physics/index.js';
import type { Cohort } from './cohort-schema.js';
import { LIVER_DEFAULTS } from '../core/acquisition.js';

/**
 * The basis of a cohort whose `basis:` is `default`: the 20 liver components simulated by the physics engine
 * for the cohort's protocol (sequence PRESS, STEAM or FID; echo time in ms, PRESS split equally into TE1 = TE2).
 * The liver default protocol (3 T, PRESS TE 30 ms, 2000 Hz, 1024 points) reuses the cached default basis.
 */
export function defaultBasisForCohort(cohort: Cohort, file = cohort.name): BasisSet {
  const p = cohort.protocol;
  const sequence = (p.sequence ?? LIVER_DEFAULTS.sequence).toLowerCase();
  if (sequence !== 'press' && sequence !== 'steam' && sequence !== 'fid') {
    throw new InputError(`sequence '${p.sequence}' has no built-in basis`, {
      file,
      field: 'protocol.sequence',
      expected: 'PRESS, STEAM or FID (or basis: {file: ...})',
    });
  }
  const protocol: Protocol = {
    spectrometerFrequency: p.spectrometerFrequency,
    sequence,
    te:
      sequence === 'fid' ? undefined : p.echoTime !== undefined ? p.echoTime / 1000 : LIVER_DEFAULTS.echoTime,
    dwellTime: 1 / p.spectralWidth,
    points: p.points,
    ppmReference: p.ppmReference,
  };
  return liverBasisFor(protocol);
}
