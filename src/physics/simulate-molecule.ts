import { type LineList, compactLines } from '../spectra/line-list.js';
import { type LineSink, type PulseSequence, runSequence, sequenceGain } from './sequences.js';
import { type CoupledSystem, EigenSpace } from './spin-space.js';
import { totalSpinDecomposition } from './spin-operators.js';
import { type Fragment, type Molecule, NUCLEUS_SPIN, type Spin } from './spin-system.js';

/** What a molecule is simulated for: field, receiver reference and sequence. */
export interface SimulationConditions {
  /** MHz. */
  spectrometerFrequency: number;
  /** Chemical shift at the receiver frequency, ppm. */
  ppmReference: number;
  sequence: PulseSequence;
  /** Include exchangeable (NH/OH) protons; default false. */
  includeExchangeable?: boolean;
  /** Replaces the ideal-pulse engine (e.g. shaped pulses, pulses/runner.ts); `sequence` is then not used. */
  runner?: SequenceRunner;
}

/** How a sequence is simulated: the ideal engine is one runner, shaped pulses another. */
export interface SequenceRunner {
  /** Complex signal of a lone on-resonance spin-1/2 (every amplitude is divided by it). */
  gain(): { re: number; im: number };
  /** Lines of one coupled system, amplitudes times `weight`, before division by the gain. */
  run(system: CoupledSystem, weight: number, sink: LineSink): void;
  /** Total signal of one uncoupled spin-1/2 at offsetHz, before division by the gain (absent: ideal refocusing). */
  singlet?(offsetHz: number): { re: number; im: number };
}

function idealRunner(sequence: PulseSequence): SequenceRunner {
  return {
    gain: () => sequenceGain(sequence),
    run: (system, weight, sink) => runSequence(new EigenSpace(system), sequence, weight, sink),
  };
}

/** A set of magnetically equivalent protons (same shift, same coupling to every other spin). */
interface ProtonGroup {
  ppm: number;
  protons: number;
  /** Indices into the fragment's spins that the group merges. */
  members: number[];
}

/**
 * Simulates a molecule: every fragment, every weakly coupled heteronuclear state and every total-spin
 * combination of equivalent groups, normalised so that a singlet of n protons has amplitude n.
 */
export function simulateMolecule(molecule: Molecule, conditions: SimulationConditions): LineList {
  const sink: LineSink = { hz: [], re: [], im: [] };
  const widths: number[] = [];
  for (const fragment of molecule.fragments) {
    const before = sink.hz.length;
    simulateFragment(fragment, conditions, sink);
    const w = fragment.fwhmPpm * conditions.spectrometerFrequency;
    for (let k = before; k < sink.hz.length; k++) widths.push(w);
  }
  const lines: LineList = {
    hz: Float64Array.from(sink.hz),
    re: Float64Array.from(sink.re),
    im: Float64Array.from(sink.im),
    spectrometerFrequency: conditions.spectrometerFrequency,
    ppmReference: conditions.ppmReference,
  };
  if (widths.some((w) => w !== 0)) lines.fwhmHz = Float64Array.from(widths);
  return compactLines(lines);
}

function simulateFragment(fragment: Fragment, cond: SimulationConditions, sink: LineSink): void {
  const spins = fragment.spins.filter(
    (s) => s.nucleus !== '1H' || cond.includeExchangeable || !s.exchangeable,
  );
  const index = new Map(spins.map((s, i) => [s.id, i]));
  const n = spins.length;
  const j = new Float64Array(n * n);
  for (const c of fragment.couplings) {
    const a = index.get(c.a);
    const b = index.get(c.b);
    if (a === undefined || b === undefined) continue; // a coupling to an omitted exchangeable proton
    j[a * n + b] = c.hz;
    j[b * n + a] = c.hz;
  }
  const protonIdx = spins.map((s, i) => (s.nucleus === '1H' ? i : -1)).filter((i) => i >= 0);
  const heteroIdx = spins.map((s, i) => (s.nucleus !== '1H' ? i : -1)).filter((i) => i >= 0);
  const groups = equivalentGroups(spins, protonIdx, j, n);
  for (const component of coupledComponents(groups, j, n)) {
    simulateComponent(
      component.map((g) => groups[g]),
      spins,
      heteroIdx,
      j,
      n,
      fragment.scale,
      cond,
      sink,
    );
  }
}

/** Merges protons with equal shift and equal couplings to every other spin (magnetic equivalence). */
function equivalentGroups(spins: Spin[], protonIdx: number[], j: Float64Array, n: number): ProtonGroup[] {
  const groups: ProtonGroup[] = [];
  for (const i of protonIdx) {
    const home = groups.find((g) => {
      const r = g.members[0];
      if (spins[r].ppm !== spins[i].ppm) return false;
      for (let k = 0; k < n; k++) {
        if (k === i || g.members.includes(k)) continue;
        if (j[r * n + k] !== j[i * n + k]) return false;
      }
      return true;
    });
    if (home) {
      home.members.push(i);
      home.protons += spins[i].protons;
    } else {
      groups.push({ ppm: spins[i].ppm, protons: spins[i].protons, members: [i] });
    }
  }
  return groups;
}

/** Connected components of the homonuclear coupling graph between groups. */
function coupledComponents(groups: ProtonGroup[], j: Float64Array, n: number): number[][] {
  const parent = groups.map((_, i) => i);
  const find = (x: number): number => {
    let r = x;
    while (parent[r] !== r) r = parent[r];
    return r;
  };
  for (let a = 0; a < groups.length; a++) {
    for (let b = a + 1; b < groups.length; b++) {
      if (groupCoupling(groups[a], groups[b], j, n) !== 0) parent[find(a)] = find(b);
    }
  }
  const byRoot = new Map<number, number[]>();
  groups.forEach((_, i) => {
    const r = find(i);
    byRoot.set(r, [...(byRoot.get(r) ?? []), i]);
  });
  return [...byRoot.values()];
}

