import { type CoherenceState, acquire, evolve } from '../density-matrix.js';
import type { LineSink } from '../sequences.js';
import { type CoupledSystem, EigenSpace, transformBlock } from '../spin-space.js';
import { type CayleyKlein, peakB1Hz, spinHalfPropagator } from './pulse.js';
import type { ShapedPulseStep, ShapedSequence } from './sequence.js';

/**
 * Density-matrix simulation through shaped pulses in the full Zeeman product space of a coupled system
 * (dimension D = prod(2 S_g + 1)): a pulse mixes the total-M blocks, so its propagator is a dense complex
 * D x D matrix. Per pulse sample the Hamiltonian is H = sum_g (nu_g + G x) S_zg + b1(t) (cos phi F_x +
 * sin phi F_y) + H_J, H_J = sum J_gh S_g . S_h (strong coupling). The one-spin part is exact per sample and
 * factorises over groups (a Kronecker product of (2S+1)-dimensional rotations); H_J conserves M and is applied
 * by symmetric (Strang) splitting `couplingSteps` times per pulse through its eigen-decomposition per M block.
 * Between pulses the state lives in the eigenbasis of the full Hamiltonian (density-matrix.ts), so delays and
 * detection are the ideal engine's.
 */
export interface FullSpace {
  system: CoupledSystem;
  dim: number;
  groups: number;
  twoS: Int32Array;
  stride: Int32Array;
  /** Block (index into eigen.blockStates) of every Zeeman state. */
  blockOf: Int32Array;
  /** Position of every Zeeman state inside its block. */
  positionInBlock: Int32Array;
  /** Eigenbasis of the full Hamiltonian (delays, detection). */
  eigen: EigenSpace;
  /** Eigenbasis of H_J alone, or null when nothing couples. */
  coupling: EigenSpace | null;
}

export function fullSpace(system: CoupledSystem): FullSpace {
  const eigen = new EigenSpace(system);
  const g = system.twoS.length;
  const twoS = Int32Array.from(system.twoS);
  const stride = new Int32Array(g);
  let dim = 1;
  for (let q = g - 1; q >= 0; q--) {
    stride[q] = dim;
    dim *= twoS[q] + 1;
  }
  const blockOf = new Int32Array(dim);
  const positionInBlock = new Int32Array(dim);
  eigen.blockStates.forEach((states, b) => {
    states.forEach((s, i) => {
      blockOf[s] = b;
      positionInBlock[s] = i;
    });
  });
  let coupled = false;
  for (let i = 0; i < system.couplingHz.length; i++) {
    const a = Math.floor(i / g);
    if (a !== i % g && system.couplingHz[i] !== 0) coupled = true;
  }
  const coupling = coupled
    ? new EigenSpace({ twoS, offsetHz: new Float64Array(g), couplingHz: system.couplingHz })
    : null;
  return { system, dim, groups: g, twoS, stride, blockOf, positionInBlock, eigen, coupling };
}

/** A complex D x D matrix, row-major. */
export interface ComplexMatrix {
  re: Float64Array;
  im: Float64Array;
}

function identity(d: number): ComplexMatrix {
  const re = new Float64Array(d * d);
  for (let i = 0; i < d; i++) re[i * d + i] = 1;
  return { re, im: new Float64Array(d * d) };
}

const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));
const binom = (n: number, k: number): number => factorial(n) / (factorial(k) * factorial(n - k));

function cpow(re: number, im: number, n: number): [number, number] {
  let r = 1;
  let i = 0;
  for (let k = 0; k < n; k++) {
    const t = r * re - i * im;
    i = r * im + i * re;
    r = t;
  }
  return [r, i];
}

/**
 * The spin-S representation of a spin-1/2 rotation (Cayley-Klein alpha, beta), in the engine's basis
 * k = 0..2S (m = S - k): |S, m> is the monomial x^(S+m) y^(S-m) / sqrt((S+m)! (S-m)!) of the two spin-1/2 states,
 * so D[k'][k] is read off the expansion of (U00 x + U10 y)^(2S-k) (U01 x + U11 y)^k.
 */
