import { type CoherenceState, acquire, equilibrium, evolve, excite, pulse } from './density-matrix.js';
import { EigenSpace } from './spin-space.js';

/**
 * Pulse sequences as data: a list of ideal (instantaneous, non-selective) pulses about y, each followed by the
 * coherence order that the crusher gradients keep, and free-precession delays. Every sequence starts from
 * equilibrium (Fz) and ends at the start of acquisition, where order +1 is detected (signal Tr[rho F-]).
 * Pulse phases only change the global phase of a single selected pathway, which the normalisation removes.
 */
export type SequenceStep =
  | { kind: 'pulse'; flipDegrees: number; keep: number }
  | { kind: 'delay'; seconds: number };

export interface PulseSequence {
  name: string;
  steps: SequenceStep[];
}

/** Pulse-acquire: 90 - acquire. */
export function pulseAcquireSequence(): PulseSequence {
  return { name: 'fid', steps: [{ kind: 'pulse', flipDegrees: 90, keep: 1 }] };
}

/**
 * Ideal PRESS: 90 - TE1/2 - 180 - (TE1 + TE2)/2 - 180 - TE2/2 - acquire (Bottomley, US patent 4480228, 1984).
 * Crusher pairs around each 180 keep the pathway +1 -> -1 -> +1 (each refocusing pulse inverts the order).
 */
export function pressSequence(te1: number, te2: number): PulseSequence {
  return {
    name: 'press',
    steps: [
      { kind: 'pulse', flipDegrees: 90, keep: 1 },
      { kind: 'delay', seconds: te1 / 2 },
      { kind: 'pulse', flipDegrees: 180, keep: -1 },
      { kind: 'delay', seconds: (te1 + te2) / 2 },
      { kind: 'pulse', flipDegrees: 180, keep: 1 },
      { kind: 'delay', seconds: te2 / 2 },
    ],
  };
}

/**
 * Ideal STEAM: 90 - TE/2 - 90 - TM - 90 - TE/2 - acquire (Frahm et al., J Magn Reson 1987;72:502).
 * The stimulated-echo pathway is -1 -> 0 -> +1; the TM crusher keeps all order-0 terms, i.e. longitudinal
 * magnetisation AND zero-quantum coherences (which a gradient cannot dephase), as in a real acquisition
 * without extra phase cycling. Only half the magnetisation forms the stimulated echo; the normalisation
 * (see sequenceGain) scales it back so a singlet still has its proton count as area.
 */
export function steamSequence(te: number, tm: number): PulseSequence {
  return {
    name: 'steam',
    steps: [
      { kind: 'pulse', flipDegrees: 90, keep: -1 },
      { kind: 'delay', seconds: te / 2 },
      { kind: 'pulse', flipDegrees: 90, keep: 0 },
      { kind: 'delay', seconds: tm },
      { kind: 'pulse', flipDegrees: 90, keep: 1 },
      { kind: 'delay', seconds: te / 2 },
    ],
  };
}

/**
 * Ideal semi-LASER: 90 - TE/8 - 180 - TE/4 - 180 - TE/4 - 180 - TE/4 - 180 - TE/8 - acquire, the four refocusing
 * pulses equally spaced as in a CPMG train (Scheenen et al., Magn Reson Med 2008;59:1; FID-A's sLASER
 * simulation). Crushers keep +1 -> -1 -> +1 -> -1 -> +1. Pulse spacing TE/4 short against 1 / (shift
 * difference) suppresses J evolution (Allerhand, J Chem Phys 1966;44:1), which PRESS at the same TE does not.
 */
export function semiLaserSequence(te: number): PulseSequence {
  const tau = te / 8;
  const refocus = (keep: number): SequenceStep => ({ kind: 'pulse', flipDegrees: 180, keep });
  const wait = (seconds: number): SequenceStep => ({ kind: 'delay', seconds });
  return {
    name: 'slaser',
    steps: [
      { kind: 'pulse', flipDegrees: 90, keep: 1 },
      wait(tau),
      refocus(-1),
      wait(2 * tau),
      refocus(1),
      wait(2 * tau),
      refocus(-1),
      wait(2 * tau),
      refocus(1),
      wait(tau),
    ],
  };
}

export interface LineSink {
  hz: number[];
  re: number[];
  im: number[];
}

/** Runs `sequence` on a coupled system and appends its detected lines (amplitudes times `weight`) to `sink`. */
export function runSequence(
  space: EigenSpace,
  sequence: PulseSequence,
  weight: number,
  sink: LineSink,
): void {
  let state: CoherenceState | null = null;
  const rotations = new Map<number, (Float64Array | null)[][]>();
  for (const step of sequence.steps) {
    if (step.kind === 'delay') {
      if (!state) throw new Error(`${sequence.name}: a delay before the first pulse`);
      evolve(space, state, step.seconds);
      continue;
    }
    if (!state && step.flipDegrees === 90 && (step.keep === 1 || step.keep === -1)) {
      state = excite(space, step.keep);
      continue;
    }
    let u = rotations.get(step.flipDegrees);
    if (!u) {
      u = space.rotation((step.flipDegrees * Math.PI) / 180);
      rotations.set(step.flipDegrees, u);
    }
    state = pulse(space, state ?? equilibrium(space), u, step.keep);
  }
  if (!state) throw new Error(`${sequence.name}: no excitation pulse`);
  acquire(space, state, weight, sink);
}

const gainCache = new Map<string, { re: number; im: number }>();

/**
 * The complex signal an isolated on-resonance spin-1/2 gives at the start of acquisition (1/2 for an ideal
 * pulse-acquire, -1/4 for an ideal STEAM). Dividing by it normalises any sequence so that a singlet of n protons
 * has amplitude n and zero phase.
 */
export function sequenceGain(sequence: PulseSequence): { re: number; im: number } {
  const key = JSON.stringify(sequence.steps.filter((s) => s.kind === 'pulse'));
  const cached = gainCache.get(key);
  if (cached) return cached;
  const space = new EigenSpace({ twoS: [1], offsetHz: [0], couplingHz: [0] });
  const sink: LineSink = { hz: [], re: [], im: [] };
  runSequence(space, sequence, 1, sink);
  let re = 0;
  let im = 0;
  for (let i = 0; i < sink.re.length; i++) {
    re += sink.re[i];
    im += sink.im[i];
  }
  if (Math.hypot(re, im) < 1e-9) throw new Error(`${sequence.name}: the sequence gives no signal`);
  const gain = { re, im };
  gainCache.set(key, gain);
  return gain;
}
