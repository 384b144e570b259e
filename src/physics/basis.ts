import type { BasisSet } from '../core/basis.js';
import { InputError } from '../core/errors.js';
import type { LineList } from '../spectra/line-list.js';
import type { LineSink } from './sequences.js';
import type { SequenceRunner } from './simulate-molecule.js';
import { renderLines } from '../spectra/render.js';
import { defaultSpinSystems } from './default-library.js';
import { type PulseSet, pulseSetKey, shapedSequenceFor } from './pulses/pulse-set.js';
import {
  recordingRunner,
  type ShapedJob,
  type SolvedJobs,
  shapedJobKey,
  shapedRunner,
} from './pulses/runner.js';
import type { ShapedSequence } from './pulses/sequence.js';
import type { SpinSystemLibrary } from './library.js';
import {
  type Protocol,
  type SequenceTiming,
  DEFAULT_PROTOCOL,
  checkProtocol,
  resolveTiming,
  sequenceFor,
} from './protocol.js';
import { simulateMolecule } from './simulate-molecule.js';
import { type Molecule, protonCount } from './spin-system.js';

/** The 15 liver metabolites of the paper's model (Bae et al. 2025), in this order; spin systems in docs/spin-systems.md. */
export const LIVER_METABOLITES = [
  'Ala',
  'Bet',
  'Cho',
  'Cr',
  'GPC',
  'PCh',
  'Glc',
  'Glyc',
  'Gln',
  'Glu',
  'GSH',
  'Gly',
  'Ins',
  'Lac',
  'Tau',
] as const;

/** The 5 liver lipid resonance groups (Hamilton et al., NMR Biomed 2011;24:784). */
export const LIVER_LIPIDS = ['L09', 'L13', 'L21', 'L28', 'L53'] as const;

/** The 20 default liver components: metabolites then lipids. */
export const LIVER_COMPONENTS = [...LIVER_METABOLITES, ...LIVER_LIPIDS] as const;

/**
 * A brain set for comparison with other simulators: spant's 17 LCModel-compatible brain molecules
 * (get_1h_brain_basis_paras, lcm_compat = TRUE) plus Asc and PE, with Cr and PCr separate.
 */
export const BRAIN_METABOLITES = [
  'Ala',
  'Asc',
  'Asp',
  'CrOnly',
  'GABA',
  'Glc',
  'Gln',
  'GSH',
  'Glu',
  'GPC',
  'Ins',
  'Lac',
  'NAA',
  'NAAG',
  'PCh',
  'PCr',
  'PE',
  'Scyllo',
  'Tau',
] as const;

export interface SimulateBasisOptions {
  /** Lorentzian FWHM (Hz) applied to every basis FID; default 0 (ideal lines). */
  linewidthHz?: number;
  /** Gaussian FWHM (Hz) applied to every basis FID; default 0. */
  gaussianHz?: number;
  /** Keep exchangeable NH/OH protons (default false: water exchange and suppression remove them in vivo). */
  includeExchangeable?: boolean;
  /** Spin systems to use (default: the built-in data/spin-systems library). */
  library?: SpinSystemLibrary;
  /** Reuse line lists simulated earlier in this process for the same conditions (default true). */
  cache?: boolean;
  /** Real RF pulses and slice grids (pulses/pulse-set.ts) instead of ideal instantaneous pulses. */
  pulses?: PulseSet;
  /**
   * A complete shaped sequence (e.g. read from an FSL-MRS sequence file): replaces the protocol's timing and
   * `pulses`; the protocol then only gives field, reference and sampling.
   */
  shapedSequence?: ShapedSequence;
  /**
   * A persistent store (e.g. on disk, io/line-store.ts) asked before a shaped-pulse simulation and given its
   * result. Not used for ideal pulses, which simulate faster (0.04 s for the liver basis) than a store reads.
   */
  store?: LineListStore;
  /** Shaped jobs already computed (by simulateLineListsAsync's solver); the rest run in this thread. */
  solved?: SolvedJobs;
}