export function spinRepresentation(twoS: number, ck: CayleyKlein): ComplexMatrix {
  const d = twoS + 1;
  const re = new Float64Array(d * d);
  const im = new Float64Array(d * d);
  const u00: [number, number] = [ck.ar, ck.ai];
  const u10: [number, number] = [ck.br, ck.bi];
  const u01: [number, number] = [-ck.br, ck.bi];
  const u11: [number, number] = [ck.ar, -ck.ai];
  for (let k = 0; k < d; k++) {
    const a = twoS - k;
    const b = k;
    const norm = 1 / Math.sqrt(factorial(k) * factorial(twoS - k));
    for (let i = 0; i <= a; i++) {
      const [p1r, p1i] = cpow(u00[0], u00[1], a - i);
      const [p2r, p2i] = cpow(u10[0], u10[1], i);
      const c1 = binom(a, i);
      const xr = c1 * (p1r * p2r - p1i * p2i);
      const xi = c1 * (p1r * p2i + p1i * p2r);
      for (let l = 0; l <= b; l++) {
        const [q1r, q1i] = cpow(u01[0], u01[1], b - l);
        const [q2r, q2i] = cpow(u11[0], u11[1], l);
        const c2 = binom(b, l);
        const yr = c2 * (q1r * q2r - q1i * q2i);
        const yi = c2 * (q1r * q2i + q1i * q2r);
        const kk = i + l;
        const scale = norm * Math.sqrt(factorial(kk) * factorial(twoS - kk));
        re[kk * d + k] += scale * (xr * yr - xi * yi);
        im[kk * d + k] += scale * (xr * yi + xi * yr);
      }
    }
  }
  return { re, im };
}

/** U <- (1 x .. x Q_g x .. x 1) U for group g (Q is (2S_g + 1)^2 complex). */
function applyGroupLeft(
  space: FullSpace,
  u: ComplexMatrix,
  g: number,
  q: ComplexMatrix,
  tmp: ComplexMatrix,
): void {
  const d = space.twoS[g] + 1;
  const st = space.stride[g];
  const n = space.dim;
  const span = st * d;
  const ure = u.re;
  const uim = u.im;
  if (d === 2) {
    // spin-1/2: rows (r0, r1) -> (q00 r0 + q01 r1, q10 r0 + q11 r1), in place
    const [q00r, q01r, q10r, q11r] = q.re;
    const [q00i, q01i, q10i, q11i] = q.im;
    for (let outer = 0; outer < n; outer += span) {
      for (let inner = 0; inner < st; inner++) {
        const r0 = (outer + inner) * n;
        const r1 = r0 + st * n;
        for (let c = 0; c < n; c++) {
          const ar = ure[r0 + c];
          const ai = uim[r0 + c];
          const br = ure[r1 + c];
          const bi = uim[r1 + c];
          ure[r0 + c] = q00r * ar - q00i * ai + q01r * br - q01i * bi;
          uim[r0 + c] = q00r * ai + q00i * ar + q01r * bi + q01i * br;
          ure[r1 + c] = q10r * ar - q10i * ai + q11r * br - q11i * bi;
          uim[r1 + c] = q10r * ai + q10i * ar + q11r * bi + q11i * br;
        }
      }
    }
    return;
  }
  const tre = tmp.re;
  const tim = tmp.im;
  for (let outer = 0; outer < n; outer += span) {
    for (let inner = 0; inner < st; inner++) {
      const base = outer + inner;
      // rows base + k st, k = 0..d-1: new row k' = sum_k Q[k'][k] row k
      for (let k2 = 0; k2 < d; k2++) {
        const dst = k2 * n;
        tre.fill(0, dst, dst + n);
        tim.fill(0, dst, dst + n);
        for (let k = 0; k < d; k++) {
          const qr = q.re[k2 * d + k];
          const qi = q.im[k2 * d + k];
          if (qr === 0 && qi === 0) continue;
          const src = (base + k * st) * n;
          for (let c = 0; c < n; c++) {
            const xr = ure[src + c];
            const xi = uim[src + c];
            tre[dst + c] += qr * xr - qi * xi;
            tim[dst + c] += qr * xi + qi * xr;
          }
        }
      }
      for (let k2 = 0; k2 < d; k2++) {
        const row = (base + k2 * st) * n;
        ure.set(tre.subarray(k2 * n, k2 * n + n), row);
        uim.set(tim.subarray(k2 * n, k2 * n + n), row);
      }
    }
  }
}

