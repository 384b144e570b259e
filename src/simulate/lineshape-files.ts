import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../core/errors.js';
import type { Lineshape } from '../spectra/lineshape.js';
import { type Realism, type RealismLevel, realismConfig } from './realism.js';

/**
 * The Node edge of the measured lineshapes: data/lineshapes.json (made by scripts/make-lineshapes.mjs from the
 * real water references of test/extdata). Entries marked heldOut are for the robustness benchmark only: training
 * never sees them.
 */
interface LineshapeFile {
  format: 'livermrs-lineshapes';
  version: 1;
  lineshapes: (Lineshape & { heldOut: boolean })[];
}

let cached: LineshapeFile | undefined;

function lineshapeFile(): LineshapeFile {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'data', 'lineshapes.json');
    if (existsSync(candidate)) {
      const parsed = JSON.parse(readFileSync(candidate, 'utf8')) as LineshapeFile;
      if (parsed.format !== 'livermrs-lineshapes' || !Array.isArray(parsed.lineshapes)) {
        throw new InputError('not a lineshape library', {
          file: candidate,
          field: 'format',
          expected: 'livermrs-lineshapes',
        });
      }
      cached = parsed;
      return parsed;
    }
    dir = dirname(dir);
  }
  throw new InputError('built-in lineshapes not found', {
    file: 'data/lineshapes.json',
    expected: 'the package data folder',
  });
}

/** The built-in measured lineshapes: for training (default) or the held-out ones. */
export function builtinLineshapes(which: 'training' | 'held-out' = 'training'): Lineshape[] {
  return lineshapeFile()
    .lineshapes.filter((l) => l.heldOut === (which === 'held-out'))
    .map(({ heldOut: _, ...l }) => l);
}

/**
 * A realism level with the held-out measured lineshapes (undefined for 'none'): what a test set is rendered with
 * (the study's `--realism`, bench robustness), so that it holds lineshapes no network was trained on.
 */
export function heldOutRealism(level: RealismLevel): Realism | undefined {
  if (level === 'none') return undefined;
  return { config: realismConfig(level), lineshapes: builtinLineshapes('held-out') };
}

/** A realism level with the built-in training lineshapes (undefined for 'none'). */
export function trainingRealism(level: RealismLevel, extra: Lineshape[] = []): Realism | undefined {
  if (level === 'none') return undefined;
  return { config: realismConfig(level), lineshapes: [...builtinLineshapes('training'), ...extra] };
}
