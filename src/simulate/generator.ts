import type { BasisSet } from '../core/basis.js';
import { InputError } from '../core/errors.js';
import { Rng } from '../core/random.js';
import { type ComponentClass, GroupSampler } from './cohort-sampler.js';
import { checkCohortComponents } from './cohort-checks.js';
import type { Cohort } from './cohort-schema.js';
import { ParameterLayout } from './parameters.js';
import {
  applyDistortionToRow,
  type Distortion,
  DistortionApplier,
  drawDistortion,
  type Realism,
} from './realism.js';
import { SignalModel, type SynthesisResult } from './signal-model.js';

/**
 * Cohort + basis -> spectra. Spectrum `index` of group `g` under master seed `seed` depends on nothing else:
 * its parameters come from Rng.stream(groupSeed(seed, g), index) and its noise from a second stream of the same
 * index, so results are the same however the work is split between threads or batches, and a spectrum can be
 * re-synthesised exactly from its truth.csv row (the row has every parameter; the noise stream is fixed by
 * seed, group and index).
 */
export class SpectrumGenerator {
  readonly cohort: Cohort;
  readonly groups: readonly string[];
  readonly layout: ParameterLayout;
  readonly model: SignalModel;
  readonly samplers: readonly GroupSampler[];
  /** Distortions beyond the cohort's nuisance model (realism.ts), when simulating like real scanner data. */
  readonly realism?: Realism;
  private readonly applier?: DistortionApplier;

  constructor(
    cohort: Cohort,
    basis: BasisSet,
    opts: { groups?: readonly string[]; file?: string; realism?: Realism } = {},
  ) {
    const file = opts.file ?? cohort.name;
    this.cohort = cohort;
    const all = Object.keys(cohort.groups);
    const groups = opts.groups ?? all;
    for (const g of groups) {
      if (!all.includes(g)) {
        throw new InputError(`no group '${g}'`, {
          file,
          field: 'groups',
          expected: `one of ${all.join(', ')}`,
        });
      }
    }
    this.groups = [...groups];
    const grid = basisOnProtocol(basis, cohort, file);
    checkCohortComponents(cohort, grid.names, file);
    this.layout = new ParameterLayout(grid.names, cohort.model.baseline.knotsPpm.length);
    this.model = new SignalModel(grid, this.layout, cohort.model);
    const classOf = componentClassifier(grid);
    this.samplers = this.groups.map(
      (g) => new GroupSampler(cohort.groups[g], this.layout, classOf, `groups.${g}`),
    );
    if (opts.realism) {
      this.realism = opts.realism;
      this.applier = new DistortionApplier(
        opts.realism.lineshapes,
        grid.points,
        grid.dwellTime,
        grid.spectrometerFrequency,
        grid.ppmReference,
      );
    }
  }

  get points(): number {
    return this.model.points;
  }

  /** Draws the parameters of spectrum `index` of group number `group` (index into `groups`). */
  sampleParameters(seed: number, group: number, index: number, row: Float64Array, offset = 0): void {
    this.samplers[group].sample(Rng.stream(groupSeed(seed, this.groups[group]), index), row, offset);
  }

  /** Draws and synthesises one spectrum into `target` (see SynthesisTarget). */
  generate(id: SpectrumId, row: Float64Array, offset: number, target: SynthesisTarget): SynthesisResult {
    this.sampleParameters(id.seed, id.group, id.index, row, offset);
    const d = this.distortionOf(id, row, offset);
    if (d) applyDistortionToRow(d, this.layout, row, offset, this.l13Area());
    return this.synthesizeWith(id, row, offset, target, d);
  }

  /**
   * Synthesises from a given parameter row (e.g. a truth.csv row), with the noise of that spectrum (and, with
   * realism, its distortions: the row already holds their shift, phases and water).
   */
  synthesize(id: SpectrumId, row: Float64Array, offset: number, target: SynthesisTarget): SynthesisResult {
    return this.synthesizeWith(id, row, offset, target, this.distortionOf(id, row, offset));
  }

  /** The distortions of spectrum `id` (undefined without realism): drawn from a stream of their own. */
  distortionOf(id: SpectrumId, row: Float64Array, offset: number): Distortion | undefined {
    if (!this.realism) return undefined;
    const rng = Rng.stream(realismSeed(id.seed, this.groups[id.group]), id.index);
    return drawDistortion(this.realism, rng, row[offset + this.layout.gauss]);
  }