/**
 * Runs shaped jobs elsewhere and returns each job's lines (in order): e.g. split over worker threads by slice
 * position (pulses/shaped-pool.ts; basis-parallel.ts is the one call that starts and closes it).
 */
export type ShapedSolver = (sequence: ShapedSequence, jobs: ShapedJob[]) => Promise<LineSink[]>;

/** Everything a shaped-pulse line list depends on: what a persistent store keys it by. */
export interface LineListRequest {
  component: string;
  molecule: Molecule;
  spectrometerFrequency: number;
  ppmReference: number;
  includeExchangeable: boolean;
  timing: SequenceTiming;
  /** The complete shaped sequence: pulse waveforms, flip angles, gradients, positions, delays, coupling steps. */
  sequence: ShapedSequence;
}

export interface LineListStore {
  get(request: LineListRequest): LineList | undefined;
  set(request: LineListRequest, lines: LineList): void;
}

const sequenceIds = new WeakMap<ShapedSequence, number>();
let nextSequenceId = 1;
function sequenceId(s: ShapedSequence): number {
  const known = sequenceIds.get(s);
  if (known !== undefined) return known;
  const id = nextSequenceId++;
  sequenceIds.set(s, id);
  return id;
}

const lineCache = new WeakMap<SpinSystemLibrary, Map<string, LineList>>();

/** What simulateLineLists needs to find, simulate and cache the components of one protocol. */
function linePlan(protocol: Protocol, components: readonly string[], options: SimulateBasisOptions) {
  const timing = checkProtocol(protocol);
  const library = options.library ?? defaultSpinSystems();
  const unknown = components.filter((c) => !library.has(c));
  if (unknown.length > 0) {
    throw new InputError(`unknown component${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`, {
      field: 'components',
      expected: `names from ${library.names().join(', ')}`,
    });
  }
  const shaped =
    options.shapedSequence ?? (options.pulses ? shapedSequenceFor(timing, options.pulses) : undefined);
  const includeExchangeable = options.includeExchangeable ?? false;
  let cache = lineCache.get(library);
  if (!cache) {
    cache = new Map();
    lineCache.set(library, cache);
  }
  const conditionKey = JSON.stringify([
    protocol.spectrometerFrequency,
    protocol.ppmReference,
    timing,
    includeExchangeable,
    options.shapedSequence
      ? `sequence#${sequenceId(options.shapedSequence)}`
      : options.pulses
        ? pulseSetKey(options.pulses)
        : 'ideal',
  ]);
  const conditions = (runner?: SequenceRunner) => ({
    spectrometerFrequency: protocol.spectrometerFrequency,
    ppmReference: protocol.ppmReference,
    sequence: sequenceFor(timing),
    includeExchangeable,
    runner,
  });
  const request = (name: string): LineListRequest | undefined =>
    shaped && options.store
      ? {
          component: name,
          molecule: library.get(name),
          spectrometerFrequency: protocol.spectrometerFrequency,
          ppmReference: protocol.ppmReference,
          includeExchangeable,
          timing,
          sequence: shaped,
        }
      : undefined;
  /** The lines of a component from the process cache or the store, if there. */
  const known = (name: string): LineList | undefined => {
    const lines = options.cache === false ? undefined : cache.get(`${name}|${conditionKey}`);
    if (lines) return lines;
    const r = request(name);
    return r ? options.store?.get(r) : undefined;
  };
  return { library, shaped, cache, conditionKey, conditions, request, known };
}

/**
 * Simulates the line list of each named component for a protocol (sampling fields of the protocol are not
 * used: a line list renders to any grid). Throws InputError for an unknown name.
 */
