import { InputError } from '../core/errors.js';
import { LIVER_DEFAULTS } from '../core/acquisition.js';
import {
  type PulseSequence,
  pressSequence,
  pulseAcquireSequence,
  semiLaserSequence,
  steamSequence,
} from './sequences.js';
import type { SpectralGrid } from '../core/grid.js';

/**
 * An acquisition protocol: what a basis set is simulated and sampled for. Times in seconds.
 * PRESS uses te1 and te2 (or te, split equally); STEAM uses te and tm; semi-LASER ('slaser') uses te (four
 * refocusing pulses at TE/8, 3TE/8, 5TE/8, 7TE/8); 'fid' is pulse-acquire.
 */
export interface Protocol extends SpectralGrid {
  sequence: 'press' | 'steam' | 'slaser' | 'fid';
  /** PRESS first echo time (90 to first 180 is te1/2), s. */
  te1?: number;
  /** PRESS second echo time, s. */
  te2?: number;
  /** Echo time, s (PRESS: te1 + te2; STEAM: twice the 90-90 spacing). */
  te?: number;
  /** STEAM mixing time, s (default 0.01). */
  tm?: number;
}

/**
 * The liver default: 3 T (127.76 MHz), PRESS TE 30 ms (15 + 15), 2000 Hz, 1024 points; the built-in cohorts and
 * the shipped models are for it.
 */
export const DEFAULT_PROTOCOL: Readonly<Protocol> = Object.freeze({
  spectrometerFrequency: LIVER_DEFAULTS.spectrometerFrequency,
  sequence: LIVER_DEFAULTS.sequence,
  te1: LIVER_DEFAULTS.te1,
  te2: LIVER_DEFAULTS.te2,
  dwellTime: LIVER_DEFAULTS.dwellTime,
  points: LIVER_DEFAULTS.points,
  ppmReference: LIVER_DEFAULTS.ppmReference,
});

/** Timings of a protocol after defaults, checked. */
export interface SequenceTiming {
  sequence: Protocol['sequence'];
  te1: number;
  te2: number;
  te: number;
  tm: number;
}

export function resolveTiming(p: Protocol, file = 'protocol'): SequenceTiming {
  const bad = (field: string, expected: string, value: unknown) =>
    new InputError(`${field} = ${String(value)}`, { file, field, expected });
  const nonNeg = (v: number | undefined, field: string) => {
    if (v !== undefined && !(Number.isFinite(v) && v >= 0)) throw bad(field, 'a time >= 0 in seconds', v);
  };
  nonNeg(p.te1, 'te1');
  nonNeg(p.te2, 'te2');
  nonNeg(p.te, 'te');
  nonNeg(p.tm, 'tm');
  switch (p.sequence) {
    case 'fid':
      return { sequence: 'fid', te1: 0, te2: 0, te: 0, tm: 0 };
    case 'press': {
      let te1 = p.te1;
      let te2 = p.te2;
      if (te1 === undefined && te2 === undefined) {
        if (p.te === undefined) throw bad('te', 'PRESS needs te or te1 and te2', p.te);
        te1 = p.te / 2;
        te2 = p.te / 2;
      } else if (te1 === undefined || te2 === undefined) {
        if (p.te === undefined)
          throw bad(te1 === undefined ? 'te1' : 'te2', 'both te1 and te2, or te', undefined);
        te1 = te1 ?? p.te - (te2 as number);
        te2 = te2 ?? p.te - te1;
        if (te1 < 0 || te2 < 0) throw bad('te', 'te >= te1 and te >= te2', p.te);
      }
      const te = te1 + te2;
      if (p.te !== undefined && Math.abs(p.te - te) > 1e-9) {
        throw bad('te', `te = te1 + te2 (${(te * 1000).toFixed(3)} ms)`, p.te);
      }
      return { sequence: 'press', te1, te2, te, tm: 0 };
    }
    case 'steam': {
      if (p.te === undefined) throw bad('te', 'STEAM needs te', p.te);
      return {
        sequence: 'steam',
        te1: p.te / 2,
        te2: p.te / 2,
        te: p.te,
        tm: p.tm ?? LIVER_DEFAULTS.mixingTime,
      };
    }
    case 'slaser': {
      if (p.te === undefined) throw bad('te', 'semi-LASER needs te', p.te);
      return { sequence: 'slaser', te1: p.te / 2, te2: p.te / 2, te: p.te, tm: 0 };
    }
    default:
      throw bad('sequence', "'press', 'steam', 'slaser' or 'fid'", (p as { sequence: unknown }).sequence);
  }
}

export function checkProtocol(p: Protocol, file = 'protocol'): SequenceTiming {
  const positive = (v: number, field: string, expected: string) => {
    if (!(Number.isFinite(v) && v > 0)) throw new InputError(`${field} = ${v}`, { file, field, expected });
  };
  positive(p.spectrometerFrequency, 'spectrometerFrequency', 'a frequency > 0 in MHz');
  positive(p.dwellTime, 'dwellTime', 'a dwell time > 0 in seconds');
  if (!Number.isInteger(p.points) || p.points < 2) {
    throw new InputError(`points = ${p.points}`, { file, field: 'points', expected: 'an integer >= 2' });
  }
  if (!Number.isFinite(p.ppmReference)) {
    throw new InputError(`ppmReference = ${p.ppmReference}`, {
      file,
      field: 'ppmReference',
      expected: 'ppm',
    });
  }
  return resolveTiming(p, file);
}

export function sequenceFor(timing: SequenceTiming): PulseSequence {
  switch (timing.sequence) {
    case 'fid':
      return pulseAcquireSequence();
    case 'press':
      return pressSequence(timing.te1, timing.te2);
    case 'steam':
      return steamSequence(timing.te, timing.tm);
    case 'slaser':
      return semiLaserSequence(timing.te);
  }
}
