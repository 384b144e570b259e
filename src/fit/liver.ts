import type { BasisSet } from '../core/basis.js';
import { InputError } from '../core/errors.js';
import {
  DEFAULT_PROTOCOL,
  LIVER_COMPONENTS,
  liverBasisFor,
  type Protocol,
  type SimulateBasisOptions,
} from '../physics/index.js';
import type { DataHeader } from './fit.js';
import { LIVER_DEFAULTS } from '../core/acquisition.js';

/**
 * The liver basis the fitter fits with, and (re-exported from liver-options.ts) the liver fit defaults.
 *
 * liverBasis(): the 15 metabolites and 5 lipid resonance groups of the liver model (physics/basis.ts
 * LIVER_COMPONENTS) simulated by the spin-physics engine (src/physics: density matrix, PRESS with ideal pulses,
 * strong coupling) for the data's protocol.
 * Amplitudes are per molecule; lipid components are per triglyceride (see data/spin-systems/L*.yaml).
 */
export { LIVER_FIT_OPTIONS, LIVER_PPM_RANGE } from './liver-options.js';

/** Sequence timing of the data, when it differs from the liver default (PRESS, TE 30 ms = 15 + 15 ms). */
export interface LiverSequence {
  sequence?: Protocol['sequence'];
  /** Echo time (s); PRESS splits it equally unless te1/te2 are given. */
  echoTime?: number;
  te1?: number;
  te2?: number;
  /** STEAM mixing time (s). */
  mixingTime?: number;
}

/** The protocol a liver basis is simulated for: the data's grid and field, and the sequence timing. */
export function liverProtocol(header: Omit<DataHeader, 'nucleus'>, seq: LiverSequence = {}): Protocol {
  const grid = {
    spectrometerFrequency: header.spectrometerFrequency,
    dwellTime: header.dwellTime,
    points: header.points,
    ppmReference: header.ppmReference,
  };
  const sequence = seq.sequence ?? LIVER_DEFAULTS.sequence;
  if (sequence === 'fid') return { ...grid, sequence };
  if (seq.te1 !== undefined || seq.te2 !== undefined) {
    return { ...grid, sequence, te1: seq.te1, te2: seq.te2, te: seq.echoTime, tm: seq.mixingTime };
  }
  if (seq.echoTime === undefined) {
    return sequence === 'press'
      ? { ...grid, sequence, te1: DEFAULT_PROTOCOL.te1, te2: DEFAULT_PROTOCOL.te2 }
      : { ...grid, sequence, te: LIVER_DEFAULTS.echoTime, tm: seq.mixingTime };
  }
  if (!(seq.echoTime >= 0)) {
    throw new InputError(`echo time ${seq.echoTime} s`, {
      field: 'echoTime',
      expected: 'a time >= 0 in seconds',
    });
  }
  return { ...grid, sequence, te: seq.echoTime, tm: seq.mixingTime };
}

/**
 * The 20-component liver basis simulated for the data's grid, field and sequence (default: the liver protocol
 * of physics/protocol.ts, 127.76 MHz, PRESS 15 + 15 ms, 2000 Hz, 1024 points). Line lists are cached per process, so
 * a second call for the same field and timing only renders the lines onto the grid. `options.pulses` simulates
 * real RF pulses and slice selection instead (physics/pulses), `options.store` keeps those line lists on disk.
 */
export function liverBasis(
  header: Omit<DataHeader, 'nucleus'> = DEFAULT_PROTOCOL,
  seq: LiverSequence = {},
  components: readonly string[] = LIVER_COMPONENTS,
  options: SimulateBasisOptions = {},
): BasisSet {
  return liverBasisFor(liverProtocol(header, seq), components, options);
}