export function simulateLineLists(
  protocol: Protocol,
  components: readonly string[] = LIVER_COMPONENTS,
  options: SimulateBasisOptions = {},
): Record<string, LineList> {
  const plan = linePlan(protocol, components, options);
  const runner = plan.shaped ? shapedRunner(plan.shaped, options.solved) : undefined;
  const out: Record<string, LineList> = {};
  for (const name of components) {
    let lines = plan.known(name);
    if (!lines) {
      lines = simulateMolecule(plan.library.get(name), plan.conditions(runner));
      const r = plan.request(name);
      if (r) options.store?.set(r, lines);
    }
    if (options.cache !== false) plan.cache.set(`${name}|${plan.conditionKey}`, lines);
    out[name] = lines;
  }
  return out;
}

/**
 * simulateLineLists with the coupled systems of shaped-pulse components computed by `solver` (e.g. worker
 * threads): the systems the missing components need are recorded first, solved together, then assembled in this
 * thread. Ideal pulses, or no solver, simulate in this thread. The result equals simulateLineLists' up to the
 * order of floating-point sums.
 */
export async function simulateLineListsAsync(
  protocol: Protocol,
  components: readonly string[] = LIVER_COMPONENTS,
  options: SimulateBasisOptions = {},
  solver?: ShapedSolver,
): Promise<Record<string, LineList>> {
  const plan = linePlan(protocol, components, options);
  if (!plan.shaped || !solver) return simulateLineLists(protocol, components, options);
  const jobs: ShapedJob[] = [];
  const recorder = recordingRunner(plan.shaped, jobs);
  for (const name of components) {
    if (!plan.known(name)) simulateMolecule(plan.library.get(name), plan.conditions(recorder));
  }
  const unique = new Map<string, ShapedJob>();
  for (const job of jobs) unique.set(shapedJobKey(job), job);
  const lines = await solver(plan.shaped, [...unique.values()]);
  const solved = new Map<string, LineSink>();
  [...unique.keys()].forEach((key, i) => {
    solved.set(key, lines[i]);
  });
  return simulateLineLists(protocol, components, { ...options, solved });
}

/**
 * Simulates a basis set: one FID per component on the protocol's grid, in the internal convention, each
 * normalised so that a singlet of n protons starts at n (amplitudes are per molecule). Components default to
 * the 20 liver components; `components[name]` of the result carries group, proton count and literature source.
 */
export function simulateBasis(
  protocol: Protocol,
  components: readonly string[] = LIVER_COMPONENTS,
  options: SimulateBasisOptions = {},
): BasisSet {
  checkBasisOptions(options);
  const library = options.library ?? defaultSpinSystems();
  const lines = simulateLineLists(protocol, components, { ...options, library });
  return basisFromLines(protocol, components, lines, { ...options, library });
}

/** simulateBasis with the shaped-pulse systems computed by `solver` (simulateLineListsAsync). */
export async function simulateBasisAsync(
  protocol: Protocol,
  components: readonly string[] = LIVER_COMPONENTS,
  options: SimulateBasisOptions = {},
  solver?: ShapedSolver,
): Promise<BasisSet> {
  checkBasisOptions(options);
  const library = options.library ?? defaultSpinSystems();
  const lines = await simulateLineListsAsync(protocol, components, { ...options, library }, solver);
  return basisFromLines(protocol, components, lines, { ...options, library });
}

function checkBasisOptions(options: SimulateBasisOptions): void {
  if (!((options.linewidthHz ?? 0) >= 0) || !((options.gaussianHz ?? 0) >= 0)) {
    throw new InputError('negative line width', { field: 'linewidthHz', expected: 'a FWHM >= 0 in Hz' });
  }
}

