import { InputError } from '../../core/errors.js';
import { parseJsonObject } from './json.js';
import type { SequenceTiming } from '../protocol.js';
import type { RfPulse } from './pulse.js';
import { readPta } from './pta.js';
import {
  defaultPressPulses,
  type ShapedSequence,
  type SliceOptions,
  shapedPress,
  shapedSemiLaser,
  shapedSteam,
} from './sequence.js';
import { hardPulse, hermitePulse, hyperbolicSecantPulse, sincPulse } from './shapes.js';

/**
 * The pulses of a localised sequence and how their slices are sampled: what `livermrs basis --pulses FILE`
 * reads. PRESS uses the excitation and refocusing pulses, STEAM the excitation pulse three times, semi-LASER the
 * excitation and the adiabatic pulse (four times, in two pairs).
 */
export interface PulseSet {
  excitation: RfPulse;
  refocusing: RfPulse;
  /** semi-LASER's adiabatic refocusing pulse (default: `defaultAdiabaticPulse()`). */
  adiabatic?: RfPulse;
  slice: SliceOptions;
  couplingSteps?: number;
}

/**
 * semi-LASER's default adiabatic refocusing pulse: a 4 ms hyperbolic secant (mu 5, beta 5.3: 4.2 kHz sweep,
 * peak B1 2.8 kHz = 3x the adiabatic threshold), 256 samples.
 */
export function defaultAdiabaticPulse(): RfPulse {
  return hyperbolicSecantPulse(4e-3, { samples: 256 });
}

/**
 * The built-in set: Hann-windowed sincs (90: 2.6 ms, 180: 5.2 ms, both TBW 6), the 4 ms hyperbolic secant for
 * semi-LASER, 20 mm slices.
 */
export function defaultPulseSet(grid = 64): PulseSet {
  return {
    ...defaultPressPulses(),
    adiabatic: defaultAdiabaticPulse(),
    slice: { thickness: 0.02, grid, fovFactor: 3 },
  };
}

/** A shaped sequence for resolved protocol timing. */
export function shapedSequenceFor(timing: SequenceTiming, set: PulseSet): ShapedSequence {
  switch (timing.sequence) {
    case 'press':
      return shapedPress(timing.te1, timing.te2, set, set.slice, set.couplingSteps);
    case 'steam':
      return shapedSteam(timing.te, timing.tm, set.excitation, set.slice, set.couplingSteps);
    case 'slaser':
      return shapedSemiLaser(
        timing.te,
        set.excitation,
        set.adiabatic ?? defaultAdiabaticPulse(),
        set.slice,
        set.couplingSteps,
      );
    default:
      throw new InputError('shaped pulses need a localised sequence', {
        field: 'sequence',
        expected: 'press, steam or slaser',
      });
  }
}

/** A short fingerprint of a pulse set for caches and basis metadata. */
export function pulseSetKey(set: PulseSet): string {
  const sum = (p: RfPulse) => {
    let s = 0;
    for (let k = 0; k < p.amplitude.length; k++) s += p.amplitude[k] * (k + 1) + p.phase[k];
    return s;
  };
  return JSON.stringify(
    [set.excitation, set.refocusing, set.adiabatic ?? defaultAdiabaticPulse()]
      .map((p) => [p.name, p.duration, p.amplitude.length, p.timeBandwidth ?? null, sum(p)])
      .concat([
        [
          set.slice.thickness ?? 0.02,
          set.slice.grid ?? 64,
          set.slice.fovFactor ?? 3,
          set.couplingSteps ?? 16,
        ],
      ]),
  );
}

type Json = Record<string, unknown>;

/**
 * Reads a pulse-set JSON file:
 * { "excitation": PULSE, "refocusing": PULSE, "adiabatic": PULSE, "thicknessMm": 20, "fovFactor": 3,
 * "couplingSteps": 16 } ("adiabatic", semi-LASER's refocusing pulse, is optional) with
 * PULSE = { "shape": "sinc" | "hermite" | "hsec" | "hard", "durationMs": 2.6, "lobes": 6, "hann": true,
 * "samples": 256 } or { "pta": "file.pta", "durationMs": 5.2 } (path relative to the JSON file).
 * `readText` loads .pta files (kept out of this module so it runs in browsers too).
 */
export function parsePulseSet(
  text: string,
  file: string,
  readText: (relativePath: string) => string,
  grid = 64,
): PulseSet {
  const root: Json = parseJsonObject(text, file, 'a pulse-set JSON object');
  const num = (o: Json, key: string, where: string, min: number, max: number, fallback?: number): number => {
    const v = o[key] ?? fallback;
    if (typeof v !== 'number' || !(v >= min && v <= max)) {
      throw new InputError(`${key} = ${JSON.stringify(v)}`, {
        file,
        field: `${where}${key}`,
        expected: `a number in [${min}, ${max}]`,
      });
    }
    return v;
  };
  const pulse = (key: 'excitation' | 'refocusing' | 'adiabatic', flip: number): RfPulse => {
    const o = root[key];
    if (!o || typeof o !== 'object') {
      throw new InputError('missing', { file, field: key, expected: 'a pulse object (shape or pta)' });
    }
    const p = o as Json;
    const duration = num(p, 'durationMs', `${key}.`, 0.01, 100) / 1000;
    if (typeof p.pta === 'string')
      return readPta(readText(p.pta), { duration, flipDegrees: flip, file: p.pta }).pulse;
    const samples = num(p, 'samples', `${key}.`, 1, 65536, 256);
    switch (p.shape) {
      case 'sinc':
        return sincPulse(duration, flip, {
          lobes: num(p, 'lobes', `${key}.`, 1, 64, 6),
          hann: p.hann !== false,
          samples,
        });
      case 'hermite':
        return hermitePulse(duration, flip, { samples });
      case 'hsec':
        return hyperbolicSecantPulse(duration, { samples });
      case 'hard':
        return hardPulse(duration, flip, samples);
      default:
        throw new InputError(`shape = ${JSON.stringify(p.shape)}`, {
          file,
          field: `${key}.shape`,
          expected: "'sinc', 'hermite', 'hsec' or 'hard' (or a 'pta' file)",
        });
    }
  };
  return {
    excitation: pulse('excitation', 90),
    refocusing: pulse('refocusing', 180),
    adiabatic: root.adiabatic === undefined ? defaultAdiabaticPulse() : pulse('adiabatic', 180),
    slice: {
      thickness: num(root, 'thicknessMm', '', 0.1, 500, 20) / 1000,
      fovFactor: num(root, 'fovFactor', '', 1, 10, 3),
      grid,
    },
    couplingSteps: num(root, 'couplingSteps', '', 1, 4096, 16),
  };
}