/** exp(-i 2 pi H_J tau) as one complex matrix per M block (Zeeman basis of the block). */
function couplingPropagator(space: FullSpace, tau: number): ComplexMatrix[] {
  const c = space.coupling!;
  const out: ComplexMatrix[] = [];
  for (let b = 0; b < c.blockCount; b++) {
    const n = c.blockSize(b);
    const v = c.vectors[b];
    const e = c.energies[b];
    const re = new Float64Array(n * n);
    const im = new Float64Array(n * n);
    for (let k = 0; k < n; k++) {
      const cr = Math.cos(-2 * Math.PI * e[k] * tau);
      const ci = Math.sin(-2 * Math.PI * e[k] * tau);
      for (let i = 0; i < n; i++) {
        const vik = v[i * n + k];
        if (vik === 0) continue;
        for (let j = 0; j < n; j++) {
          const w = vik * v[j * n + k];
          re[i * n + j] += w * cr;
          im[i * n + j] += w * ci;
        }
      }
    }
    out.push({ re, im });
  }
  return out;
}

/** U <- E U for the block-diagonal E (blocks in the coupling space's state order). */
function applyBlocksLeft(space: FullSpace, u: ComplexMatrix, e: ComplexMatrix[], tmp: ComplexMatrix): void {
  const n = space.dim;
  const blocks = space.coupling!.blockStates;
  for (let b = 0; b < blocks.length; b++) {
    const states = blocks[b];
    const m = states.length;
    const eb = e[b];
    if (m === 1) {
      const er = eb.re[0];
      const ei = eb.im[0];
      const row = states[0] * n;
      for (let c = 0; c < n; c++) {
        const xr = u.re[row + c];
        const xi = u.im[row + c];
        u.re[row + c] = er * xr - ei * xi;
        u.im[row + c] = er * xi + ei * xr;
      }
      continue;
    }
    const ure = u.re;
    const uim = u.im;
    const tre = tmp.re;
    const tim = tmp.im;
    for (let i = 0; i < m; i++) {
      const dst = i * n;
      tre.fill(0, dst, dst + n);
      tim.fill(0, dst, dst + n);
      for (let j = 0; j < m; j++) {
        const er = eb.re[i * m + j];
        const ei = eb.im[i * m + j];
        if (er === 0 && ei === 0) continue;
        const src = states[j] * n;
        for (let c = 0; c < n; c++) {
          const xr = ure[src + c];
          const xi = uim[src + c];
          tre[dst + c] += er * xr - ei * xi;
          tim[dst + c] += er * xi + ei * xr;
        }
      }
    }
    for (let i = 0; i < m; i++) {
      u.re.set(tmp.re.subarray(i * n, i * n + n), states[i] * n);
      u.im.set(tmp.im.subarray(i * n, i * n + n), states[i] * n);
    }
  }
}