function groupCoupling(a: ProtonGroup, b: ProtonGroup, j: Float64Array, n: number): number {
  return j[a.members[0] * n + b.members[0]];
}

/**
 * One coupled component. Heteronuclei (31P, 14N) are never pulsed and couple weakly (J Iz Xz): each of their
 * m states shifts the coupled protons by J m, with equal populations.
 */
function simulateComponent(
  groups: ProtonGroup[],
  spins: Spin[],
  heteroIdx: number[],
  j: Float64Array,
  n: number,
  scale: number,
  cond: SimulationConditions,
  sink: LineSink,
): void {
  const mhz = cond.spectrometerFrequency;
  const hetero = heteroIdx.filter((x) => groups.some((g) => j[g.members[0] * n + x] !== 0));
  const heteroStates = enumerateHeteroStates(hetero.map((x) => NUCLEUS_SPIN[spins[x].nucleus]));
  const baseOffset = groups.map((g) => (g.ppm - cond.ppmReference) * mhz);
  const totalProtons = groups.reduce((s, g) => s + g.protons, 0);
  for (const state of heteroStates) {
    const offset = baseOffset.map((nu, gi) => {
      let shift = nu;
      hetero.forEach((x, hi) => {
        shift += j[groups[gi].members[0] * n + x] * state.m[hi];
      });
      return shift;
    });
    const weight = scale * state.weight;
    if (groups.length === 1 && cond.runner?.singlet) {
      // An uncoupled (pseudo-)singlet through real pulses: its own slice profile and phase.
      const s = cond.runner.singlet(offset[0]);
      const g = cond.runner.gain();
      const g2 = g.re * g.re + g.im * g.im;
      const a = weight * groups[0].protons;
      sink.hz.push(-offset[0]);
      sink.re.push((a * (s.re * g.re + s.im * g.im)) / g2);
      sink.im.push((a * (s.im * g.re - s.re * g.im)) / g2);
      continue;
    }
    if (groups.length === 1) {
      // An uncoupled (pseudo-)singlet: fully refocused by ideal pulses whatever the sequence.
      sink.hz.push(-offset[0]);
      sink.re.push(weight * groups[0].protons);
      sink.im.push(0);
      continue;
    }
    simulateCoupled(
      groups,
      offset,
      j,
      n,
      weight,
      totalProtons,
      cond.runner ?? idealRunner(cond.sequence),
      sink,
    );
  }
}

function enumerateHeteroStates(spinsOf: number[]): { m: number[]; weight: number }[] {
  let states: { m: number[]; weight: number }[] = [{ m: [], weight: 1 }];
  for (const s of spinsOf) {
    const next: { m: number[]; weight: number }[] = [];
    const count = Math.round(2 * s + 1);
    for (const st of states) {
      for (let k = 0; k < count; k++) next.push({ m: [...st.m, s - k], weight: st.weight / count });
    }
    states = next;
  }
  return states;
}

/**
 * Quantum-mechanical simulation of coupled proton groups: each group of n equivalent protons is split into its
 * total-spin parts (spin-operators.ts) and every combination is simulated in its own, smaller space. The signal
 * of N protons in the full 2^N space is normalised by 2^(N-1) and by the sequence gain of a lone spin.
 */
function simulateCoupled(
  groups: ProtonGroup[],
  offsetHz: number[],
  j: Float64Array,
  n: number,
  weight: number,
  totalProtons: number,
  runner: SequenceRunner,
  sink: LineSink,
): void {
  const gain = runner.gain();
  const gainNorm = gain.re * gain.re + gain.im * gain.im;
  const parts = groups.map((g) => totalSpinDecomposition(g.protons));
  const norm = weight / 2 ** (totalProtons - 1);
  const local: LineSink = { hz: [], re: [], im: [] };
  const choice = new Array(groups.length).fill(0);
  for (;;) {
    const active: number[] = [];
    let multiplicity = 1;
    for (let g = 0; g < groups.length; g++) {
      const part = parts[g][choice[g]];
      multiplicity *= part.multiplicity;
      if (part.twoS > 0) active.push(g);
    }
    if (active.length > 0) {
      const gCount = active.length;
      const coupling = new Float64Array(gCount * gCount);
      for (let a = 0; a < gCount; a++) {
        for (let b = 0; b < gCount; b++) {
          if (a !== b)
            coupling[a * gCount + b] = j[groups[active[a]].members[0] * n + groups[active[b]].members[0]];
        }
      }
      const system = {
        twoS: active.map((g) => parts[g][choice[g]].twoS),
        offsetHz: active.map((g) => offsetHz[g]),
        couplingHz: coupling,
      };
      runner.run(system, multiplicity * norm, local);
    }
    // Next combination (odometer over the total-spin choices).
    let g = 0;
    while (g < groups.length) {
      choice[g]++;
      if (choice[g] < parts[g].length) break;
      choice[g] = 0;
      g++;
    }
    if (g === groups.length) break;
  }
  // Divide by the complex sequence gain: a / gain = a * conj(gain) / |gain|^2.
  for (let k = 0; k < local.hz.length; k++) {
    const ar = local.re[k];
    const ai = local.im[k];
    sink.hz.push(local.hz[k]);
    sink.re.push((ar * gain.re + ai * gain.im) / gainNorm);
    sink.im.push((ai * gain.re - ar * gain.im) / gainNorm);
  }
}
