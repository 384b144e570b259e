import { pulseBandwidthHz, type RfPulse } from './pulse.js';
import { sincPulse } from './shapes.js';

/**
 * Sequences with shaped, slice-selective pulses. Each pulse acts along its own direction with a slice-select
 * gradient (expressed as gamma G / 2 pi, Hz per metre, so a spin at x is off resonance by G x) over a grid of
 * positions; the signal of the selected coherence pathway is averaged over that grid right after the pulse
 * (the 1-D projection method: the directions are orthogonal and each pulse sees one of them, so the voxel
 * average factorises and the cost grows with Nx + Ny + Nz). Crushers are modelled as coherence-order
 * selection (`keep`), as in the ideal engine. Delays are free precession between the ends of the pulses.
 */
export interface ShapedPulseStep {
  kind: 'pulse';
  pulse: RfPulse;
  flipDegrees: number;
  /** Phase added to the waveform's, radians: pi / 2 is a pulse about y, as the ideal engine's. */
  phase: number;
  /** Coherence order kept after the pulse. */
  keep: number;
  /** gamma G / 2 pi during the pulse, Hz/m (0: non-selective). */
  gradientHzPerM: number;
  /** Positions (m) along the pulse's direction; the average is uniform over them. */
  positions: Float64Array;
  /** Slice-gradient area before / after the pulse, in seconds of the slice-select amplitude (e.g. -T/2 after an excitation). */
  prephaseSeconds: number;
  rephaseSeconds: number;
  /**
   * Slice direction (0, 1, 2). Consecutive pulses on the same axis (only delays between them, as semi-LASER's
   * adiabatic pairs) are simulated together per position; pulses without an axis each count as their own.
   */
  axis?: number;
}

export type ShapedStep = ShapedPulseStep | { kind: 'delay'; seconds: number };

export interface ShapedSequence {
  name: string;
  steps: ShapedStep[];
  /**
   * Coupling steps per pulse: within a pulse the Hamiltonian is split (Strang) into the one-spin part (RF,
   * chemical shift, gradient: exact per sample) and the J part (applied `couplingSteps` times). Default 16.
   */
  couplingSteps?: number;
}

export interface SliceOptions {
  /** Slice thickness, m (default 0.02). */
  thickness?: number;
  /** Positions per direction (default 64); 1 = the slice centre only. */
  grid?: number;
  /** Width of the simulated field of view in slice thicknesses (default 3: the sinc profile tails beyond +-1 thickness change spectra by 0.7 %). */
  fovFactor?: number;
}

/** Grid of `n` positions (cell centres) over fov, centred on 0. */
export function sliceGrid(n: number, fov: number): Float64Array {
  if (n === 1) return Float64Array.of(0);
  return Float64Array.from({ length: n }, (_, i) => -fov / 2 + ((i + 0.5) * fov) / n);
}

function selective(
  pulse: RfPulse,
  flipDegrees: number,
  keep: number,
  slice: SliceOptions,
  pre: number,
  post: number,
  axis?: number,
): ShapedPulseStep {
  const thickness = slice.thickness ?? 0.02;
  const grid = slice.grid ?? 64;
  const bw = pulseBandwidthHz(pulse);
  return {
    kind: 'pulse',
    pulse,
    flipDegrees,
    phase: Math.PI / 2,
    keep,
    gradientHzPerM: bw / thickness,
    positions: sliceGrid(grid, thickness * (slice.fovFactor ?? 3)),
    prephaseSeconds: pre,
    rephaseSeconds: post,
    axis,
  };
}

function delay(seconds: number, what: string): ShapedStep {
  if (seconds < -1e-12)
    throw new RangeError(`${what}: the pulses are longer than the delay (${seconds * 1e3} ms)`);
  return { kind: 'delay', seconds: Math.max(0, seconds) };
}

/** The default PRESS pulses: Hann-windowed sincs, 90 of 2.6 ms (TBW 6), 180 of 5.2 ms (TBW 6). */
export function defaultPressPulses(): { excitation: RfPulse; refocusing: RfPulse } {
  return {
    excitation: sincPulse(2.6e-3, 90, { lobes: 6, samples: 256 }),
    refocusing: sincPulse(5.2e-3, 180, { lobes: 6, samples: 256 }),
  };
}