/** Propagator of one shaped pulse at gradient offset `deltaHz` (Zeeman basis). */
export function pulsePropagator(
  space: FullSpace,
  step: ShapedPulseStep,
  deltaHz: number,
  couplingSteps = 16,
): ComplexMatrix {
  const pulse = step.pulse;
  const samples = pulse.amplitude.length;
  const segments = space.coupling ? Math.max(1, Math.min(couplingSteps, samples)) : 1;
  const dt = pulse.duration / samples;
  const b1 = peakB1Hz(pulse, step.flipDegrees);
  const n = space.dim;
  const u = identity(n);
  const maxD = Math.max(...Array.from(space.twoS, (t) => t + 1));
  const tmp: ComplexMatrix = {
    re: new Float64Array(n * Math.max(maxD, n)),
    im: new Float64Array(n * Math.max(maxD, n)),
  };
  const bounds = Array.from({ length: segments + 1 }, (_, s) => Math.round((s * samples) / segments));
  const eCache = new Map<number, ComplexMatrix[]>();
  const kick = (tau: number) => {
    if (!space.coupling || tau === 0) return;
    const key = Math.round(tau * 1e12);
    let e = eCache.get(key);
    if (!e) {
      e = couplingPropagator(space, tau);
      eCache.set(key, e);
    }
    applyBlocksLeft(space, u, e, tmp);
  };
  // Strang splitting, with the half J steps of neighbouring segments merged: J(t0/2) K0 J((t0+t1)/2) K1 ...
  for (let s = 0; s < segments; s++) {
    const tau = (bounds[s + 1] - bounds[s]) * dt;
    if (s === 0) kick(tau / 2);
    for (let g = 0; g < space.groups; g++) {
      const ck = spinHalfPropagator(
        pulse,
        b1,
        space.system.offsetHz[g] + deltaHz,
        step.phase,
        bounds[s],
        bounds[s + 1],
      );
      applyGroupLeft(space, u, g, spinRepresentation(space.twoS[g], ck), tmp);
    }
    const next = s + 1 < segments ? (bounds[s + 2] - bounds[s + 1]) * dt : 0;
    kick((tau + next) / 2);
  }
  return u;
}

/** M_s (doubled) of every Zeeman state is implied by its block; order of (a, b) = blockOf[b] - blockOf[a]. */
function equilibriumZeeman(space: FullSpace): ComplexMatrix {
  const n = space.dim;
  const re = new Float64Array(n * n);
  let twoMax = 0;
  for (const t of space.twoS) twoMax += t;
  for (let s = 0; s < n; s++) re[s * n + s] = (twoMax - 2 * space.blockOf[s]) / 2;
  return { re, im: new Float64Array(n * n) };
}

/**
 * acc += w U rho U^dagger restricted to coherence order `keep` (elements (a, b) with M_a - M_b = keep).
 * rho holds one order `p`, which the loops use to skip its zeros.
 */
function accumulateSelected(
  space: FullSpace,
  u: ComplexMatrix,
  rho: ComplexMatrix,
  p: number,
  keep: number,
  wr: number,
  wi: number,
  acc: ComplexMatrix,
  w: ComplexMatrix,
): void {
  const n = space.dim;
  const states = space.eigen.blockStates;
  const nb = states.length;
  // W = U rho: rho row k is non-zero only in block(k) + p.
  w.re.fill(0);
  w.im.fill(0);
  for (let k = 0; k < n; k++) {
    const cb = space.blockOf[k] + p;
    if (cb < 0 || cb >= nb) continue;
    const cols = states[cb];
    for (let a = 0; a < n; a++) {
      const ur = u.re[a * n + k];
      const ui = u.im[a * n + k];
      if (ur === 0 && ui === 0) continue;
      const rowW = a * n;
      const rowR = k * n;
      for (const c of cols) {
        const xr = rho.re[rowR + c];
        const xi = rho.im[rowR + c];
        w.re[rowW + c] += ur * xr - ui * xi;
        w.im[rowW + c] += ur * xi + ui * xr;
      }
    }
  }
  // out(a, b) = sum_c W(a, c) conj(U(b, c)), b in block(a) + keep.
  for (let a = 0; a < n; a++) {
    const bb = space.blockOf[a] + keep;
    if (bb < 0 || bb >= nb) continue;
    const rowW = a * n;
    for (const b of states[bb]) {
      const rowU = b * n;
      let sr = 0;
      let si = 0;
      for (let c = 0; c < n; c++) {
        const xr = w.re[rowW + c];
        const xi = w.im[rowW + c];
        const yr = u.re[rowU + c];
        const yi = -u.im[rowU + c];
        sr += xr * yr - xi * yi;
        si += xr * yi + xi * yr;
      }
      acc.re[rowW + b] += wr * sr - wi * si;
      acc.im[rowW + b] += wr * si + wi * sr;
    }
  }
}

