import type { BasisSet } from '../core/basis.js';
import type { Cohort } from '../simulate/cohort-schema.js';
import { SpectrumGenerator } from '../simulate/generator.js';
import { heldOutRealism } from '../simulate/lineshape-files.js';
import {
  drawPatients,
  type Patient,
  type RepeatResult,
  repeatSeed,
  runRepeat,
  type StudyEvent,
  type StudySettings,
} from './virtual-study.js';

/**
 * Runs the repeats of a study one after the other. Virtual study: repeat r draws fresh patients from the truth
 * cohort with its own seed. Real spectra (manifest): one repeat on the given patients. `done` holds repeats
 * already computed (resumed runs); `onRepeat` sees each new result as soon as it exists, so a long run can be
 * saved repeat by repeat.
 */
export interface StudyRunOptions {
  settings: StudySettings;
  template: Cohort;
  basis: BasisSet;
  truth?: Cohort;
  /** Real patients (manifest mode). */
  patients?: Patient[];
  done?: RepeatResult[];
  onRepeat?: (r: RepeatResult, all: RepeatResult[]) => void | Promise<void>;
  onEvent?: (e: StudyEvent) => void;
  signal?: AbortSignal;
  /**
   * Run only shard `index` (1-based) of `count`: repeats r with (r − 1) mod count = index − 1. Each repeat keeps
   * its own seed (repeatSeed(seed, r)) and patients, so shards run anywhere and merge into the same results.
   */
  shard?: { index: number; count: number };
}

/** True when repeat r belongs to the shard (always without one). */
export function inShard(r: number, shard?: { index: number; count: number }): boolean {
  return !shard || (r - 1) % shard.count === shard.index - 1;
}

export async function runStudy(o: StudyRunOptions): Promise<RepeatResult[]> {
  const s = o.settings;
  const components = o.basis.names;
  const generator = o.truth
    ? new SpectrumGenerator(o.truth, o.basis, { groups: s.design.groups })
    : undefined;
  // The test patients rendered with the realism gap (same parameters and noise as without it).
  const level = s.realism ?? 'none';
  const testGenerator =
    o.truth && level !== 'none'
      ? new SpectrumGenerator(o.truth, o.basis, { groups: s.design.groups, realism: heldOutRealism(level) })
      : undefined;
  const results = [...(o.done ?? [])].sort((a, b) => a.repeat - b.repeat);
  const repeats = o.patients ? 1 : s.repeats;
  // One spectral-bound cCNN per run (virtual studies), seeded from the master seed.
  const bound = { seed: repeatSeed(s.seed, 0) + 3 };
  for (let r = 1; r <= repeats; r++) {
    if (results.some((x) => x.repeat === r) || !inShard(r, o.shard)) continue;
    const seed = repeatSeed(s.seed, r);
    const patients =
      o.patients ?? drawPatients(generator as SpectrumGenerator, s.design, seed, testGenerator);
    const result = await runRepeat(
      {
        template: o.template,
        basis: o.basis,
        components,
        truth: o.truth && generator ? { cohort: o.truth, generator } : undefined,
        onEvent: o.onEvent,
        signal: o.signal,
        keepNetworks: 1,
        bound,
      },
      s,
      patients,
      r,
      seed,
    );
    results.push(result);
    await o.onRepeat?.(result, results);
  }
  return results;
}