/**
 * PRESS with shaped pulses: 90(x slice) - TE1/2 - 180(y) - (TE1 + TE2)/2 - 180(z) - TE2/2, times between pulse
 * centres; pathway +1 -> -1 -> +1 as in the ideal engine. The excitation's slice gradient is rephased by half
 * its area; the refocusing pulses' gradients are symmetric and need no rephasing on the echo pathway.
 */
export function shapedPress(
  te1: number,
  te2: number,
  pulses: { excitation: RfPulse; refocusing: RfPulse },
  slice: SliceOptions = {},
  couplingSteps?: number,
): ShapedSequence {
  const t90 = pulses.excitation.duration;
  const t180 = pulses.refocusing.duration;
  return {
    name: 'press-shaped',
    couplingSteps,
    steps: [
      selective(pulses.excitation, 90, 1, slice, 0, -t90 / 2),
      delay(te1 / 2 - t90 / 2 - t180 / 2, 'PRESS TE1/2'),
      selective(pulses.refocusing, 180, -1, slice, 0, 0),
      delay((te1 + te2) / 2 - t180, 'PRESS (TE1 + TE2)/2'),
      selective(pulses.refocusing, 180, 1, slice, 0, 0),
      delay(te2 / 2 - t180 / 2, 'PRESS TE2/2'),
    ],
  };
}

/**
 * STEAM with shaped 90s: 90(x) - TE/2 - 90(y) - TM - 90(z) - TE/2, pathway -1 -> 0 -> +1 as in the ideal engine.
 * Half-area rephasing after the first and third pulses and prephasing before the second keep each slice
 * profile free of a linear phase.
 */
export function shapedSteam(
  te: number,
  tm: number,
  pulse: RfPulse,
  slice: SliceOptions = {},
  couplingSteps?: number,
): ShapedSequence {
  const t = pulse.duration;
  return {
    name: 'steam-shaped',
    couplingSteps,
    steps: [
      selective(pulse, 90, -1, slice, 0, -t / 2),
      delay(te / 2 - t, 'STEAM TE/2'),
      selective(pulse, 90, 0, slice, -t / 2, 0),
      delay(tm - t, 'STEAM TM'),
      selective(pulse, 90, 1, slice, 0, -t / 2),
      delay(te / 2 - t / 2, 'STEAM TE/2'),
    ],
  };
}

/**
 * semi-LASER: a slice-selective 90 (x) and two pairs of adiabatic refocusing pulses (y, y, z, z), equally spaced
 * as in a CPMG train: 90 at 0, refocusing pulses at TE/8, 3TE/8, 5TE/8, 7TE/8, echo at TE (Scheenen et al.,
 * Magn Reson Med 2008;59:1; equal spacing as in FID-A's simulation). Pathway +1 -> -1 -> +1 -> -1 -> +1; each
 * pair refocuses the other's non-linear phase, so each pair is simulated per position before its average.
 */
export function shapedSemiLaser(
  te: number,
  excitation: RfPulse,
  refocusing: RfPulse,
  slice: SliceOptions = {},
  couplingSteps?: number,
): ShapedSequence {
  const t90 = excitation.duration;
  const t180 = refocusing.duration;
  const tau = te / 8;
  const ref = (keep: number, axis: number) => selective(refocusing, 180, keep, slice, 0, 0, axis);
  return {
    name: 'slaser-shaped',
    couplingSteps,
    steps: [
      selective(excitation, 90, 1, slice, 0, -t90 / 2, 0),
      delay(tau - t90 / 2 - t180 / 2, 'semi-LASER TE/8'),
      ref(-1, 1),
      delay(2 * tau - t180, 'semi-LASER TE/4'),
      ref(1, 1),
      delay(2 * tau - t180, 'semi-LASER TE/4'),
      ref(-1, 2),
      delay(2 * tau - t180, 'semi-LASER TE/4'),
      ref(1, 2),
      delay(tau - t180 / 2, 'semi-LASER TE/8'),
    ],
  };
}