/** Zeeman-basis state of order p -> CoherenceState in the eigenbasis of the full Hamiltonian. */
function toCoherence(space: FullSpace, rho: ComplexMatrix, p: number): CoherenceState {
  const e = space.eigen;
  const n = space.dim;
  const re: (Float64Array | null)[] = new Array(e.blockCount).fill(null);
  const im: (Float64Array | null)[] = new Array(e.blockCount).fill(null);
  for (let i = 0; i < e.blockCount; i++) {
    const j = i + p;
    if (j < 0 || j >= e.blockCount) continue;
    const si = e.blockStates[i];
    const sj = e.blockStates[j];
    const ni = si.length;
    const nj = sj.length;
    const zr = new Float64Array(ni * nj);
    const zi = new Float64Array(ni * nj);
    for (let a = 0; a < ni; a++) {
      for (let b = 0; b < nj; b++) {
        zr[a * nj + b] = rho.re[si[a] * n + sj[b]];
        zi[a * nj + b] = rho.im[si[a] * n + sj[b]];
      }
    }
    re[i] = sandwich(e.vectors[i], zr, e.vectors[j], ni, nj, true);
    im[i] = sandwich(e.vectors[i], zi, e.vectors[j], ni, nj, true);
  }
  return { order: p, re, im };
}

function fromCoherence(space: FullSpace, state: CoherenceState): ComplexMatrix {
  const e = space.eigen;
  const n = space.dim;
  const out: ComplexMatrix = { re: new Float64Array(n * n), im: new Float64Array(n * n) };
  for (let i = 0; i < e.blockCount; i++) {
    const cr = state.re[i];
    const ci = state.im[i];
    if (!cr || !ci) continue;
    const j = i + state.order;
    const si = e.blockStates[i];
    const sj = e.blockStates[j];
    const ni = si.length;
    const nj = sj.length;
    const zr = sandwich(e.vectors[i], cr, e.vectors[j], ni, nj, false);
    const zi = sandwich(e.vectors[i], ci, e.vectors[j], ni, nj, false);
    for (let a = 0; a < ni; a++) {
      for (let b = 0; b < nj; b++) {
        out.re[si[a] * n + sj[b]] = zr[a * nj + b];
        out.im[si[a] * n + sj[b]] = zi[a * nj + b];
      }
    }
  }
  return out;
}

/** V_a^T Z V_b (toEigen) or V_a Z V_b^T (back, = (V_a^T)^T Z (V_b^T)), real orthogonal V. */
function sandwich(
  va: Float64Array,
  z: Float64Array,
  vb: Float64Array,
  na: number,
  nb: number,
  toEigen: boolean,
): Float64Array {
  if (toEigen) return transformBlock(va, z, vb, na, nb);
  return transformBlock(transpose(va, na), z, transpose(vb, nb), na, nb);
}

function transpose(v: Float64Array, n: number): Float64Array {
  const t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[j * n + i] = v[i * n + j];
  return t;
}

/** Identity of a pulse step for propagator caching (two PRESS refocusing pulses share their propagators). */
function stepKey(step: ShapedPulseStep, couplingSteps: number): string {
  return JSON.stringify([
    pulseId(step.pulse),
    step.flipDegrees,
    step.phase,
    step.gradientHzPerM,
    Array.from(step.positions),
    couplingSteps,
  ]);
}