function basisFromLines(
  protocol: Protocol,
  components: readonly string[],
  lines: Record<string, LineList>,
  options: SimulateBasisOptions & { library: SpinSystemLibrary },
): BasisSet {
  const timing = checkProtocol(protocol);
  const lorentz = options.linewidthHz ?? 0;
  const gauss = options.gaussianHz ?? 0;
  const library = options.library;
  const info: NonNullable<BasisSet['components']> = {};
  const fids = components.map((name) => {
    const molecule = library.get(name);
    info[name] = {
      protons: round(protonCount(molecule, options.includeExchangeable ?? false)),
      group: molecule.group,
      source: molecule.source,
    };
    return renderLines(lines[name], {
      points: protocol.points,
      dwellTime: protocol.dwellTime,
      lorentzHz: lorentz,
      gaussHz: gauss,
    });
  });
  return {
    names: [...components],
    fids,
    points: protocol.points,
    dwellTime: protocol.dwellTime,
    spectrometerFrequency: protocol.spectrometerFrequency,
    ppmReference: protocol.ppmReference,
    nucleus: '1H',
    linewidthHz: lorentz,
    echoTime: timing.sequence === 'fid' ? undefined : timing.te,
    sequence: timing.sequence,
    components: info,
    meta: {
      generator: options.shapedSequence
        ? `livermrs density-matrix simulation (shaped sequence ${options.shapedSequence.name})`
        : options.pulses
          ? `livermrs density-matrix simulation (shaped pulses ${shapedPulseNames(options.pulses, timing.sequence)}, ${options.pulses.slice.grid ?? 64}-point grid per direction)`
          : 'livermrs density-matrix simulation (ideal pulses)',
      protocol: { ...protocol },
      te1: timing.te1,
      te2: timing.te2,
      tm: timing.tm,
      gaussianHz: gauss,
      includeExchangeable: options.includeExchangeable ?? false,
    },
  };
}

/** The pulses a sequence plays from a pulse set, for the basis metadata. */
function shapedPulseNames(set: PulseSet, sequence: Protocol['sequence']): string {
  if (sequence === 'steam') return set.excitation.name;
  const refocusing = sequence === 'slaser' ? (set.adiabatic?.name ?? 'hsec') : set.refocusing.name;
  return `${set.excitation.name} / ${refocusing}`;
}

let defaultBasis: BasisSet | undefined;

/**
 * The default liver basis (DEFAULT_PROTOCOL, the 20 liver components, ideal lines), simulated once per process.
 * Each call returns a fresh copy, so callers may modify it.
 */
export function defaultLiverBasis(): BasisSet {
  if (!defaultBasis) defaultBasis = simulateBasis(DEFAULT_PROTOCOL, LIVER_COMPONENTS);
  return cloneBasis(defaultBasis);
}

/**
 * The liver components simulated for `protocol`: the cached default basis when the protocol is the liver default
 * (compared after resolving PRESS timing, so `te: 0.03` equals `te1 = te2 = 0.015`), a fresh simulation otherwise.
 */
export function liverBasisFor(
  protocol: Protocol,
  components: readonly string[] = LIVER_COMPONENTS,
  options: SimulateBasisOptions = {},
): BasisSet {
  const ideal = !options.pulses && !options.shapedSequence;
  if (ideal && components === LIVER_COMPONENTS && isDefaultProtocol(protocol)) return defaultLiverBasis();
  return simulateBasis(protocol, components, options);
}

/** True when `p` samples and times exactly like DEFAULT_PROTOCOL. */
export function isDefaultProtocol(p: Protocol): boolean {
  const d = DEFAULT_PROTOCOL;
  if (
    p.points !== d.points ||
    Math.abs(p.dwellTime - d.dwellTime) > 1e-15 ||
    p.spectrometerFrequency !== d.spectrometerFrequency ||
    p.ppmReference !== d.ppmReference
  ) {
    return false;
  }
  const a = resolveTiming(p);
  const b = resolveTiming(d);
  return a.sequence === b.sequence && Math.abs(a.te1 - b.te1) < 1e-12 && Math.abs(a.te2 - b.te2) < 1e-12;
}

function cloneBasis(b: BasisSet): BasisSet {
  return {
    ...b,
    names: [...b.names],
    fids: b.fids.map((f) => Float64Array.from(f)),
    components: b.components ? structuredClone(b.components) : undefined,
    meta: b.meta ? structuredClone(b.meta) : undefined,
  };
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