  private l13Area(): number {
    const k = this.model.l13Index;
    return k >= 0 ? this.model.componentArea(k) : 0;
  }

  private synthesizeWith(
    id: SpectrumId,
    row: Float64Array,
    offset: number,
    target: SynthesisTarget,
    d: Distortion | undefined,
  ): SynthesisResult {
    const noise =
      target.noise === false ? null : Rng.stream(noiseSeed(id.seed, this.groups[id.group]), id.index);
    const applied = d && this.applier ? { d, applier: this.applier } : undefined;
    return this.model.synthesize(row, offset, noise, target.fd, target.td, target.bins, applied);
  }
}

/** What identifies a spectrum: master seed, group number (index into the generator's groups), number in it. */
export interface SpectrumId {
  seed: number;
  group: number;
  index: number;
}

/** Where a synthesised spectrum goes: see SignalModel.synthesize. */
export interface SynthesisTarget {
  /** Frequency domain, fftshift order, interleaved complex. */
  fd: Float64Array | Float32Array;
  /** Time domain (the inverse transform of fd), if wanted. */
  td?: Float64Array | Float32Array;
  /** false: no noise (default true). */
  noise?: boolean;
  /** Only these bins of fd (training windows); ignored when td is wanted. */
  bins?: { first: number; length: number };
}

/** The seed of a group's parameter streams: a hash of the master seed and the group name. */
export function groupSeed(seed: number, group: string): number {
  let h = 0x811c9dc5; // FNV-1a over the name
  for (let i = 0; i < group.length; i++) h = Math.imul(h ^ group.charCodeAt(i), 0x01000193);
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 2 ** 32) >>> 0;
  return mix32(mix32(lo ^ 0x3c6ef372) ^ mix32(hi + 0x7f4a7c15) ^ h) >>> 0;
}

function noiseSeed(seed: number, group: string): number {
  return mix32(groupSeed(seed, group) ^ 0x5bd1e995) >>> 0;
}

function realismSeed(seed: number, group: string): number {
  return mix32(groupSeed(seed, group) ^ 0x2545f491) >>> 0;
}

function mix32(z: number): number {
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Lipid or metabolite: the basis' own `group` tag if it has one, else the lipid naming used here (L09 ...). */
export function componentClassifier(basis?: BasisSet): (name: string) => ComponentClass {
  return (name) => {
    const tag = basis?.components?.[name]?.group;
    if (tag) return tag === 'lipid' ? 'lipid' : 'metabolite';
    return /^(L\d\d|Lip|MM)/.test(name) ? 'lipid' : 'metabolite';
  };
}

/** The basis cut to the cohort's protocol grid, after checking that they agree. */
export function basisOnProtocol(basis: BasisSet, cohort: Cohort, file = cohort.name): BasisSet {
  const p = cohort.protocol;
  const dwell = 1 / p.spectralWidth;
  if (Math.abs(basis.dwellTime - dwell) > 1e-6 * dwell) {
    throw new InputError(`the basis has a spectral width of ${(1 / basis.dwellTime).toFixed(3)} Hz`, {
      file,
      field: 'protocol.spectralWidth',
      expected: `the basis' spectral width (or a basis made for ${p.spectralWidth} Hz)`,
    });
  }
  if (Math.abs(basis.spectrometerFrequency - p.spectrometerFrequency) > 1e-4 * p.spectrometerFrequency) {
    throw new InputError(`the basis is for ${basis.spectrometerFrequency} MHz`, {
      file,
      field: 'protocol.spectrometerFrequency',
      expected: `${basis.spectrometerFrequency} MHz (the basis' frequency)`,
    });
  }
  if (basis.points < p.points) {
    throw new InputError(`the basis has ${basis.points} points`, {
      file,
      field: 'protocol.points',
      expected: `at most ${basis.points} points (the basis' length)`,
    });
  }
  if (Math.abs(basis.ppmReference - p.ppmReference) > 1e-9) {
    throw new InputError(`the basis is referenced to ${basis.ppmReference} ppm`, {
      file,
      field: 'protocol.ppmReference',
      expected: `${basis.ppmReference} (the basis' reference)`,
    });
  }
  return { ...basis, points: p.points, fids: basis.fids.map((f) => f.subarray(0, 2 * p.points)) };
}