const pulseIds = new WeakMap<object, number>();
let nextPulseId = 1;
function pulseId(p: object): number {
  let id = pulseIds.get(p);
  if (id === undefined) {
    id = nextPulseId++;
    pulseIds.set(p, id);
  }
  return id;
}

/**
 * One coupled system on its way through one shaped sequence: its spaces, the pulse propagators computed so far
 * (per step and position, on first use: a worker thread given some of the positions computes only those) and
 * work buffers.
 */
export interface ShapedRun {
  space: FullSpace;
  sequence: ShapedSequence;
  couplingSteps: number;
  propagators: Map<string, (ComplexMatrix | undefined)[]>;
  /** Propagators computed (the rest came from the cache). */
  computed: number;
  w: ComplexMatrix;
}

export function shapedRun(system: CoupledSystem, sequence: ShapedSequence): ShapedRun {
  const space = fullSpace(system);
  const n = space.dim;
  return {
    space,
    sequence,
    couplingSteps: sequence.couplingSteps ?? 16,
    propagators: new Map(),
    computed: 0,
    w: { re: new Float64Array(n * n), im: new Float64Array(n * n) },
  };
}

function propagatorAt(run: ShapedRun, step: ShapedPulseStep, i: number): ComplexMatrix {
  const key = stepKey(step, run.couplingSteps);
  let props = run.propagators.get(key);
  if (!props) {
    props = new Array(step.positions.length);
    run.propagators.set(key, props);
  }
  let u = props[i];
  if (!u) {
    u = pulsePropagator(run.space, step, step.gradientHzPerM * step.positions[i], run.couplingSteps);
    props[i] = u;
    run.computed++;
  }
  return u;
}

/**
 * A pulse group of a sequence: one pulse, or consecutive pulses on one axis with the delays between them
 * (semi-LASER pairs), steps[start..end], applied to the averaged state `rho` of coherence order `order`.
 */
export interface PulseGroup {
  start: number;
  end: number;
  rho: ComplexMatrix;
  order: number;
  /** Positions of the group's pulses. */
  count: number;
}

/**
 * The pulse group at positions [from, to): the sum over those positions of the selected state after the group,
 * each weighted 1 / count, so the sums over a partition of the positions add up to the average.
 */
export function runPulseGroup(run: ShapedRun, group: PulseGroup, from: number, to: number): ComplexMatrix {
  const { space, w } = run;
  const n = space.dim;
  const zeros = (): ComplexMatrix => ({ re: new Float64Array(n * n), im: new Float64Array(n * n) });
  /** acc += weight x the selected part of U_i rho U_i^dagger with the gradient phases of `step` at position i. */
  const apply = (
    step: ShapedPulseStep,
    i: number,
    r: ComplexMatrix,
    p: number,
    weight: number,
    acc: ComplexMatrix,
  ) => {
    const delta = step.gradientHzPerM * step.positions[i];
    const phi = -2 * Math.PI * delta * (step.prephaseSeconds * p + step.rephaseSeconds * step.keep);
    accumulateSelected(
      space,
      propagatorAt(run, step, i),
      r,
      p,
      step.keep,
      weight * Math.cos(phi),
      weight * Math.sin(phi),
      acc,
      w,
    );
  };
  const steps = run.sequence.steps;
  const acc = zeros();
  const first = steps[group.start] as ShapedPulseStep;
  if (group.end === group.start) {
    for (let i = from; i < to; i++) apply(first, i, group.rho, group.order, 1 / group.count, acc);
    return acc;
  }
  const items = steps.slice(group.start, group.end + 1);
  for (let i = from; i < to; i++) {
    let r: ComplexMatrix = group.rho;
    let p = group.order;
    let coh: CoherenceState | null = null;
    for (let g = 0; g < items.length; g++) {
      const item = items[g];
      if (item.kind === 'delay') {
        if (!coh) coh = toCoherence(space, r, p);
        evolve(space.eigen, coh, item.seconds);
        continue;
      }
      if (coh) {
        r = fromCoherence(space, coh);
        coh = null;
      }
      const last = g === items.length - 1;
      const out = last ? acc : zeros();
      apply(item, i, r, p, last ? 1 / group.count : 1, out);
      r = out;
      p = item.keep;
    }
  }
  return acc;
}

