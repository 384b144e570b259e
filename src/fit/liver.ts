import type { BasisSet } from '../core/basis.js';
import { InputError } from '../core/errors.js';
import { DEFAULT_PROTOCOL, LIVER_COMPONENTS, liverBasisFor, type Protocol } from '../physics/index.js';
import type { DataHeader, FitOptions } from './fit.js';

/**
 * Liver defaults for the fitter and the liver basis it fits with.
 *
 * LIVER_FIT_OPTIONS: window 0.5–5.7 ppm (keeps the olefinic lipid at 5.3 ppm, so the residual water at 4.7 ppm
 * is modelled with two Lorentzian lines instead of being cut out), Voigt lineshape with one Lorentzian width
 * and one shift per group (metabolites, lipids), penalised-spline baseline, first-order phase.
 *
 * liverBasis(): the 15 metabolites and 5 lipid resonance groups of DESIGN.md simulated by the spin-physics
 * engine (src/physics: density matrix, PRESS with ideal pulses, strong coupling) for the data's protocol.
 * Amplitudes are per molecule; lipid components are per triglyceride (see data/spin-systems/L*.yaml).
 */
export const LIVER_PPM_RANGE: [number, number] = [0.5, 5.7];

export const LIVER_FIT_OPTIONS: FitOptions = {
  ppmRange: LIVER_PPM_RANGE,
  model: 'voigt',
  baseline: { kind: 'spline', knotSpacingPpm: 0.15, edPerPpm: 1.0 },
  damping: 'group',
  shift: 'group',
  phase1: true,
  residualWater: { lines: 2, ppmRange: [4.4, 4.95] },
  maxShiftPpm: 0.15,
  initDampingHz: 8,
};

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
  const sequence = seq.sequence ?? 'press';
  if (sequence === 'fid') return { ...grid, sequence };
  if (seq.te1 !== undefined || seq.te2 !== undefined) {
    return { ...grid, sequence, te1: seq.te1, te2: seq.te2, te: seq.echoTime, tm: seq.mixingTime };
  }
  if (seq.echoTime === undefined) {
    return sequence === 'press'
      ? { ...grid, sequence, te1: DEFAULT_PROTOCOL.te1, te2: DEFAULT_PROTOCOL.te2 }
      : { ...grid, sequence, te: 0.03, tm: seq.mixingTime };
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
 * The 20-component liver basis simulated for the data's grid, field and sequence (default: DESIGN.md's liver
 * protocol, 127.76 MHz, PRESS 15 + 15 ms, 2000 Hz, 1024 points). Line lists are cached per process, so
 * a second call for the same field and timing only renders the lines onto the grid.
 */
export function liverBasis(
  header: Omit<DataHeader, 'nucleus'> = DEFAULT_PROTOCOL,
  seq: LiverSequence = {},
  components: readonly string[] = LIVER_COMPONENTS,
): BasisSet {
  return liverBasisFor(liverProtocol(header, seq), components);
}