/**
 * Walks a shaped sequence: delays are applied here, each pulse group is yielded and the average over its
 * positions is expected back (computed in this thread by runShapedSequence, or split over worker threads by
 * position). Returns the state at the start of acquisition.
 */
export function* shapedDriver(run: ShapedRun): Generator<PulseGroup, CoherenceState, ComplexMatrix> {
  const { space, sequence } = run;
  let rho: ComplexMatrix | null = equilibriumZeeman(space);
  let coherence: CoherenceState | null = null;
  let order = 0;
  const steps = sequence.steps;
  for (let s = 0; s < steps.length; s++) {
    const step = steps[s];
    if (step.kind === 'delay') {
      if (!coherence) coherence = toCoherence(space, rho!, order);
      evolve(space.eigen, coherence, step.seconds);
      rho = null;
      continue;
    }
    if (!rho) rho = fromCoherence(space, coherence!);
    coherence = null;
    // Pulses on the same axis with only delays between them (semi-LASER pairs) see the same coordinate: they are
    // simulated together per position and averaged after the last of them.
    let end = s;
    if (step.axis !== undefined) {
      for (let j = s + 1; j < steps.length; j++) {
        const t = steps[j];
        if (t.kind === 'delay') continue;
        if (t.axis !== step.axis) break;
        if (t.positions.length !== step.positions.length) {
          throw new RangeError(`${sequence.name}: pulses on axis ${step.axis} need the same positions`);
        }
        end = j;
      }
    }
    rho = yield { start: s, end, rho, order, count: step.positions.length };
    order = (steps[end] as ShapedPulseStep).keep;
    s = end;
  }
  return coherence ?? toCoherence(space, rho!, order);
}

/**
 * Runs a shaped sequence on one coupled system and appends the detected lines (times `weight`) to `sink`.
 * Returns the number of pulse propagators computed (the rest came from the cache).
 */
export function runShapedSequence(
  system: CoupledSystem,
  sequence: ShapedSequence,
  weight: number,
  sink: LineSink,
): number {
  const run = shapedRun(system, sequence);
  const driver = shapedDriver(run);
  let next = driver.next();
  while (!next.done) next = driver.next(runPulseGroup(run, next.value, 0, next.value.count));
  acquire(run.space.eigen, next.value, weight, sink);
  return run.computed;
}

/** Appends the lines of the state at the start of acquisition (times `weight`) to `sink`. */
export function acquireShaped(run: ShapedRun, state: CoherenceState, weight: number, sink: LineSink): void {
  acquire(run.space.eigen, state, weight, sink);
}

const gainCache = new WeakMap<ShapedSequence, { re: number; im: number }>();

/** Signal of a lone on-resonance spin-1/2 through the shaped sequence (normalises every molecule). */
export function shapedGain(sequence: ShapedSequence): { re: number; im: number } {
  const cached = gainCache.get(sequence);
  if (cached) return cached;
  const s = singletSignal(sequence, 0);
  if (Math.hypot(s.re, s.im) < 1e-9) throw new Error(`${sequence.name}: the sequence gives no signal`);
  gainCache.set(sequence, s);
  return s;
}

/** Total complex signal of one uncoupled spin-1/2 at `offsetHz` (all its lines summed). */
export function singletSignal(sequence: ShapedSequence, offsetHz: number): { re: number; im: number } {
  const sink: LineSink = { hz: [], re: [], im: [] };
  runShapedSequence({ twoS: [1], offsetHz: [offsetHz], couplingHz: [0] }, sequence, 1, sink);
  let re = 0;
  let im = 0;
  for (let k = 0; k < sink.re.length; k++) {
    re += sink.re[k];
    im += sink.im[k];
  }
  return { re, im };
}
